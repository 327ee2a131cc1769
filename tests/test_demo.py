"""klimakit demo: the afkoeling class experiment on six simulated boards, and the same program
booted on real V1 firmware in QEMU."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_qemu

import kit.demo
from kit import cli
from kit.build import lesson_program
from kit.demo import GROUPS, run_demo
from kit.errors import RecordingError
from kit.lessons import get_lesson
from kit.record import read_run


def test_six_groups_forty_minutes_on_the_boards_clocks(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit.demo, "qemu_binary", lambda: None)
    result = run_demo(tmp_path / "ud")
    assert result.boot is None and result.wall_s < 30
    assert result.rows == 6 * 81 and result.rejected == 0 and result.lost == 0
    run = read_run(result.csv_path)
    assert set(run.boards) == {name for name, _ in GROUPS}
    for series in run.boards.values():
        # every 30 s on the board's own clock, from 0 to 40:00, however fast the run was
        assert series.seconds[0] < 1 and 2399 < series.seconds[-1] < 2401
        steps = [b - a for a, b in zip(series.seconds, series.seconds[1:])]
        assert all(29.9 < s < 30.2 for s in steps), steps[:5]
    end = {name: series.values["temp"][-1] for name, series in run.boards.items()}
    start = {name: series.values["temp"][0] for name, series in run.boards.items()}
    assert all(43 <= t <= 47 for t in start.values()), start
    # the curves separate: the bare cup ends coldest, the wool sock warmest, by degrees
    assert min(end, key=end.__getitem__) == "kop uden noget"
    assert max(end, key=end.__getitem__) == "uldsok"
    assert end["uldsok"] - end["kop uden noget"] >= 5
    meta = json.loads(result.csv_path.with_suffix(".json").read_text())
    assert meta["lesson"] == "afkoeling" and meta["ended_by"] == "duration"
    assert meta["firmware"]["sha256"] == lesson_program(get_lesson("afkoeling")).sha256
    assert result.png_path.stat().st_size > 20_000


def test_demo_boots_the_same_program_on_real_v1_firmware(tmp_path: Path) -> None:
    require_qemu()
    result = run_demo(tmp_path / "ud")
    assert result.boot is not None and result.boot.ok, result.boot
    assert result.boot.header is not None and result.boot.header.lesson == "afkoeling"
    assert result.boot.header.fields == ("temp",)


def test_demo_cli_twice_in_the_same_folder(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo replaces its own files; a teacher runs it again and again."""
    monkeypatch.setattr(kit.demo, "qemu_binary", lambda: None)
    for _ in range(2):
        result = CliRunner().invoke(cli.cli, ["demo", "--out", str(tmp_path / "d")])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "demo.csv", "demo.json", "demo.png", "demo.raw.log"]
    assert "Done" in result.output and "QEMU is not installed" in result.output


def test_unwritable_folder_fails_before_any_board_starts(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    monkeypatch.setattr("kit.demo._boards", lambda *a: started.append(1))
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(RecordingError):
        run_demo(blocker / "ud")
    assert not started
