"""Type promotion: which dtype the result of an operation gets, as in torch.

Dtypes fall into three categories, ``bool < integer < floating``. Operands fall
into three priority tiers: tensors with at least one dimension, 0-d tensors,
and Python scalars. Each tier is promoted on its own (within a category the
wider dtype wins); a lower tier only matters when its category is higher than
the result of the tiers above it. Python scalars have no width of their own:
a ``float`` counts as the default float dtype (``float32``), an ``int`` as
``int64``, a ``bool`` as ``bool``.
"""

from . import _dtypes, _tensor

# Within the workbook's six dtypes, promoting two dtypes gives the later of the
# two in this order: every integer fits a float, and wider beats narrower.
_ORDER = _dtypes.ALL
_RANK = {d: i for i, d in enumerate(_ORDER)}


def category(dtype):
    """Return the category of ``dtype``: 0 for bool, 1 for integers, 2 for floats.

    Examples
    --------
    >>> import mytensor
    >>> category(mytensor.bool), category(mytensor.int16), category(mytensor.float64)
    (0, 1, 2)
    """
    if dtype.is_floating_point:
        return 2
    return 0 if dtype is _dtypes.bool_ else 1


def promote_types(a, b):
    """Return the smallest dtype that holds both ``a`` and ``b`` (torch.promote_types).

    Examples
    --------
    >>> import mytensor
    >>> promote_types(mytensor.int64, mytensor.float32)
    mytensor.float32
    >>> promote_types(mytensor.bool, mytensor.int16)
    mytensor.int16
    """
    return a if _RANK[a] >= _RANK[b] else b


def _tier_and_dtype(operand):
    """Return ``(tier, dtype)``: tier 2 for dimensioned tensors, 1 for 0-d, 0 for scalars."""
    if isinstance(operand, _tensor.Tensor):
        return (2 if operand._shape else 1), operand.dtype
    if isinstance(operand, bool):  # before int: bool is a subclass of int
        return 0, _dtypes.bool_
    return 0, (_dtypes.DEFAULT_INT if isinstance(operand, int) else _dtypes.DEFAULT_FLOAT)


def result_type(*operands):
    """Return the dtype torch gives the result of an operation on ``operands``.

    Parameters
    ----------
    *operands : Tensor, bool, int or float
        The inputs of the operation (usually two).

    Returns
    -------
    dtype

    Examples
    --------
    >>> import numpy as np
    >>> import mytensor
    >>> short = mytensor.Tensor._wrap(np.ones(3, dtype=np.int16))
    >>> result_type(short, 1), result_type(short, 1.5)
    (mytensor.int16, mytensor.float32)
    >>> result_type(short, mytensor.Tensor._wrap(np.array(2.0)))
    mytensor.float64
    """
    # Task 3.1: torch's type promotion with tiers (tensors, 0-d tensors, scalars)
    raise NotImplementedError("Task 3.1: torch's type promotion with tiers (tensors, 0-d tensors, scalars) (replace this raise in mytensor/promotion.py: result_type; see x3_operations.ipynb)")


def can_cast(from_dtype, to_dtype):
    """Return True if a result of ``from_dtype`` may be written into ``to_dtype``.

    This is torch's rule for in-place operations: a cast may not lower the
    category (float to integer, or anything but bool to bool).

    Examples
    --------
    >>> import mytensor
    >>> can_cast(mytensor.float64, mytensor.float32), can_cast(mytensor.float32, mytensor.int64)
    (True, False)
    >>> can_cast(mytensor.int16, mytensor.bool)
    False
    """
    return category(from_dtype) <= category(to_dtype)
