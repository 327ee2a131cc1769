"""Graphs from run CSVs: both CSV styles, panels per unit, gaps, garbage rows, clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.errors import RecordingError
from kit.record import plot_run, read_run
from kit.record.plot import _panels, _with_gaps

CSV = """time,seconds,board,temp,lys
2026-11-25T10:00:00.000,0.0,gruppe-1,21.5,130
2026-11-25T10:00:01.000,1.0,gruppe-1,21.4,131
2026-11-25T10:00:01.500,1.5,gruppe-2,19.0,90
not a time,x,gruppe-1,bad,1
2026-11-25T10:00:02.000,2.0,gruppe-1,21.3
2026-11-25T10:00:03.000,3.0,gruppe-2,19.1,95
"""
META = {"title": "Hvem holder bedst på varmen?", "started": "2026-11-25T10:00:00.000",
        "fields": [{"name": "temp", "unit": "°C", "label": "Temperatur"},
                   {"name": "lys", "unit": "lvl", "label": "Lys"}],
        "events": [{"event": "unplugged", "seconds": 1.2}, {"event": "replugged", "seconds": "x"}]}


def _write(tmp_path: Path, text: str, meta: dict | None = META, name: str = "run") -> Path:
    path = tmp_path / (name + ".csv")
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_read_run_skips_bad_rows_and_groups_by_board(tmp_path: Path) -> None:
    run = read_run(_write(tmp_path, CSV))
    assert run.fields == ("temp", "lys")
    assert run.boards["gruppe-1"].values["temp"] == [21.5, 21.4]
    assert run.boards["gruppe-2"].seconds == [1.5, 3.0]
    assert run.skipped_rows == 2


def test_danish_excel_csv_reads_the_same(tmp_path: Path) -> None:
    danish = "\ufefftime;seconds;board;temp;lys\n2026-11-25 10:00:00,000;0,5;g;21,5;130\n"
    run = read_run(_write(tmp_path, danish))
    assert run.boards["g"].seconds == [0.5] and run.boards["g"].values["temp"] == [21.5]


def test_csv_without_seconds_column_uses_the_time(tmp_path: Path) -> None:
    text = "time,board,v\n2026-11-25T10:00:00.000,a,1\n2026-11-25T10:00:02.500,a,2\n"
    assert read_run(_write(tmp_path, text, None)).boards["a"].seconds == [0.0, 2.5]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_writes_png_and_svg_with_danish_labels(tmp_path: Path, suffix: str) -> None:
    out = plot_run(_write(tmp_path, CSV), tmp_path / ("graf" + suffix))
    assert out.stat().st_size > 1000
    if suffix == ".svg":
        svg = out.read_text()
        for text in ("Hvem holder bedst", "Temperatur (°C)", "Tid siden start (s)", "gruppe-2"):
            assert text in svg


def test_panels_follow_units(tmp_path: Path) -> None:
    run = read_run(_write(tmp_path, CSV))
    assert _panels(run) == [("°C", ["temp"]), ("lvl", ["lys"])]


def test_gaps_break_the_line() -> None:
    times, values = _with_gaps([0, 1, 2, 3, 30, 31], [1, 1, 1, 1, 2, 2])
    assert len(times) == 7 and values[4] != values[4]  # NaN in the gap
    assert _with_gaps([0, 1, 2, 3], [1, 2, 3, 4]) == ([0, 1, 2, 3], [1, 2, 3, 4])


@pytest.mark.parametrize("text, message", [
    ("", "not a klimakit recording"),
    ("a,b,c\n1,2,3\n", "not a klimakit recording"),
    ("time,seconds,board,v\n", "no readings"),
])
def test_bad_csv_gives_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RecordingError, match=message):
        plot_run(_write(tmp_path, text, None))


def test_binary_garbage_and_bad_suffix(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RecordingError):
        plot_run(path)
    with pytest.raises(RecordingError, match=".png"):
        plot_run(_write(tmp_path, CSV), tmp_path / "graf.txt")


def test_plot_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kit import cli

    csv_path = _write(tmp_path, CSV)
    result = CliRunner().invoke(cli.cli, ["plot", str(csv_path), "-o", str(tmp_path / "g.svg")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "g.svg") and (tmp_path / "g.svg").is_file()
    bad = _write(tmp_path, "a,b\n1,2\n", None, name="bad")
    result = CliRunner().invoke(cli.cli, ["plot", str(bad)])
    assert result.exit_code == 1 and "not a klimakit recording" in result.output
    assert "Traceback" not in result.output
