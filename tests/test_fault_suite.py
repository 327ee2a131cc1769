"""The recording fault suite: numbered readings from fake boards on TCP ports and ptys.

Every test sends a fixed count of numbered readings (tests/fakeboards.py) and then counts the
CSV: the readings in it must be exactly the ones sent minus the ones the recorder reported lost
(with the reason), and reported lost must be 0 where nothing was lost. No QEMU, no hardware:
these run everywhere, CI included, in a few seconds each. benchmarks/bench_record.py runs the
same scenarios for figures.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import fakeboards as fb
import pytest

from kit.boards import Board, SerialBoard
from kit.record import Recorder, RecordingResult, open_port, plan_recording

ROOT = Path(__file__).resolve().parents[1]
TRANSPORTS = ["socket", "pty"]


def _board(transport: str, script: list[list[fb.Piece]]) -> fb.TcpBoard | fb.PtyBoard:
    board = fb.TcpBoard(script) if transport == "socket" else fb.PtyBoard(script)
    board.start()
    return board


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def _record(tmp_path: Path, boards: list[fb.TcpBoard | fb.PtyBoard], sent: int, *,
            timeout: float = 30.0, reopen: Callable[[str], Board | None] | None = None,
            record: list[fb.TcpBoard | fb.PtyBoard] | None = None,
            **run: object) -> tuple[RecordingResult, list[list[str]]]:
    """Record the boards (or those in `record`; the others come in by `reopen`) until every
    board has sent its script and every reading is either in the CSV or reported lost (or
    `timeout` passes: then the counts below fail)."""
    recorder = Recorder(plan_recording(tmp_path / "ud", stem="run"))
    stop = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stop.is_set():
            result = recorder.result()
            if all(b.done.is_set() for b in boards) and result.accepted + result.lost >= sent:
                break
            time.sleep(0.01)
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        result = recorder.run([open_port(b.url) for b in record or boards], stop=stop,
                              reopen=reopen, **run)  # type: ignore[arg-type]
    finally:
        for board in boards:
            board.close()
    for board in boards:
        if board.error is not None:
            raise board.error
    return result, _rows(result.paths.csv)


def _assert_counts(result: RecordingResult, rows: list[list[str]], sent: int, lost: int) -> None:
    assert result.lost == lost, result.lost_by
    assert len(rows) == result.accepted == sent - lost
    meta = json.loads(result.paths.sidecar.read_text())
    assert meta["ended"] and meta["counts"]["accepted"] == len(rows)
    assert meta["counts"]["lost"] == lost


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_thirty_boards_at_a_classroom_rate(tmp_path: Path, transport: str) -> None:
    """30 boards × 40 readings at 20 per second each: every reading, in order per board."""
    boards = [_board(transport, [fb.paced(i * 1000, 40, 20.0)]) for i in range(30)]
    result, rows = _record(tmp_path, boards, 30 * 40)
    _assert_counts(result, rows, 30 * 40, 0)
    for i, board in enumerate(boards):
        name = board.url.rsplit("/", 1)[-1]
        assert fb.numbers_in_csv(rows, name) == list(range(i * 1000, i * 1000 + 40))
    assert result.rejected == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_one_board_at_full_speed(tmp_path: Path, transport: str) -> None:
    """50,000 readings as fast as the transport takes them (QEMU's UART has no baud limit)."""
    board = _board(transport, [fb.at_once(0, 50_000)])
    result, rows = _record(tmp_path, [board], 50_000)
    _assert_counts(result, rows, 50_000, 0)
    assert fb.numbers_in_csv(rows) == list(range(50_000))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_cr_only_line_ends(tmp_path: Path, transport: str) -> None:
    """README: a line may end in CR alone. 2,000 such readings are 2,000 rows."""
    board = _board(transport, [fb.at_once(0, 2000, end=b"\r")])
    result, rows = _record(tmp_path, [board], 2000)
    _assert_counts(result, rows, 2000, 0)
    assert fb.numbers_in_csv(rows) == list(range(2000))
    assert len({r[0] for r in rows}) >= 1 and result.rejected == 0


def test_readings_in_flight_at_the_stop_are_kept(tmp_path: Path) -> None:
    """The stop comes the moment the board has sent its last reading: what already reached
    the PC (socket buffer, reader, queue) is written, not dropped."""
    board = _board("socket", [fb.at_once(0, 30_000)])
    recorder = Recorder(plan_recording(tmp_path, stem="run"))
    stop = threading.Event()
    threading.Thread(target=lambda: (board.done.wait(30), stop.set()), daemon=True).start()
    result = recorder.run([open_port(board.url)], stop=stop)
    board.close()
    rows = _rows(result.paths.csv)
    assert fb.numbers_in_csv(rows) == list(range(30_000)) and result.lost == 0


def test_a_megabyte_line_is_cut_once_and_costs_later_readings_nothing(tmp_path: Path) -> None:
    """A 1 MB line without an end, then readings: one raw-log entry 'line too long', and the
    readings after it are stamped when they arrive (not seconds later)."""
    pieces = [(0.0, fb.HEADER + b"\r\n"), (0.0, b"x" * (1 << 20) + b"\r\n")]
    pieces += [(0.2, fb.reading(n) + b"\r\n") for n in range(5)]
    board = fb.TcpBoard([pieces])
    board.start()
    result, rows = _record(tmp_path, [board], 5)
    _assert_counts(result, rows, 5, 0)
    raw = result.paths.raw.read_text()
    assert raw.count("line too long") == 1 and result.rejected == 1
    from kit.record.readback import _seconds_from_time

    late = [_seconds_from_time(r[0]) - at for r, at in zip(rows, board.sent_at[2:])]
    assert all(-0.01 < d < 0.15 for d in late), late


def test_unplugged_mid_line_and_replugged_socket(tmp_path: Path) -> None:
    """The cable is pulled in the middle of reading 50; the board comes back and sends the
    rest. The half line is in the raw log and counted lost ('unplugged mid-line')."""
    first = fb.HEADER + b"\r\n" + fb.numbered(0, 50) + fb.reading(50)[:9]
    second = fb.HEADER + b"\r\n" + fb.numbered(51, 49)
    board = fb.TcpBoard([[(0.0, first)], [(0.2, second)]])
    board.start()

    def reopen(uid: str) -> Board | None:
        try:
            return open_port(uid)
        except Exception:  # noqa: BLE001 - not listening again yet
            return None

    result, rows = _record(tmp_path, [board], 100, reopen=reopen)
    _assert_counts(result, rows, 100, 1)
    assert result.lost_by["unplugged mid-line"] == 1
    assert fb.numbers_in_csv(rows) == [n for n in range(100) if n != 50]
    assert "cut off: unplugged mid-line\t" + fb.reading(50)[:9].decode() in \
        result.paths.raw.read_text()
    kinds = [e.kind.value for e in result.events]
    assert kinds.index("unplugged") < kinds.index("replugged")


def test_unplugged_mid_line_pty_comes_back_on_another_pty(tmp_path: Path) -> None:
    """A USB board pulled mid-line and plugged in again gets a new port name."""
    first = fb.PtyBoard([[(0.0, fb.HEADER + b"\r\n" + fb.numbered(0, 30) + b"(30, 25")]])
    second = fb.PtyBoard([[(0.0, fb.HEADER + b"\r\n" + fb.numbered(31, 19))]])
    first.start()
    first.done.wait(5)
    time.sleep(0.3)

    def reopen(uid: str) -> Board | None:
        if not second.done.is_set() and second.sent_connections == 0:
            second.start()
        return SerialBoard(second.url, name=first.url.rsplit("/", 1)[-1], unique_id=uid)

    threading.Timer(0.6, first.unplug).start()
    result, rows = _record(tmp_path, [first, second], 50, reopen=reopen, record=[first])
    _assert_counts(result, rows, 50, 1)
    assert fb.numbers_in_csv(rows) == [n for n in range(50) if n != 30]


def test_gateway_counts_radio_gaps_but_not_a_jump_to_a_billion(tmp_path: Path) -> None:
    """seq 1, 2, 5: 2 lost packets. Then 999999999 right after 28: not 999,999,970 lost but a
    'sequence jumped' event (a restart or a damaged number)."""
    seqs = [1, 2, *range(5, 29), 999999999, 999999999]  # the repeat: a restart
    lines = [b"# klimakit 1 lesson=gw fields=temp"] + [b"(gruppe1, %d, 20.5)" % i for i in seqs]
    board = fb.TcpBoard([[(0.0, b"\r\n".join(lines) + b"\r\n")]])
    board.start()
    result, rows = _record(tmp_path, [board], len(seqs))
    assert len(rows) == result.accepted == 28
    assert result.lost == 2 and result.lost_by["radio gap"] == 2
    kinds = [e.kind.value for e in result.events]
    assert "sequence jumped" in kinds and "sequence restarted" in kinds


def test_a_slow_disk_overflows_the_queue_and_the_loss_is_counted(tmp_path: Path,
                                                                 monkeypatch) -> None:
    """The writer is held up (a disk that takes 0.2 s per write) while a board sends 20,000
    readings; the queue is made small. What does not fit is counted as lost (queue overflow)
    and the CSV holds exactly the rest."""
    import kit.record.appender
    import kit.record.recorder

    real = kit.record.appender._write_all

    def slow_write(fd: int, data: bytes) -> tuple[int, OSError | None]:
        time.sleep(0.2)
        return real(fd, data)

    monkeypatch.setattr(kit.record.appender, "_write_all", slow_write)
    monkeypatch.setattr(kit.record.recorder, "MAX_QUEUED_LINES", 3000)
    board = _board("socket", [fb.at_once(0, 20_000, chunk=4096)])
    result, rows = _record(tmp_path, [board], 20_000)
    assert result.lost > 0 and result.lost_by["queue overflow"] == result.lost
    _assert_counts(result, rows, 20_000, result.lost)
    numbers = fb.numbers_in_csv(rows)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert any(e.kind.value == "lost" for e in result.events)


def test_callbacks_run_on_the_calling_thread_never_on_the_writer(tmp_path: Path) -> None:
    """The live view (on_update, on_event) runs on the thread that called run(); a slow one
    (0.3 s per call, like a redrawn graph) costs no reading and no timestamp."""
    threads: set[str] = set()

    def slow_update(statuses: object) -> None:
        threads.add(threading.current_thread().name)
        time.sleep(0.3)

    board = _board("socket", [fb.paced(0, 1000, 1000.0)])
    result, rows = _record(tmp_path, [board], 1000, on_update=slow_update,
                           on_event=lambda e: threads.add(threading.current_thread().name))
    _assert_counts(result, rows, 1000, 0)
    assert threads == {threading.current_thread().name}
    seconds = [float(r[1]) for r in rows]
    assert max(b - a for a, b in zip(seconds, seconds[1:])) < 0.25, "no pause in the stamps"


# ----- the CLI: signals, a full disk, SIGKILL ---------------------------------------------------
def _cli(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kwargs)  # type: ignore[call-overload]


def _wait_for_rows(folder: Path, count: int, proc: subprocess.Popen[str]) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.csv"))
        if found and len(_rows(found[0])) >= count:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the recording never got {} rows".format(count))


@pytest.mark.parametrize("signals, ended_by", [
    ([signal.SIGTERM], "terminated"),
    ([signal.SIGHUP], "hangup"),
    ([signal.SIGINT, signal.SIGINT], "interrupted"),
    ([signal.SIGINT, signal.SIGINT, signal.SIGINT, signal.SIGTERM], "interrupted"),
])
def test_a_signal_ends_record_with_final_files(tmp_path: Path, signals: list[int],
                                               ended_by: str) -> None:
    """SIGTERM, SIGHUP (terminal closed), Ctrl-C once or again and again while the files are
    finished: the CSV has every reading, the sidecar is final and agrees, the graph is drawn."""
    board = fb.TcpBoard([fb.paced(0, 200, 400.0) + [(60.0, b"")]])
    board.start()
    proc = _cli("record", "--port", board.url, "-o", str(tmp_path))
    try:
        csv_path = _wait_for_rows(tmp_path, 200, proc)
        for sig in signals:
            proc.send_signal(sig)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=60)
    finally:
        board.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    meta = json.loads(csv_path.with_suffix(".json").read_text())
    assert meta["ended"] and meta["ended_by"] == ended_by
    assert meta["counts"]["accepted"] == len(_rows(csv_path)) == 200
    assert csv_path.with_suffix(".png").stat().st_size > 1000
    assert not list(tmp_path.glob(".*.reserve")) and "Traceback" not in err
    if ended_by != "hangup":  # after SIGHUP nothing is printed (the terminal is gone)
        assert "200 readings saved" in err and out.strip() == str(csv_path)


