"""mytensor: a small tensor and autograd library on numpy, built to behave like torch.

The workbook's notebooks (x.1 to x.9) compare every function here with torch.
"""

# _tensor.py imports every topic module, so it loads first; the topic modules
# reach the class as ``tensor.Tensor`` at call time.
from ._tensor import Tensor  # isort: skip
from ._dtypes import (
    bool_ as bool,
    dtype,
    float32,
    float64,
    get_default_dtype,
    int16,
    int32,
    int64,
)
from ._layout import Size
from .autograd import is_grad_enabled, no_grad
from .broadcasting import broadcast_shapes
from .creation import (
    arange,
    eye,
    full,
    full_like,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .interop import from_numpy
from .joining import cat, stack
from .linalg import dot, matmul, mm, mv, trace
from .ops import add, div, eq, exp, ge, gt, le, lt, mul, ne, neg, pow, sub
from .reductions import mean, sum
from .spacing import linspace
from .pointwise import abs, clamp, log, maximum, minimum, sigmoid, sqrt, tanh, where
from .reductions import all, any, argmax, argmin, max, min, return_types
from .views import clone, flatten, permute, reshape, squeeze, transpose, unsqueeze

# --- x.9 training: relu, the losses (mytensor.nn.functional) and SGD (mytensor.optim) ---
from . import functional, nn, optim  # noqa: E402  (after _tensor, which they use)
from .functional import relu  # noqa: E402

float = float32
double = float64
short = int16
int = int32
long = int64

# Shown as mytensor.Tensor (like torch.Tensor), e.g. by type(t) in a notebook.
Tensor.__module__ = "mytensor"


def is_tensor(obj):
    """Return True if ``obj`` is a mytensor Tensor.

    Examples
    --------
    >>> import mytensor
    >>> is_tensor(mytensor.zeros(2)), is_tensor([0.0, 0.0])
    (True, False)
    """
    return isinstance(obj, Tensor)
