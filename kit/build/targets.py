"""Turn what a teacher names (a lesson, a .py file, a .hex file) into a checked hex, cached.

`klimakit build` and `klimakit flash` accept the same targets: a lesson id resolves to its
firmware (firmware/<name>.py), a .py file is checked (V1 syntax, size) and built into a
universal hex with firmware/lib inlined, a .hex file is decoded and checked as DAPLink would.
Built hex files are cached in the user cache folder under the hash of everything that goes into
them (program text, uflash's MicroPython runtime), so flashing the same lesson twice builds once.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uflash

from kit.errors import FirmwareError
from kit.build.program import (
    Program, build_universal_hex, file_program, lesson_program, v1_memory_warning,
)
from kit.build.hexfile import HexInfo, inspect_hex
from kit.hardware import V1
from kit.resources import cache_dir

log = logging.getLogger(__name__)

CACHE_FORMAT = "1"  # bump when the way hex files are built changes


@dataclass(frozen=True)
class BuiltHex:
    """A hex ready to flash, and where it came from."""

    name: str  # program name (used in the inventory)
    text: str
    info: HexInfo
    source: Path | None = None
    from_cache: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def data(self) -> bytes:
        return self.text.encode("ascii")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _runtime_hash() -> str:
    return hashlib.sha256(uflash._RUNTIME.encode("ascii")).hexdigest()[:16]


def build_program(program: Program, *, use_cache: bool = True, v1: bool = True) -> BuiltHex:
    """Build a universal hex for an assembled program (size checked), using the cache.

    v1=False: the program is not meant for V1 (a V2-only lesson), so no V1 memory warning.
    """
    warning = v1_memory_warning(program) if v1 else ""
    warnings = (warning,) if warning else ()
    key = hashlib.sha256("\0".join(
        (CACHE_FORMAT, _runtime_hash(), program.source)).encode("utf-8")).hexdigest()
    cached = cache_dir() / "hex" / "{}.hex".format(key)
    source = program.files[0] if program.files else None
    if use_cache:
        try:
            text = cached.read_text(encoding="ascii")
            return BuiltHex(program.name, text, inspect_hex(text), source, True, warnings)
        except (OSError, ValueError, FirmwareError):
            pass  # missing or damaged: build again
    text = build_universal_hex(program)
    info = inspect_hex(text)
    if use_cache:
        _write_atomic(cached, text)
    return BuiltHex(program.name, text, info, source, False, warnings)


def _write_atomic(path: Path, text: str) -> None:
    """Write a cache file so a crash never leaves a half file (the cache is optional)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as err:
        log.warning("hex cache not written (%s): %s", path, err)


def load_hex_file(path: Path) -> BuiltHex:
    """Read and check a ready-made .hex file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FirmwareError("cannot read {}: {}".format(path, err)) from err
    text = data.decode("ascii", "replace")
    try:
        info = inspect_hex(text)
    except FirmwareError as err:
        raise FirmwareError("{}: {} - this is not a hex file a micro:bit accepts.".format(
            path, err)) from err
    return BuiltHex(path.stem, text, info, path)


def build_target(target: str | Path, *, use_cache: bool = True) -> BuiltHex:
    """Build or load what `target` names: a lesson id, a .py file or a .hex file.

    Raises FirmwareError (file:line for syntax errors, bytes over for size) or LessonError
    before anything is flashed.
    """
    text = str(target)
    path = Path(text)
    if text.lower().endswith(".hex"):
        if not path.is_file():
            raise FirmwareError("no such hex file: {}".format(path))
        return load_hex_file(path)
    if text.lower().endswith(".py") or path.is_file():
        if not path.is_file():
            raise FirmwareError("no such program file: {}".format(path))
        return build_program(file_program(path), use_cache=use_cache)
    from kit.lessons import get_lesson  # lessons are only loaded when a lesson is named

    lesson = get_lesson(text)
    return build_program(lesson_program(lesson), use_cache=use_cache, v1=lesson.runs_on(V1))
