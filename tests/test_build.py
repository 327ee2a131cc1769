"""Building what a teacher names (lesson, .py, .hex): checks before flashing, cache, CLI."""
from __future__ import annotations

import json
import os
from pathlib import Path

import micropython_microbit_fs as mfs
import pytest
from click.testing import CliRunner

from kit import cli
from kit.build import (
    DAPLINK_CHECKSUM, DAPLINK_PARSER, MAX_SCRIPT_BYTES, Program, build_target,
    build_universal_hex, inspect_hex, split_universal,
)
from kit.build import lesson_program
from kit.build import targets as build_targets
from kit.errors import FirmwareError, HexFileError, LessonError
from kit.lessons import get_lesson


@pytest.fixture(scope="module")
def universal() -> str:
    return build_universal_hex(Program("p", "print('hej')\n", ()))


def test_lesson_builds_its_firmware_into_a_universal_hex():
    built = build_target("sensortjek")
    assert built.name == "sensortjek"
    assert built.info.versions == ("v1", "v2") and built.info.universal
    for version in ("v1", "v2"):
        files = {f.name for f in mfs.get_files(split_universal(built.text)[version])}
        assert files == {"main.py", "klima.py"}


def test_v2_only_lesson_builds_only_for_v2_and_refuses_v1():
    built = build_target("stoejkort")
    assert built.info.versions == ("v2",) and not built.info.universal
    assert mfs.get_device_info(built.text).micropython_version.startswith("micro:bit v2.1.2")
    with pytest.raises(FirmwareError, match="runs on micro:bit V2 only"):
        build_target("stoejkort", versions=("v1",))


def test_same_program_is_built_once_and_then_comes_from_the_cache(tmp_path: Path):
    prog = tmp_path / "mit.py"
    prog.write_text("from microbit import *\ndisplay.scroll('hej')\n")
    first = build_target(prog)
    second = build_target(str(prog))
    assert not first.from_cache and second.from_cache
    assert first.sha256 == second.sha256
    prog.write_text("from microbit import *\ndisplay.scroll('farvel')\n")
    third = build_target(prog)
    assert not third.from_cache and third.sha256 != first.sha256


def test_damaged_cache_file_is_rebuilt(tmp_path: Path):
    prog = tmp_path / "mit.py"
    prog.write_text("print(1)\n")
    first = build_target(prog)
    cached = list((Path(os.environ["KLIMAKIT_CACHE_DIR"]) / "hex").glob("*/*.hex"))
    assert sorted(p.name for p in cached) == ["universal.hex", "v1.hex", "v2.hex"]
    for path in cached:  # still ends like a hex, but is not what was written
        path.write_text(":00000001FF\n")
    build_targets._MEMORY.clear()  # the copy in memory cannot be damaged: look at the disk
    again = build_target(prog)
    assert again.text == first.text
    assert not again.from_cache and again.info.versions == ("v1", "v2")


def test_syntax_error_names_file_and_line_before_anything_is_built(tmp_path: Path):
    prog = tmp_path / "elev.py"
    prog.write_text("from microbit import *\n\nwhile True\n    display.show(1)\n")
    with pytest.raises(FirmwareError, match=r"elev.py:3: syntax error"):
        build_target(prog)


