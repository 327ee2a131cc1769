"""How a board program's values become text: format specs, `%`, repr of exceptions, messages.

Floats format through kit.sim.mpfloat (MicroPython's formatfloat.c), `str.format` specs and
`%` conversions follow py/objstr.c of MicroPython 1.9.2, and an exception shows the board's
repr (`ValueError('x',)`) and the board's message for the common errors, translated from
CPython's by MESSAGES (each pair checked against V1 1.1.1 in QEMU by tests/fidelity).
"""
from __future__ import annotations

import re
from typing import Any

from kit.sim.mpfloat import format_float

_SPEC = re.compile(r"^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([a-zA-Z%])?$")
_PERCENT = re.compile(r"%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([a-zA-Z%])")
FLOAT_TYPES = "eEfFgG%"
_OPS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
        "//": "__floordiv__", "%": "__mod__", "** or pow()": "__pow__", "<": "__lt__",
        ">": "__gt__", "<=": "__le__", ">=": "__ge__", "&": "__and__", "|": "__or__"}


def _op(match: re.Match[str]) -> str:
    return "unsupported types for {}: '{}', '{}'".format(
        _OPS.get(match.group(1), match.group(1)), match.group(2), match.group(3))


MESSAGES: list[tuple[re.Pattern[str], Any]] = [(re.compile(p), r) for p, r in [
    (r"^(float |integer )?(division|modulo|divmod\(\))( or modulo)? by zero$",
     "division by zero"),
    (r"^float (modulo|divmod\(\))$", "division by zero"),
    (r"^0\.0 cannot be raised to a negative power$", "division by zero"),
    (r"^invalid literal for int\(\) with base (\d+): .*$",
     r"invalid syntax for integer with base \1"),
    (r"^could not convert string to float: .*$", "invalid syntax for number"),
    (r'^can only concatenate str \(not "(\w+)"\) to str$',
     r"can't convert '\1' object to str implicitly"),
    (r"^unsupported operand type\(s\) for (\S+(?: or pow\(\))?): '(\w+)' and '(\w+)'$", _op),
    (r"^'(\S+)' not supported between instances of '(\w+)' and '(\w+)'$", _op),
    (r"^list\.remove\(x\): x not in list$", "object not in sequence"),
    (r"^.* is not in (list|tuple)$", "object not in sequence"),
    (r"^tuple\.index\(x\): x not in tuple$", "object not in sequence"),
    (r"^No module named '([\w.]+)'$", r"no module named '\1'"),
    (r"^module '[\w.]+' has no attribute '(\w+)'$", r"'module' object has no attribute '\1'"),
    (r"^int\(\) argument must be a string, a bytes-like object or a (?:real )?number, "
     r"not '(\w+)'$", r"can't convert \1 to int"),
    (r"^bad operand type for abs\(\): '(\w+)'$", r"can't convert \1 to int"),
    (r"^type (\w+) doesn't define __round__ method$", r"can't convert \1 to float"),
    (r"^unhashable type: '(\w+)'$", r"unsupported type for __hash__: '\1'"),
    (r"^list indices must be integers or slices, not (\w+)$",
     r"list indices must be integers, not \1"),
    (r"^%\w format: a (?:real )?number is required, not (\w+)$", r"can't convert \1 to int"),
    (r"^Replacement index \d+ out of range for positional args tuple$",
     "tuple index out of range"),
    (r"^[\w.<>]+\(\) takes (\d+) positional arguments? but (\d+) (?:was|were) given$",
     r"function takes \1 positional arguments but \2 were given"),
    (r"^int\(\) base must be >= 2 and <= 36, or 0$", "int() arg 2 must be >= 2 and <= 36"),
    (r"^(?:min|max)\(\) (?:arg|iterable argument) is an empty sequence$",
     "arg is an empty sequence"),
    (r"^not enough values to unpack \(expected \d+, got (\d+)\)$",
     r"need more than \1 values to unpack"),
    (r"^maximum recursion depth exceeded.*$", "maximum recursion depth exceeded"),
    (r"^index out of range$", "bytes index out of range"),
    (r"^bytes must be in range\(0, 256\)$", "bytes value out of range"),
    (r"^local variable '(\w+)' referenced before assignment$",
     "local variable referenced before assignment"),
    (r"^cannot access local variable '(\w+)'.*$",
     "local variable referenced before assignment"),
    (r"^'(\w+)' object is not subscriptable$", r"'\1' object is not subscriptable"),
    (r"^\[Errno 2\] No such file or directory: .*$", "file not found"),
]]
# CPython exception classes the board does not have, shown as the board's class.
BOARD_CLASS = {"RecursionError": "RuntimeError", "FileNotFoundError": "OSError",
               "ModuleNotFoundError": "ImportError", "UnboundLocalError": "NameError",
               "ZeroDivisionError": "ZeroDivisionError", "PermissionError": "OSError",
               "FileExistsError": "OSError", "IsADirectoryError": "OSError"}


