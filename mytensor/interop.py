"""Conversion to and from numpy arrays, Python scalars and other dtypes.

``numpy()`` and ``from_numpy()`` share memory: numpy counts strides in
bytes, mytensor in elements, and the conversion is just that change of unit.
"""

import operator

import numpy as np

from . import _dtypes, _layout, autograd
from . import _tensor as tensor_module


def numpy(self):
    """Return an ndarray that shares memory with ``self``, views included.

    Raises
    ------
    RuntimeError
        When ``self`` requires grad, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> X = mytensor.arange(6).reshape(2, 3)
    >>> A = X.t().numpy()
    >>> A.strides
    (8, 24)
    >>> A[0, 1] = 100
    >>> X[1, 0].item()
    100
    """
    if self.requires_grad:
        raise RuntimeError(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
        )
    return _shared_array(self)


def _shared_array(t):
    """Return a numpy array that shows ``t``'s elements from its own storage.

    Parameters
    ----------
    t : Tensor
        Any layout: ``t._storage`` (1-D numpy array), ``t._shape``,
        ``t._strides`` and ``t._offset`` (both counted in elements).

    Returns
    -------
    numpy.ndarray
        Of ``t``'s shape and numpy dtype, whose strides are ``t``'s in bytes;
        a write into it changes ``t``. A tensor with no elements may give a
        new empty array.
    """
    # Task 6.1: an ndarray over the same memory (element strides -> byte strides)
    raise NotImplementedError("Task 6.1: an ndarray over the same memory (element strides -> byte strides) (replace this raise in mytensor/interop.py: _shared_array; see x6_conversion.ipynb)")


def _check_numpy(array):
    """Raise torch's errors for arrays ``from_numpy`` cannot share."""
    if not isinstance(array, np.ndarray):
        kind = type(array)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"expected np.ndarray (got {name})")
    if not array.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion "
            "between byte orders is currently not supported."
        )
    if min(array.strides, default=0) < 0:
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) "
        )
    if any(s % array.itemsize for s in array.strides):
        raise ValueError(
            "given numpy array strides not a multiple of the element byte size. Copy the numpy "
            "array to reallocate the memory."
        )


def from_numpy(array):
    """Return a tensor that shares memory with the ndarray ``array``.

    Parameters
    ----------
    array : numpy.ndarray
        Of a supported dtype, native byte order, with non-negative strides.

    Returns
    -------
    Tensor
        Writes through either one are seen by the other.

    Raises
    ------
    TypeError, ValueError
        For unsupported input, in torch's words.

    Examples
    --------
    >>> import numpy as np
    >>> import mytensor
    >>> a = np.arange(12).reshape(3, 4)
    >>> t = mytensor.from_numpy(a[:, ::2])
    >>> t.stride()
    (4, 2)
    >>> a[0, 0] = 7
    >>> t[0, 0].item()
    7
    """
    _check_numpy(array)
    dtype = _dtypes.from_numpy_type(array.dtype)
    return _shared_tensor(array, dtype)


def _shared_tensor(array, dtype):
    """Return a Tensor whose storage is ``array``'s memory.

    Parameters
    ----------
    array : numpy.ndarray
        Checked by ``_check_numpy``: strides are non-negative multiples of
        the item size.
    dtype : mytensor.dtype
        The dtype matching ``array.dtype``.

    Returns
    -------
    Tensor
        Its storage starts at ``array``'s first element (``storage_offset()``
        is 0, as in torch) and spans every element the strides reach; its
        strides are ``array``'s in elements, an empty array's included (its
        storage is then empty).
    """
    # Task 6.2: share the memory (byte strides -> element strides)
    raise NotImplementedError("Task 6.2: share the memory (byte strides -> element strides) (replace this raise in mytensor/interop.py: _shared_tensor; see x6_conversion.ipynb)")


def item(self):
    """Return the one element of ``self`` as a Python scalar.

    Raises
    ------
    RuntimeError
        When ``self`` has more or fewer than one element, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([3.5]).item()
    3.5
    >>> mytensor.zeros(2).item()
    Traceback (most recent call last):
    ...
    RuntimeError: a Tensor with 2 elements cannot be converted to Scalar
    """
    # Task 6.3: the one element as a Python scalar
    raise NotImplementedError("Task 6.3: the one element as a Python scalar (replace this raise in mytensor/interop.py: item; see x6_conversion.ipynb)")


