"""QemuBoard end to end on real micro:bit V1 MicroPython 1.1.1 in QEMU, booted from the V1 hex
klimakit flashes (micropython-microbit-fs, the program's files in its filesystem)."""
from __future__ import annotations

import socket
import time

import pytest
from conftest import _qemu_children

from kit.boards import QemuBoard
from kit.errors import BoardCodeError
from kit.record import Data, Header, parse_line


def test_sensortjek_prints_header_and_well_formed_data_lines(qemu_boot):
    board = qemu_boot("sensortjek")
    parsed = [parse_line(board.wait_for("# klimakit", timeout=20))]
    while len([p for p in parsed if isinstance(p, Data)]) < 5:
        line = board.readline(timeout=10)
        assert line is not None, "board stopped printing"
        parsed.append(parse_line(line))
    header = parsed[0]
    assert isinstance(header, Header)
    assert header.lesson == "sensortjek"
    assert header.fields == ("tid", "lys", "x", "y", "z", "a", "b")
    data = [p for p in parsed if isinstance(p, Data)]
    assert all(len(d.values) == len(header.fields) for d in data)
    times = [d.values[0] for d in data]
    assert times == sorted(times) and times[-1] > times[0], "running_time must advance"


def _presses_a(board: QemuBoard, lines: int) -> list[int]:
    values = []
    for _ in range(lines):
        parsed = parse_line(board.readline(timeout=10) or b"")
        if isinstance(parsed, Data):
            values.append(int(parsed.values[5]))
    return values


def test_pressing_button_a_is_seen_by_the_program(qemu_boot):
    board = qemu_boot("sensortjek")
    board.wait_for("# klimakit", timeout=20)
    assert set(_presses_a(board, 3)) == {0}
    board.press("A")
    after = _presses_a(board, 6)
    assert after[-1] == 1, after


def test_raw_repl_exec_eval_and_board_errors(qemu_boot):
    board = qemu_boot("sensortjek")
    board.wait_for("# klimakit", timeout=20)
    assert board.exec("print(6 * 7)").strip() == "42"
    assert board.eval("[i * i for i in range(4)]") == [0, 1, 4, 9]
    assert board.eval("'hej \"verden\"'") == 'hej "verden"'
    with pytest.raises(BoardCodeError) as info:
        board.exec("1/0")
    assert "ZeroDivisionError" in str(info.value)
    assert "Traceback" in info.value.traceback_text
    # The board stays usable after an error, and the program restarts on request.
    assert board.eval("1 + 1") == 2
    board.run_main()
    assert isinstance(parse_line(board.wait_for("# klimakit", timeout=20)), Header)


def test_syntax_error_from_the_board_comes_back_as_exception(qemu_boot):
    board = qemu_boot("sensortjek")
    board.wait_for("# klimakit", timeout=20)
    with pytest.raises(BoardCodeError, match="SyntaxError"):
        board.exec("def (:")


def test_close_leaves_no_qemu_process(qemu_boot):
    board = qemu_boot("print('hej')\n", source=True)
    assert board.wait_for("hej", timeout=20)
    pid = board._proc.pid
    board.close()
    board.close()  # twice is fine
    deadline = time.monotonic() + 5
    while pid in _qemu_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid not in _qemu_children()


def test_a_pupils_program_with_its_own_module_prints_from_the_module(qemu_boot, tmp_path):
    """main.py imports hjaelper.py from beside it: both are files on the board, as flashed."""
    from kit.build import file_program

    (tmp_path / "hjaelper.py").write_text(
        "import gc\n\ndef hils(navn):\n    print('hej fra hjaelper,', navn)\n"
        "    print('fri heap', gc.mem_free())\n")
    (tmp_path / "mit.py").write_text("import hjaelper\nimport os\n"
                                     "hjaelper.hils('gruppe 3')\nprint(sorted(os.listdir()))\n")
    board = qemu_boot(file_program(tmp_path / "mit.py"))
    assert board.wait_for("hej fra hjaelper, gruppe 3", timeout=20)
    assert int(board.wait_for("fri heap", timeout=10).split()[-1]) > 7000
    assert board.wait_for("['hjaelper.py', 'main.py']", timeout=10)


