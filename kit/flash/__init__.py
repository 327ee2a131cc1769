"""Flash: put one hex on many MICROBIT drives at once, check each started, and virtual boards.

kit/flash/flasher.py copies in parallel and reports per board; kit/flash/daplink.py turns
DAPLink's FAIL.TXT into a sentence a teacher can act on; kit/flash/verify.py opens each board's
serial port after it restarted and waits for its program's header. Virtual boards
(kit/flash/fleet.py, virtual.py) are MICROBIT drives that take a hex at a real board's pace and
run it on the engine kit/flash/engine.py chooses: the real V1 firmware in QEMU
(kit/flash/runners.py) or the simulator behind a TCP serial port (kit/flash/bridge.py); a
simulated V2's `log` shows as MY_DATA.HTM on its drive (kit/flash/drivelog.py).
"""
from __future__ import annotations

from kit.flash.daplink import FailReport, format_fail_txt, parse_fail_txt
from kit.flash.engine import (
    ENGINE_CHOICES, NOT_FLASHED, Engine, EngineKind, choose_engine, qemu_cannot, used_names,
)
from kit.flash.fleet import VirtualFleet, remove_stale_state
from kit.flash.flasher import (
    FAILED, FLASH_FILE_NAME, OK, PHASE_COPY, PHASE_DONE, PHASE_WAIT, SKIPPED, FlashPhase,
    FlashResult, FlashStatus, choose_boards_to_flash, expects_header, flash_board, flash_boards,
    record_in_inventory, wait_for_remount, write_hex,
)
from kit.flash.verify import VERIFY_TIMEOUT_S, Verification, verify_board
from kit.flash.virtual import DAPLINK_BYTES_PER_S, VirtualBoard

__all__ = [
    "DAPLINK_BYTES_PER_S", "ENGINE_CHOICES", "FAILED", "FLASH_FILE_NAME", "NOT_FLASHED", "OK",
    "PHASE_COPY", "PHASE_DONE", "PHASE_WAIT", "SKIPPED", "VERIFY_TIMEOUT_S", "Engine",
    "EngineKind", "FailReport", "FlashPhase", "FlashResult", "FlashStatus", "Verification",
    "VirtualBoard", "VirtualFleet", "choose_boards_to_flash", "choose_engine", "expects_header",
    "flash_board", "flash_boards", "format_fail_txt", "parse_fail_txt", "qemu_cannot",
    "record_in_inventory", "remove_stale_state", "used_names", "verify_board",
    "wait_for_remount", "write_hex",
]
