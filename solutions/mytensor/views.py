"""PLACEHOLDER: views (being written)."""

def contiguous(*args, **kwargs):
    raise NotImplementedError('views.contiguous is not written yet')


def view(*args, **kwargs):
    raise NotImplementedError('views.view is not written yet')


def reshape(*args, **kwargs):
    raise NotImplementedError('views.reshape is not written yet')


def transpose(*args, **kwargs):
    raise NotImplementedError('views.transpose is not written yet')


def permute(*args, **kwargs):
    raise NotImplementedError('views.permute is not written yet')


def t(*args, **kwargs):
    raise NotImplementedError('views.t is not written yet')


def T(*args, **kwargs):
    raise NotImplementedError('views.T is not written yet')


def clone(*args, **kwargs):
    raise NotImplementedError('views.clone is not written yet')


