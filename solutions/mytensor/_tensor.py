"""The Tensor class: a flat numpy buffer seen through shape, strides and offset.

A tensor never owns a multi-dimensional array. It holds

* ``_storage``: a one-dimensional numpy array, shared by every view of it;
* ``_shape`` and ``_strides``: tuples, the strides counted in elements;
* ``_offset``: where element ``[0, 0, ...]`` sits in the storage.

Element ``[i0, i1, ...]`` lives at ``_offset + i0 * _strides[0] + i1 * _strides[1] + ...``.
Views (slices, transposes, reshapes that need no copy) make a new Tensor over
the same storage, so a write through one is seen through all of them.

The methods here are thin: each delegates to the module that owns its topic.
"""

import numpy as np

from . import (
    _dtypes,
    _layout,
    _printing,
    autograd,
    broadcasting,
    creation,
    functional,
    indexing,
    inplace,
    interop,
    joining,
    linalg,
    ops,
    pointwise,
    reductions,
    views,
)


class Tensor:
    """A multi-dimensional array of one dtype, with torch's semantics.

    Tensors are made by the creation functions (``mytensor.tensor``,
    ``mytensor.arange``, ...), never by calling this class directly.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(12, dtype=mytensor.float32).reshape(3, 4)
    >>> x.shape
    mytensor.Size([3, 4])
    >>> x.stride()
    (4, 1)
    """

    __array_priority__ = 1000  # numpy defers to our reflected operators

    # Defaults every new tensor starts with; most tensors never set their own, and a
    # class attribute costs nothing per tensor.
    _requires_grad = False
    _numpy_view = None  # the layout never changes, so _array() computes it once

    def __init__(self, storage, shape, strides=None, offset=0):
        self._storage = storage
        self._shape = tuple(shape)
        self._strides = (
            _layout.contiguous_strides(self._shape) if strides is None else tuple(strides)
        )
        self._offset = offset
        self.grad = None
        self.grad_fn = None

    @classmethod
    def _wrap(cls, array):
        """A new contiguous tensor that owns ``array`` (copied if it must be)."""
        array = np.asarray(array, order="C")  # ascontiguousarray would make 0-d arrays 1-d
        t = cls(array.reshape(-1), array.shape)
        t._numpy_view = array
        return t

    @classmethod
    def _laid_out(cls, array, strides):
        """A new tensor holding the elements of ``array`` in a dense layout with ``strides``."""
        storage = np.empty(array.size, array.dtype)
        t = cls(storage, array.shape, strides)
        if array.size:
            t._numpy_view = _layout.strided(storage, array.shape, strides, 0)
            t._numpy_view[...] = array
        return t

    def _array(self):
        """The elements as a numpy view of the storage (no copy)."""
        if self._numpy_view is not None:
            return self._numpy_view
        storage = self._storage
        if 0 in self._shape:
            # An empty view may start past the end of its storage, as in torch.
            return np.empty(self._shape, storage.dtype)
        self._numpy_view = _layout.strided(storage, self._shape, self._strides, self._offset)
        return self._numpy_view

    def _view(self, shape, strides, offset):
        """A tensor over the same storage with another layout."""
        out = Tensor(self._storage, shape, strides, offset)
        out._is_view = True
        return out

    # --- layout -----------------------------------------------------------
    @property
    def shape(self):
        """The sizes of the dimensions, as a ``mytensor.Size``.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.zeros(3, 4).shape
        mytensor.Size([3, 4])
        """
        return _layout.Size(self._shape)

    def size(self, dim=None):
        """Return the shape, or the size of dimension ``dim`` (negative counts from the end).

        Examples
        --------
        >>> import mytensor
        >>> x = mytensor.zeros(3, 4)
        >>> x.size(), x.size(-1)
        (mytensor.Size([3, 4]), 4)
        """
        if dim is None:
            return self.shape
        return self._shape[_layout.normalize_dim(dim, len(self._shape))]

    @property
    def dtype(self):
        """The element type, e.g. ``mytensor.float32``.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.tensor([1, 2]).dtype
        mytensor.int64
        """
        found = _dtypes.BY_NUMPY.get(self._storage.dtype)  # read by nearly every op: one dict lookup
        return found if found is not None else _dtypes.from_numpy_type(self._storage.dtype)

    @property
    def ndim(self):
        """The number of dimensions (the same as ``dim()``).

        Examples
        --------
        >>> import mytensor
        >>> mytensor.zeros(2, 3, 4).ndim
        3
        """
        return len(self._shape)

    def dim(self):
        """Return the number of dimensions.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.tensor(3.5).dim()
        0
        """
        return len(self._shape)

    def numel(self):
        """Return the number of elements.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.arange(12).reshape(3, 4).numel()
        12
        """
        return _layout.numel(self._shape)

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def stride(self, dim=None):
        """Return the strides in elements, or the stride of dimension ``dim``.

        Stepping one place along dimension ``d`` moves ``stride(d)`` elements
        through the storage.

        Examples
        --------
        >>> import mytensor
        >>> x = mytensor.zeros(3, 4)
        >>> x.stride(), x.T.stride(), x.stride(0)
        ((4, 1), (1, 4), 4)
        """
        if dim is None:
            return self._strides
        return self._strides[_layout.normalize_dim(dim, len(self._shape))]

    def storage_offset(self):
        """Return where the first element sits in the storage, in elements.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.arange(12).reshape(3, 4)[1:].storage_offset()
        4
        """
        return self._offset

    def data_ptr(self):
        """Return the memory address of the first element.

        Two tensors over the same memory from the same first element share it;
        compare addresses with ``==`` rather than printing them.

        Examples
        --------
        >>> import mytensor
        >>> x = mytensor.zeros(3, 4)
        >>> x.view(12).data_ptr() == x.data_ptr(), x[1].data_ptr() == x.data_ptr()
        (True, False)
        """
        return self._storage.ctypes.data + self._offset * self._storage.itemsize

    def is_contiguous(self):
        """Return True when the elements lie in row-major order without gaps.

        Examples
        --------
        >>> import mytensor
        >>> x = mytensor.zeros(3, 4)
        >>> x.is_contiguous(), x.T.is_contiguous()
        (True, False)
        """
        return _layout.is_contiguous(self._shape, self._strides)

    def element_size(self):
        """Return the size of one element in bytes.

        Examples
        --------
        >>> import mytensor
        >>> mytensor.zeros(2, dtype=mytensor.int16).element_size()
        2
        """
        return self._storage.itemsize

    def is_floating_point(self):
        """Return True for a floating dtype (float32 or float64).

        Examples
        --------
        >>> import mytensor
        >>> mytensor.zeros(2).is_floating_point(), mytensor.arange(2).is_floating_point()
        (True, False)
        """
        return self.dtype.is_floating_point

    contiguous = views.contiguous
    view = views.view
    reshape = views.reshape
    transpose = views.transpose
    permute = views.permute
    t = views.t
    T = property(views.T)
    clone = views.clone
    expand = broadcasting.expand
    expand_as = broadcasting.expand_as

    # --- indexing ---------------------------------------------------------
    __getitem__ = indexing.getitem
    __setitem__ = indexing.setitem

    # --- arithmetic and comparison ------------------------------------------
    __add__ = ops.add
    __radd__ = ops.radd
    __sub__ = ops.sub
    __rsub__ = ops.rsub
    __mul__ = ops.mul
    __rmul__ = ops.rmul
    __truediv__ = ops.div
    __rtruediv__ = ops.rdiv
    __pow__ = ops.pow
    __rpow__ = ops.rpow
    __neg__ = ops.neg
    __matmul__ = linalg.matmul
    __rmatmul__ = linalg.rmatmul
    __eq__ = ops.eq
    __ne__ = ops.ne
    __lt__ = ops.lt
    __le__ = ops.le
    __gt__ = ops.gt
    __ge__ = ops.ge
    __hash__ = object.__hash__

    add = ops.add
    sub = ops.sub
    mul = ops.mul
    div = ops.div
    pow = ops.pow
    neg = ops.neg
    exp = ops.exp
    eq = ops.eq
    ne = ops.ne
    lt = ops.lt
    le = ops.le
    gt = ops.gt
    ge = ops.ge
    sum = reductions.sum
    mean = reductions.mean
    dot = linalg.dot
    mv = linalg.mv
    mm = linalg.mm
    matmul = linalg.matmul

    # --- in place ---------------------------------------------------------
    __iadd__ = inplace.iadd
    __isub__ = inplace.isub
    __imul__ = inplace.imul
    __itruediv__ = inplace.itruediv
    add_ = inplace.add_
    sub_ = inplace.sub_
    mul_ = inplace.mul_
    div_ = inplace.div_
    zero_ = inplace.zero_
    fill_ = inplace.fill_

    # --- conversion -------------------------------------------------------
    numpy = interop.numpy
    item = interop.item
    tolist = interop.tolist
    to = interop.to
    float = interop.to_float
    double = interop.to_double
    long = interop.to_long
    int = interop.to_int
    bool = interop.to_bool
    __float__ = interop.float_scalar
    __int__ = interop.int_scalar
    __bool__ = interop.bool_scalar
    __index__ = interop.index_scalar
    __array__ = interop.array_protocol

    # --- autograd ---------------------------------------------------------
    requires_grad = property(autograd.get_requires_grad, autograd.set_requires_grad)
    requires_grad_ = autograd.requires_grad_
    is_leaf = property(autograd.is_leaf)
    backward = autograd.backward
    detach = autograd.detach
    detach_ = autograd.detach_
    retain_grad = autograd.retain_grad

    # --- the autograd version counter (issue 11) ----------------------------
    _is_view = False  # set on the tensors ``_view`` makes
    _version = property(autograd.version)
    copy_ = inplace.copy_with_history

    # --- x.9 training ------------------------------------------------------
    relu = functional.relu

    # --- the first-hour torch surface (pointwise.py, reductions, shapes) -------
    abs = pointwise.abs
    sqrt = pointwise.sqrt
    log = pointwise.log
    sigmoid = pointwise.sigmoid
    tanh = pointwise.tanh
    clamp = pointwise.clamp
    where = pointwise.where_method
    maximum = pointwise.maximum
    minimum = pointwise.minimum
    max = reductions.max
    min = reductions.min
    argmax = reductions.argmax
    argmin = reductions.argmin
    all = reductions.all
    any = reductions.any
    squeeze = views.squeeze
    unsqueeze = views.unsqueeze
    flatten = views.flatten
    trace = linalg.trace

    # --- printing ---------------------------------------------------------
    def __repr__(self):
        return _printing.tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if not self._shape:
            return format(self.item(), spec)
        return repr(self)
