"""The builtins a simulated board program gets: the board's names, with the board's behaviour.

On a V1 only the names MicroPython V1 1.1.1 has exist (kit/sim/firmware_v1.py, read from
the board): `property`, `format`, `vars`, `RecursionError`, ... are NameErrors there too.
`float`, `dict` and `set` make V1 floats and MicroPython-ordered containers; `print`, `repr`,
`dir`, `hasattr` and `getattr` show what the board shows; the `_mp_*` helpers serve the
rewritten program (kit/sim/transform.py). On a V2 the names are CPython's (no V2 runs in
QEMU to read them from), with the same semantics otherwise.
"""
from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import kit.sim.firmware_v1 as firmware_v1
from kit.sim.mpfloat import MPFloat, V2Float
from kit.sim.mpobjects import MPDict, MPSet, mp_hash, version_types
from kit.sim.mptext import fix_exception, modulo, mp_repr, mp_str
from kit.sim.stdmodules import NotSimulatedError
from kit.sim.transform import HIDDEN_DUNDERS, compile_board_program
from kit.build import parse_expression

if TYPE_CHECKING:
    from kit.sim.runtime import Runtime

_TYPES: dict[type, str] = {str: "str", list: "list", dict: "dict", int: "int", float: "float",
                           bytes: "bytes", tuple: "tuple", set: "set", bytearray: "bytearray"}
LIST_ITEM_BYTES = 4


def _missing_methods() -> frozenset[str]:
    """Methods CPython's built-in types have and the board's do not (str.zfill, ...)."""
    names: set[str] = set()
    for kind, label in _TYPES.items():
        board = set(firmware_v1.TYPES.get(label, []))
        names |= {n for n in dir(kind) if not n.startswith("_") and n not in board}
    return frozenset(names)


MISSING_METHODS = _missing_methods()


class _BuiltinLike(type):
    """A metaclass so that isinstance(x, float) stays true for CPython's own floats."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls.__mro__[-2])


def _board_class(name: str, base: type) -> type:
    return _BuiltinLike(name, (base,), {"__module__": "builtins", "__qualname__": name})


class _TypeCheck(type):
    """isinstance(x, type) stays true for every class in a board program."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, type)


def board_type_class(str_cls: type) -> type:
    """`type` of a board program: type('a') is the program's `str`, so type(x) == str holds."""

    def new(mcs: type, *args: Any) -> Any:
        if len(args) == 1:
            kind = type(args[0])
            return str_cls if kind is str else kind
        made = type(*args)
        made.__module__ = "builtins"
        return made

    return _TypeCheck("type", (type,), {"__new__": new, "__module__": "builtins",
                                        "__qualname__": "type"})


def board_isinstance(obj: object, classes: Any) -> bool:
    """isinstance as MicroPython 1.9.2 answers it: True is no instance of int there."""
    if isinstance(classes, tuple):
        return any(board_isinstance(obj, c) for c in classes)
    if classes is int and type(obj) is bool:
        return False
    return isinstance(obj, classes)


def board_getattr(obj: object, name: str, *default: object) -> Any:
    """getattr as the board answers it: no __name__ on types and functions, no str.zfill."""
    try:
        if name in HIDDEN_DUNDERS and not (name == "__name__" and
                                           isinstance(obj, types.ModuleType)):
            raise AttributeError(_no_attribute(obj, name))
        label = _TYPES.get(type(obj)) or _TYPES.get(type(obj).__mro__[-2])
        if label and name in MISSING_METHODS and name not in firmware_v1.TYPES.get(label, []):
            raise AttributeError("'{}' object has no attribute '{}'".format(label, name))
        return getattr(obj, name)
    except AttributeError:
        if default:
            return default[0]
        raise


def _no_attribute(obj: object, name: str) -> str:
    if isinstance(obj, type):
        return "type object '{}' has no attribute '{}'".format(obj.__name__, name)
    kind = "function" if callable(obj) else type(obj).__name__
    return "'{}' object has no attribute '{}'".format(kind, name)


def board_hasattr(obj: object, name: str) -> bool:
    try:
        board_getattr(obj, name)
    except AttributeError:
        return False
    return True


def make_dir(surfaces: dict[int, list[str]]) -> Callable[..., list[str]]:
    """dir() listing a board object's or module's names in the board's order."""

    def board_dir(*args: object) -> list[str]:
        if not args:
            frame = sys._getframe(1)
            return [k for k in frame.f_locals if k != "__builtins__"]
        obj = args[0]
        if id(obj) in surfaces:
            return list(surfaces[id(obj)])
        label = _TYPES.get(type(obj)) or _TYPES.get(type(obj).__mro__[-2])
        if label:
            return list(firmware_v1.TYPES.get(label, []))
        return [n for n in builtins.dir(obj) if not n.startswith("__")]

    return board_dir


class HeapModel:
    """MemoryError where a V1 has no room: one allocation larger than the free heap fails.

    The V1's heap is about 10 KB, 8.7 KB of it free when main.py starts (docs/qemu.md §7,
    §11); what the program holds is estimated from its globals (Runtime.mem_free). Only
    allocations the rewrite can see are checked: `[x] * n`, `'s' * n`, `bytearray(n)`,
    `bytes(n)`. A list that grows item by item, or many small objects, do not fail here
    although they would on the board; the simulator then warns ('# sim: warning').
    """

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def allocate(self, nbytes: int) -> None:
        if not self.rt.v2 and nbytes > self.rt.mem_free():
            raise MemoryError("memory allocation failed, allocating {} bytes".format(nbytes))

    def repeat(self, a: Any, b: Any) -> Any:
        seq, count = (a, b) if isinstance(b, int) else (b, a)
        if isinstance(count, int) and count > 0 and isinstance(seq, (list, tuple, str, bytes)):
            per = LIST_ITEM_BYTES if isinstance(seq, (list, tuple)) else 1
            extra = 1 if isinstance(seq, str) else 0
            self.allocate(len(seq) * count * per + extra)
        return a * b


