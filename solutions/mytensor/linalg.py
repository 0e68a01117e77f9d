"""PLACEHOLDER: linalg (being written)."""

def dot(*args, **kwargs):
    raise NotImplementedError('linalg.dot is not written yet')


def mv(*args, **kwargs):
    raise NotImplementedError('linalg.mv is not written yet')


def mm(*args, **kwargs):
    raise NotImplementedError('linalg.mm is not written yet')


def matmul(*args, **kwargs):
    raise NotImplementedError('linalg.matmul is not written yet')


def rmatmul(*args, **kwargs):
    raise NotImplementedError('linalg.rmatmul is not written yet')


