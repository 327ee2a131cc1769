"""V2 field logs: MY_DATA.HTM (CODAL v0.2.43 layout) into run files, and the CLI end to end on
a simulated V2 virtual board whose drive shows the log (kit/sim/datalog.py, kit/flash/virtual.py).
"""
from __future__ import annotations

import csv
import importlib.util
import json
import time
from pathlib import Path

import pytest
from conftest import csv_disk_fills_after

from kit.errors import RecordingError
from kit.record import collect_my_data, read_run

DATA = Path(__file__).parent / "data"
LABELS = "Time (seconds),temp (C),lys (lvl),markering"


def _builder():
    spec = importlib.util.spec_from_file_location("make_my_data", DATA / "make_my_data.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _log(tmp_path: Path, rows: list[str], **kwargs: object) -> Path:
    path = tmp_path / "MY_DATA.HTM"
    path.write_bytes(_builder().my_data(LABELS + "\n" + "".join(r + "\n" for r in rows),
                                        LABELS, **kwargs))
    return path


def test_each_start_is_a_run_with_fields_units_and_events(tmp_path: Path) -> None:
    path = _log(tmp_path, ["0.00,,,start varmekort", "0.01,21.5,200,", "10.01,22.0,190,1",
                           "0.00,,,start varmekort", "0.02,18.0,50,"])
    result = collect_my_data(path, "gruppe-3", tmp_path / "ud", unique_id="9904abc")
    assert result.readings == 3 and len(result.runs) == 2
    first = read_run(result.runs[0].csv)
    assert first.fields == ("temp", "lys")
    assert first.boards["gruppe-3"].values["temp"] == [21.5, 22.0]
    assert first.boards["gruppe-3"].seconds == [0.01, 10.01]
    meta = json.loads(result.runs[0].sidecar.read_text())
    assert meta["lesson"] == "varmekort" and meta["source"]["kind"] == "board log"
    assert meta["fields"][0] == {"name": "temp", "unit": "C", "label": "temp (C)"}
    assert meta["events"] == [{"event": "marked", "seconds": 10.01, "presses": "1",
                               "board": "gruppe-3"}]
    assert meta["source"]["clock"]["method"] == "none"
    with result.runs[0].csv.open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["time"] == ""  # no clock: left empty, not invented
    assert "10.01,22.0,190,1" in result.runs[0].raw.read_text()
    assert any("2 sessions" in note for note in result.notes)
    assert result.runs[0].csv.with_suffix(".png").is_file()


def test_the_last_start_gets_clock_times_if_the_clock_fits(tmp_path: Path) -> None:
    from kit.record import Clock

    rows = ["0.00,,,start varmekort", "5.00,20,1,", "0.00,,,start varmekort", "0.50,21,2,",
            "10.50,22,3,"]
    path = _log(tmp_path, rows)
    result = collect_my_data(path, "g", tmp_path / "a", clock=Clock(20_500, 1_000_000.0, 0))
    first, last = (json.loads(r.sidecar.read_text()) for r in result.runs)
    assert first["source"]["clock"]["method"] == "none"
    assert last["source"]["clock"]["method"] == "anchored"
    with result.runs[1].csv.open(encoding="utf-8") as handle:
        times = [r["time"] for r in csv.DictReader(handle)]
    assert len(times) == 2 and all(times)
    # 10 s after the first row and 10 s before the board was asked
    from datetime import datetime
    stamps = [datetime.fromisoformat(t).timestamp() for t in times]
    assert stamps[1] - stamps[0] == pytest.approx(10.0, abs=0.01)
    assert stamps[1] == pytest.approx(1_000_000.0 - 10.0, abs=0.01)
    # a clock behind the last row: the board was restarted after the drive was read
    result = collect_my_data(path, "g", tmp_path / "b", clock=Clock(3_000, 1_000_000.0, 0))
    assert all(json.loads(r.sidecar.read_text())["source"]["clock"]["method"] == "none"
               for r in result.runs)
    assert any("no clock times" in n for n in result.notes)


def test_other_lessons_full_and_cut_off_logs_are_named(tmp_path: Path) -> None:
    path = _log(tmp_path, ["0.00,,,start planter", "0.01,5,1,"], full=True)
    result = collect_my_data(path, "g1", tmp_path / "ud", lesson="varmekort")
    assert any("another lesson: planter" in n for n in result.notes), result.notes
    assert any("full" in n for n in result.notes) and result.readings == 1
    cut = tmp_path / "cut" / "MY_DATA.HTM"
    cut.parent.mkdir()
    cut.write_bytes(path.read_bytes()[:8192 + len(LABELS) + 30])
    result = collect_my_data(cut, "g1", tmp_path / "ud2")
    assert any("not copied whole" in n for n in result.notes)
    assert any("cut off while being written" in n for n in result.notes)


def test_a_log_of_two_lessons_gives_each_run_its_own_columns(tmp_path: Path) -> None:
    """CODAL keeps the first lesson's labels: the second lesson's columns are added after."""
    both = LABELS + ",fugt (%)"
    rows = (LABELS + "\n0.00,,,start varmekort\n0.01,21,200,\n" + both
            + "\n0.00,,,start planter,\n0.01,,,,40\n")
    path = tmp_path / "MY_DATA.HTM"
    path.write_bytes(_builder().my_data(rows, both, old_labels=LABELS + "\n"))
    result = collect_my_data(path, "g", tmp_path / "ud")
    assert [read_run(r.csv).fields for r in result.runs] == [("temp", "lys"), ("fugt",)]
    assert any("several lessons: planter, varmekort" in n for n in result.notes)


def test_a_log_of_another_program_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "MY_DATA.HTM"
    path.write_bytes(_builder().my_data("Time (seconds),x\n0.00,1\n1.00,2\n", "Time (seconds),x"))
    result = collect_my_data(path, "g2", tmp_path / "ud")
    assert read_run(result.runs[0].csv).fields == ("x",) and result.readings == 2
    assert any("not from a klimakit field lesson" in n for n in result.notes)


@pytest.mark.parametrize("content", [b"", b"<html>nope</html>", b"\xff" * 9000])
def test_not_a_log_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "MY_DATA.HTM"
    path.write_bytes(content)
    with pytest.raises(RecordingError, match="MY_DATA.HTM"):
        collect_my_data(path, "g3", tmp_path / "ud")


def test_flash_log_on_board_then_collect_on_a_simulated_v2(tmp_path: Path, monkeypatch) -> None:
    """The CLI end to end: varmekort --log-on-board onto a virtual V2 (the simulator, 20×
    speed), wait, `klimakit collect --all` reads MY_DATA.HTM from its drive: CSV with
    readings, sidecar, graph; --clear says the V2's log is erased by flashing, not here."""
    from click.testing import CliRunner

    from kit import cli
    from kit.flash import VirtualFleet

    with VirtualFleet(tmp_path / "drives", 1, remount_s=0.2, versions=["v2"],
                      sim_speed=20.0) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        result = CliRunner().invoke(cli.cli, ["flash", "varmekort", "--all", "--log-on-board"])
        assert result.exit_code == 0, result.output
        assert fleet.boards[0].engine.kind.value == "sim", fleet.boards[0].engine
        drive_file = fleet.boards[0].drive / "MY_DATA.HTM"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (
                drive_file.is_file() and drive_file.read_bytes().count(b"\n", 8192) >= 6):
            time.sleep(0.2)
        out = tmp_path / "data"
        result = CliRunner().invoke(cli.cli, ["collect", "--all", "--out", str(out), "--clear"])
        assert result.exit_code == 0, result.output
        assert "erased when the board is flashed again" in result.output
        assert "another lesson" not in result.output  # the inventory knows varmekort was flashed
    [csv_path] = sorted(out.glob("varmekort-*.csv"))
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 3, rows
    meta = json.loads(csv_path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["source"]["kind"] == "board log" and meta["boards"][0]["version"] == "v2"
    assert meta["lesson"] == "varmekort"
    assert meta["source"]["clock"]["method"] == "anchored", meta["source"]  # asked over serial
    assert all(r["time"] for r in rows), rows
    names = [f["name"] for f in meta["fields"]]
    assert all(r[names[0]] not in ("", None) for r in rows), rows
    assert csv_path.with_suffix(".png").is_file()


@pytest.mark.parametrize("content", [None, b"\x00garbage\xff" * 50, b"", "cut"])
def test_collect_from_a_v2_drive_with_a_bad_or_no_my_data(tmp_path: Path, monkeypatch,
                                                          fake_drive, content) -> None:
    """A V2 drive (no serial port) whose MY_DATA.HTM is missing, not a log, empty, or cut off:
    a clear line naming the board, no traceback; a cut-off log keeps its whole rows."""
    from click.testing import CliRunner

    from kit import cli

    drive = fake_drive("MICROBIT")
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drive.parent))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    if content == "cut":
        full = _builder().my_data(LABELS + "\n0.00,,,start varmekort\n0.01,20,5,\n0.02,2", LABELS)
        content = full[:8192 + len(LABELS) + 40]
    if content is not None:
        (drive / "MY_DATA.HTM").write_bytes(content)
    out = tmp_path / "ud"
    result = CliRunner().invoke(cli.cli, ["collect", "--all", "--out", str(out)])
    assert "Traceback" not in result.output
    if content is None:
        assert result.exit_code == 1 and "no MY_DATA.HTM" in result.output
    elif content.startswith(b"<html"):
        assert result.exit_code == 0 and "1 reading" in result.output, result.output
        assert "not copied whole" in result.output
        assert len(list(out.glob("varmekort-*.csv"))) == 1
    else:
        assert result.exit_code == 1 and "MY_DATA.HTM" in result.output, result.output


