"""Where klimakit's files are: the lesson library and firmware it ships, and the user's folders.

In a source checkout lessons/ and firmware/ sit beside kit/. A non-editable install maps them
into kit/_content/ (see pyproject.toml), so `klimakit` run from any folder still finds them.
KLIMAKIT_LESSONS / KLIMAKIT_FIRMWARE override both, e.g. for a school's own lesson folder.

klimakit's own files go in a per-user data folder (the board store) and a cache folder (built
hex files), where the platform keeps them (platformdirs: XDG on Linux, ~/Library on macOS,
%LOCALAPPDATA% on Windows). KLIMAKIT_DATA_DIR / KLIMAKIT_CACHE_DIR replace them, which is how
tests keep away from the real home folder.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from kit.i18n import gettext as _
from kit.errors import FirmwareError

APP_NAME = "klimakit"

_KIT_DIR = Path(__file__).resolve().parent


def _content_dir(name: str, env_var: str) -> Path:
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    checkout = _KIT_DIR.parent / name
    # A checkout is recognised by pyproject.toml beside kit/; site-packages has none, so an
    # unrelated top-level "lessons" package installed by someone else is never picked up.
    if (_KIT_DIR.parent / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return _KIT_DIR / "_content" / name


def lessons_dir() -> Path:
    """Return the folder holding lessons/<id>/lesson.md."""
    return _content_dir("lessons", "KLIMAKIT_LESSONS")


def firmware_dir() -> Path:
    """Return the folder holding the firmware programs (and lib/ with shared modules)."""
    return _content_dir("firmware", "KLIMAKIT_FIRMWARE")


def firmware_path(name: str) -> Path:
    """Return firmware/<name>.py, refusing names that would leave the firmware folder."""
    base = firmware_dir().resolve()
    path = (base / (name if name.endswith(".py") else name + ".py")).resolve()
    if base not in path.parents:
        raise FirmwareError(_("firmware name {name!r} points outside {folder}").format(
            name=name, folder=base))
    return path


def data_dir() -> Path:
    """Return (and create) the per-user data folder."""
    path = Path(os.environ.get("KLIMAKIT_DATA_DIR")
                or platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Return (and create) the per-user cache folder (safe to delete at any time)."""
    path = Path(os.environ.get("KLIMAKIT_CACHE_DIR")
                or platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