def test_oversize_script_says_by_how_much_for_which_board(tmp_path: Path):
    prog = tmp_path / "stor.py"
    prog.write_text("x = 1\n" * (MAX_SCRIPT_BYTES // 6 + 50))
    needed = mfs.File("main.py", prog.read_bytes()).size_fs
    with pytest.raises(FirmwareError, match=r"stor \(main.py\) needs {:,} bytes of micro:bit "
                       r"V2's 20,480-byte filesystem: {:,} bytes too large".format(
                           needed, needed - 20480)):
        build_target(prog)
    assert build_target(prog, versions=("v1",)).info.versions == ("v1",)


@pytest.mark.parametrize("target, error", [
    ("findes-ikke", LessonError), ("../lessons/x", LessonError), ("/etc/passwd", FirmwareError),
    ("mangler.py", FirmwareError), ("mangler.hex", FirmwareError),
])
def test_unknown_targets_are_clear_errors(target, error):
    with pytest.raises(error):
        build_target(target)


def test_hex_file_target_is_checked(tmp_path: Path, universal: str):
    good = tmp_path / "ok.hex"
    good.write_text(universal)
    assert build_target(good).info.universal
    bad = tmp_path / "bad.hex"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    with pytest.raises(FirmwareError, match="not a hex file a micro:bit accepts"):
        build_target(bad)


def _flip_checksum(hex_text: str, line_no: int = 5) -> str:
    lines = hex_text.splitlines()
    last = lines[line_no][-2:]
    lines[line_no] = lines[line_no][:-2] + "{:02X}".format((int(last, 16) + 1) & 0xFF)
    return "\n".join(lines) + "\n"


def test_inspect_reports_daplinks_own_sentences(universal: str):
    with pytest.raises(HexFileError) as info:
        inspect_hex(_flip_checksum(universal))
    assert info.value.daplink_message == DAPLINK_CHECKSUM and info.value.line == 6
    truncated = "\n".join(universal.splitlines()[:3000])
    with pytest.raises(HexFileError, match="cut short") as info:
        inspect_hex(truncated)
    assert info.value.daplink_message == DAPLINK_PARSER
    for garbage in (b"", b"hello\n", b":zz\n", b":0000000" + b"\n", os.urandom(64)):
        with pytest.raises(HexFileError):
            inspect_hex(garbage)


def test_which_board_a_hex_is_for(universal: str):
    assert inspect_hex(universal).versions == ("v1", "v2")
    parts = split_universal(universal)
    v1_only = inspect_hex(parts["v1"])
    assert v1_only.versions == ("v1",) and not v1_only.universal
    assert "V1" in v1_only.problem_for("v2") and v1_only.problem_for("v1") == ""
    v2_only = inspect_hex(parts["v2"])
    assert v2_only.versions == ("v2",), "data above 256 KB can only be for a V2"
    assert "529" in v2_only.problem_for("v1")
    assert v2_only.problem_for("?") == "", "an unknown board is not refused"


def _stm32_hex() -> str:
    """A valid Intel hex for an STM32 chip: program data at 0x08000000."""
    def record(kind: int, address: int, data: bytes) -> str:
        body = bytes([len(data), address >> 8, address & 0xFF, kind]) + data
        return ":{}{:02X}".format(body.hex().upper(), -sum(body) & 0xFF)
    return "\n".join([record(4, 0, b"\x08\x00"), record(0, 0, bytes(range(16))),
                      record(0, 16, bytes(16)), record(1, 0, b"")]) + "\n"


def test_a_hex_for_another_chip_is_refused_before_any_board(tmp_path: Path):
    path = tmp_path / "stm32.hex"
    path.write_text(_stm32_hex())
    with pytest.raises(HexFileError) as info:
        inspect_hex(path.read_text())
    assert "0x08000000" in str(info.value) and "another kind of board" in str(info.value)
    assert "MAINTENANCE" in info.value.daplink_message, "DAPLink's sentence for a bad address"
    result = CliRunner().invoke(cli.cli, ["build", str(path)])
    assert result.exit_code == 1 and "line 2: data at address 0x08000000" in result.output
    assert "hex til V2" not in result.output and "Traceback" not in result.output


def test_cli_build_writes_the_hex_and_says_what_is_inside(tmp_path: Path):
    out = tmp_path / "ud.hex"
    result = CliRunner().invoke(cli.cli, ["build", "sensortjek", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert inspect_hex(out.read_text()).versions == ("v1", "v2")
    assert str(out) in result.output and "V1+V2" in result.output
    assert "V1: MicroPython 1.1.1" in result.output and "V2: MicroPython 2.1.2" in result.output
    files = {f.name: f.data for f in lesson_program(get_lesson("sensortjek")).board_files}
    assert "files: main.py ({} B), klima.py ({} B)".format(
        len(files["main.py"]), len(files["klima.py"])) in result.output
    used = sum(mfs.File(n, d).size_fs for n, d in files.items())
    assert "{:,} of 28,672 bytes".format(used) in result.output
    assert "{:,} of 20,480 bytes".format(used) in result.output
    danish = CliRunner().invoke(cli.cli, ["build", "sensortjek", "-o", str(out)],
                                env={"KLIMAKIT_LANG": "da"})
    assert "{} af 28.672 bytes".format("{:,}".format(used).replace(",", ".")) in danish.output


def test_cli_build_for_one_board_as_json(tmp_path: Path):
    out = tmp_path / "v2.hex"
    result = CliRunner().invoke(cli.cli, ["build", "sensortjek", "--board", "v2", "--json",
                                          "-o", str(out)])
    assert result.exit_code == 0, result.output
    described = json.loads(result.stdout)
    assert described["versions"] == ["v2"] and not described["universal"]
    [board] = described["boards"]
    assert board["micropython"] == "2.1.2" and board["fs_bytes"] == 20480
    assert [f["name"] for f in board["files"]] == ["main.py", "klima.py"]
    assert described["bytes"] == out.stat().st_size < 1_300_000
    assert {f.name for f in mfs.get_files(out.read_text())} == {"main.py", "klima.py"}


def test_cli_build_syntax_error_is_a_message_not_a_traceback(tmp_path: Path):
    prog = tmp_path / "fejl.py"
    prog.write_text("x = (1,\n")
    result = CliRunner().invoke(cli.cli, ["build", str(prog)])
    assert result.exit_code == 1
    assert "fejl.py:1: syntax error" in result.output and "Traceback" not in result.output


def test_pupils_copy_of_a_lesson_program_still_gets_the_shared_lib(tmp_path: Path):
    """A program copied out of firmware/ into a pupil's folder still gets klima.py."""
    from kit.resources import firmware_path

    mine = tmp_path / "mit_sensortjek.py"
    mine.write_text(firmware_path("sensortjek").read_text())
    built = build_target(mine)
    files = {f.name: f.get_text() for f in mfs.get_files(built.hex_for("v1"))}
    assert "from klima import" in files["main.py"] and "def begin(" in files["klima.py"]


def test_cache_keeps_the_newest_programs_and_drops_old_formats(tmp_path, monkeypatch, caplog):
    cache = Path(os.environ["KLIMAKIT_CACHE_DIR"]) / "hex"
    cache.mkdir(parents=True)
    (cache / "0123abcd.hex").write_text(":00000001FF\n")  # what uflash-era klimakit left there
    monkeypatch.setattr(build_targets, "CACHE_KEEP", 2)
    for number in range(3):
        prog = tmp_path / "p{}.py".format(number)
        prog.write_text("print({})\n".format(number))
        build_target(prog)
    assert sorted(p.is_dir() for p in cache.iterdir()) == [True, True]
    assert "not written" not in caplog.text
