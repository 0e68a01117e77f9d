"""``mytensor.nn``: only its ``functional`` namespace, as in ``torch.nn.functional``.

Examples
--------
>>> import mytensor
>>> mytensor.nn.functional.relu(mytensor.tensor([-1.0, 1.0]))
tensor([0., 1.])
"""

from . import functional

__all__ = ["functional"]