def float_scalar(self):
    """``float(t)`` for a tensor of one element.

    Examples
    --------
    >>> import mytensor
    >>> float(mytensor.tensor([3])), int(mytensor.tensor([-3.9]))
    (3.0, -3)
    """
    # Task 6.3: the one element as a Python scalar
    raise NotImplementedError("Task 6.3: the one element as a Python scalar (replace this raise in mytensor/interop.py: float_scalar; see x6_conversion.ipynb)")


def int_scalar(self):
    """``int(t)`` for a tensor of one element; a float is truncated."""
    # Task 6.3: the one element as a Python scalar
    raise NotImplementedError("Task 6.3: the one element as a Python scalar (replace this raise in mytensor/interop.py: int_scalar; see x6_conversion.ipynb)")


def bool_scalar(self):
    """``bool(t)`` (and ``if t:``) for a tensor of one element.

    Examples
    --------
    >>> import mytensor
    >>> bool(mytensor.tensor([0.5]))
    True
    >>> bool(mytensor.zeros(2))
    Traceback (most recent call last):
    ...
    RuntimeError: Boolean value of Tensor with more than one value is ambiguous
    """
    count = self.numel()
    if count != 1:
        which = "no values" if count == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
    return bool(item(self))


def index_scalar(self):
    """``operator.index(t)``: a tensor used as an index (one integer element).

    Examples
    --------
    >>> import mytensor
    >>> [10, 20, 30][mytensor.tensor(2)]
    30
    """
    if self.dtype.is_floating_point or self.numel() != 1:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return operator.index(item(self))


def tolist(self):
    """Return the elements as nested Python lists (a scalar for a 0-d tensor).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(4).reshape(2, 2).t().tolist()
    [[0, 2], [1, 3]]
    """
    return self._array().tolist()


def to(self, dtype):
    """Return ``self`` converted to ``dtype``; ``self`` itself if it already is.

    A float result keeps the gradient flowing (``ToCopyBackward0``); an
    integer or bool result does not require grad.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(3)
    >>> x.to(mytensor.int64) is x
    True
    >>> x.to(mytensor.float32).tolist()
    [0.0, 1.0, 2.0]
    """
    if isinstance(dtype, str) or dtype is self.dtype:
        return self
    values = self._array().astype(dtype.numpy_type)
    strides = _layout.dense_strides(self._shape, self._strides)  # a copy keeps the memory order, as clone's
    out = tensor_module.Tensor._laid_out(values, strides)
    if dtype.is_floating_point:
        source = self._storage.dtype
        autograd.record(out, "ToCopyBackward0", (self,), lambda g: (g.astype(source),), saves=False)
    return out


def to_float(self):
    """``t.float()``: convert to float32.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(2).float().dtype
    mytensor.float32
    """
    return to(self, _dtypes.float32)


def to_double(self):
    """``t.double()``: convert to float64.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]).double()
    tensor([1., 2.], dtype=mytensor.float64)
    """
    return to(self, _dtypes.float64)


def to_long(self):
    """``t.long()``: convert to int64, truncating floats towards zero.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1.5, -1.5]).long().tolist()
    [1, -1]
    """
    return to(self, _dtypes.int64)


def to_int(self):
    """``t.int()``: convert to int32.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1.5, -2.5]).int()
    tensor([ 1, -2], dtype=mytensor.int32)
    """
    return to(self, _dtypes.int32)


def to_bool(self):
    """``t.bool()``: convert to bool (nonzero is True).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([0.0, 2.0]).bool()
    tensor([False,  True])
    """
    return to(self, _dtypes.bool_)


def array_protocol(self, dtype=None, copy=None):
    """``np.asarray(t)``: the elements as an ndarray (shared unless a copy is asked).

    Examples
    --------
    >>> import numpy as np
    >>> import mytensor
    >>> np.asarray(mytensor.arange(3), dtype=np.float32)
    array([0., 1., 2.], dtype=float32)
    """
    array = numpy(self)
    if dtype is not None and np.dtype(dtype) != array.dtype:
        return array.astype(dtype)
    return array.copy() if copy else array
