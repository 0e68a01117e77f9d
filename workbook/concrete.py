"""A check's function as a concrete call a student can type: names bound to data become their values.

A hidden test draws its values and calls ``check(lambda m: m.arange(n).reshape(tuple(shape)))``
inside a loop; its source names ``n`` and ``shape``, which the student never
sees. :func:`concrete_call` reads the function's code from its source (the
notebook cell is in ``linecache``), replaces every name bound to plain data
(numbers, strings, None, slices, and tuples, lists and dicts of them) by its
value, folds ``tuple(...)``, ``len(...)`` and arithmetic over values, and
prints the result: ``m.arange(6).reshape((2, 3))``. A name bound to a
function of the notebook, a module or a small numpy array is defined in lines
before the call. Data of the notebook too large to write out (x.9's 200
training rows) keeps its name, and a first comment line says the notebook
defines it.
"""

import ast
import builtins
import functools
import linecache
import math
import types

import numpy as np

from .language import text as text_of

CALL_TEXT = 1500  # characters of a concrete call; a longer one is cut
ARRAY_ITEMS = 64  # elements of a numpy array written out before the call
# Builtins worked out over values; ``reversed`` only inside one of the others (alone it is an iterator),
# and never ``range``, whose list could be huge.
FOLDABLE = {"tuple", "list", "len", "int", "float", "bool", "abs", "min", "max", "sum", "sorted", "reversed",
            "slice", "str", "round"}


def concrete_call(fn):
    """The call of ``fn`` as a student can run it with ``m`` bound to the module, or None without source."""
    node = function_node(fn)
    if node is None:
        return None
    lines, notebook = [], []
    shown = _Concrete(fn, lines, {id(fn)}, notebook).concrete(node)
    if isinstance(shown, ast.Lambda) and [a.arg for a in shown.args.args] == ["m"] and _simple_args(shown.args):
        text = ast.unparse(shown.body)
    elif isinstance(shown, ast.Lambda):
        text = f"f = {ast.unparse(shown)}\nf(m)"
    else:
        text = f"{ast.unparse(shown)}\n{shown.name}(m)"
    noted = [text_of("call.from_notebook", names=", ".join(_unique(notebook)))] if notebook else []
    text = "\n".join(noted + _unique(lines) + [text])
    return text if len(text) <= CALL_TEXT else text[:CALL_TEXT - 3] + "..."


def _unique(lines):
    return list(dict.fromkeys(lines))


def _simple_args(args):
    return not (args.vararg or args.kwarg or args.kwonlyargs or args.defaults or args.posonlyargs)


def function_node(fn):
    """The ``Lambda`` or ``FunctionDef`` node of ``fn`` in its source, or None.

    The node is shared between calls: copy it to change it.
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    text = "".join(linecache.getlines(code.co_filename))
    return _node_in(code, text)


@functools.lru_cache(maxsize=1024)
def _node_in(code, text):
    """The node of ``code`` in the source ``text``: a hidden test's lambda is looked up once, not once per example."""
    tree = _tree(text)
    if tree is None:
        return None
    # The positions of the function's own instructions (not its set-up, at column 0) lie inside its node.
    spots = [(line, column) for line, _, column, end in code.co_positions()
             if line and column is not None and end is not None and end > column]
    candidates = [n for n in ast.walk(tree) if _may_be(n, code) and all(_inside(n, spot) for spot in spots)]
    return min(candidates, key=_span, default=None)


@functools.lru_cache(maxsize=64)
def _tree(text):
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _may_be(node, code):
    if isinstance(node, ast.Lambda):
        return code.co_name == "<lambda>" and node.lineno == code.co_firstlineno
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        starts = (node.lineno, *(decorator.lineno for decorator in node.decorator_list))
        return node.name == code.co_name and code.co_firstlineno in starts
    return False


def _inside(node, spot):
    return (node.lineno, node.col_offset) <= spot <= (node.end_lineno, node.end_col_offset)


def _span(node):
    return (node.end_lineno - node.lineno, node.end_col_offset - node.col_offset)


