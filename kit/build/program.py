"""A program as the board gets it: main.py and the modules it imports, as files, checked.

Firmware programs live in firmware/<name>.py and may use shared modules from firmware/lib/; a
pupil's program may import modules of its own from .py files beside it. Each module a program
imports (and each one those import) goes into the board's filesystem as a file of its own, so
`import` works as on the board and a traceback names the real file and line. That also leaves
more of V1's heap free than pasting the modules into main.py did (measured in QEMU: 500-700
bytes more for every lesson, docs/firmware.md). Checks run before any hex is built, so a
pupil's mistake is reported as file:line instead of scrolled across the LEDs of 28 boards.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kit.i18n import gettext as _
from kit.build.compiler import check_source
from kit.build.firmware import (
    BUILTIN_MODULES, CHUNK_BYTES, CHUNK_DATA_BYTES, FS_BYTES, MAX_FILE_NAME_BYTES,
    filesystem_problem, read_files,
)
from kit.build.imports import imported_modules
from kit.build.source import read_source
from kit.errors import FirmwareError, HexFileError
from kit.hardware import V1, V2, VERSIONS
from kit.resources import firmware_dir

if TYPE_CHECKING:
    from kit.lessons import Lesson

MAIN = "main.py"
# The largest main.py that fits alone in the smaller filesystem (V2's): 20,150 bytes (its file
# header takes 2 bytes + the name, and one 0xFF byte ends it).
MAX_SCRIPT_BYTES = FS_BYTES[V2] // CHUNK_BYTES * CHUNK_DATA_BYTES - len(MAIN) - 3
FIRMWARE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")  # firmware/<name>.py, no folders


@dataclass(frozen=True)
class ProgramFile:
    """One file in the board's filesystem: its name there, its text, where it came from."""

    name: str
    text: str
    path: Path | None = None

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


@dataclass(frozen=True)
class Program:
    """A program ready to build: main.py as flashed, and the modules beside it on the board.

    `files` are the PC files that went in (the program first, then its modules); `versions`
    the micro:bit versions it was checked for; `notes` what the checks want a user to know;
    `v1_uncounted` files the V1 heap rule does not count: never loaded on a V1, or measured.
    """

    name: str
    source: str
    files: tuple[Path, ...] = ()
    modules: tuple[ProgramFile, ...] = ()
    versions: tuple[str, ...] = VERSIONS
    notes: tuple[str, ...] = ()
    v1_uncounted: tuple[str, ...] = ()  # files not held to the V1 heap rule (kit/build/field.py)

    @property
    def board_files(self) -> tuple[ProgramFile, ...]:
        """Every file the board's filesystem gets, main.py first."""
        main = ProgramFile(MAIN, self.source, self.files[0] if self.files else None)
        return (main,) + self.modules

    @property
    def size_bytes(self) -> int:
        return sum(len(file.data) for file in self.board_files)

    @property
    def sha256(self) -> str:
        """Hash of every file as flashed (name and text), e.g. for a recording's sidecar."""
        digest = hashlib.sha256()
        for file in self.board_files:
            digest.update("{}\0{}\0".format(file.name, len(file.data)).encode("utf-8"))
            digest.update(file.data)
        return digest.hexdigest()

    @property
    def imports(self) -> frozenset[str]:
        """Every module name any of its files imports (built-in ones included)."""
        return frozenset(name for file in self.board_files
                         for name, _line, _guarded in imported_modules(file.text))

    def module_sources(self) -> dict[str, str]:
        """The modules by import name ({"klima": "..."}), e.g. for the simulator."""
        return {file.name.removesuffix(".py"): file.text for file in self.modules}

    def file_path(self, board_name: str) -> Path | None:
        """The PC file that became `board_name` (main.py, klima.py, ...) on the board."""
        return next((f.path for f in self.board_files if f.name == board_name), None)


def check_v1_syntax(source: str, filename: str) -> None:
    """Raise FirmwareError naming file:line if micro:bit V1's compiler refuses `source`."""
    check_source(source, filename, V1)


