"""Where klimakit keeps its own files: a per-user data folder and a cache folder.

The data folder holds the board store (names and inventory, one SQLite file); the cache holds
built hex files. Both follow the platform's convention (XDG on Linux, ~/Library on macOS,
%LOCALAPPDATA% on Windows). KLIMAKIT_DATA_DIR / KLIMAKIT_CACHE_DIR replace them, which is how
tests keep away from the real home folder.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "klimakit"
DB_FILE = "klimakit.sqlite3"


def _platform_base(kind: str) -> Path:
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / APP_NAME
        return base / "Cache" if kind == "cache" else base
    if sys.platform == "darwin":
        folder = "Caches" if kind == "cache" else "Application Support"
        return home / "Library" / folder / APP_NAME
    if kind == "cache":
        return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_NAME


def data_dir() -> Path:
    """Return (and create) the per-user data folder."""
    path = Path(os.environ.get("KLIMAKIT_DATA_DIR") or _platform_base("data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Return (and create) the per-user cache folder (safe to delete at any time)."""
    path = Path(os.environ.get("KLIMAKIT_CACHE_DIR") or _platform_base("cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    """Return the SQLite file holding board names and the inventory."""
    return data_dir() / DB_FILE
