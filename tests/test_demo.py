"""klimakit demo: the recorder and plotter on real firmware in QEMU, files, errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_qemu

from kit import cli
from kit.build import assemble
from kit.demo import run_demo
from kit.errors import RecordingError
from kit.record import read_run
from kit.resources import firmware_path


def test_demo_writes_csv_sidecar_and_graph_from_qemu(tmp_path: Path) -> None:
    require_qemu()
    result = run_demo(tmp_path / "ud", seconds=5)
    assert result.backend == "qemu" and result.rows > 0
    assert result.fields == ("tid", "lys", "x", "y", "z", "a", "b")
    run = read_run(result.csv_path)
    tid = run.boards["virtuel-1"].values["tid"]
    assert tid == sorted(tid) and len(set(tid)) == len(tid), "every reading once, in order"
    meta = json.loads(result.csv_path.with_suffix(".json").read_text())
    assert meta["lesson"] == "sensortjek"
    assert meta["firmware"]["sha256"] == assemble(firmware_path("sensortjek")).sha256
    assert meta["boards"][0]["unique_id"].startswith("9900")
    assert result.png_path.stat().st_size > 5000


def test_demo_cli_twice_in_the_same_folder(tmp_path: Path) -> None:
    """The demo replaces its own files; a teacher runs it again and again."""
    require_qemu()
    for _ in range(2):
        result = CliRunner().invoke(cli.cli, ["demo", "--seconds", "3", "--out",
                                              str(tmp_path / "d")])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "demo.csv", "demo.json", "demo.png", "demo.raw.log"]
    assert "Færdig" in result.output


def test_unwritable_folder_fails_before_any_board_starts(tmp_path: Path, monkeypatch) -> None:
    started = []
    monkeypatch.setattr("kit.demo._open_board", lambda *a: started.append(1))
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(RecordingError):
        run_demo(blocker / "ud")
    assert not started