def check_program(program: Program, versions: Sequence[str] | None = None) -> tuple[str, ...]:
    """Check every file with the compiler of each version, then the filesystem sizes.

    Raises FirmwareError ('file:line: why', or by how many bytes it is too large); returns
    notes (e.g. that a fallback check was used). A program built for V1 is checked for V1.
    """
    versions = tuple(versions or program.versions)
    data = {file.name: file.data for file in program.board_files}
    for version in versions:
        problem = filesystem_problem(data, version, program.name)
        if problem:
            raise FirmwareError(problem)
    notes: list[str] = []
    for version in versions:
        for file in program.board_files:
            where = str(file.path) if file.path is not None else file.name
            note = check_source(file.text, where, version)
            if note and note not in notes:
                notes.append(note)
    return tuple(notes)


def _shadowed(name: str, search: Sequence[Path], versions: Sequence[str]) -> str:
    """A warning if a .py file beside the program has the name of a built-in module, or ''.

    The built-in always wins on the board, so such a file is never put on it. It is a warning,
    not an error: a folder of programs may hold one called radio.py that is not a module.
    """
    found = next((f / (name + ".py") for f in search if (f / (name + ".py")).is_file()), None)
    if found is None or not any(name in BUILTIN_MODULES[v] for v in versions):
        return ""
    return _("{path}: {file} has the name of micro:bit's built-in module '{module}': on the "
             "board `import {module}` always gets the built-in one, so your file is not put on "
             "it. If it is your own module, rename it (e.g. {module}_hjaelp.py) and its import."
             ).format(path=found, file=found.name, module=name)


def _module_path(name: str, search: Sequence[Path], versions: Sequence[str],
                 importer: Path) -> Path | None:
    """The file a module import names, or None if it is the board's own (or nowhere)."""
    if any(name in BUILTIN_MODULES[v] for v in versions):
        return None
    found = next((f / (name + ".py") for f in search if (f / (name + ".py")).is_file()), None)
    if found is None:
        return None
    if name + ".py" == MAIN:
        raise FirmwareError(_("{path}: a module cannot be called main.py: that is the name the "
                              "board gives the program itself. Rename it.").format(path=found))
    if len((name + ".py").encode("utf-8")) > MAX_FILE_NAME_BYTES:
        raise FirmwareError(_("{path}: the name is longer than the {most} bytes the micro:bit's "
                              "filesystem allows. Give it a shorter name.").format(
                                  path=found, most=MAX_FILE_NAME_BYTES))
    return found if found.resolve() != importer.resolve() else None


def _unknown_import(name: str, where: str, versions: Sequence[str]) -> str:
    """A warning for an unguarded import no target board has built in, or '' if all have it."""
    missing = [v.upper() for v in versions if name not in BUILTIN_MODULES[v]]
    if not missing:
        return ""
    having = [v.upper() for v in VERSIONS if name in BUILTIN_MODULES[v]]
    if having:
        return _("{where}: import {module}: micro:bit {missing} has no module '{module}' (only "
                 "{having} has), so the program stops there with ImportError; put the import "
                 "in try/except ImportError, or mark the lesson 'boards: [{version}]'").format(
                     where=where, module=name, missing="/".join(missing), having=having[0],
                     version=having[0].lower())
    return _("{where}: import {module}: there is no {module}.py beside the program and "
             "micro:bit has no module '{module}', so the board will stop with ImportError"
             ).format(where=where, module=name)


def _versions(versions: Sequence[str], v1: bool | None) -> tuple[str, ...]:
    """The versions to check for; `v1` is the older way to ask (True: V1, False: V2 only)."""
    if v1 is not None:
        return (V1,) if v1 else (V2,)
    return tuple(v for v in VERSIONS if v in versions) or VERSIONS


