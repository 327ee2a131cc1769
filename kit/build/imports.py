"""Which modules a program imports, read from its syntax tree (never by running it).

Every `import a`, `import a.b`, `from a import b` at any depth counts, by its top-level name
(micro:bit's filesystem has no folders, so `a` is all the board looks for). An import inside
a `try:` that catches ImportError is *guarded*: the program copes when the module is missing
(e.g. `log`, which only V2 has), so no warning is due for it.
"""
from __future__ import annotations

from kit.build.pyast import parse_python

import ast
from collections.abc import Iterator


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "Exception", "BaseException")
               for n in names)


def _guarded_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside a try: whose handlers catch ImportError."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            for statement in node.body:
                guarded.update(id(child) for child in ast.walk(statement))
    return guarded


def imported_modules(text: str) -> Iterator[tuple[str, int, bool]]:
    """Yield (top-level module name, line, guarded) for every import in `text`.

    Relative imports (`from . import x`) are skipped: the board has no packages. A text that
    does not parse yields nothing (the compiler check reports it with its line).
    """
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return
    guarded = _guarded_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0], id(node) in guarded)
                      for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0], id(node) in guarded))
    for line, name, is_guarded in sorted(found):
        yield name, line, is_guarded
