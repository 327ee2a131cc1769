"""Building what a teacher names (lesson, .py, .hex): checks before flashing, cache, CLI."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kit import cli
from kit.build import (
    DAPLINK_CHECKSUM, DAPLINK_PARSER, MAX_SCRIPT_BYTES, Program, build_target, build_universal_hex,
    inspect_hex, universal_to_v1,
)
from kit.errors import FirmwareError, HexFileError, LessonError


@pytest.fixture(scope="module")
def universal() -> str:
    return build_universal_hex(Program("p", "print('hej')\n", ()))


def test_lesson_builds_its_firmware_into_a_universal_hex():
    built = build_target("sensortjek")
    assert built.name == "sensortjek"
    assert built.info.versions == ("v1", "v2") and built.info.universal
    assert b"sensortjek" in bytes.fromhex("".join(
        line[9:-2] for line in built.text.splitlines() if line[7:9] in ("00", "0D")))


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
    build_target(prog)
    for cached in (Path(os.environ["KLIMAKIT_CACHE_DIR"]) / "hex").glob("*.hex"):
        cached.write_text(":garbage\n")
    again = build_target(prog)
    assert not again.from_cache and again.info.versions == ("v1", "v2")


def test_syntax_error_names_file_and_line_before_anything_is_built(tmp_path: Path):
    prog = tmp_path / "elev.py"
    prog.write_text("from microbit import *\n\nwhile True\n    display.show(1)\n")
    with pytest.raises(FirmwareError, match=r"elev.py:3: syntax error"):
        build_target(prog)


def test_oversize_script_says_by_how_much(tmp_path: Path):
    prog = tmp_path / "stor.py"
    prog.write_text("x = 1\n" * (MAX_SCRIPT_BYTES // 6 + 50))
    over = prog.stat().st_size - (MAX_SCRIPT_BYTES - 1)
    with pytest.raises(FirmwareError, match=r"{} bytes too large".format(over)):
        build_target(prog)


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
    v1_only = inspect_hex(universal_to_v1(universal))
    assert v1_only.versions == ("v1",) and not v1_only.universal
    assert "V1" in v1_only.problem_for("v2") and v1_only.problem_for("v1") == ""
    v2_only = inspect_hex(universal_to_v1(universal, ("9903",)))
    assert v2_only.versions == ("v2",), "data above 256 KB can only be for a V2"
    assert "529" in v2_only.problem_for("v1")
    assert v2_only.problem_for("?") == "", "an unknown board is not refused"


def test_cli_build_writes_the_hex(tmp_path: Path):
    out = tmp_path / "ud.hex"
    result = CliRunner().invoke(cli.cli, ["build", "sensortjek", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert inspect_hex(out.read_text()).versions == ("v1", "v2")
    assert str(out) in result.output and "V1+V2" in result.output


def test_cli_build_syntax_error_is_a_message_not_a_traceback(tmp_path: Path):
    prog = tmp_path / "fejl.py"
    prog.write_text("x = (1,\n")
    result = CliRunner().invoke(cli.cli, ["build", str(prog)])
    assert result.exit_code == 1
    assert "fejl.py:1: syntax error" in result.output and "Traceback" not in result.output


def test_pupils_copy_of_a_lesson_program_still_gets_the_shared_lib(tmp_path: Path):
    """A program copied out of firmware/ into a pupil's folder still has klima inlined."""
    from kit.resources import firmware_path

    mine = tmp_path / "mit_sensortjek.py"
    mine.write_text(firmware_path("sensortjek").read_text())
    built = build_target(mine)
    data = bytes.fromhex("".join(
        line[9:-2] for line in built.text.splitlines() if line[7:9] == "00"))
    assert b"def begin(" in data and b"from klima import" not in data
