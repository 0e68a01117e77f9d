"""PLACEHOLDER: broadcasting (being written)."""

def broadcast_shapes(*args, **kwargs):
    raise NotImplementedError('broadcasting.broadcast_shapes is not written yet')


def expand(*args, **kwargs):
    raise NotImplementedError('broadcasting.expand is not written yet')


def expand_as(*args, **kwargs):
    raise NotImplementedError('broadcasting.expand_as is not written yet')


