"""Turn what a teacher names (a lesson, a .py file, a .hex file) into checked hex files, cached.

`klimakit build` and `klimakit flash` accept the same targets: a lesson id resolves to its
firmware (firmware/<name>.py), a .py file is checked (each board's compiler, filesystem size)
and built with its modules as files, a .hex file is decoded and checked as DAPLink would.
A BuiltHex holds the universal hex (what `klimakit build` writes: one file for every board)
and one plain hex per micro:bit version: flashing gives each board only its own, about 0.64 MB
for V1 and 1.24 MB for V2 instead of 1.88 MB (docs/firmware.md). Built hex files are cached
in the user cache folder under the hash of everything that goes into them (every file, the
MicroPython releases), and in memory, so building the same lesson twice builds once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.build.firmware import (
    FS_BYTES, MICROPYTHON_RELEASE, BoardFiles, build_version_hex, fs_bytes_needed,
    join_universal, read_hex_files, runtime_banner, split_universal,
)
from kit.build.hexfile import HexInfo, inspect_hex
from kit.build.limits import v1_memory_warning
from kit.build.program import Program, check_program, file_program, lesson_program
from kit.errors import FirmwareError
from kit.hardware import V1, V2, VERSIONS
from kit.resources import cache_dir

log = logging.getLogger(__name__)

CACHE_FORMAT = "2"  # bump when the way hex files are built changes
CACHE_KEEP = 24  # programs kept in the disk cache (each ~1.9 MB)
_MEMORY: OrderedDict[str, dict[str, str]] = OrderedDict()
_MEMORY_KEEP = 16  # programs kept in memory (~3.8 MB each): the whole library in one export
_BLOCK = {V1: "9900", V2: "9903"}


@dataclass(frozen=True)
class BuiltHex:
    """Hex files ready to flash, what is inside them, and where they came from.

    `text` is what `klimakit build` writes (the universal hex, or the one plain hex when built
    for one version); `parts` has one plain hex per version, so each board gets only its own.
    """

    name: str  # program name (used in the inventory)
    text: str
    info: HexInfo
    source: Path | None = None
    from_cache: bool = False
    warnings: tuple[str, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    contents: tuple[BoardFiles, ...] = ()

    @property
    def data(self) -> bytes:
        return self.text.encode("ascii")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def hex_for(self, version: str) -> str:
        """The hex a board of `version` gets: its own part if there is one, else `text`."""
        return dict(self.parts).get(version, self.text)

    def data_for(self, version: str) -> bytes:
        return self.hex_for(version).encode("ascii")

    def sha256_for(self, version: str) -> str:
        """The hash of the hex a board of `version` gets (what the inventory records)."""
        return hashlib.sha256(self.data_for(version)).hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("ascii", "replace")).hexdigest()


def _key(program: Program, versions: Sequence[str]) -> str:
    runtimes = ",".join("{}={}".format(v, MICROPYTHON_RELEASE[v]) for v in versions)
    return hashlib.sha256("\0".join((CACHE_FORMAT, runtimes, program.sha256)).encode(
        "utf-8")).hexdigest()


def _contents(program: Program, versions: Sequence[str]) -> tuple[BoardFiles, ...]:
    """What each version's filesystem holds: known from the files, no need to read it back."""
    data = {f.name: f.data for f in program.board_files}
    return tuple(BoardFiles(v, runtime_banner(v), tuple((n, len(d)) for n, d in data.items()),
                            fs_bytes_needed(data), FS_BYTES[v]) for v in versions)


def _read_cache(folder: Path, versions: Sequence[str]) -> dict[str, str] | None:
    """The cached hex files, or None if any is missing or not what was written (sha256)."""
    try:
        sums = json.loads((folder / "sha256.json").read_text(encoding="utf-8"))
        names = list(versions) + (["universal"] if len(versions) > 1 else [])
        parts = {n: (folder / "{}.hex".format(n)).read_text(encoding="ascii") for n in names}
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    for name, text in parts.items():
        if not isinstance(sums, dict) or sums.get(name) != _sha256(text):
            return None
    return parts


