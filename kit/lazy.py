"""Lazy room exports (PEP 562): a room's public names load their module on first use.

Rooms whose modules pull in heavy dependencies (pyserial, QEMU's machinery, the MicroPython
runtimes) export their names through `lazy_exports`, so `from kit.build import inspect_hex`
loads the hex checker and nothing else (tests/test_architecture.py holds this). Type checkers
read the same names from the room's `if TYPE_CHECKING:` imports.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_exports(package: str, where: Mapping[str, Sequence[str]]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return (__getattr__, __dir__) for `package` exporting {module: names} lazily."""
    module_of = {name: module for module, names in where.items() for name in names}
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError("module {!r} has no attribute {!r}".format(package, name))
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later lookups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(module_of))

    return __getattr__, __dir__
