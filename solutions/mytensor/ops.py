"""PLACEHOLDER: ops (being written)."""

def add(*args, **kwargs):
    raise NotImplementedError('ops.add is not written yet')


def radd(*args, **kwargs):
    raise NotImplementedError('ops.radd is not written yet')


def sub(*args, **kwargs):
    raise NotImplementedError('ops.sub is not written yet')


def rsub(*args, **kwargs):
    raise NotImplementedError('ops.rsub is not written yet')


def mul(*args, **kwargs):
    raise NotImplementedError('ops.mul is not written yet')


def rmul(*args, **kwargs):
    raise NotImplementedError('ops.rmul is not written yet')


def div(*args, **kwargs):
    raise NotImplementedError('ops.div is not written yet')


def rdiv(*args, **kwargs):
    raise NotImplementedError('ops.rdiv is not written yet')


def pow(*args, **kwargs):
    raise NotImplementedError('ops.pow is not written yet')


def rpow(*args, **kwargs):
    raise NotImplementedError('ops.rpow is not written yet')


def neg(*args, **kwargs):
    raise NotImplementedError('ops.neg is not written yet')


def exp(*args, **kwargs):
    raise NotImplementedError('ops.exp is not written yet')


def eq(*args, **kwargs):
    raise NotImplementedError('ops.eq is not written yet')


def ne(*args, **kwargs):
    raise NotImplementedError('ops.ne is not written yet')


def lt(*args, **kwargs):
    raise NotImplementedError('ops.lt is not written yet')


def le(*args, **kwargs):
    raise NotImplementedError('ops.le is not written yet')


def gt(*args, **kwargs):
    raise NotImplementedError('ops.gt is not written yet')


def ge(*args, **kwargs):
    raise NotImplementedError('ops.ge is not written yet')


