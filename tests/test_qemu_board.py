"""QemuBoard end to end on real micro:bit V1 MicroPython (uflash's runtime) in QEMU."""
from __future__ import annotations

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
