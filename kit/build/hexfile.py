"""Look inside an Intel hex before it goes near a board: is it valid, and which boards is it for?

DAPLink decodes the hex while it is being copied and refuses a broken or foreign one with
FAIL.TXT; checking first means a teacher hears about it once, before 28 copies, and no board
is left with half a program. A universal hex (micro:bit's V1+V2 format) names its sections'
board ids in Block Start records (type 0A: 9900/9901 = V1, 9903-9906 = V2). A plain hex has no
board id, so its addresses decide: data above the nRF51's 256 KB flash can only be for V2
(nRF52833, 512 KB); a plain hex that fits in 256 KB is a V1 program, and a V2 refuses it with
DAPLink error 529 ("The application image is not compatible with the target.").
Data anywhere else than flash, the UICR or RAM (where MakeCode keeps its project) is for
another chip - 0x08000000 is where STM32 boards keep their program - and is refused before
it reaches a board, with the sentence DAPLink gives for an address it cannot program (524).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kit.i18n import gettext as _
from kit.errors import HexFileError
from kit.hardware import UNKNOWN_VERSION, V1, V1_BOARD_IDS, V2, V2_BOARD_IDS

V1_FLASH_END = 0x40000  # nRF51822: 256 KB
V2_FLASH_END = 0x80000  # nRF52833: 512 KB
UICR_START = 0x10001000  # user config registers, written by both families' hex files
UICR_END = 0x10002000
RAM_START, RAM_END = 0x20000000, 0x20020000  # MakeCode V1 hex files keep their project here
DAPLINK_CHECKSUM = "The hex file cannot be decoded. Checksum calculation failure occurred."
DAPLINK_PARSER = "The hex file cannot be decoded. Parser logic failure occurred."
DAPLINK_INVALID_ADDRESS = ("The hex file you dropped isn't compatible with this mode or device. "
                           "Are you in MAINTENANCE mode? See HELP FAQ.HTM")


@dataclass(frozen=True)
class HexInfo:
    """What a hex file is for."""

    board_ids: tuple[str, ...]  # from Block Start records; empty for a plain hex
    versions: tuple[str, ...]  # "v1" and/or "v2"
    size_bytes: int

    @property
    def universal(self) -> bool:
        return bool(self.board_ids)

    def problem_for(self, version: str) -> str:
        """Return why this hex cannot run on a board of `version`, or '' if it can."""
        if version == UNKNOWN_VERSION or version in self.versions:
            return ""
        if not self.versions:
            return _("The hex file is for no micro:bit and cannot run on this {version} (it "
                     "would show error 529). Build the program again with `klimakit build`, "
                     "then it works on both V1 and V2.").format(version=version.upper())
        return _("The hex file is only for micro:bit {only} and cannot run on this {version} "
                 "(it would show error 529). Build the program again with `klimakit build`, "
                 "then it works on both V1 and V2.").format(
                     only="+".join(v.upper() for v in self.versions), version=version.upper())


def _bad(line_no: int, daplink_message: str, what: str) -> HexFileError:
    return HexFileError(_("line {line}: {problem}").format(line=line_no, problem=what),
                        daplink_message, line_no)


def _foreign_address(start: int, end: int) -> bool:
    """Whether data at [start, end) lies outside every micro:bit memory a hex may fill."""
    return not (end <= V2_FLASH_END or UICR_START <= start and end <= UICR_END
                or RAM_START <= start and end <= RAM_END)


def _records(text: str) -> Iterator[tuple[int, int, int, bytes]]:
    """(line, record type, 16-bit address, data) of every record, checked as DAPLink does."""
    seen_eof = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if seen_eof:
            raise _bad(line_no, DAPLINK_PARSER, _("data after the end-of-file record"))
        if not line.startswith(":") or len(line) < 11 or len(line) % 2 == 0:
            raise _bad(line_no, DAPLINK_PARSER, _("not an Intel hex record"))
        try:
            record = bytes.fromhex(line[1:])
        except ValueError:
            raise _bad(line_no, DAPLINK_PARSER, _("not hexadecimal")) from None
        if len(record) != record[0] + 5:
            raise _bad(line_no, DAPLINK_PARSER, _("record length does not match its data"))
        if sum(record) & 0xFF:
            raise _bad(line_no, DAPLINK_CHECKSUM, _("wrong checksum"))
        seen_eof = record[3] == 0x01
        yield line_no, record[3], int.from_bytes(record[1:3], "big"), record[4:-1]


def inspect_hex(data: bytes | str) -> HexInfo:
    """Decode every record (as DAPLink would) and return which boards the hex is for.

    Raises HexFileError (carrying DAPLink's own FAIL.TXT sentence) on a bad checksum, a
    malformed record, data where no micro:bit has memory, or a file with no data or no end
    record.
    """
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    board_ids: list[str] = []
    upper = highest = 0  # extended linear/segment address in effect; end of flash data
    seen_data = seen_eof = False
    for line_no, rtype, address, payload in _records(text):
        if rtype in (0x00, 0x0D):
            seen_data = True
            start, end = upper + address, upper + address + len(payload)
            if _foreign_address(start, end):
                raise _bad(line_no, DAPLINK_INVALID_ADDRESS, _(
                    "data at address {address}, where no micro:bit has memory: this hex is for "
                    "another kind of board (0x08000000 is where STM32 chips keep their "
                    "program). Build the program for micro:bit with `klimakit build`.").format(
                        address="0x{:08X}".format(start)))
            highest = max(highest, end) if end <= V2_FLASH_END else highest
        elif rtype == 0x01:
            seen_eof = True
        elif rtype in (0x02, 0x04) and len(payload) == 2:
            upper = int.from_bytes(payload, "big") << (4 if rtype == 0x02 else 16)
        elif rtype == 0x0A and len(payload) >= 2:
            board_ids.append(payload[:2].hex())
        elif rtype not in (0x03, 0x05, 0x0B, 0x0C, 0x0E):
            raise _bad(line_no, DAPLINK_PARSER, _("unknown record type {type}").format(
                type="{:02X}".format(rtype)))
    if not seen_data:
        raise _bad(1, DAPLINK_PARSER, _("no program data in the file"))
    if not seen_eof:
        raise _bad(len(text.splitlines()), DAPLINK_PARSER,
                   _("no end-of-file record: the file is cut short"))
    if board_ids:
        versions = [V1] if any(b in V1_BOARD_IDS for b in board_ids) else []
        versions += [V2] if any(b in V2_BOARD_IDS for b in board_ids) else []
    else:
        versions = [V1] if highest <= V1_FLASH_END else [V2]
    return HexInfo(tuple(board_ids), tuple(versions), len(text))