def _bound_inside(node):
    """Names that ``node`` binds itself: parameters, assignments, loop and comprehension targets, nested defs."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            names.add(inner.id)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and inner is not node:
            names.add(inner.name)
        elif isinstance(inner, ast.alias):
            names.add((inner.asname or inner.name).split(".")[0])
    return names


_MISSING = object()


def _binding(fn, name):
    """The value ``name`` has inside ``fn`` (closure, then globals, then builtins), or _MISSING."""
    code = fn.__code__
    if name in code.co_freevars and fn.__closure__:
        try:
            return fn.__closure__[code.co_freevars.index(name)].cell_contents
        except ValueError:  # a closure cell not yet filled
            return _MISSING
    if name in fn.__globals__:
        return fn.__globals__[name]
    return getattr(builtins, name, _MISSING)


def is_plain(value, depth=0):
    """True for data that prints as a literal: numbers, strings, None, ``...``, slices, and containers of them."""
    if depth > 20:
        return False
    if value is None or value is Ellipsis or type(value) in (bool, int, float, str, complex):
        return True
    if type(value) is slice:
        return all(is_plain(part, depth + 1) for part in (value.start, value.stop, value.step))
    if type(value) in (tuple, list, set, frozenset):
        return all(is_plain(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(is_plain(k, depth + 1) and is_plain(v, depth + 1) for k, v in value.items())
    return type(value) is range


def literal(value, in_subscript=False):
    """An expression node that evaluates to the plain ``value``; in a subscript, slices are written ``a:b:c``."""
    if type(value) is slice:
        parts = (value.start, value.stop, value.step)
        if in_subscript:
            return ast.Slice(*(None if p is None else literal(p) for p in parts))
        return _call("slice", [literal(p) for p in parts])
    if type(value) is float and not math.isfinite(value):
        return _call("float", [ast.Constant(repr(value))])
    if type(value) in (tuple, list):
        items = [literal(item, in_subscript and type(value) is tuple) for item in value]
        return ast.Tuple(items, ast.Load()) if type(value) is tuple else ast.List(items, ast.Load())
    if type(value) in (set, frozenset):
        items = [literal(item) for item in value]
        if value and type(value) is set:
            return ast.Set(items)
        return _call(type(value).__name__, [ast.List(items, ast.Load())])
    if type(value) is dict:
        return ast.Dict([literal(k) for k in value], [literal(v) for v in value.values()])
    if type(value) is range:
        return _call("range", [literal(value.start), literal(value.stop), literal(value.step)])
    return ast.Constant(value)


def _call(name, args):
    return ast.Call(ast.Name(name, ast.Load()), args, [])


class _Concrete(ast.NodeTransformer):
    """Rewrites one function's node with its bindings; definitions it needs go to ``lines``."""

    def __init__(self, fn, lines, seen, notebook):
        self.fn, self.lines, self.seen, self.notebook = fn, lines, seen, notebook
        self.local = set()

    def concrete(self, node):
        self.local = _bound_inside(node)
        node = self._copy(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.decorator_list = []
            if len(node.body) > 1 and ast.get_docstring(node) is not None:
                node.body = node.body[1:]  # the docstring: the notebook shows it
        return ast.fix_missing_locations(self.visit(node))

    @staticmethod
    def _copy(node):
        statement = ast.parse(ast.unparse(node)).body[0]
        return statement.value if isinstance(node, ast.Lambda) else statement

    def visit_Name(self, node):
        if not isinstance(node.ctx, ast.Load) or node.id in self.local:
            return node
        value = _binding(self.fn, node.id)
        if value is _MISSING or (getattr(builtins, node.id, _MISSING) is value):
            return node
        if is_plain(value):
            return literal(value)
        self._define(node.id, value)
        return node

    def visit_Subscript(self, node):
        node.value = self.visit(node.value)
        index = node.slice
        if isinstance(index, ast.Name) and isinstance(index.ctx, ast.Load) and index.id not in self.local:
            value = _binding(self.fn, index.id)
            if value is not _MISSING and is_plain(value):
                node.slice = literal(value, in_subscript=True)
                return fold(node)
        node.slice = self.visit(node.slice)
        return fold(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        inlined = self._inline(node)
        return fold(inlined) if inlined is not node else fold(node)

    def generic_visit(self, node):
        node = super().generic_visit(node)
        return fold(node) if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)) else node

    def _inline(self, node):
        """``f(m)`` for a lambda ``f`` of the notebook becomes its body, when its arguments are plain names."""
        if not isinstance(node.func, ast.Name) or node.func.id in self.local or node.keywords:
            return node
        value = _binding(self.fn, node.func.id)
        inner = function_node(value) if isinstance(value, types.LambdaType) else None
        simple = all(isinstance(a, (ast.Name, ast.Constant)) for a in node.args)
        if not isinstance(inner, ast.Lambda) or not simple or not _simple_args(inner.args):
            return node
        if len(inner.args.args) != len(node.args) or id(value) in self.seen:
            return node
        shown = _Concrete(value, self.lines, self.seen | {id(value)}, self.notebook).concrete(inner)
        mapping = {a.arg: arg for a, arg in zip(inner.args.args, node.args)}
        self.lines[:] = [line for line in self.lines if not line.startswith(f"{node.func.id} = ")]
        return _Rename(mapping).visit(shown.body)

    def _define(self, name, value):
        """Add the lines that give ``name`` its value before the call, when they can be written honestly."""
        made = definition(name, value, self.lines, self.seen, self.notebook)
        if made:
            self.lines.append(made)
        elif name in self.fn.__globals__ and self.fn.__code__.co_filename.startswith("<"):
            self.notebook.append(name)  # data of the notebook too large to write out: the student has it