def board_message(text: str) -> str:
    """The board's message for one of CPython's (unchanged when there is no rule)."""
    for pattern, replacement in MESSAGES:
        if pattern.match(text):
            return replacement(pattern.match(text)) if callable(replacement) else \
                pattern.sub(replacement, text)
    return text


def fix_exception(err: BaseException) -> BaseException:
    """Give an exception the board's message in place (its args), once; return it."""
    if getattr(err, "_mp_fixed", False):
        return err
    args = err.args
    if len(args) == 1 and isinstance(args[0], str):
        err.args = (board_message(args[0]),)
    elif isinstance(err, OSError) and err.errno == 2:
        err.args = ("file not found",)
    try:
        err._mp_fixed = True  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return err


def class_name(err: BaseException) -> str:
    name = type(err).__name__
    return BOARD_CLASS.get(name, name)


def exception_repr(err: BaseException) -> str:
    """repr(exception) on the board: `Name()`, `Name('x',)`, `Name(1, 2)`."""
    fix_exception(err)
    args = err.args
    inner = "" if not args else repr(args[0]) + "," if len(args) == 1 else \
        ", ".join(repr(a) for a in args)
    return "{}({})".format(class_name(err), inner)


def exception_str(err: BaseException) -> str:
    """str(exception) on the board: the message, a KeyError's key unquoted."""
    fix_exception(err)
    args = err.args
    if not args:
        return ""
    return str(args[0]) if len(args) == 1 else str(args)


def mp_repr(value: object) -> str:
    if isinstance(value, BaseException):
        return exception_repr(value)
    return repr(value)


def mp_str(value: object) -> str:
    if isinstance(value, BaseException):
        return exception_str(value)
    return str(value)


def _pad(text: str, fill: str, align: str, width: int) -> str:
    if width <= len(text):
        return text
    if align == "=" and text[:1] in "+- ":
        return text[0] + text[1:].rjust(width - 1, fill)
    if align == "<":
        return text.ljust(width, fill)
    if align == "^":
        return text.center(width, fill)
    return text.rjust(width, fill)


def format_spec(value: float, spec: str) -> str:
    """format(float, spec) as MicroPython's str.format does (objstr.c)."""
    from kit.sim.mpfloat import float_repr

    if not spec:
        return float_repr(value)
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError("invalid format specifier")
    fill, align, sign, _, zero, width, _, prec, kind = match.groups()
    if zero and not align:
        align, fill = "=", fill or "0"
    kind = kind or "g"
    if kind not in FLOAT_TYPES:
        raise ValueError("unknown format code '{}' for object of type 'float'".format(kind))
    precision = int(prec) if prec is not None else -1
    sign_char = "" if sign in (None, "-") else sign
    if kind == "%":
        text = format_float(value * 100.0, "f", precision, sign_char, 32) + "%"
    else:
        text = format_float(value, kind, precision, sign_char, 32)
    return _pad(text, fill or " ", align or ">", int(width or 0))


def modulo(template: Any, args: Any) -> Any:
    """`template % args`; for a str, float conversions are formatted as on the board."""
    if not isinstance(template, str):
        return template % args
    if not any(m.group(5) in "eEfFgG" for m in _PERCENT.finditer(template)):
        return template % args
    mapping = args if hasattr(args, "keys") and not isinstance(args, str) else None
    values = list(args) if isinstance(args, tuple) else [args]
    out: list[str] = []
    last = 0
    for match in _PERCENT.finditer(template):
        out.append(template[last:match.start()])
        last = match.end()
        key, flags, width, prec, kind = match.groups()
        if kind == "%":
            out.append("%")
            continue
        if key is not None and mapping is not None:
            value = mapping[key]
        elif not values:
            raise TypeError("not enough arguments for format string")
        else:
            value = values.pop(0)
        if kind in "eEfFgG" and isinstance(value, (int, float)):
            sign = "+" if "+" in flags else " " if " " in flags else ""
            text = format_float(float(value), kind, int(prec) if prec else -1, sign, 32)
            align = "<" if "-" in flags else "=" if "0" in flags else ">"
            out.append(_pad(text, "0" if align == "=" else " ", align, int(width or 0)))
        else:
            spec = "%" + flags + (width or "") + ("." + prec if prec else "") + kind
            out.append(spec % (value,))
    if values and mapping is None:
        raise TypeError("not all arguments converted during string formatting")
    out.append(template[last:])
    return "".join(out)
