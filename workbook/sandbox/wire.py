"""What crosses the pipe between the grader and the sandboxed worker.

Towards the worker goes a check function, which is trusted code: its code
object (``marshal``) and the values it refers to, sent as plain data (numbers,
strings, containers, numpy arrays, other notebook functions, the names of
modules to import). The worker rebuilds it and calls it with the student's
``mytensor``.

Back comes only plain data: a JSON header and raw byte buffers. A tensor is its
values' bytes, dtype, shape, stride, offset, ``requires_grad``, grad_fn name
and repr text (a :class:`workbook.checks.Snapshot`); an exception is its type
name and message. :func:`decode_result` checks every field before it builds
anything, so nothing the student wrote runs in the grader.
"""

import builtins
import ctypes
import json
import marshal
import math
import struct
import types

import numpy as np

MODULES = {"numpy", "math", "cmath", "itertools", "functools", "operator", "fractions", "string", "re", "textwrap"}
# Modules the worker imports by name; functions of other modules travel as code.
IMPORTABLE = MODULES | {"builtins", "workbook.checks", "workbook.sandbox.inside", "workbook.sandbox.wire"}
DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"}
MAX_DEPTH = 20
MAX_NAME = 100
MAX_NDIM = 32
MAX_TEXT = 20_000
# A reply's JSON is parsed only when it fits these, so that decoding one costs
# a bounded amount of memory and time whatever the worker sends: a megabyte of
# ``{}`` would otherwise become hundreds of thousands of objects.
MAX_HEADER = 2**20
MAX_NODES = 100_000


class Rejected(ValueError):
    """A reply from the worker that is not valid plain data."""


# --- towards the worker: a trusted function and its values -------------------


def encode_call(fn):
    """Bytes that let the worker rebuild ``fn`` (see :func:`decode_call`)."""
    tables = {}
    spec = _encode(fn, tables, 0)
    return marshal.dumps((spec, {gid: table for gid, (_, table) in tables.items()}))


def _encode(value, tables, depth):
    if depth > MAX_DEPTH:
        raise TypeError("cannot send the check to the sandbox: values nested too deeply")
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return ("v", value)
    kind = _container_kind(value)
    if kind:
        items = value.items() if kind == "dict" else value
        if kind == "dict":
            return ("dict", [(_encode(k, tables, depth + 1), _encode(v, tables, depth + 1)) for k, v in items])
        return (kind, [_encode(v, tables, depth + 1) for v in items])
    return _encode_object(value, tables, depth)


def _container_kind(value):
    for kind in (tuple, list, dict, set, frozenset):
        if type(value) is kind:
            return kind.__name__
    return None


def _encode_object(value, tables, depth):
    if isinstance(value, np.ndarray) and value.dtype.name in DTYPES:
        return ("ndarray", value.dtype.name, value.shape, value.strides, *_memory(value))
    if isinstance(value, slice):
        return ("slice", [_encode(part, tables, depth + 1) for part in (value.start, value.stop, value.step)])
    if value is Ellipsis:
        return ("ellipsis",)
    if isinstance(value, range):
        return ("range", value.start, value.stop, value.step)
    if isinstance(value, np.generic) and value.dtype.name in DTYPES:
        return ("npscalar", value.dtype.name, value.tobytes())
    if isinstance(value, np.dtype):
        return ("npdtype", value.name)
    if isinstance(value, types.ModuleType):
        return ("module", value.__name__)
    student = getattr(value, "_student_attribute", None)
    if isinstance(student, str):
        return ("attr", student)
    if isinstance(value, types.FunctionType) and not _importable(value):
        return _encode_function(value, tables, depth)
    if _importable(value):
        return ("ref", value.__module__, value.__qualname__)
    raise TypeError(f"cannot send a {type(value).__name__} to the sandbox (only plain data and functions)")


