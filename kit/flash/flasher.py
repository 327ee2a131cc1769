"""Copy a hex onto many micro:bits at once and find out, per board, whether it worked.

DAPLink flashes while the file is being copied (the USB write is paced by the flashing), then
drops off USB and comes back ("remounts"). If it failed it says why in FAIL.TXT on the new
drive. Each board gets the hex of its own version (DETAILS.TXT's board id): 0.64 MB for a V1,
1.24 MB for a V2, instead of the 1.88 MB universal hex, so a class set flashes sooner; a board
of unknown version gets the universal hex. So one board's flash is: check the hex fits the
board (V1/V2), write it in chunks with
progress, fsync, wait for the drive to go away and come back (found again by its unique id,
or by DETAILS.TXT's remount counter going up), then read FAIL.TXT. Boards run in parallel
threads: each is its own USB device, and the copy time is the board's, not the PC's.
Every outcome - read-only drive, a drive that vanishes mid-copy, a foreign hex, a timeout -
becomes a FlashResult with a sentence and advice; nothing is raised for one board's trouble.
With `verify_s` the board's serial port is then watched for the program's header
(kit/flash/verify.py), so the result also says whether the program runs (`running`).
"""
from __future__ import annotations

import errno
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from kit.i18n import gettext as _
from kit.boards import BoardInfo, DriveInfo, find_drives, read_drive, select_boards
from kit.build import BuiltHex
from kit.flash.daplink import parse_fail_txt, read_fail_txt

log = logging.getLogger(__name__)

FLASH_FILE_NAME = "KLIMAKIT.HEX"  # a FAT 8.3 name: DAPLink's drive needs no long-name entries
CHUNK_BYTES = 16 * 1024
REMOUNT_TIMEOUT_S = 60.0  # DAPLink's own transfer timeout is about a minute (DAPLink#838)
POLL_S = 0.1


class FlashStatus(str, Enum):
    """How flashing one board ended."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # not a micro:bit: nothing was written


class FlashPhase(str, Enum):
    """Where one board is while flashing (for progress)."""

    COPY = "copy"
    WAIT = "wait"  # for the drive to remount
    DONE = "done"  # reading FAIL.TXT


OK, FAILED, SKIPPED = FlashStatus.OK, FlashStatus.FAILED, FlashStatus.SKIPPED
PHASE_COPY, PHASE_WAIT, PHASE_DONE = FlashPhase.COPY, FlashPhase.WAIT, FlashPhase.DONE
Progress = Callable[[BoardInfo, FlashPhase, int, int], None]  # board, phase, bytes done, total


@dataclass(frozen=True)
class FlashResult:
    """What happened to one board."""

    board: BoardInfo
    status: FlashStatus
    message: str  # for a teacher, in the language of the moment it was made
    advice: str = ""
    seconds: float = 0.0
    fail_txt: str = ""
    written: bool = False  # whether any byte reached the board
    running: bool | None = None  # the check after flashing: header seen / not / not checked
    check: str = ""  # what the check saw, e.g. "Running afkoeling."
    lesson: str = ""  # the lesson the running program's header names

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def engine(self) -> str:
        """A virtual board's engine ("qemu", "sim", "none"); '' for a real board."""
        return self.board.engine


def _result(board: BoardInfo, status: FlashStatus, message: str, advice: str = "",
            **kw: object) -> FlashResult:
    return FlashResult(board, status, message, advice, **kw)  # type: ignore[arg-type]


def _open_for_write(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    # O_NONBLOCK: a drive file that is a pipe with nobody reading (a stopped virtual board)
    # fails at once with ENXIO instead of hanging; it is cleared again right after opening.
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), 0o644)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def write_hex(data: bytes, drive: Path, on_progress: Callable[[int, int], None] | None = None,
              name: str = FLASH_FILE_NAME) -> None:
    """Write the hex onto a drive in chunks, then fsync; OSError if the drive fails."""
    total = len(data)
    fd = _open_for_write(drive / name)
    try:
        done = 0
        view = memoryview(data)
        while done < total:
            done += os.write(fd, view[done:done + CHUNK_BYTES])
            if on_progress:
                on_progress(done, total)
        try:
            os.fsync(fd)  # the board has it all only when the OS has flushed it
        except OSError as err:
            if err.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
                raise  # pipes and some file systems cannot fsync; that is fine
    finally:
        os.close(fd)


