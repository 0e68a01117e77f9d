"""PLACEHOLDER: creation (being written)."""

def arange(*args, **kwargs):
    raise NotImplementedError('creation.arange is not written yet')


def full(*args, **kwargs):
    raise NotImplementedError('creation.full is not written yet')


def manual_seed(*args, **kwargs):
    raise NotImplementedError('creation.manual_seed is not written yet')


def ones(*args, **kwargs):
    raise NotImplementedError('creation.ones is not written yet')


def ones_like(*args, **kwargs):
    raise NotImplementedError('creation.ones_like is not written yet')


def randn(*args, **kwargs):
    raise NotImplementedError('creation.randn is not written yet')


def tensor(*args, **kwargs):
    raise NotImplementedError('creation.tensor is not written yet')


def zeros(*args, **kwargs):
    raise NotImplementedError('creation.zeros is not written yet')


def zeros_like(*args, **kwargs):
    raise NotImplementedError('creation.zeros_like is not written yet')