def _memory(array):
    """The bytes an array's layout spans, and where its first element sits in them.

    Sent as they are, so the worker gets the same strides (``from_numpy`` of a
    view must see the view, not a contiguous copy).
    """
    if array.size == 0:
        return 0, b""
    ends = [(n - 1) * s for n, s in zip(array.shape, array.strides)]
    low = sum(e for e in ends if e < 0)
    high = sum(e for e in ends if e > 0) + array.itemsize
    start = array.__array_interface__["data"][0] + low
    return -low, ctypes.string_at(start, high - low)


def _importable(value):
    module = getattr(value, "__module__", None) or ""
    known = module in IMPORTABLE or module.split(".")[0] in MODULES
    return known and "<" not in getattr(value, "__qualname__", "<")


def _encode_function(fn, tables, depth):
    gid = str(id(fn.__globals__))
    namespace, table = tables.setdefault(gid, (fn.__globals__, {}))
    for name in sorted(_global_names(fn.__code__)):
        if name in namespace and name not in table and not name.startswith("__"):
            table[name] = None
            try:
                table[name] = _encode(namespace[name], tables, depth + 1)
            except TypeError:
                del table[name]  # a name the check never uses on the student side
    closure = [_encode_cell(cell, tables, depth) for cell in fn.__closure__ or ()]
    defaults = _encode(fn.__defaults__, tables, depth + 1) if fn.__defaults__ else None
    kwdefaults = _encode(fn.__kwdefaults__, tables, depth + 1) if fn.__kwdefaults__ else None
    return ("fn", gid, fn.__code__, fn.__name__, defaults, kwdefaults, closure)


def _encode_cell(cell, tables, depth):
    try:
        return _encode(cell.cell_contents, tables, depth + 1)
    except ValueError:
        return ("empty",)


def _global_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def decode_call(data, student):
    """Rebuild the function sent by :func:`encode_call` (runs inside the worker)."""
    spec, tables = marshal.loads(data)
    namespaces = {gid: {"__builtins__": builtins, "__name__": "__notebook__"} for gid in tables}
    state = (namespaces, student)
    for gid, table in tables.items():
        for name, encoded in table.items():
            try:
                namespaces[gid][name] = _decode(encoded, state)
            except ImportError:
                pass  # torch, say: a NameError if the student side ever uses it
    return _decode(spec, state)


def _decode(spec, state):
    namespaces, student = state
    kind, *rest = spec
    if kind == "v":
        return rest[0]
    if kind == "dict":
        return {_decode(k, state): _decode(v, state) for k, v in rest[0]}
    if kind in ("tuple", "list", "set", "frozenset"):
        return getattr(builtins, kind)(_decode(v, state) for v in rest[0])
    return _decode_object(kind, rest, state)


def _decode_object(kind, rest, state):
    import importlib

    namespaces, student = state
    if kind == "ndarray":
        dtype, shape, strides, offset, data = rest
        if not data:
            return np.empty(shape, dtype)
        return np.ndarray(shape, dtype, buffer=bytearray(data), offset=offset, strides=strides)
    if kind == "slice":
        return slice(*(_decode(part, state) for part in rest[0]))
    if kind == "ellipsis":
        return Ellipsis
    if kind == "range":
        return range(*rest)
    if kind == "npscalar":
        return np.frombuffer(rest[1], dtype=rest[0])[0]
    if kind == "npdtype":
        return np.dtype(rest[0])
    if kind == "module":
        return student if rest[0] == getattr(student, "__name__", None) else importlib.import_module(rest[0])
    if kind == "attr":
        return getattr(student, rest[0])
    if kind == "ref":
        found = importlib.import_module(rest[0])
        for part in rest[1].split("."):
            found = getattr(found, part)
        return found
    if kind == "empty":
        return types.CellType()
    gid, code, name, defaults, kwdefaults, closure = rest
    cells = tuple(types.CellType(_decode(c, state)) if c[0] != "empty" else types.CellType() for c in closure)
    fn = types.FunctionType(code, namespaces[gid], name, defaults and _decode(defaults, state), cells or None)
    fn.__kwdefaults__ = kwdefaults and _decode(kwdefaults, state)
    return fn