def test_a_traceback_names_the_module_file_and_line(qemu_boot, tmp_path):
    from kit.build import file_program

    (tmp_path / "regn.py").write_text("def del_med(a, b):\n    return a / b\n")
    (tmp_path / "mit.py").write_text("from regn import del_med\nprint(del_med(1, 0))\n")
    board = qemu_boot(file_program(tmp_path / "mit.py"))
    board.wait_for("Traceback", timeout=20)
    lines = [board.readline(timeout=5) for _ in range(3)]
    assert b'File "regn.py", line 2, in del_med' in b"\n".join(line or b"" for line in lines)


def test_the_board_runs_micropython_1_1_1(qemu_boot):
    board = qemu_boot("import os\nprint(os.uname().version)\n", source=True)
    from kit.build.firmware import MICROPYTHON_BANNER

    assert board.wait_for("micro:bit v1.1.1", timeout=20).decode().strip(
        "\x00\r\n") == MICROPYTHON_BANNER["v1"]


def test_import_radio_never_returns_on_v1_1_1_in_qemu(qemu_boot):
    """A QEMU limit the checks rely on (kit/check/boot.py skips radio programs): QEMU 7.2 has
    no nRF51 radio, and V1 1.1.1 waits for it at `import radio` (1.0.1 only at radio.on()).
    If this starts to fail, QEMU learnt the radio: boot radio lessons again."""
    board = qemu_boot("print('vor')\nimport radio\nprint('efter')\n", source=True,
                      fast_time=True)
    assert board.wait_for("vor", timeout=20)
    assert board.readline(timeout=4) is None, "import radio returned in QEMU"


def test_klimakit_boards_asks_which_micropython_a_board_runs(qemu_boot, monkeypatch):
    """`klimakit boards --micropython` on a board whose port answers (QEMU's serial port),
    and one whose port does not; the asked board's program runs again afterwards."""
    import json

    from click.testing import CliRunner

    from kit import cli
    from kit.boards import BoardInfo, SerialBoard, ask_micropython

    board = qemu_boot("from microbit import sleep\nn = 0\nwhile True:\n    print('tik', n)\n"
                      "    n += 1\n    sleep(200)\n", source=True, connect=False)
    deadline = time.monotonic() + 15
    while True:  # QEMU opens its serial port a moment after it starts (as DAPLink's appears)
        try:
            socket.create_connection(("127.0.0.1", board.tcp_port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "QEMU never opened its serial port"
            time.sleep(0.05)
    answering = BoardInfo("9900" + "a" * 44, "v1", None, board.port, name="gruppe-1")
    silent = BoardInfo("9904" + "b" * 44, "v2", None, "socket://127.0.0.1:9", name="gruppe-2")

    def tik() -> int:
        serial_board = SerialBoard(board.port)
        try:
            serial_board.wait_for("tik", timeout=20)  # skip a half line
            return int(serial_board.wait_for("tik", timeout=20).split()[-1])
        finally:
            serial_board.close()

    time.sleep(1.5)
    before = tik()
    text = ask_micropython(answering)
    assert text.startswith("micro:bit v1.1.1+") and "MicroPython v1.9.2" in text
    assert tik() < before, "main.py started again from its beginning after the question"
    monkeypatch.setattr("kit.cli.boards.find_boards", lambda: [answering, silent])
    result = CliRunner().invoke(cli.cli, ["boards", "--micropython", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["gruppe-1"]["micropython"].startswith("micro:bit v1.1.1+")
    assert rows["gruppe-2"]["micropython"] is None
    from kit.cli.output import out_console

    monkeypatch.setattr(out_console, "width", 250)  # so table cells are not wrapped
    table = CliRunner().invoke(cli.cli, ["boards", "--micropython"])
    assert "1.1.1" in table.output and "no answer" in table.output
