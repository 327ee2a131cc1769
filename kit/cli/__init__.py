"""The CLI layer: click commands grouped by family (one module each), built into `klimakit`.

Only this room prints or exits; it parses, calls the rooms below and renders what comes back.
It is a room of the package (not top-level `cli`/`clicommands` modules) so that installing
klimakit puts only `kit` into site-packages. The repository's top-level cli.py just calls main().
"""
from __future__ import annotations

from kit.cli.main import cli, main

__all__ = ["cli", "main"]
