"""PLACEHOLDER: promotion (being written)."""

def result_type(*args, **kwargs):
    raise NotImplementedError('promotion.result_type is not written yet')


def can_cast(*args, **kwargs):
    raise NotImplementedError('promotion.can_cast is not written yet')