def test_a_virtual_drive_shows_the_log_and_flashing_clears_it(tmp_path: Path) -> None:
    from kit.flash.drivelog import FILE_NAME, DriveLog

    drive_log = DriveLog()
    drive_log.show(tmp_path, "g")
    assert not (tmp_path / FILE_NAME).exists()  # as CODAL: no file before the first entry
    drive_log.store.add({"x": "1"}, 1500)
    drive_log.show(tmp_path, "g")
    blob = (tmp_path / FILE_NAME).read_bytes()
    assert len(blob) == 131072 and blob[8192:].split(b"\xff")[0] == b"Time (seconds),x\n1.50,1\n"
    drive_log.flashed()
    drive_log.remounted()
    drive_log.show(tmp_path, "g")
    assert b"1.50,1" not in (tmp_path / FILE_NAME).read_bytes()
    assert not list(tmp_path.glob(".*"))  # the staging file was renamed into place


def test_a_hostile_lesson_name_cannot_write_outside_the_folder(tmp_path: Path) -> None:
    """The lesson in a start row (V2) or a header (V1) names the files: only an id may."""
    from kit.record.fieldlog import parse_files

    path = _log(tmp_path, ["0.00,,,start ../../evil", "0.01,21,200,", "1.00,21,200,x"])
    out = tmp_path / "a" / "b"
    result = collect_my_data(path, "g", out)
    assert all(r.csv.parent == out for r in result.runs) and not list(tmp_path.glob("evil*"))
    assert json.loads(result.runs[0].sidecar.read_text())["events"] == []
    [session] = parse_files({"k001000": b"# klimakit-log 1 lesson=../../evil fields=x "
                                        b"units=C event=a\n0,1,0\n"})
    assert session.lesson == "" and session.rows


