"""Data types: the six dtypes of the workbook and their numpy counterparts.

This module is provided code. Type promotion (which dtype a result gets) is a
task and lives in ``promotion.py``.
"""

import numpy as np


class dtype:
    """A tensor element type, printed as ``mytensor.<name>`` like torch's.

    Parameters
    ----------
    name : str
        The canonical name, e.g. ``"float32"``.
    numpy_type : numpy.dtype
        The numpy type that stores the elements.
    torch_name : str
        The scalar-type name torch uses in error messages (``"Float"``).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.float32
    mytensor.float32
    >>> mytensor.int16.is_floating_point
    False
    """

    __slots__ = ("name", "numpy_type", "torch_name", "is_floating_point", "itemsize")

    def __init__(self, name, numpy_type, torch_name):
        self.name = name
        self.numpy_type = np.dtype(numpy_type)
        self.torch_name = torch_name
        self.is_floating_point = self.numpy_type.kind == "f"
        self.itemsize = self.numpy_type.itemsize

    def __repr__(self):
        return f"mytensor.{self.name}"

    def __reduce__(self):
        return (from_numpy_type, (self.numpy_type,))


float32 = dtype("float32", np.float32, "Float")
float64 = dtype("float64", np.float64, "Double")
int16 = dtype("int16", np.int16, "Short")
int32 = dtype("int32", np.int32, "Int")
int64 = dtype("int64", np.int64, "Long")
bool_ = dtype("bool", np.bool_, "Bool")

ALL = (bool_, int16, int32, int64, float32, float64)
BY_NUMPY = {d.numpy_type: d for d in ALL}

DEFAULT_FLOAT = float32
DEFAULT_INT = int64


def from_numpy_type(numpy_type):
    """Return the mytensor dtype stored as ``numpy_type``.

    Raises
    ------
    TypeError
        For a numpy type the workbook does not support, in torch's words.

    Examples
    --------
    >>> import numpy as np
    >>> from_numpy_type(np.dtype("int16"))
    mytensor.int16
    """
    found = BY_NUMPY.get(np.dtype(numpy_type))
    if found is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(numpy_type).name}. "
            "The only supported types are: float64, float32, int64, int32, int16, and bool."
        )
    return found


def get_default_dtype():
    """Return the default floating dtype, ``mytensor.float32``.

    Examples
    --------
    >>> get_default_dtype()
    mytensor.float32
    """
    return DEFAULT_FLOAT
