"""Recorder: many boards to CSV + raw log + sidecar, garbage, replug, stop, disk problems."""
from __future__ import annotations

import csv
import json
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import csv_disk_fills_after
from hypothesis import given
from hypothesis import strategies as st

from kit.boards import Board, BoardIdentity, BoardInfo
from kit.errors import RecordingError, TransportError
from kit.record import (
    FieldSpec, Recorder, RecordingPlan, RunPaths, choose_boards, plan_recording, read_run,
)

HEADER = b"# klimakit 1 lesson=test fields=t,v units=s,C"


class FakeBoard(Board):
    """A board that prints the given lines, then raises `then` (e.g. unplugged) or goes quiet."""

    def __init__(self, name: str, lines: Iterable[bytes], then: Exception | None = None,
                 uid: str | None = None) -> None:
        super().__init__(BoardIdentity(name, uid or "uid-" + name))
        self._lines = list(lines)
        self._then = then
        self.closed = False

    def readline(self, timeout: float = 1.0) -> bytes | None:
        if self.closed:
            raise TransportError("closed")
        if self._lines:
            return self._lines.pop(0)
        if self._then is not None:
            raise self._then
        time.sleep(min(timeout, 0.02))
        return None

    def write(self, data: bytes) -> None: ...

    def exec(self, code: str, timeout: float = 10.0) -> str:
        return ""

    def run_main(self) -> None: ...

    def close(self) -> None:
        self.closed = True


def _plan(tmp_path: Path, fields: tuple[FieldSpec, ...] = (), **kw: object) -> RecordingPlan:
    return plan_recording(tmp_path / "ud", stem="run", fields=fields,
                          **kw)  # type: ignore[arg-type]


def _rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def _run_until(recorder: Recorder, boards: list[Board], rows: int, **kw: object):
    stop = threading.Event()

    def update(statuses: object) -> None:
        if sum(s.accepted for s in recorder._all_status()) >= rows:
            stop.set()

    return recorder.run(boards, stop=stop, on_update=update, **kw)  # type: ignore[arg-type]


def test_two_boards_with_garbage_give_csv_raw_log_and_sidecar(tmp_path: Path) -> None:
    good = [HEADER] + [b"(%d, 21.5)" % i for i in range(5)]
    noisy = [b"\x00MicroPython v1.9.2", HEADER, b"(1, nan)", b"(1, 2, 3)", b"\xff\xfe(1,2)",
             b"(7, 8)\r(9, 10)", b"", b"(11, 12"]
    recorder = Recorder(_plan(tmp_path))
    result = _run_until(recorder, [FakeBoard("a", good), FakeBoard("b", noisy)], 7)
    rows = _rows(result.paths.csv)
    assert rows[0] == ["time", "seconds", "board", "t", "v"]
    assert sorted(r[2:] for r in rows[1:]) == sorted(
        [["a", str(i), "21.5"] for i in range(5)] + [["b", "7", "8"], ["b", "9", "10"]])
    assert all("T" in r[0] and r[0][-4] == "." for r in rows[1:]), "ISO time with ms"
    raw = result.paths.raw.read_text()
    for text in ("MicroPython v1.9.2", "(1, nan)", "3 values, expected 2", "not UTF-8", "(11, 12"):
        assert text in raw
    meta = json.loads(result.paths.sidecar.read_text())
    assert meta["counts"] == {"accepted": 7, "rejected": 5, "lost": 0, "lost_by_reason": {
        "radio gap": 0, "unplugged mid-line": 0, "queue overflow": 0, "disk full": 0}}
    assert meta["fields"] == [{"name": "t", "unit": "s", "label": ""},
                              {"name": "v", "unit": "C", "label": ""}]
    assert [(b["name"], b["program"]) for b in meta["boards"]] == [("a", "test"), ("b", "test")]
    assert meta["ended"] and meta["ended_by"] == "stop" and meta["klimakit_version"]


def test_lesson_fields_accept_data_before_the_header_and_report_a_wrong_program(
        tmp_path: Path) -> None:
    fields = (FieldSpec("t", "s", "Tid"), FieldSpec("v", "C", "Temperatur"))
    wrong = [b"# klimakit 1 lesson=other fields=x,y", b"(1, 2)"]
    recorder = Recorder(_plan(tmp_path, fields))
    result = _run_until(recorder, [FakeBoard("a", [b"(1, 2)", HEADER, b"(3, 4)"]),
                                   FakeBoard("b", wrong)], 2)
    time.sleep(0.1)
    assert [r[2:] for r in _rows(result.paths.csv)[1:]] == [["a", "1", "2"], ["a", "3", "4"]]
    assert any(e.kind == "wrong program" and e.board == "b" for e in result.events)
    assert "wrong program" in result.paths.raw.read_text()