def test_collect_names_a_log_of_another_lesson_than_the_one_flashed(tmp_path: Path, monkeypatch,
                                                                    fake_drive) -> None:
    from datetime import datetime, timezone

    from click.testing import CliRunner

    from kit import cli
    from kit.inventory import HistoryEntry, InventoryEvent

    drive = fake_drive("MICROBIT")
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drive.parent))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    flashed = HistoryEntry(datetime.now(timezone.utc), InventoryEvent.FLASHED, "varmekort", "",
                           None, "")
    monkeypatch.setattr("kit.inventory.board_history", lambda *a, **k: [flashed])
    (drive / "MY_DATA.HTM").write_bytes(_log(tmp_path, ["0.00,,,start planter",
                                                        "0.01,5,1,"]).read_bytes())
    result = CliRunner().invoke(cli.cli, ["collect", "--all", "--out", str(tmp_path / "ud")])
    assert result.exit_code == 0, result.output
    assert "another lesson: planter (not varmekort)" in result.output


def test_a_full_disk_while_collecting_is_said_and_the_log_file_is_kept(
        tmp_path: Path, monkeypatch) -> None:
    """The disk fills up while a collected session is written (the CSV gets 60 bytes): collect
    says it could not write and that nothing was removed from the board, instead of reporting
    the readings as saved; the MY_DATA.HTM it read is untouched."""
    path = _log(tmp_path, ["0.00,,,start varmekort"] + ["{}.00,2{},1,".format(i, i % 10)
                                                          for i in range(1, 40)])
    before = path.read_bytes()
    csv_disk_fills_after(monkeypatch, 60)
    with pytest.raises(RecordingError, match="cannot write .*nothing was removed from the board"):
        collect_my_data(path, "g", tmp_path / "ud")
    assert path.read_bytes() == before
