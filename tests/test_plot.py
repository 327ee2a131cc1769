"""Graphs from run CSVs: both CSV styles, panels per unit, gaps, garbage rows, clear errors."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    from kit.i18n import use_language

    with use_language("da"):
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


# ----- hostile files: each gives a graph or a clear sentence, never a traceback ----------------
def _plot_cli(*args: str):
    from click.testing import CliRunner

    from kit import cli

    return CliRunner().invoke(cli.cli, ["plot", *args])


def test_repeated_field_names_get_a_line_each(tmp_path: Path) -> None:
    """`fields=a,a` (a header, an import, a hand-made CSV) made matplotlib raise ValueError."""
    path = _write(tmp_path, "time,seconds,board,a,a\n2026-11-25T10:00:00.000,0,g,1,2\n"
                  "2026-11-25T10:00:01.000,1,g,3,4\n", None)
    run = read_run(path)
    assert run.fields == ("a", "a (2)") and run.boards["g"].values["a (2)"] == [2, 4]
    result = _plot_cli(str(path))
    assert result.exit_code == 0, result.output


def test_inf_and_nan_are_gaps_and_counted(tmp_path: Path) -> None:
    """An 'inf' value made matplotlib raise OverflowError; now it is a gap in the line."""
    path = _write(tmp_path, "time,seconds,board,v\n2026-11-25T10:00:00.000,0,g,1\n"
                  "2026-11-25T10:00:01.000,1,g,inf\n2026-11-25T10:00:02.000,2,g,-inf\n"
                  "2026-11-25T10:00:03.000,3,g,nan\n2026-11-25T10:00:04.000,4,g,5\n", None)
    result = _plot_cli(str(path))
    assert result.exit_code == 0, result.output
    assert "3 values are not finite numbers" in " ".join(result.output.split())


def test_a_csv_without_measurement_columns_says_so(tmp_path: Path) -> None:
    """Only time,seconds,board: 'Number of rows must be a positive integer' from matplotlib."""
    path = _write(tmp_path, "time,seconds,board\n2026-11-25T10:00:00.000,0,g\n", None)
    result = _plot_cli(str(path))
    assert result.exit_code == 1 and "no measurement columns" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("meta", [
    {"fields": 5}, {"fields": [5, "x", {"name": 3, "unit": [1]}]}, {"events": "x"},
    {"events": [{"event": "unplugged", "seconds": "inf"}, 7]}, {"title": 5, "started": []},
    {"counts": "x", "ended": None, "ended_by": None}, [1, 2],
])
def test_a_malformed_sidecar_does_not_stop_the_graph(tmp_path: Path, meta: object) -> None:
    """A sidecar with `fields: 5` raised TypeError."""
    path = tmp_path / "run.csv"
    path.write_text(CSV, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    result = _plot_cli(str(path), "-o", str(tmp_path / "g.png"))
    assert result.exit_code == 0, result.output


def test_skipped_rows_are_counted_with_their_reason(tmp_path: Path) -> None:
    """plot used to drop unparsable and ragged rows without a word."""
    result = _plot_cli(str(_write(tmp_path, CSV)), "-o", str(tmp_path / "g.png"))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "2 rows skipped" in said and "1 with a wrong number of columns" in said
    assert "1 without a time that can be read" in said and "not finished" not in said


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_plot_of_a_device_is_refused(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip("no " + device)
    with pytest.raises(RecordingError, match="not a regular file"):
        read_run(Path(device))


def test_plot_of_a_fifo_does_not_block(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "run.csv"
    os.mkfifo(fifo)
    result = _plot_cli(str(fifo))  # would block forever in open() if it were opened
    assert result.exit_code == 1 and "not a regular file" in result.output


def test_formula_names_are_text_in_the_csv_and_names_in_the_graph(tmp_path: Path) -> None:
    """The CSV has spreadsheet-safe cells ('+cmd…); the sidecar and the graph the names."""
    path = _write(tmp_path, "time,seconds,board,'+cmd|'/Ccalc'!A0,'@SUM\n"
                  "2026-11-25T10:00:00.000,0,g,1,2\n2026-11-25T10:00:01.000,1,g,3,4\n",
                  {"fields": [{"name": "+cmd|'/Ccalc'!A0", "unit": "", "label": ""},
                              {"name": "@SUM", "unit": "", "label": ""}]})
    assert read_run(path).fields == ("+cmd|'/Ccalc'!A0", "@SUM")


csv_cells = st.sampled_from(["", "1", "-2.5", "1e308", "-1e308", "inf", "nan", "x", "1,5",
                             "2026-11-25T10:00:00.000", "'", '"', ";", "\u00e6", "0", "1e-300"])
csv_rows = st.lists(st.lists(csv_cells, min_size=0, max_size=7), max_size=12)
headers = st.lists(st.sampled_from(["time", "seconds", "board", "a", "a", "=x", "", "b;c"]),
                   min_size=0, max_size=7)


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    import csv as csv_module
    import io

    out = io.StringIO()
    writer = csv_module.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@given(headers, csv_rows, st.sampled_from([",", ";"]))
@settings(max_examples=300, deadline=None)
def test_read_run_fuzz_raises_only_recording_errors(header: list[str], rows: list[list[str]],
                                                    delimiter: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_text(_csv_text(header, rows, delimiter), encoding="utf-8")
        try:
            read_run(path)
        except RecordingError:
            pass


@given(st.lists(csv_cells, min_size=1, max_size=3), csv_rows)
@settings(max_examples=25, deadline=None)
def test_plot_fuzz_draws_or_says_why(fields: list[str], rows: list[list[str]]) -> None:
    """Random CSVs (with the right header) through plot: a graph or a RecordingError."""
    import tempfile

    header = ["time", "seconds", "board"] + [f or "v" for f in fields]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_text(_csv_text(header, rows, ","), encoding="utf-8")
        try:
            plot_run(path)
        except RecordingError:
            pass
