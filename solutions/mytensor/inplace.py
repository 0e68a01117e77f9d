"""PLACEHOLDER: inplace (being written)."""

def iadd(*args, **kwargs):
    raise NotImplementedError('inplace.iadd is not written yet')


def isub(*args, **kwargs):
    raise NotImplementedError('inplace.isub is not written yet')


def imul(*args, **kwargs):
    raise NotImplementedError('inplace.imul is not written yet')


def itruediv(*args, **kwargs):
    raise NotImplementedError('inplace.itruediv is not written yet')


def add_(*args, **kwargs):
    raise NotImplementedError('inplace.add_ is not written yet')


def sub_(*args, **kwargs):
    raise NotImplementedError('inplace.sub_ is not written yet')


def mul_(*args, **kwargs):
    raise NotImplementedError('inplace.mul_ is not written yet')


def div_(*args, **kwargs):
    raise NotImplementedError('inplace.div_ is not written yet')


def zero_(*args, **kwargs):
    raise NotImplementedError('inplace.zero_ is not written yet')


def fill_(*args, **kwargs):
    raise NotImplementedError('inplace.fill_ is not written yet')


def copy_(*args, **kwargs):
    raise NotImplementedError('inplace.copy_ is not written yet')