def assemble(path: Path, lib_dir: Path | None = None, *,
             versions: Sequence[str] = VERSIONS, v1: bool | None = None) -> Program:
    """Read a program and every module it imports from beside it or `lib_dir`, and check it.

    `versions` are the micro:bit versions it must run on: each file is compiled with their
    compilers and must fit their filesystems (`v1=True`/`False` is the older spelling of
    versions=("v1",)/("v2",)). Raises FirmwareError as file:line.
    """
    path = Path(path)
    versions = _versions(versions, v1)
    lib_dir = lib_dir if lib_dir is not None else path.parent / "lib"
    search = list(dict.fromkeys([path.parent, lib_dir]))
    main_text = read_source(path)
    modules: dict[str, ProgramFile] = {}
    notes: list[str] = []
    queue = [(path, main_text)]
    while queue:
        importer, text = queue.pop(0)
        for name, line, guarded in imported_modules(text):
            if name in modules:
                continue
            found = _module_path(name, search, versions, path)
            shadowed = _shadowed(name, search, versions)
            if shadowed and shadowed not in notes:
                notes.append(shadowed)
            if found is not None:
                modules[name] = ProgramFile(name + ".py", read_source(found), found)
                queue.append((found, modules[name].text))
            elif not guarded:
                note = _unknown_import(name, "{}:{}".format(importer, line), versions)
                notes += [note] if note else []
    program = Program(path.stem, main_text, (path,) + tuple(f.path for f in modules.values()
                                                              if f.path is not None),
                      tuple(modules.values()), versions, ())
    notes += check_program(program)
    return Program(program.name, program.source, program.files, program.modules, versions,
                   tuple(notes))


def firmware_file(name: object, root: Path | None = None) -> Path | None:
    """Return firmware/<name>.py for a firmware name, or None if `name` is not one.

    A name is letters, digits, '_' and '-' (no folders), with or without '.py'; `root`
    replaces the firmware folder (a lesson library of its own).
    """
    if not isinstance(name, str) or not FIRMWARE_NAME.match(name.removesuffix(".py")):
        return None
    return (root or firmware_dir()) / (name.removesuffix(".py") + ".py")


def file_program(path: Path, *, versions: Sequence[str] = VERSIONS,
                 v1: bool | None = None) -> Program:
    """Return the program in a .py file a user names (a pupil's own, or a copy of a lesson's).

    Modules it imports come from beside it, then from lib/ beside it if there is one, else
    from klimakit's firmware/lib, so a pupil's copy of a lesson program still gets `klima`.
    """
    beside = Path(path).parent / "lib"
    return assemble(path, beside if beside.is_dir() else firmware_dir() / "lib",
                    versions=_versions(versions, v1))


def lesson_program(lesson: Lesson, firmware_root: Path | None = None, *,
                   field: bool | None = None) -> Program:
    """Return the program a lesson puts on its boards: the one rule every caller uses.

    firmware/<name>.py with the modules it imports (firmware/lib), checked with the compiler
    of every micro:bit version the lesson runs on. Flash, lesson check, export, simulator,
    recording hash and demo all build a lesson's program here. `field` builds it to keep
    every reading on the board too (kit/build/field.py); None: as the lesson says (a lesson
    with `field_log` in its front matter is meant for the field).
    """
    path = firmware_file(lesson.firmware, firmware_root)
    if path is None:
        raise FirmwareError(_("lesson {lesson!r}: firmware must be a program name in firmware/, "
                              "e.g. 'afkoeling', not {name!r}").format(
                                  lesson=lesson.id, name=lesson.meta.get("firmware")))
    if not path.is_file():
        raise FirmwareError(_("lesson {lesson!r} names firmware {path} but that file is missing")
                            .format(lesson=lesson.id, path=path))
    versions = tuple(v for v in VERSIONS if lesson.runs_on(v)) or VERSIONS
    program = assemble(path, path.parent / "lib", versions=versions)
    settings = lesson.field_log
    if field is False or (field is None and settings is None):
        return program
    from kit.build.field import field_program
    from kit.lessons import FieldLog

    return field_program(program, lesson, settings or FieldLog(), path.parent / "lib")


def program_in_hex(text: str, name: str = "main") -> Program:
    """Return the program a plain (one-version) hex carries: its main.py and the files beside it.

    What a board runs after it was flashed, read back from the hex as the board's filesystem
    holds it (a virtual board runs it in the simulator: kit/flash/engine.py). Raises
    HexFileError if the hex holds no MicroPython files or no main.py.
    """
    files = read_files(text)
    if MAIN not in files:
        raise HexFileError(_("the hex has MicroPython but no main.py: the board runs no program"))
    texts = {file: data.decode("utf-8", "replace") for file, data in files.items()}
    modules = tuple(ProgramFile(file, body) for file, body in texts.items()
                    if file != MAIN and file.endswith(".py"))
    return Program(name, texts[MAIN], (), modules)