def test_without_fields_readings_wait_for_the_header(tmp_path: Path) -> None:
    """A recorder that connects mid-run learns the columns from the repeated header."""
    lines = [b"(1, 2)", b"(3, 4)", HEADER, b"(5, 6)"]
    result = _run_until(Recorder(_plan(tmp_path)), [FakeBoard("a", lines)], 3)
    assert [r[3:] for r in _rows(result.paths.csv)[1:]] == [["1", "2"], ["3", "4"], ["5", "6"]]


def test_gateway_lines_are_named_by_sender_and_gaps_counted_as_lost(tmp_path: Path) -> None:
    lines = [b"# klimakit 1 lesson=gw fields=temp", b"(gruppe1, 1, 20.5)", b"(gruppe2, 7, 19)",
             b"(gruppe1, 2, 20.6)", b"(gruppe1, 5, 20.9)", b"(gruppe2, 8, 19.1)"]
    result = _run_until(Recorder(_plan(tmp_path)), [FakeBoard("gateway", lines)], 5)
    rows = _rows(result.paths.csv)[1:]
    assert [r[2] for r in rows] == ["gruppe1", "gruppe2", "gruppe1", "gruppe1", "gruppe2"]
    assert result.lost == 2
    assert json.loads(result.paths.sidecar.read_text())["per_board"]["gruppe1"]["lost"] == 2


def test_excel_da_uses_semicolon_decimal_comma_and_reads_back(tmp_path: Path) -> None:
    result = _run_until(Recorder(_plan(tmp_path, excel_da=True)),
                        [FakeBoard("a", [HEADER, b"(1.25, 21.5)", b"(2, -0.5)"])], 2)
    raw = result.paths.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _rows(result.paths.csv, ";")
    assert rows[1][3:] == ["1,25", "21,5"] and " " in rows[1][0] and "," in rows[1][1]
    run = read_run(result.paths.csv)
    assert run.boards["a"].values["v"] == [21.5, -0.5]


def test_replugged_board_is_reopened_and_the_gap_is_an_event(tmp_path: Path) -> None:
    first = FakeBoard("a", [HEADER, b"(1, 1)", b"(2, 2)"], then=TransportError("unplugged"))
    second = FakeBoard("a", [b"(3,", b"(4, 4)", HEADER, b"(5, 5)"])
    asked: list[str] = []

    def reopen(uid: str) -> Board | None:
        asked.append(uid)
        return second if len(asked) >= 2 else None

    result = _run_until(Recorder(_plan(tmp_path)), [first], 4, reopen=reopen)
    assert asked[:2] == ["uid-a", "uid-a"]
    assert [r[3] for r in _rows(result.paths.csv)[1:]] == ["1", "2", "4", "5"]
    kinds = [e["event"] for e in json.loads(result.paths.sidecar.read_text())["events"]]
    assert kinds.index("unplugged") < kinds.index("replugged")
    assert first.closed and second.closed, "the recorder closes the boards it used"
    assert "(3," in result.paths.raw.read_text(), "the half line after replug is kept"


def test_ctrl_c_ends_cleanly_and_keeps_everything(tmp_path: Path) -> None:
    recorder = Recorder(_plan(tmp_path))
    calls = []

    def update(statuses: object) -> None:
        calls.append(1)
        if recorder.result().accepted >= 3:
            raise KeyboardInterrupt

    result = recorder.run([FakeBoard("a", [HEADER] + [b"(%d, 0)" % i for i in range(3)])],
                          on_update=update)
    assert result.ended_by == "interrupted" and result.accepted == 3
    assert len(_rows(result.paths.csv)) == 4
    assert json.loads(result.paths.sidecar.read_text())["ended_by"] == "interrupted"


def test_duration_ends_the_run_and_a_vanished_board_without_reopen_too(tmp_path: Path) -> None:
    result = Recorder(_plan(tmp_path, duration_s=0.3)).run([FakeBoard("a", [HEADER])])
    assert result.ended_by == "duration"
    gone = FakeBoard("a", [HEADER, b"(1, 1)"], then=TransportError("unplugged"))
    result = Recorder(_plan(tmp_path / "2")).run([gone])
    assert result.ended_by == "no boards left" and result.accepted == 1


