"""V2 data log import: MY_DATA.HTM (layout from CODAL MicroBitLog) → run CSV + sidecar + plot."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.errors import RecordingError
from kit.record import import_my_data, plot_run, read_my_data, read_run

DATA = Path(__file__).parent / "data"


def _builder():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_my_data", DATA / "make_my_data.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_fixture_is_what_the_builder_makes() -> None:
    make = _builder()
    assert (DATA / "MY_DATA.HTM").read_bytes() == make.my_data(*make.sample_rows())


def test_import_fixture_to_csv_sidecar_and_plot(tmp_path: Path) -> None:
    paths = import_my_data(DATA / "MY_DATA.HTM", tmp_path)
    run = read_run(paths.csv)
    assert run.fields == ("temperature", "light", "sound")
    series = run.boards["v2-log"]
    assert len(series.seconds) == 36 and series.seconds[:2] == [0.02, 10.02]
    assert series.values["light"][:3] == [120, 117, 114]
    assert series.values["sound"][0] != series.values["sound"][0]  # column added later: empty
    assert series.values["sound"][-1] == 75
    meta = json.loads(paths.sidecar.read_text())
    assert meta["source"]["log_format"] == "UBIT_LOG_FS_V_002" and meta["counts"]["accepted"] == 36
    assert plot_run(paths.csv).stat().st_size > 1000


def test_full_log_ms_timestamps_units_and_text_cells(tmp_path: Path) -> None:
    make = _builder()
    rows = "Time (milliseconds),temp (C),knap\n500,21.5,A\n1500,21.6,3\n"
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(make.my_data(rows, "Time (milliseconds),temp (C),knap", full=True))
    paths = import_my_data(source, tmp_path / "ud", excel_da=True)
    assert read_my_data(source).full
    run = read_run(paths.csv)
    assert run.boards["v2-log"].seconds == [0.5, 1.5]
    meta = json.loads(paths.sidecar.read_text())
    assert meta["fields"][0] == {"name": "temp (C)", "unit": "C", "label": "temp"}
    assert meta["counts"]["non_numeric_cells"] == 1 and meta["source"]["log_full"]


def test_downloaded_csv_is_accepted(tmp_path: Path) -> None:
    source = tmp_path / "microbit.csv"
    source.write_text("Time (seconds),x\n0.00,1\n1.00,2\n")
    assert read_run(import_my_data(source, tmp_path).csv).boards["v2-log"].values["x"] == [1, 2]


@pytest.mark.parametrize("cut", [2040, 2060, 2100, 4000, 5200])
def test_truncated_files_give_a_clear_error_or_the_rows_that_are_there(tmp_path: Path,
                                                                        cut: int) -> None:
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes((DATA / "MY_DATA.HTM").read_bytes()[:cut])
    try:
        paths = import_my_data(source, tmp_path / "ud")
    except RecordingError as err:
        assert "MY_DATA.HTM" in str(err)
    else:
        assert cut > 5120 and 0 < len(read_run(paths.csv).boards["v2-log"].seconds) < 36


@pytest.mark.parametrize("content", [b"", b"\x00" * 100, b"<html>hello</html>", b"\xff" * 5000,
                                     b"<!--FS_STARTUBIT_LOG_FS_V_002\n0xZZ"])
def test_garbage_files_give_a_clear_error(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(content)
    with pytest.raises(RecordingError, match="MY_DATA.HTM"):
        import_my_data(source, tmp_path / "ud")


def test_empty_log_and_missing_file(tmp_path: Path) -> None:
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(_builder().my_data("", ""))
    with pytest.raises(RecordingError, match="empty"):
        import_my_data(source, tmp_path)
    with pytest.raises(RecordingError, match="cannot read"):
        import_my_data(tmp_path / "nope.htm", tmp_path)


def test_import_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kit import cli

    result = CliRunner().invoke(cli.cli, ["import", str(DATA / "MY_DATA.HTM"), "-o",
                                          str(tmp_path), "--board", "gruppe-2"])
    assert result.exit_code == 0, result.output
    csv_path = Path(result.stdout.strip())
    assert "gruppe-2" in read_run(csv_path).boards and csv_path.with_suffix(".png").is_file()
    junk = tmp_path / "MY_DATA.HTM"
    junk.write_bytes(b"\x00\x01garbage")
    result = CliRunner().invoke(cli.cli, ["import", str(junk)])
    assert result.exit_code == 1 and "not a micro:bit data log" in result.output
