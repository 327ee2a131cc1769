"""Compile a board program so that CPython runs it with the board's semantics.

The source is parsed with CPython's `ast` and rewritten at the few places where MicroPython
differs in what a program can see (kit.sim.mpbuiltins supplies the helpers, as builtins of
the simulated board, so they are not the program's globals):

- float literals, `/`, `**` and `%` make V1 floats (kit/sim/mpfloat.py) and `%` formats
  them as the board does;
- dict and set displays and comprehensions make dicts/sets in MicroPython's order
  (kit/sim/mpobjects.py);
- `except E as e:` gives `e` the board's message (kit/sim/mptext.py);
- attributes the board lacks (`type(e).__name__`, `'ab'.zfill`) go through a check that
  raises the board's AttributeError;
- `[0] * n` and `'x' * n` ask the heap model first (MemoryError where a V1 has no room).

Everything else is plain CPython. This is about fidelity, not safety: a program still runs
with the user's rights (README, `klimakit run --help`).
"""
from __future__ import annotations

from kit.build import AST_LOCK, parse_python

import ast
import warnings
from types import CodeType

HIDDEN_DUNDERS = frozenset({
    "__name__", "__qualname__", "__doc__", "__module__", "__dict__", "__code__",
    "__globals__", "__closure__", "__defaults__", "__kwdefaults__", "__self__", "__func__",
    "__bases__", "__mro__", "__subclasses__", "__builtins__", "__annotations__", "__wrapped__",
    "__file__", "__spec__", "__loader__", "__package__", "__path__",
})


# Compiler directives of MicroPython: `@micropython.native`/`viper` only make code faster
# (the simulator runs the function as written); `asm_thumb` is Thumb assembler, which a
# simulated board cannot run: calling such a function says so.
SPEED_DIRECTIVES = frozenset({"native", "viper"})
NOT_SIMULATED = frozenset({"asm_thumb"})


def _directive(node: ast.expr) -> str | None:
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "micropython"):
        return node.attr
    return None


def _call(helper: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=list(args), keywords=[])


def _is_sequence_literal(node: ast.expr) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.ListComp)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)))


class BoardSemantics(ast.NodeTransformer):
    """The rewrite described in the module docstring."""

    def __init__(self, missing_attributes: frozenset[str]) -> None:
        self.checked_attributes = HIDDEN_DUNDERS | missing_attributes

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        if type(node.value) is float:
            return _call("_mp_float", node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.Div):
            return _call("_mp_div", node.left, node.right)
        if isinstance(node.op, ast.Pow):
            return _call("_mp_pow", node.left, node.right)
        if isinstance(node.op, ast.Mod):
            return _call("_mp_mod", node.left, node.right)
        if isinstance(node.op, ast.Mult) and (
                _is_sequence_literal(node.left) or _is_sequence_literal(node.right)):
            return _call("_mp_repeat", node.left, node.right)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        helper = {ast.Div: "_mp_div", ast.Pow: "_mp_pow", ast.Mod: "_mp_mod"}.get(
            type(node.op))
        if helper is None or not isinstance(node.target, ast.Name):
            return node
        load = ast.Name(id=node.target.id, ctx=ast.Load())
        return ast.Assign(targets=[node.target], value=_call(helper, load, node.value))

    def visit_Dict(self, node: ast.Dict) -> ast.expr:
        self.generic_visit(node)
        return _call("_mp_dict", node, ast.Constant(len(node.keys)))

    def visit_DictComp(self, node: ast.DictComp) -> ast.expr:
        self.generic_visit(node)
        return _call("_mp_dict", node, ast.Constant(0))

    def visit_Set(self, node: ast.Set) -> ast.expr:
        self.generic_visit(node)
        return _call("_mp_set", ast.List(elts=node.elts, ctx=ast.Load()),
                     ast.Constant(len(node.elts)))

    def visit_SetComp(self, node: ast.SetComp) -> ast.expr:
        self.generic_visit(node)
        listed = ast.ListComp(elt=node.elt, generators=node.generators)
        return _call("_mp_set", listed, ast.Constant(0))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        self.generic_visit(node)
        if node.name:
            fix = ast.Expr(_call("_mp_exc", ast.Name(id=node.name, ctx=ast.Load())))
            node.body.insert(0, fix)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        if not _apply_directives(node):
            self.generic_visit(node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and node.attr in self.checked_attributes:
            return _call("_mp_getattr", node.value, ast.Constant(node.attr))
        return node




def compile_board_program(source: str, filename: str, missing_attributes: frozenset[str]
                          ) -> CodeType:
    """Parse, rewrite and compile a board program (SyntaxError as from compile())."""
    # One compile at a time: kit/build/pyast.py (CPython 3.11's AST state is per interpreter),
    # and warnings.catch_warnings is process-wide too.
    with AST_LOCK, warnings.catch_warnings():  # MicroPython does not warn ("is" with a literal)
        warnings.simplefilter("ignore", SyntaxWarning)
        tree = parse_python(source, filename=filename)
        tree = BoardSemantics(missing_attributes).visit(tree)
        ast.fix_missing_locations(tree)
        return compile(tree, filename, "exec")


def compile_host_program(source: str, filename: str) -> CodeType:
    """Compile a host program with CPython's semantics; only @micropython.* directives change."""
    with AST_LOCK:
        tree = parse_python(source, filename=filename)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                _apply_directives(node)
        ast.fix_missing_locations(tree)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return compile(tree, filename, "exec")


def _apply_directives(node: ast.FunctionDef) -> bool:
    """Drop @micropython.native/viper; make an asm_thumb function say it is not simulated.

    Returns True if the body was replaced."""
    directives = {name for name in map(_directive, node.decorator_list) if name is not None}
    node.decorator_list = [d for d in node.decorator_list if _directive(d) is None]
    if directives & NOT_SIMULATED:
        message = "@micropython.{} (function {}) is not simulated; it runs only on a " \
            "micro:bit".format(sorted(directives & NOT_SIMULATED)[0], node.name)
        node.body = [ast.Raise(exc=_call("_mp_not_simulated", ast.Constant(message)),
                               cause=None)]
        node.args = ast.arguments(posonlyargs=[], args=[], vararg=ast.arg("args"),
                                  kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        return True
    return False
