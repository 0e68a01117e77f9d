"""PLACEHOLDER: interop (being written)."""

def numpy(*args, **kwargs):
    raise NotImplementedError('interop.numpy is not written yet')


def item(*args, **kwargs):
    raise NotImplementedError('interop.item is not written yet')


def tolist(*args, **kwargs):
    raise NotImplementedError('interop.tolist is not written yet')


def to(*args, **kwargs):
    raise NotImplementedError('interop.to is not written yet')


def to_float(*args, **kwargs):
    raise NotImplementedError('interop.to_float is not written yet')


def to_double(*args, **kwargs):
    raise NotImplementedError('interop.to_double is not written yet')


def to_long(*args, **kwargs):
    raise NotImplementedError('interop.to_long is not written yet')


def to_int(*args, **kwargs):
    raise NotImplementedError('interop.to_int is not written yet')


def to_bool(*args, **kwargs):
    raise NotImplementedError('interop.to_bool is not written yet')


def float_scalar(*args, **kwargs):
    raise NotImplementedError('interop.float_scalar is not written yet')


def int_scalar(*args, **kwargs):
    raise NotImplementedError('interop.int_scalar is not written yet')


def bool_scalar(*args, **kwargs):
    raise NotImplementedError('interop.bool_scalar is not written yet')


def index_scalar(*args, **kwargs):
    raise NotImplementedError('interop.index_scalar is not written yet')


def array_protocol(*args, **kwargs):
    raise NotImplementedError('interop.array_protocol is not written yet')


def from_numpy(*args, **kwargs):
    raise NotImplementedError('interop.from_numpy is not written yet')


