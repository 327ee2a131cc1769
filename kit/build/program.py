"""Turn a firmware program into a hex a micro:bit (or QEMU) can run.

Firmware programs live in firmware/<name>.py and may use shared modules from firmware/lib/.
uflash can only place one file (main.py) in the board's filesystem, so a line
``from <module> import ...`` naming a firmware/lib module is replaced by that module's source
(inlined once). Checks run before any hex is built, so a pupil's mistake is reported with its
file and line instead of being scrolled across the LEDs of 28 boards.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import uflash

from kit.errors import FirmwareError
from kit.hardware import V1, V1_BOARD_IDS
from kit.resources import firmware_dir

if TYPE_CHECKING:
    from kit.lessons import Lesson

# uflash places main.py in both filesystems of the universal hex; the V2 one is the smaller, so it
# sets the limit (uflash.script_to_fs raises at this size).
_CHUNK, _CHUNK_DATA = 128, 126
MAX_SCRIPT_BYTES = min(
    int(((end - start) / _CHUNK) * _CHUNK_DATA) - 9
    for start, end in (
        (uflash._FS_START_ADDR_V1, uflash._FS_END_ADDR_V1),
        (uflash._FS_START_ADDR_V2, uflash._FS_END_ADDR_V2),
    )
)
# V1 compiles all of main.py at once into a ~10 KB heap; past roughly this much real code it
# fails with MemoryError before printing anything (measured in QEMU, docs/qemu.md §7).
V1_CODE_WARN_BYTES = 3000

_LIB_IMPORT = re.compile(r"^from\s+(\w+)\s+import\s+.+$")
FIRMWARE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")  # firmware/<name>.py, no folders


@dataclass(frozen=True)
class Program:
    """A firmware program ready to build: the source as flashed, plus what went into it."""

    name: str
    source: str
    files: tuple[Path, ...]

    @property
    def size_bytes(self) -> int:
        return len(self.source.encode("utf-8"))


def check_v1_syntax(source: str, filename: str) -> None:
    """Raise FirmwareError naming file:line if `source` is not valid micro:bit V1 MicroPython.

    V1 runs MicroPython 1.9.2: no f-strings (it reports a misleading "cannot mix bytes and
    nonbytes literals"), no walrus operator, no positional-only parameters, no match.
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as err:
        raise FirmwareError(
            "{}:{}: syntax error: {}. Fix this line before flashing.".format(
                filename, err.lineno, err.msg
            )
        ) from None
    for node in ast.walk(tree):
        problem = None
        if isinstance(node, ast.JoinedStr):
            problem = "f-strings do not work on micro:bit V1; use '{}'.format(...) instead"
        elif isinstance(node, ast.NamedExpr):
            problem = "':=' does not work on micro:bit V1; assign on its own line"
        elif isinstance(node, ast.Match):
            problem = "'match' does not work on micro:bit MicroPython; use if/elif"
        elif isinstance(node, ast.arguments) and node.posonlyargs:
            problem = "positional-only parameters ('/') do not work on micro:bit V1"
        if problem:
            raise FirmwareError("{}:{}: {}".format(filename, getattr(node, "lineno", 1), problem))


def _check_python_syntax(source: str, filename: str) -> None:
    try:
        ast.parse(source, filename=filename)
    except SyntaxError as err:
        raise FirmwareError(
            "{}:{}: syntax error: {}".format(filename, err.lineno, err.msg)) from None


def assemble(path: Path, lib_dir: Path | None = None, *, v1: bool = True) -> Program:
    """Read a firmware program and inline the firmware/lib modules it imports.

    v1=False (a V2-only lesson) still requires valid Python but allows f-strings etc.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FirmwareError("cannot read firmware {}: {}".format(path, err)) from err
    if v1:
        check_v1_syntax(text, str(path))
    else:
        _check_python_syntax(text, str(path))
    lib_dir = lib_dir if lib_dir is not None else path.parent / "lib"
    out: list[str] = []
    used: list[Path] = [path]
    for line in text.splitlines():
        match = _LIB_IMPORT.match(line.strip())
        module = lib_dir / "{}.py".format(match.group(1)) if match else None
        if module is not None and module.is_file():
            if module not in used:
                lib_text = module.read_text(encoding="utf-8")
                check_v1_syntax(lib_text, str(module))
                out.append("# --- inlined from lib/{} ---".format(module.name))
                out.extend(lib_text.splitlines())
                out.append("# --- end of lib/{} ---".format(module.name))
                used.append(module)
            continue
        out.append(line)
    return Program(name=path.stem, source="\n".join(out) + "\n", files=tuple(used))


def check_size(program: Program) -> None:
    """Raise FirmwareError if the program cannot fit in the micro:bit filesystem."""
    over = program.size_bytes - (MAX_SCRIPT_BYTES - 1)
    if over > 0:
        raise FirmwareError(
            "{} is {} bytes, {} bytes too large for the micro:bit (limit {} bytes). "
            "Remove comments or unused code.".format(
                program.name, program.size_bytes, over, MAX_SCRIPT_BYTES - 1
            )
        )


def build_universal_hex(program: Program) -> str:
    """Build a universal hex (V1 + V2 sections) with the program as main.py."""
    check_size(program)
    try:
        return str(uflash.embed_fs_uhex(uflash._RUNTIME, program.source.encode("utf-8")))
    except ValueError as err:
        raise FirmwareError("{}: {}".format(program.name, err)) from err


def universal_to_v1(universal_hex: str, board_ids: tuple[str, ...] = V1_BOARD_IDS) -> str:
    """Keep only the V1 block of a universal hex, as plain Intel hex (what QEMU can load).

    Universal hex record types: 0A block start (data = board id), 0B block end, 0C/0E padding
    and custom data (dropped), 0D data record in a universal block (becomes 00, new checksum).
    """
    out: list[str] = []
    pending: list[str] = []
    keep: bool | None = None  # None: between blocks
    for raw_line in universal_hex.splitlines():
        line = raw_line.strip()
        rtype = line[7:9].upper()
        if rtype == "0A":
            keep = line[9:13].upper() in board_ids
            if keep:
                out.extend(pending)  # the extended-address record just before the block
            pending = []
        elif rtype == "0B":
            keep = None
        elif keep is None and rtype in ("02", "04"):
            pending.append(line)
        elif keep and rtype in ("00", "02", "03", "04", "05", "0D"):
            if rtype == "0D":
                record = bytearray.fromhex(line[1:-2])
                record[3] = 0x00
                line = ":{}{:02X}".format(record.hex().upper(), -sum(record) & 0xFF)
            out.append(line)
    if not out:
        raise FirmwareError("the hex has no micro:bit V1 section")
    return "\n".join(out + [":00000001FF"]) + "\n"


def build_v1_hex(program: Program) -> str:
    """Build a plain Intel hex with only the V1 runtime and the program (for QEMU)."""
    return universal_to_v1(build_universal_hex(program))


def v1_code_bytes(source: str) -> int:
    """Bytes of real code: comments and blank lines removed (V1 skips them while compiling).

    Docstrings count: V1's parser holds every string of main.py in its ~10 KB heap. This is the
    one measure of program size held to V1_CODE_WARN_BYTES (build, lesson check, simulator).
    """
    lines = source.splitlines()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                lines[row - 1] = lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return sum(len(line.rstrip().encode("utf-8")) + 1 for line in lines if line.strip())


def v1_memory_warning(program: Program) -> str:
    """Return a warning if the program is likely too big for a micro:bit V1's heap, else ''."""
    size = v1_code_bytes(program.source)
    if size <= V1_CODE_WARN_BYTES:
        return ""
    return ("{} bytes of code in {} with firmware/lib inlined (comments not counted); "
            "micro:bit V1 runs out of memory near {} bytes. Make it smaller, or mark the lesson "
            "'boards: [v2]'.".format(size, program.name, V1_CODE_WARN_BYTES))


def firmware_file(name: object, root: Path | None = None) -> Path | None:
    """Return firmware/<name>.py for a firmware name, or None if `name` is not one.

    A name is letters, digits, '_' and '-' (no folders), with or without '.py'; `root`
    replaces the firmware folder (a lesson library of its own).
    """
    if not isinstance(name, str) or not FIRMWARE_NAME.match(name.removesuffix(".py")):
        return None
    return (root or firmware_dir()) / (name.removesuffix(".py") + ".py")


def file_program(path: Path, *, v1: bool = True) -> Program:
    """Return the program in a .py file a user names (a pupil's own, or a copy of a lesson's).

    The firmware/lib modules it imports come from lib/ beside it if there is one, else from
    klimakit's firmware/lib, so a pupil's copy of a lesson program still gets `klima` filled in.
    """
    beside = Path(path).parent / "lib"
    return assemble(path, beside if beside.is_dir() else firmware_dir() / "lib", v1=v1)


def lesson_program(lesson: Lesson, firmware_root: Path | None = None) -> Program:
    """Return the program a lesson puts on its boards: the one rule every caller uses.

    firmware/<name>.py with the firmware/lib modules it imports, checked with the rules of
    every micro:bit version the lesson runs on (V1's when it runs on V1). Flash, lesson check,
    export, simulator, recording hash and demo all build a lesson's program here.
    """
    path = firmware_file(lesson.firmware, firmware_root)
    if path is None:
        raise FirmwareError("lesson {!r}: firmware must be a program name in firmware/, e.g. "
                            "'afkoeling', not {!r}".format(lesson.id, lesson.meta.get("firmware")))
    if not path.is_file():
        raise FirmwareError("lesson {!r} names firmware {} but that file is missing".format(
            lesson.id, path))
    return assemble(path, path.parent / "lib", v1=lesson.runs_on(V1))
