"""Shared terminal output for commands: a rich console on stderr for messages and tables."""
from __future__ import annotations

from rich.console import Console

# Messages and tables go to stderr so stdout stays clean for data (`klimakit ... > file`).
err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)