# --- back to the grader: plain data only ---------------------------------------


def encode_result(value, snapshot_type, raised_type):
    """Bytes for a student result already turned into plain data by ``checks.snapshot``."""
    blobs = []
    tree = _plain(value, blobs, snapshot_type, raised_type, 0)
    header = json.dumps({"tree": tree, "blobs": [len(b) for b in blobs]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


def _plain(value, blobs, snapshot_type, raised_type, depth):
    if depth > MAX_DEPTH:
        return {"t": "raised", "type": "RecursionError", "message": "the result is nested too deeply"}
    if isinstance(value, raised_type):
        return {"t": "raised", "type": value.type_name, "message": value.message}
    if isinstance(value, snapshot_type):
        blobs.append(np.ascontiguousarray(value.values).tobytes())
        return {"t": "tensor", "shape": list(value.shape), "dtype": value.dtype, "blob": len(blobs) - 1,
                "stride": list(value.stride), "offset": value.offset, "requires_grad": value.requires_grad,
                "grad_fn": value.grad_fn, "text": value.text}
    if type(value) is str:
        return {"t": "str", "v": value}
    for kind in (bool, int, float, complex, type(None)):
        if type(value) is kind:
            return {"t": kind.__name__, "v": repr(value)}
    if isinstance(value, (tuple, list)):
        items = [_plain(v, blobs, snapshot_type, raised_type, depth + 1) for v in list(value)]
        return {"t": "tuple" if isinstance(value, tuple) else "list", "type": type(value).__name__,
                "items": items, "text": _text(repr, value)}
    return _plain_object(value, blobs)


def _plain_object(value, blobs):
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.name in DTYPES:
        blobs.append(np.ascontiguousarray(value).tobytes())
        kind = "ndarray" if isinstance(value, np.ndarray) else "npscalar"
        return {"t": kind, "dtype": value.dtype.name, "shape": list(np.shape(value)), "blob": len(blobs) - 1}
    return {"t": "object", "type": type(value).__name__, "str": _text(str, value), "text": _text(repr, value)}


def _text(show, value):
    try:
        return show(value)
    except Exception as error:  # a broken __repr__ is itself worth showing
        return f"<{show.__name__} failed: {type(error).__name__}: {error}>"


def decode_result(data, snapshot_type, raised_type):
    """Rebuild a student result from :func:`encode_result`'s bytes; raise :class:`Rejected`."""
    if len(data) < 4:
        raise Rejected("a reply shorter than its header")
    (size,) = struct.unpack(">I", data[:4])
    raw = data[4:4 + size] if size <= MAX_HEADER else b""
    if size > MAX_HEADER or raw.count(b"{") + raw.count(b"[") > MAX_NODES:
        raise Rejected(f"a reply larger than {MAX_HEADER // 1024} KiB or {MAX_NODES} values, before its buffers")
    try:
        header = json.loads(raw)
        lengths = header["blobs"]
        tree = header["tree"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise Rejected("a reply whose header is not valid JSON") from None
    blobs, at = [], 4 + size
    if not isinstance(lengths, list) or not all(_is_int(n) and n >= 0 for n in lengths):
        raise Rejected("invalid buffer lengths")
    for n in lengths:
        blobs.append(data[at:at + n])
        at += n
    if at != len(data):
        raise Rejected("the buffers do not add up to the reply's size")
    return _build(tree, blobs, (snapshot_type, raised_type), 0)


def _is_int(value):
    return type(value) is int


def _name(value):
    if not isinstance(value, str) or not value.isidentifier() or len(value) > MAX_NAME:
        raise Rejected(f"invalid type name {str(value)[:40]!r}")
    return value


def _text_field(node, key):
    value = node.get(key)
    if not isinstance(value, str):
        raise Rejected(f"{key} must be text")
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + f"... ({len(value)} characters)"


def _build(node, blobs, types_, depth):
    if depth > MAX_DEPTH or not isinstance(node, dict):
        raise Rejected("a reply nested too deeply or not made of objects")
    kind = node.get("t")
    if kind == "raised":
        raised = types_[1].__new__(types_[1])
        raised.type_name, raised.message = _name(node.get("type")), _text_field(node, "message")
        return raised
    if kind in ("bool", "int", "float", "complex", "str", "NoneType"):
        return _scalar(kind, _text_field(node, "v"))
    if kind in ("tuple", "list"):
        items = node.get("items")
        if not isinstance(items, list):
            raise Rejected("items must be a list")
        built = [_build(item, blobs, types_, depth + 1) for item in items]
        return _sequence(kind, _name(node.get("type")), built, _text_field(node, "text"))
    if kind == "tensor":
        return _tensor(node, blobs, types_[0])
    if kind in ("ndarray", "npscalar"):
        values = _array(node, blobs)
        return values if kind == "ndarray" else values.reshape(())[()]
    if kind == "object":
        return _opaque(_name(node.get("type")), _text_field(node, "str"), _text_field(node, "text"))
    raise Rejected(f"unknown kind {str(kind)[:40]!r}")


def _scalar(kind, text):
    if kind == "NoneType":
        return None
    if kind == "bool":
        if text not in ("True", "False"):
            raise Rejected("invalid bool")
        return text == "True"
    if kind == "str":
        return text
    try:
        return {"int": int, "float": float, "complex": complex}[kind](text)
    except ValueError:
        raise Rejected(f"invalid {kind}") from None


class _Remote:
    """Base of the stand-ins for the student's own types (only their name and text survive)."""

    def __repr__(self):
        return self._text


def _sequence(kind, type_name, items, text):
    base = tuple if kind == "tuple" else list
    if type_name == base.__name__:
        return base(items)
    made = type(type_name, (_Remote, base), {})(items)
    made._text = text
    return made


def _opaque(type_name, shown, text):
    made = type(type_name, (_Remote,), {"__str__": lambda self: self._shown})()
    made._shown, made._text = shown, text
    return made


def _array(node, blobs):
    dtype, shape = node.get("dtype"), node.get("shape")
    if dtype not in DTYPES:
        raise Rejected(f"dtype {str(dtype)[:40]!r} is not a tensor dtype")
    shape = _ints(shape, "shape", minimum=0)
    blob = _blob(node, blobs)
    if len(blob) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise Rejected("the values do not fill the shape")
    return np.frombuffer(blob, dtype=dtype).reshape(shape).copy()


def _blob(node, blobs):
    index = node.get("blob")
    if not _is_int(index) or not 0 <= index < len(blobs):
        raise Rejected("invalid buffer index")
    return blobs[index]


def _ints(values, what, minimum=None):
    if not isinstance(values, list) or len(values) > MAX_NDIM or not all(_is_int(v) for v in values):
        raise Rejected(f"{what} must be a short list of integers")
    if minimum is not None and any(v < minimum for v in values):
        raise Rejected(f"{what} has a negative entry")
    return tuple(values)


def _tensor(node, blobs, snapshot_type):
    values = _array(node, blobs)
    stride = _ints(node.get("stride"), "stride")
    offset, grad_fn = node.get("offset"), node.get("grad_fn")
    if not _is_int(offset) or type(node.get("requires_grad")) is not bool:
        raise Rejected("invalid offset or requires_grad")
    if grad_fn is not None:
        grad_fn = _name(grad_fn)
    return snapshot_type(shape=values.shape, dtype=values.dtype.name, values=values, stride=stride,
                         offset=offset, requires_grad=node["requires_grad"], grad_fn=grad_fn,
                         text=_text_field(node, "text"))
