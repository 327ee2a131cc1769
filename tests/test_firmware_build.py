"""Hex building: V1 syntax checks, lib inlining, size limits, universal → V1 conversion."""
from __future__ import annotations

from pathlib import Path

import pytest

from kit.build import (
    MAX_SCRIPT_BYTES, Program, assemble, build_universal_hex, check_v1_syntax, universal_to_v1,
)
from kit.errors import FirmwareError


def _records(hex_text: str) -> list[bytes]:
    return [bytes.fromhex(line[1:]) for line in hex_text.splitlines() if line.startswith(":")]


@pytest.mark.parametrize("code, words", [
    ('x = 1\nprint(f"{x}")\n', "f-strings"),
    ("if (n := 3):\n    pass\n", "':='"),
    ("def f(a, /):\n    pass\n", "positional-only"),
    ("x = (1,\n", "syntax error"),
])
def test_v1_syntax_errors_name_file_and_line(code, words):
    with pytest.raises(FirmwareError) as info:
        check_v1_syntax(code, "elev.py")
    assert str(info.value).startswith("elev.py:")
    assert words in str(info.value)


def test_fstring_error_points_at_its_line():
    with pytest.raises(FirmwareError, match=r"^prog.py:3: f-strings"):
        check_v1_syntax("a = 1\nb = 2\nprint(f'{a}')\n", "prog.py")


def test_assemble_inlines_lib_modules_once(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    prog = tmp_path / "main.py"
    prog.write_text("from helper import twice\nfrom helper import twice\nprint(twice(2))\n")
    program = assemble(prog)
    assert program.source.count("def twice") == 1
    assert "from helper" not in program.source
    assert program.files == (prog, tmp_path / "lib" / "helper.py")


def test_error_in_lib_module_names_the_lib_file(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "bad.py").write_text("x = 1\ny = f'{x}'\n")
    (tmp_path / "p.py").write_text("from bad import x\n")
    with pytest.raises(FirmwareError, match=r"bad.py:2: f-strings"):
        assemble(tmp_path / "p.py")


def test_oversize_script_is_refused_saying_by_how_much():
    program = Program("stor", "# x\n" * (MAX_SCRIPT_BYTES // 4 + 100), ())
    with pytest.raises(FirmwareError) as info:
        build_universal_hex(program)
    over = program.size_bytes - (MAX_SCRIPT_BYTES - 1)
    assert "{} bytes too large".format(over) in str(info.value)


def test_universal_hex_converts_to_valid_v1_intel_hex():
    uhex = build_universal_hex(Program("p", "print('hej')\n", ()))
    assert ":0400000A9900" in uhex and ":0400000A9903" in uhex
    v1 = universal_to_v1(uhex)
    records = _records(v1)
    assert all(sum(r) & 0xFF == 0 for r in records), "every checksum must be valid"
    types = {r[3] for r in records}
    assert types <= {0x00, 0x01, 0x02, 0x03, 0x04, 0x05}
    assert v1.rstrip().endswith(":00000001FF") and v1.count(":00000001FF") == 1
    data = b"".join(r[4:-1] for r in records if r[3] == 0)
    assert b"main.py" in data and b"print('hej')" in data


def test_hex_without_v1_section_is_an_error():
    with pytest.raises(FirmwareError):
        universal_to_v1(":020000040000FA\n:00000001FF\n")