def _write_error(board: BoardInfo, err: OSError, written: int, seconds: float) -> FlashResult:
    if isinstance(err, PermissionError) or err.errno == errno.EROFS:
        return _result(board, FAILED, _("The drive {} is read-only, so nothing was copied.")
                       .format(board.drive), _("Unplug the micro:bit and plug it in again. If it "
                                               "happens again: check that the drive is not "
                                               "mounted read-only."), seconds=seconds)
    if err.errno == errno.ENXIO:
        return _result(board, FAILED, _("The drive takes no files (has the virtual micro:bit "
                                        "stopped?)."), _("Start `klimakit virtual up` again."),
                       seconds=seconds)
    if written:
        return _result(board, FAILED, _("The drive disappeared during the copy ({}): the "
                                        "micro:bit got only part of the program.").format(
                                            err.strerror or err),
                       _("Plug the micro:bit in again and flash it again."), seconds=seconds,
                       written=True)
    return _result(board, FAILED, _("Could not write to the drive: {}").format(
        err.strerror or err),
                   _("Check with `klimakit boards` that the micro:bit is still plugged in."),
                   seconds=seconds)


def _locate(unique_id: str, drive: Path, roots: list[Path] | None) -> DriveInfo | None:
    """Find the board's drive again: at its old place, beside it, or anywhere drives mount
    (Linux may remount it as MICROBIT1; Windows keeps the letter; roots=None means the OS's)."""
    info = read_drive(drive)  # the usual case, and one file read instead of one per board
    if info is not None and info.unique_id == unique_id:
        return info
    others = [p for p in find_drives([drive.parent]) + find_drives(roots) if p != drive]
    for path in dict.fromkeys(others):
        info = read_drive(path)
        if info is not None and info.unique_id == unique_id:
            return info
    return None


def wait_for_remount(board: BoardInfo, remount_before: int, roots: list[Path] | None = None,
                     timeout_s: float = REMOUNT_TIMEOUT_S) -> tuple[str, DriveInfo | None]:
    """Wait until the board's drive has gone and come back; return (state, drive).

    state: 'back' (remounted), 'gone' (went away, never came back), 'stuck' (never went away).
    """
    deadline = time.monotonic() + timeout_s
    went_away = False
    while time.monotonic() < deadline:
        info = _locate(board.unique_id, board.drive or Path("."), roots)
        if info is None:
            went_away = True
        elif went_away or (remount_before >= 0 and info.remount_count > remount_before):
            return "back", info
        time.sleep(POLL_S)
    return ("gone" if went_away else "stuck"), None


def _not_a_microbit(board: BoardInfo) -> FlashResult:
    return _result(board, SKIPPED, _("{} is not a micro:bit (no DETAILS.TXT), so nothing was "
                                     "copied.").format(board.drive),
                   _("Is it a USB stick named MICROBIT? Otherwise: wait until the drive has "
                     "finished mounting."))


def choose_boards_to_flash(found: Sequence[BoardInfo], names: Sequence[str], all_boards: bool
                           ) -> tuple[list[BoardInfo], list[FlashResult]]:
    """Return the boards to flash (by name, all, or the only one) and those skipped with --all.

    A MICROBIT drive without DETAILS.TXT (a USB stick, or a drive still mounting) is never
    flashed; with --all it is listed as skipped so the teacher sees it in the table.
    """
    chosen = select_boards(list(found), names, all_boards)
    skipped = [_not_a_microbit(b) for b in found if not b.unique_id and b.drive is not None]
    return chosen, (skipped if all_boards else [])


def flash_board(built: BuiltHex, board: BoardInfo, *, on_progress: Progress | None = None,
                timeout_s: float = REMOUNT_TIMEOUT_S, roots: list[Path] | None = None,
                verify_s: float = 0.0) -> FlashResult:
    """Flash one board and report the outcome (never raises for the board's trouble).

    With `verify_s` > 0 a board that flashed is then checked on its serial port for that long
    (kit/flash/verify.py): `running`, `check` and `lesson` of the result say what it showed.
    """
    result = _flash_only(built, board, on_progress, timeout_s, roots)
    if not result.ok or verify_s <= 0:
        return result
    return _verified(result, built, verify_s, roots)


def expects_header(built: BuiltHex) -> bool:
    """Whether the program prints a klimakit header when it starts (it uses klima.py)."""
    return any(name == "klima.py" for part in built.contents for name, _size in part.files)


def _verified(result: FlashResult, built: BuiltHex, verify_s: float,
              roots: list[Path] | None) -> FlashResult:
    from kit.flash.verify import verify_board

    started = time.monotonic()
    check = verify_board(result.board, expect_header=expects_header(built), timeout_s=verify_s,
                         roots=roots)
    found = check.board or result.board
    board = replace(result.board, port=found.port, engine=found.engine,
                    engine_reason=found.engine_reason, virtual=found.virtual,
                    store=found.store or result.board.store)
    return replace(result, board=board, running=check.running, check=check.message,
                   lesson=check.lesson, advice=check.advice or result.advice,
                   seconds=result.seconds + time.monotonic() - started)