class _Rename(ast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        found = self.mapping.get(node.id) if isinstance(node.ctx, ast.Load) else None
        return ast.parse(ast.unparse(found), mode="eval").body if found is not None else node


def definition(name, value, lines, seen, notebook):
    """Source that binds ``name`` to ``value`` (added dependencies go to ``lines`` first), or None."""
    if isinstance(value, types.ModuleType):
        return _module_import(name, value.__name__)
    if isinstance(value, np.ndarray):
        return _array_definition(name, value, lines)
    if isinstance(value, np.generic) and is_plain(value.item()):
        lines.append("import numpy as np")
        return f"{name} = np.{type(value).__name__}({value.item()!r})"
    if isinstance(value, types.FunctionType) and id(value) not in seen:
        return _function_definition(name, value, lines, seen, notebook)
    return None


def _module_import(name, module):
    """``import numpy as np``: the line that binds ``name`` to the module called ``module``."""
    if module == name:
        return f"import {module}"
    if "." not in module:
        return f"import {module} as {name}"
    parent, child = module.rsplit(".", 1)
    return f"from {parent} import {child} as {name}"


def _function_definition(name, fn, lines, seen, notebook):
    node = function_node(fn)
    if not fn.__code__.co_filename.startswith("<") or node is None:  # a module's function, not a cell's
        return _imported(name, fn)
    shown = _Concrete(fn, lines, seen | {id(fn)}, notebook).concrete(node)
    if isinstance(shown, ast.Lambda):
        return f"{name} = {ast.unparse(shown)}"
    text = ast.unparse(shown)
    return text if shown.name == name else f"{text}\n{name} = {shown.name}"


def _imported(name, fn):
    """``from module import fn`` for a function of an importable module (a check helper, say)."""
    module = getattr(fn, "__module__", None)
    if not module or module == "__main__" or getattr(fn, "__qualname__", "") != fn.__name__:
        return None
    return f"from {module} import {fn.__name__}" + ("" if fn.__name__ == name else f" as {name}")


def _array_definition(name, array, lines):
    """``name = np.array(...)`` with the array's dtype and strides, for an array of at most ARRAY_ITEMS elements."""
    if array.size > ARRAY_ITEMS or array.dtype.kind not in "biuf" or not is_plain(array.tolist()):
        return None
    lines.append("import numpy as np")
    dtype = f"np.{array.dtype.name}"
    for layout, after in ((array, ""), (array.T, ".T")):  # written out row by row, or transposed back
        if layout.flags["C_CONTIGUOUS"]:
            return f"{name} = np.array({layout.tolist()!r}, dtype={dtype}){after}"
    if any(s < 0 for s in array.strides) or array.strides and min(array.strides) % array.itemsize:
        return None
    steps = tuple(s // array.itemsize for s in array.strides)
    span = 1 + sum((n - 1) * s for n, s in zip(array.shape, steps)) if array.size else 0
    flat = np.lib.stride_tricks.as_strided(array, (span,), (array.itemsize,)) if span else array.reshape(0)
    return (f"{name} = np.lib.stride_tricks.as_strided(np.array({flat.tolist()!r}, dtype={dtype}), "
            f"shape={array.shape!r}, strides={tuple(s * array.itemsize for s in steps)!r})")


_LITERAL_CALLS = ("float", "slice", "set", "frozenset")  # what :func:`literal` writes as a call


def _is_value(node):
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_value(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_value(k) for k in node.keys) and all(_is_value(v) for v in node.values)
    if isinstance(node, ast.Slice):
        return all(p is None or _is_value(p) for p in (node.lower, node.upper, node.step))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _LITERAL_CALLS:
        return all(_is_value(a) for a in node.args) and not node.keywords
    return False


def _foldable(node):
    """True when ``node`` is an operation on values only, cheap and safe to work out here."""
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id in FOLDABLE and not node.keywords
                and all(_is_value(a) or _foldable(a) for a in node.args))
    if isinstance(node, ast.BinOp):
        return _cheap(node) and _is_value(node.left) and _is_value(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_value(node.operand)
    if isinstance(node, (ast.BoolOp, ast.Compare)):
        parts = node.values if isinstance(node, ast.BoolOp) else [node.left, *node.comparators]
        return all(_is_value(p) for p in parts)
    if isinstance(node, ast.IfExp):
        return _is_value(node.test) and _is_value(node.body) and _is_value(node.orelse)
    if isinstance(node, ast.Subscript):
        return _is_value(node.value) and _is_value(node.slice)
    return False


def _cheap(node):
    """No huge power, shift or repetition: a folded value stays small."""
    right = node.right.value if isinstance(node.right, ast.Constant) else None
    left = node.left.value if isinstance(node.left, ast.Constant) else None
    numbers = [v for v in (left, right) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if isinstance(node.op, (ast.Pow, ast.LShift)):
        return len(numbers) == 2 and abs(right) <= 64 and abs(left) <= 2**32
    if isinstance(node.op, ast.Mult):
        return len(numbers) == 2 or all(abs(n) <= 1000 for n in numbers)
    return True


_SAFE = {name: getattr(builtins, name) for name in FOLDABLE}


def fold(node):
    """``node`` worked out to a literal when it is an operation on values only; ``getattr(m, "x")`` as ``m.x``."""
    if isinstance(node, ast.BoolOp) and node.values and _is_value(node.values[0]):
        return _fold_boolop(node)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) == 2 and not node.keywords and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str) and node.args[1].value.isidentifier()):
        return ast.Attribute(node.args[0], node.args[1].value, ast.Load())
    if not _foldable(node) or isinstance(node, ast.Call) and node.func.id == "reversed":
        return node
    try:
        code = compile(ast.fix_missing_locations(ast.Expression(node)), "<fold>", "eval")
        value = eval(code, {"__builtins__": _SAFE})
    except Exception:  # an operation that fails stays written out, as the check would run it
        return node
    return literal(value) if is_plain(value) and len(repr(value)) <= 400 else node


def _fold_boolop(node):
    """``None and x`` is ``None``; ``3 or x`` is ``3``; a true first value of ``and`` leaves the rest."""
    first = ast.literal_eval(ast.unparse(node.values[0])) if _literal_safe(node.values[0]) else _MISSING
    if first is _MISSING:
        return node
    decided = (not first) if isinstance(node.op, ast.And) else bool(first)
    if decided or len(node.values) == 1:
        return node.values[0]
    rest = node.values[1:]
    return fold(ast.BoolOp(node.op, rest)) if len(rest) > 1 else rest[0]


def _literal_safe(node):
    try:
        ast.literal_eval(ast.unparse(node))
    except (ValueError, SyntaxError, TypeError):
        return False
    return True
