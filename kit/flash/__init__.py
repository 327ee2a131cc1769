"""Flash: put one hex on many MICROBIT drives at once, wait for each to restart, read FAIL.TXT.

kit/flash/flasher.py copies in parallel and reports per board; kit/flash/daplink.py turns
DAPLink's FAIL.TXT into a sentence a teacher can act on; kit/flash/virtual.py makes virtual
MICROBIT drives that take a hex at a real board's pace and run it (docs/daplink.md).
"""
from __future__ import annotations

from kit.flash.daplink import FailReport, format_fail_txt, parse_fail_txt
from kit.flash.flasher import (
    FAILED, FLASH_FILE_NAME, OK, PHASE_COPY, PHASE_DONE, PHASE_WAIT, SKIPPED, FlashPhase,
    FlashResult, FlashStatus, choose_boards_to_flash, flash_board, flash_boards,
    record_in_inventory, wait_for_remount, write_hex,
)
from kit.flash.virtual import DAPLINK_BYTES_PER_S, VirtualBoard, VirtualFleet

__all__ = [
    "DAPLINK_BYTES_PER_S", "FAILED", "FLASH_FILE_NAME", "OK", "PHASE_COPY", "PHASE_DONE",
    "PHASE_WAIT", "SKIPPED", "FailReport", "FlashPhase", "FlashResult", "FlashStatus",
    "VirtualBoard", "VirtualFleet", "choose_boards_to_flash", "flash_board", "flash_boards",
    "format_fail_txt", "parse_fail_txt", "record_in_inventory", "wait_for_remount", "write_hex",
]
