"""klimakit: host toolkit for teaching climate and technology with the BBC micro:bit.

Importing kit has no side effects: no board is searched, no QEMU is started.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