def _flash_only(built: BuiltHex, board: BoardInfo, on_progress: Progress | None,
                timeout_s: float, roots: list[Path] | None) -> FlashResult:
    start = time.monotonic()
    progress = on_progress or (lambda *a: None)
    if board.drive is None:
        return _result(board, FAILED, _("The micro:bit's drive (MICROBIT) is not mounted, only "
                                        "its serial port."),
                       _("Wait a moment and try again, or plug it in again."))
    if not board.unique_id:
        return _not_a_microbit(board)
    problem = built.info.problem_for(board.version)
    if problem:
        return _result(board, FAILED, _("{problem} Nothing was copied.").format(problem=problem))
    before = read_drive(board.drive)
    remount_before = before.remount_count if before else -1
    written = 0

    def copied(done: int, total: int) -> None:
        nonlocal written
        written = done
        progress(board, PHASE_COPY, done, total)

    data = built.data_for(board.version)  # a V1 gets the V1 hex, a V2 the V2 hex
    try:
        write_hex(data, board.drive, copied)
    except OSError as err:
        log.info("%s: write failed after %d bytes: %s", board.label, written, err)
        return _write_error(board, err, written, time.monotonic() - start)
    progress(board, PHASE_WAIT, len(data), len(data))
    state, info = wait_for_remount(board, remount_before, roots, timeout_s)
    seconds = time.monotonic() - start
    progress(board, PHASE_DONE, len(data), len(data))
    if state == "stuck":
        return _result(board, FAILED, _("The file was copied, but the micro:bit did not restart "
                                        "within {:.0f} s.").format(timeout_s),
                       _("Unplug the micro:bit, plug it in again and flash again."),
                       seconds=seconds, written=True)
    if state == "gone" or info is None:
        return _result(board, FAILED, _("The micro:bit disappeared after the copy and did not "
                                        "come back (unplugged?)."),
                       _("Plug it in again and run `klimakit flash` again for it."),
                       seconds=seconds, written=True)
    board = replace(board, drive=info.path,
                    daplink_version=info.daplink_version or board.daplink_version)
    fail_text = read_fail_txt(info.path)  # bounded and printable (kit/flash/daplink.py)
    if fail_text is None:
        return _result(board, OK, _("Flashed and restarted."), seconds=seconds, written=True)
    report = parse_fail_txt(fail_text)
    message = _("{sentence} (error {code})").format(sentence=report.sentence, code=report.code) \
        if report.code else report.sentence
    return _result(board, FAILED, message, report.advice, seconds=seconds,
                   fail_txt=fail_text, written=True)


def flash_boards(built: BuiltHex, boards: Iterable[BoardInfo], *,
                 on_progress: Progress | None = None, timeout_s: float = REMOUNT_TIMEOUT_S,
                 max_workers: int = 32, verify_s: float = 0.0) -> list[FlashResult]:
    """Flash (and with `verify_s`, check) every board in parallel; results in `boards` order."""
    boards = list(boards)
    if not boards:
        return []
    with ThreadPoolExecutor(max_workers=min(max_workers, len(boards)),
                            thread_name_prefix="flash") as pool:
        futures = [pool.submit(flash_board, built, b, on_progress=on_progress,
                               timeout_s=timeout_s, verify_s=verify_s) for b in boards]
        return [f.result() for f in futures]


def record_in_inventory(built: BuiltHex, results: Iterable[FlashResult]) -> None:
    """Write each flash into the inventory: program, the hash of the hex that board got
    (its version's own hex), result, DAPLink's code.

    Boards never named before are named there. A virtual board's flash goes into its fleet's
    own store (BoardInfo.store), never the school's. If the inventory cannot be used, the
    events are kept on this PC and sent later (kit/inventory/sync.py), said once per process;
    KitError only if they could not be kept either.
    """
    from kit.inventory import FlashEvent, record_flashes

    events: dict[str, list[FlashEvent]] = {}
    for result in results:
        if not result.board.unique_id or result.status == SKIPPED:
            continue
        report = parse_fail_txt(result.fail_txt) if result.fail_txt else None
        events.setdefault(result.board.store, []).append(FlashEvent(
            result.board.unique_id, result.board.version, result.board.daplink_version,
            built.name, built.sha256_for(result.board.version), result.ok, result.message,
            daplink_code=(report.code or None) if report else None,
            detail=report.error if report else result.message))
    for store, flashes in events.items():
        record_flashes(flashes, store=store or None)
