"""PLACEHOLDER: indexing (being written)."""

def getitem(*args, **kwargs):
    raise NotImplementedError('indexing.getitem is not written yet')


def setitem(*args, **kwargs):
    raise NotImplementedError('indexing.setitem is not written yet')