def _write_cache(folder: Path, parts: dict[str, str]) -> None:
    """Write a program's hex files so a crash never leaves half a file (the cache is optional)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files = {"{}.hex".format(name): text for name, text in parts.items()}
        files["sha256.json"] = json.dumps({n: _sha256(t) for n, t in parts.items()})
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text)
            os.replace(tmp, folder / name)
    except OSError as err:
        log.warning("hex cache not written (%s): %s", folder, err)
        return
    _prune(folder.parent)


def _prune(root: Path) -> None:
    """Keep the CACHE_KEEP newest programs (and drop files of older cache formats)."""
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    old = [p for p in entries if not p.is_dir()] + [p for p in entries if p.is_dir()][:-CACHE_KEEP]
    for entry in old:
        try:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError as err:  # another process may be using it: next time
            log.info("hex cache entry %s kept: %s", entry, err)


def _build_parts(program: Program, versions: Sequence[str]) -> dict[str, str]:
    files = {f.name: f.data for f in program.board_files}
    parts = {v: build_version_hex(files, v, program.name) for v in versions}
    if len(versions) > 1:
        parts["universal"] = join_universal(parts)
    return parts


def build_program(program: Program, *, use_cache: bool = True,
                  versions: Sequence[str] | None = None) -> BuiltHex:
    """Build the hex files for a program: one per version and, for several, the universal one.

    `versions` defaults to the versions the program was checked for. Every file is compiled
    with each version's compiler and must fit its filesystem, before anything is built.
    """
    versions = tuple(v for v in VERSIONS if v in (versions or program.versions))
    if not versions:
        raise FirmwareError(_("{program}: no micro:bit version to build for").format(
            program=program.name))
    notes = check_program(program, versions)
    warning = v1_memory_warning(program) if V1 in versions else ""
    warnings = tuple(dict.fromkeys(program.notes + notes + ((warning,) if warning else ())))
    key = _key(program, versions)
    folder = cache_dir() / "hex" / key
    parts = _MEMORY.get(key) if use_cache else None
    from_cache = parts is not None
    if parts is None and use_cache:
        parts = _read_cache(folder, versions)
        from_cache = parts is not None
    if parts is None:
        parts = _build_parts(program, versions)
        if use_cache:
            _write_cache(folder, parts)
    _MEMORY[key] = parts
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > _MEMORY_KEEP:
        _MEMORY.popitem(last=False)
    text = parts["universal"] if len(versions) > 1 else parts[versions[0]]
    blocks = tuple(_BLOCK[v] for v in versions) if len(versions) > 1 else ()
    info = HexInfo(blocks, versions, len(text))
    return BuiltHex(program.name, text, info, program.files[0] if program.files else None,
                    from_cache, warnings, tuple((v, parts[v]) for v in versions),
                    _contents(program, versions))


def build_universal_hex(program: Program) -> str:
    """The universal hex (V1 + V2 parts, or the one version a V2-only program has)."""
    return build_program(program).text


def build_v1_hex(program: Program) -> str:
    """A plain Intel hex with only MicroPython V1 and the program's files (what QEMU loads)."""
    return build_program(program, versions=(V1,)).hex_for(V1)


def load_hex_file(path: Path) -> BuiltHex:
    """Read and check a ready-made .hex file; a universal one is split for per-board flashing."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FirmwareError(_("cannot read {path}: {reason}").format(
            path=path, reason=os_reason(err))) from err
    text = data.decode("ascii", "replace")
    try:
        info = inspect_hex(text)
        parts = tuple(sorted(split_universal(text).items())) if info.universal else ()
    except FirmwareError as err:
        raise FirmwareError(_("{path}: {problem} - this is not a hex file a micro:bit accepts.")
                            .format(path=path, problem=err)) from err
    try:
        contents = read_hex_files(text)
    except FirmwareError:  # not MicroPython (e.g. MakeCode): nothing to list
        contents = ()
    return BuiltHex(path.stem, text, info, path, parts=parts, contents=contents)


def build_target(target: str | Path, *, use_cache: bool = True,
                 versions: Sequence[str] | None = None, field: bool | None = None) -> BuiltHex:
    """Build or load what `target` names: a lesson id, a .py file or a .hex file.

    `versions` (e.g. ("v2",)) builds for those boards only; `field` builds a lesson to keep
    its readings on the board (None: as the lesson says; kit/build/field.py). Raises
    FirmwareError (file:line for syntax errors, bytes over for size) or LessonError before
    anything is flashed.
    """
    text = str(target)
    path = Path(text)
    if field and (text.lower().endswith((".hex", ".py")) or path.is_file()):
        raise FirmwareError(_("--log-on-board needs a lesson (its fields and units name the "
                              "columns of the log), not the file {file}").format(file=path))
    if text.lower().endswith(".hex"):
        if not path.is_file():
            raise FirmwareError(_("no such hex file: {path}").format(path=path))
        return load_hex_file(path)
    if text.lower().endswith(".py") or path.is_file():
        if not path.is_file():
            raise FirmwareError(_("no such program file: {path}").format(path=path))
        return build_program(file_program(path, versions=versions or VERSIONS),
                             use_cache=use_cache)
    from kit.lessons import get_lesson  # lessons are only loaded when a lesson is named

    lesson = get_lesson(text)
    program = lesson_program(lesson, field=field)
    if versions and not set(versions) <= set(program.versions):
        raise FirmwareError(_("lesson {lesson!r} runs on micro:bit {versions} only (boards: in "
                              "lesson.md), not {asked}").format(
                                  lesson=lesson.id,
                                  versions="/".join(v.upper() for v in program.versions),
                                  asked="/".join(v.upper() for v in versions)))
    return build_program(program, use_cache=use_cache, versions=versions)
