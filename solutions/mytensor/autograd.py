"""PLACEHOLDER: autograd (being written)."""

def get_requires_grad(*args, **kwargs):
    raise NotImplementedError('autograd.get_requires_grad is not written yet')


def set_requires_grad(*args, **kwargs):
    raise NotImplementedError('autograd.set_requires_grad is not written yet')


def requires_grad_(*args, **kwargs):
    raise NotImplementedError('autograd.requires_grad_ is not written yet')


def is_leaf(*args, **kwargs):
    raise NotImplementedError('autograd.is_leaf is not written yet')


def backward(*args, **kwargs):
    raise NotImplementedError('autograd.backward is not written yet')


def detach(*args, **kwargs):
    raise NotImplementedError('autograd.detach is not written yet')


def detach_(*args, **kwargs):
    raise NotImplementedError('autograd.detach_ is not written yet')


def retain_grad(*args, **kwargs):
    raise NotImplementedError('autograd.retain_grad is not written yet')


def record(*args, **kwargs):
    raise NotImplementedError('autograd.record is not written yet')


def no_grad(*args, **kwargs):
    raise NotImplementedError('autograd.no_grad is not written yet')