def board_float_class(version: str) -> type:
    """The `float` of a board program: V1 (30-bit, 6 digits) or V2 (single, 7 digits)."""
    return _board_class("float", V2Float if version == "v2" else MPFloat)


def board_builtins(rt: Runtime, board_import: Callable[..., Any], surfaces: dict[int, list[str]]
                   ) -> dict[str, Any]:
    """The builtins namespace of one simulated board's program."""
    float_cls: type = rt.float_cls
    dict_base, set_base = version_types(rt.version)
    dict_cls: type = _board_class("dict", dict_base)
    set_cls: type = _board_class("set", set_base)
    heap = HeapModel(rt)
    board_dir = make_dir(surfaces)
    missing = MISSING_METHODS

    def board_compile(source: Any, filename: str = "<string>") -> Any:
        return compile_board_program(source, filename, missing) if isinstance(source, str) \
            else source

    def board_exec(source: Any, globals_: Any = None, locals_: Any = None) -> None:
        frame = sys._getframe(1)
        exec(board_compile(source), globals_ if globals_ is not None else frame.f_globals,
             locals_ if locals_ is not None else frame.f_locals)

    def board_eval(source: Any, globals_: Any = None, locals_: Any = None) -> Any:
        frame = sys._getframe(1)
        code = compile_board_program_expr(source, missing) if isinstance(source, str) else source
        return eval(code, globals_ if globals_ is not None else frame.f_globals,
                    locals_ if locals_ is not None else frame.f_locals)

    def board_bytearray(*args: Any) -> bytearray:
        if args and isinstance(args[0], int):
            heap.allocate(args[0])
        return bytearray(*args)

    def div(a: Any, b: Any) -> Any:
        value = a / b
        return float_cls(value) if type(value) is float else value

    def power(a: Any, b: Any, mod: Any = None) -> Any:
        value = a ** b if mod is None else pow(a, b, mod)
        return float_cls(value) if type(value) is float else value

    def board_print(*args: object, sep: str = " ", end: str = "\n", file: object = None
                    ) -> None:
        rt.write_text(sep.join(mp_str(a) for a in args) + end)

    def board_round(value: Any, ndigits: Any = None) -> Any:
        return value.__round__(ndigits) if ndigits is not None else round(value)

    def board_build_class(func: Any, name: str, *bases: Any, **kwargs: Any) -> Any:
        cls = builtins.__build_class__(func, name, *bases, **kwargs)
        cls.__module__ = "builtins"  # so it prints <class 'A'> as on the board
        return cls

    str_cls = _BuiltinLike("str", (str,), {
        "__module__": "builtins", "__qualname__": "str",
        "__new__": lambda cls, *args: mp_str(args[0]) if len(args) == 1 else str(*args)})
    mask = 0xFFFF if rt.v2 else 0xFF

    overrides: dict[str, Any] = {
        "hash": lambda value: mp_hash(value, mask) if isinstance(value, (str, bytes))
        else hash(value),
        "str": str_cls, "type": board_type_class(str_cls),
        "__build_class__": board_build_class,
        "float": float_cls, "dict": dict_cls, "set": set_cls, "repr": mp_repr,
        "print": board_print, "dir": board_dir, "getattr": board_getattr,
        "hasattr": board_hasattr, "isinstance": board_isinstance,
        "bytearray": board_bytearray, "exec": board_exec,
        "eval": board_eval, "pow": power, "round": board_round, "__import__": board_import,
        "input": lambda prompt="": rt.prompt_input(str(prompt)),
        "open": lambda name, mode="r", *a, **kw: rt.open_file(str(name), mode),
        "help": lambda *a: None, "__repl_print__": lambda value: None,
        "_mp_float": float_cls, "_mp_div": div, "_mp_pow": power, "_mp_mod": modulo,
        "_mp_dict": getattr(dict_cls, "display"), "_mp_set": set_cls, "_mp_exc": fix_exception,
        "_mp_getattr": board_getattr, "_mp_repeat": heap.repeat,
        "_mp_not_simulated": NotSimulatedError,
    }
    if rt.v2:
        names = [n for n in vars(builtins) if not n.startswith("_")] + ["__build_class__"]
    else:
        names = [n for n in firmware_v1.MODULES["builtins"] if n != "__name__"]
    namespace = {n: overrides.get(n, getattr(builtins, n, None)) for n in names}
    namespace.update({k: v for k, v in overrides.items() if k.startswith("_")})
    namespace["__name__"] = "builtins"
    return namespace


def compile_board_program_expr(source: str, missing: frozenset[str]) -> Any:
    """eval() of a string in a board program, rewritten like the program."""
    import ast

    from kit.build import AST_LOCK
    from kit.sim.transform import BoardSemantics

    with AST_LOCK:
        tree = BoardSemantics(missing).visit(parse_expression(source))
        ast.fix_missing_locations(tree)
        return compile(tree, "<string>", "eval")


__all__ = ["MISSING_METHODS", "HeapModel", "board_builtins", "board_float_class",
           "board_getattr", "board_hasattr", "MPDict", "MPSet"]
