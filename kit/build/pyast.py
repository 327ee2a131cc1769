"""Python's `ast.parse` and `ast.literal_eval`, safe to call from many threads at once.

CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread
(python/cpython#106905): two threads turning source into AST objects at the same time can fail
with "SystemError: AST constructor recursion depth mismatch". klimakit parses Python in several
threads (simulated boards importing their modules, the build's syntax check, board replies read
with literal_eval), so every such call in kit/ goes through this one lock. Compiling source text
straight to code does not build AST objects and needs no lock.
"""
from __future__ import annotations

import ast
import threading
from typing import Any

AST_LOCK = threading.RLock()


def parse_python(source: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse of a module under the process-wide lock."""
    with AST_LOCK:
        return ast.parse(source, filename=filename)


def parse_expression(source: str, filename: str = "<unknown>") -> ast.Expression:
    """ast.parse of one expression (mode "eval") under the process-wide lock."""
    with AST_LOCK:
        return ast.parse(source, filename=filename, mode="eval")


def literal(text: str) -> Any:
    """ast.literal_eval under the process-wide lock."""
    with AST_LOCK:
        return ast.literal_eval(text)