def test_sigkill_leaves_whole_rows_and_plot_repairs_the_sidecar(tmp_path: Path) -> None:
    """kill -9 in the middle of a recording: the CSV is intact to its last whole row, and
    `klimakit plot` finishes the sidecar from it (ended_by 'unfinished', counts from rows)."""
    board = fb.TcpBoard([fb.paced(0, 5000, 2000.0) + [(60.0, b"")]])
    board.start()
    proc = _cli("record", "--port", board.url, "-o", str(tmp_path))
    try:
        csv_path = _wait_for_rows(tmp_path, 1000, proc)
        proc.kill()
        proc.communicate(timeout=30)
    finally:
        board.close()
    meta = json.loads(csv_path.with_suffix(".json").read_text())
    assert meta["ended"] is None
    rows = _rows(csv_path)
    whole = rows if csv_path.read_bytes().endswith(b"\r\n") else rows[:-1]
    assert fb.numbers_in_csv(whole) == list(range(len(whole)))
    plot = _cli("plot", str(csv_path))
    out, err = plot.communicate(timeout=120)
    assert plot.returncode == 0, err
    assert "was not finished" in err and out.strip().endswith(".png")
    meta = json.loads(csv_path.with_suffix(".json").read_text())
    assert meta["ended"] and meta["ended_by"] == "unfinished" and meta["repaired"]
    assert meta["counts"]["accepted"] == len(whole)
    assert not list(tmp_path.glob(".*.reserve")), "the repair removes the dead run's reserve"


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_ends_record_with_whole_rows_a_final_sidecar_and_rc_1(
        tmp_path: Path) -> None:
    """The kernel refuses to let the CSV grow past 64 KB (RLIMIT_FSIZE: the same short write
    and error as a full disk): whole rows only, the loss counted, the sidecar final, a clear
    message and rc 1 — and no traceback."""
    import resource

    def limit() -> None:  # in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    board = fb.TcpBoard([fb.paced(0, 4000, 4000.0) + [(60.0, b"")]])
    board.start()
    proc = _cli("record", "--port", board.url, "-o", str(tmp_path), "--no-plot",
                preexec_fn=limit)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        board.close()
    assert proc.returncode == 1 and "cannot write" in err and "Traceback" not in err, err
    csv_path = next(tmp_path.glob("*.csv"))
    data = csv_path.read_bytes()
    assert data.endswith(b"\r\n") and len(data) <= 64 * 1024
    rows = _rows(csv_path)
    assert fb.numbers_in_csv(rows) == list(range(len(rows)))
    meta = json.loads(csv_path.with_suffix(".json").read_text())
    assert meta["ended"] and meta["ended_by"] == "error" and "File too large" in meta["error"]
    assert meta["counts"]["accepted"] == len(rows)
    assert meta["counts"]["lost_by_reason"]["disk full"] >= 1
    assert "lost" in err and "no room" in err


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on Windows")
def test_a_closed_terminal_still_stops_the_live_table(tmp_path: Path) -> None:
    """SIGHUP (the terminal closed) stops printing, but the live table's refresh thread and its
    hook on the console must still end: in-process, a table left running cropped every later
    table to '...' (conftest's _no_live_display_left checks the console after this test)."""
    from click.testing import CliRunner
    from rich.live import Live

    from kit import cli
    from kit.cli.output import err_console

    board = fb.TcpBoard([fb.paced(0, 400, 50.0)])
    started: list[Live] = []
    threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGHUP)).start()
    try:
        result = CliRunner().invoke(cli.cli, ["record", "--port", board.url, "-o",
                                              str(tmp_path), "--no-plot"])
        started.extend(err_console._live_stack)
    finally:
        board.close()
    assert result.exit_code in (0, 1), result.output
    assert not started, "the live table was left running after SIGHUP"
    assert list(tmp_path.glob("*.csv")), "the recording was kept"