def test_unwritable_folder_and_full_disk_fail_at_the_start(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "fil.txt"
    blocker.write_text("x")
    with pytest.raises(RecordingError, match="cannot create the folder"):
        Recorder(plan_recording(blocker / "ud", stem="run"))
    monkeypatch.setattr("kit.record.files.shutil.disk_usage",
                        lambda p: type("U", (), {"free": 10})())
    with pytest.raises(RecordingError, match="free"):
        Recorder(_plan(tmp_path))


def test_disk_full_mid_run_keeps_whole_rows_and_counts_the_rest_as_lost(
        tmp_path: Path, monkeypatch) -> None:
    """The disk fills up in the middle of a row: the CSV keeps whole rows only, every reading
    that did not fit is counted as lost (disk full), the run ends with an error and the
    sidecar (written in the space the reserve file kept) is final and agrees with the CSV."""
    csv_disk_fills_after(monkeypatch, 400)
    recorder = Recorder(_plan(tmp_path))
    lines = [HEADER] + [b"(%d, 0)" % i for i in range(40)]
    result = recorder.run([FakeBoard("a", lines)])
    data = result.paths.csv.read_bytes()
    assert data.endswith(b"\r\n") and len(data) <= 400, "whole rows only"
    rows = _rows(result.paths.csv)[1:]
    assert [r[3] for r in rows] == [str(i) for i in range(len(rows))] and rows
    assert result.ended_by == "error" and "No space left" in result.error
    assert result.accepted == len(rows) and result.lost_by["disk full"] == 40 - len(rows)
    meta = json.loads(result.paths.sidecar.read_text())
    assert meta["ended"] and meta["ended_by"] == "error"
    assert meta["counts"]["accepted"] == len(rows)
    assert meta["counts"]["lost_by_reason"]["disk full"] == 40 - len(rows)
    assert not result.paths.reserve.exists(), "the reserve is given back"


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    Recorder(_plan(tmp_path)).writer.close()
    with pytest.raises(RecordingError):
        Recorder(_plan(tmp_path))


def test_choose_boards() -> None:
    a = BoardInfo("9904aaaa", "v2", port="/dev/ttyACM0")
    b = BoardInfo("9900bbbb", "v1", port="/dev/ttyACM1")
    drive_only = BoardInfo("9900cccc", "v1")
    assert choose_boards([a, drive_only], [], False) == [a]
    assert choose_boards([a, b], [], True) == [a, b]
    assert choose_boards([a, b], [b.label], False) == [b]
    with pytest.raises(Exception, match="--all"):
        choose_boards([a, b], [], False)
    with pytest.raises(Exception, match="no board named"):
        choose_boards([a, b], ["gruppe-9"], False)
    with pytest.raises(Exception, match="no micro:bit"):
        choose_boards([drive_only], [], True)


def test_plan_paths_use_lesson_and_time(tmp_path: Path) -> None:
    plan = plan_recording(tmp_path, duration_s=5)
    assert plan.paths.csv.name.startswith("optagelse-") and plan.duration_s == 5
    assert isinstance(plan.paths, RunPaths)


def test_no_header_at_all_keeps_readings_under_generic_columns(tmp_path: Path) -> None:
    result = Recorder(_plan(tmp_path, duration_s=0.3)).run(
        [FakeBoard("a", [b"(1, 2)", b"(3, 4)", b"(5,)"])])
    rows = _rows(result.paths.csv)
    assert rows[0][3:] == ["v1", "v2"] and [r[3:] for r in rows[1:]] == [["1", "2"], ["3", "4"]]
    assert "1 values, expected 2" in result.paths.raw.read_text()
    assert any(e.kind == "no header" for e in result.events)


# ----- real firmware in QEMU ----------------------------------------------------------------
COUNTER = """from microbit import sleep
print("# klimakit 1 lesson=test fields=n,kvadrat units=stk,stk")
n = 0
while True:
    print((n, n * n))
    n += 1
    sleep(10)
"""


def _tid(path: Path) -> list[float]:
    return [float(r[3]) for r in _rows(path)[1:]]


def test_sensortjek_in_qemu_every_reading_in_order(qemu_boot, tmp_path: Path) -> None:
    from conftest import require_qemu

    require_qemu()
    board = qemu_boot("sensortjek", name="q-rec")
    recorder = Recorder(plan_recording(tmp_path, "sensortjek", stem="run", duration_s=60))
    result = _run_until(recorder, [board], 15)
    tid = _tid(result.paths.csv)
    assert len(tid) >= 15 and result.rejected == 0
    steps = [b - a for a, b in zip(tid, tid[1:])]
    assert min(steps) >= 0.19, "strictly increasing, at least the 200 ms interval apart"
    meta = json.loads(result.paths.sidecar.read_text())
    assert meta["lesson"] == "sensortjek" and meta["firmware"]["sha256"]
    assert meta["fields"][0]["unit"] == "s" and meta["boards"][0]["name"] == "q-rec"


def test_counter_in_qemu_no_line_lost(qemu_boot, tmp_path: Path) -> None:
    """A counter printed every 10 ms arrives complete: 0, 1, 2, … without a gap."""
    board = qemu_boot(COUNTER, source=True, name="q-count")
    result = _run_until(Recorder(_plan(tmp_path)), [board], 300)
    numbers = [int(r[3]) for r in _rows(result.paths.csv)[1:]]
    assert numbers == list(range(len(numbers))) and len(numbers) >= 300
    assert [r[4] for r in _rows(result.paths.csv)[1:4]] == ["0", "1", "4"]


def test_qemu_board_killed_and_restarted_is_replugged(qemu_boot, tmp_path: Path) -> None:
    """QEMU dies mid-run (the cable is pulled); a new QEMU with the same name comes back on
    another port; the recorder re-attaches it and both runs' readings are in the CSV."""
    from kit.hardware import fake_unique_id

    first = qemu_boot("sensortjek", name="q-replug")
    first_port = first.port
    second: list[Board] = []
    recorder = Recorder(plan_recording(tmp_path, "sensortjek", stem="run", duration_s=90))
    stop = threading.Event()

    def reopen(uid: str) -> Board | None:
        assert uid == fake_unique_id("q-replug")
        if not second:
            second.append(qemu_boot("sensortjek", name="q-replug"))
        return second[0]

    def update(statuses: object) -> None:
        tid = _tid(recorder.plan.paths.csv)
        if len(tid) >= 5 and first.running:
            first._proc.kill()  # type: ignore[union-attr]
        resets = [i + 1 for i, (a, b) in enumerate(zip(tid, tid[1:])) if b < a]
        if resets and len(tid) - resets[0] >= 5:
            stop.set()

    result = recorder.run([first], reopen=reopen, stop=stop, on_update=update)
    assert result.ended_by == "stop"
    tid = _tid(result.paths.csv)
    cut = next(i for i, (a, b) in enumerate(zip(tid, tid[1:])) if b < a) + 1
    assert cut >= 5 and len(tid) - cut >= 5, tid
    assert tid[:cut] == sorted(tid[:cut]) and tid[cut:] == sorted(tid[cut:])
    assert {r[2] for r in _rows(result.paths.csv)[1:]} == {"q-replug"}
    events = json.loads(result.paths.sidecar.read_text())["events"]
    kinds = [e["event"] for e in events]
    assert kinds.index("unplugged") < kinds.index("replugged")
    replugged = events[kinds.index("replugged")]
    assert replugged["port"] == second[0].port != first_port


def test_record_cli_over_a_socket_port(qemu_boot, tmp_path: Path, monkeypatch) -> None:
    """`klimakit record --port socket://…` records a virtual board QEMU serves on TCP; with
    --live-plot (and --no-plot) the graph is the one redrawn during the run."""
    import socket

    from click.testing import CliRunner

    from kit import cli

    board = qemu_boot("sensortjek", name="q-cli", connect=False)
    deadline = time.monotonic() + 20
    while True:  # QEMU listens a moment after it starts
        try:
            socket.create_connection(("127.0.0.1", board.tcp_port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "QEMU never opened its serial port"
            time.sleep(0.1)
    out = tmp_path / "ud"
    result = CliRunner().invoke(cli.cli, ["record", "sensortjek", "--port", board.port,
                                          "--duration", "4s", "-o", str(out), "--no-plot",
                                          "--live-plot", "--no-browser"])
    assert result.exit_code == 0, result.output
    csv_path = Path(result.stdout.strip().splitlines()[-1])
    assert csv_path.parent == out and len(_rows(csv_path)) > 3
    assert "Live view: http://127.0.0.1:" in result.output  # --live-plot is --live now
    assert not csv_path.with_suffix(".png").exists()  # --no-plot
    assert "readings saved" in result.output
    assert "Lines/s" in result.output and "127.0.0.1:{}".format(board.tcp_port) in result.output


def test_record_cli_errors_are_sentences(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from kit import cli

    monkeypatch.setattr("kit.cli.record.find_boards", lambda: [])
    result = CliRunner().invoke(cli.cli, ["record", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "no micro:bit" in result.output
    assert not list((tmp_path / "x").glob("*.csv")), "no empty files left behind"
    result = CliRunner().invoke(cli.cli, ["record", "--duration", "soon"])
    assert result.exit_code == 2 and "not a duration" in result.output
    result = CliRunner().invoke(cli.cli, ["record", "nosuchlesson", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no lesson" in result.output


def test_make_reopen_finds_the_same_board_on_a_new_port() -> None:
    from kit.record import make_reopen

    found = [BoardInfo("9900aaaa", "v1", port="loop://")]
    reopen = make_reopen(find=lambda: found, names={"9900aaaa": "gruppe-1"})
    board = reopen("9900aaaa")
    assert board is not None and board.name == "gruppe-1" and board.port == "loop://"
    board.close()
    assert reopen("9900bbbb") is None
    by_url = reopen("loop://")
    assert by_url is not None and by_url.unique_id == "loop://"
    by_url.close()
    assert reopen("socket://127.0.0.1:1") is None  # nothing listens there (yet)


def test_a_bug_on_one_line_does_not_end_the_recording(tmp_path: Path, monkeypatch) -> None:
    import kit.record.intake

    real = kit.record.intake.check_fields

    def buggy(reading, fields):  # type: ignore[no-untyped-def]
        if reading.values[0] == 2:
            raise ValueError("bug")
        return real(reading, fields)

    monkeypatch.setattr(kit.record.intake, "check_fields", buggy)
    # Gateway lines go line by line (plain readings are written as a run, without this call).
    lines = [HEADER, b"(g1, 1, 1, 0)", b"(g1, 2, 2, 0)", b"(g1, 3, 3, 0)"]
    result = _run_until(Recorder(_plan(tmp_path)), [FakeBoard("a", lines)], 2)
    time.sleep(0.05)
    assert [r[3] for r in _rows(result.paths.csv)[1:]] == ["1", "3"]
    assert "internal error" in result.paths.raw.read_text()


def test_live_table_shows_header_field_names_as_written() -> None:
    """A header may name a field '[/]' (the protocol allows it): the live table shows it as text."""
    import io

    from rich.console import Console

    from kit.cli.record_screen import live_table
    from kit.record import BoardStatus

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(live_table([BoardStatus("gruppe-1", state="ok", latest=(1.0, 2.0))],
                         ("[/]", "[bold]b"), 61.0))
    shown = console.export_text()
    assert "Latest ([/], [bold]b)" in shown and "gruppe-1" in shown


# ----- every line somewhere: bursts, the stop, the command line ----------------------------------
class OneLineBursts(FakeBoard):
    """Hands over one line per read: many small bursts on the queue."""

    def read_lines(self, timeout: float = 1.0) -> list[bytes]:
        line = self.readline(timeout)
        return [] if line is None else [line]


def test_hundreds_of_small_bursts_and_a_stop_right_after_lose_nothing(tmp_path: Path) -> None:
    """Found in the old recorder: of 250 one-line bursts it wrote 248 (the 101st of each round
    of 100 was taken and dropped), and of 250 still queued at the stop only 100."""
    board = OneLineBursts("a", [HEADER] + [b"(%d, 0)" % i for i in range(250)])
    recorder = Recorder(_plan(tmp_path))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    result = recorder.run([board], stop=stop)
    assert [int(r[3]) for r in _rows(result.paths.csv)[1:]] == list(range(250))
    assert result.accepted == 250 and result.lost == 0


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "0", "0s", "-5", "2000h",
                                  "infinity", "NaNm", "1e3"])
def test_duration_must_be_finite_and_positive(text: str) -> None:
    """`--duration nan` (and 1e400) was accepted and the recording never ended."""
    from click.testing import CliRunner

    from kit import cli

    result = CliRunner().invoke(cli.cli, ["record", "--duration", text, "--port", "loop://"])
    assert result.exit_code == 2 and "duration" in result.output, result.output


def test_duration_forms_still_work() -> None:
    from kit.cli.record import Duration

    duration = Duration()
    assert [duration.convert(t, None, None) for t in ("20m", "90s", "1h30m", "2", "1.5")] == [
        1200.0, 90.0, 5400.0, 120.0, 90.0]


def _record_cli(tmp_path: Path, lines: list[bytes], *extra: str):
    """`klimakit record --port` on a fake TCP board that sends `lines` and then waits."""
    import fakeboards as fb
    from click.testing import CliRunner

    from kit import cli

    board = fb.TcpBoard([[(0.0, b"\r\n".join(lines) + b"\r\n"), (30.0, b"")]])
    board.start()
    try:
        return CliRunner().invoke(cli.cli, ["record", "--port", board.url, "--duration", "1.5s",
                                            "-o", str(tmp_path), *extra])
    finally:
        board.close()


def test_record_with_repeated_header_names_saves_and_draws(tmp_path: Path) -> None:
    """`fields=a,a` used to end `record` with rc 1 (the graph's ValueError) after the data was
    saved. The header is refused (the raw log says why) and the readings are kept."""
    result = _record_cli(tmp_path, [b"# klimakit 1 fields=a,a", b"(1, 2)", b"(3, 4)"])
    assert result.exit_code == 0, result.output
    csv_path = Path(result.stdout.strip().splitlines()[-1])
    assert [r[3:] for r in _rows(csv_path)[1:]] == [["1", "2"], ["3", "4"]]
    assert "names repeat" in csv_path.with_suffix(".raw.log").read_text()
    assert csv_path.with_suffix(".png").stat().st_size > 1000


def test_record_neutralises_formula_field_names_in_the_csv(tmp_path: Path) -> None:
    """Field names from a board's header reached the CSV header unchanged; a spreadsheet would
    run `+cmd|'/Ccalc'!A0`. The CSV has text cells, the sidecar the names as sent."""
    names = ["+cmd|'/Ccalc'!A0", "@SUM", "-2x"]
    header = b"# klimakit 1 fields=" + ",".join(names).encode()
    result = _record_cli(tmp_path, [header, b"(1, 2, 3)"], "--no-plot")
    assert result.exit_code == 0, result.output
    csv_path = Path(result.stdout.strip().splitlines()[-1])
    assert _rows(csv_path)[0][3:] == ["'" + n for n in names]
    meta = json.loads(csv_path.with_suffix(".json").read_text())
    assert [f["name"] for f in meta["fields"]] == names
    assert read_run(csv_path).fields == tuple(names)


def test_record_summary_says_what_was_lost_and_why(tmp_path: Path) -> None:
    lines = [b"# klimakit 1 lesson=gw fields=temp", b"(gruppe1, 1, 20.5)", b"(gruppe1, 4, 20)"]
    result = _record_cli(tmp_path, lines, "--no-plot")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "2 readings saved" in said and "2 lost: 2 radio packets that did not arrive" in said


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False),
       st.sampled_from([0.0, 0.0000005, -0.0000005, 0.0005]))
def test_the_writers_clock_writes_what_format_time_writes(when: float, nudge: float) -> None:
    """RunWriter formats the time of day once a second; the text is format_time's exactly."""
    from kit.record.files import EXCEL_DA, STANDARD, _Clock, format_time

    when = round(when, 3) + nudge if when > 1 else when
    for style in (STANDARD, EXCEL_DA):
        assert _Clock(style).text(when) == format_time(when, style)


def test_is_recording_while_the_recorder_has_the_csv(tmp_path: Path) -> None:
    """A live recording's sidecar must never be 'repaired' (by a live graph or another
    `klimakit plot`): the recorder holds the CSV's lock until its files are finished."""
    from kit.record import is_recording, repair_sidecar

    recorder = Recorder(_plan(tmp_path))
    seen: list[bool] = []

    def update(statuses: object) -> None:
        seen.append(is_recording(recorder.plan.paths.csv))
        seen.append(repair_sidecar(recorder.plan.paths.csv))
        raise KeyboardInterrupt

    result = recorder.run([FakeBoard("a", [HEADER, b"(1, 2)"])], on_update=update)
    assert seen == [True, False], "recording, and not repaired"
    assert not is_recording(result.paths.csv) and not repair_sidecar(result.paths.csv)
    assert json.loads(result.paths.sidecar.read_text())["ended_by"] == "interrupted"
