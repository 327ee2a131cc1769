"""`klimakit run` and kit.runner: unmodified micro:bit programs on the PC."""
from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_repl import fake_board

from kit.boards import QemuBoard
from kit.cli import cli
from kit.errors import KitError, ProgramError
from kit.microbit import connect
from kit.runner import check_program, run

PROGRAM = textwrap.dedent("""\
    from microbit import *
    import microbit
    display.show(Image.HEART)
    print("hjerte", display.get_pixel(1, 0), microbit.display.get_pixel(0, 0))
    for x in range(5):
        display.set_pixel(x, 4, 9)
    sleep(10)
    print("raekke", [display.get_pixel(x, 4) for x in range(5)], running_time() > 0)
    """)


def _write(tmp_path: Path, source: str, name: str = "mit_program.py") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def test_help_teaches_with_an_example():
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "from microbit import *" in result.output and "--board gruppe-3" in result.output


def test_syntax_error_shows_file_line_and_code_before_connecting(tmp_path):
    path = _write(tmp_path, "from microbit import *\ndisplay.show(Image.HEART\nsleep(1)\n")
    # The port does not exist: the syntax error must come first.
    result = CliRunner().invoke(cli, ["run", str(path), "--port", "socket://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "mit_program.py:2: syntax error" in result.output
    assert "display.show(Image.HEART" in result.output
    assert "Traceback" not in result.output


def test_only_one_target_option(tmp_path):
    path = _write(tmp_path, "pass\n")
    result = CliRunner().invoke(cli, ["run", str(path), "--sim", "--port", "COM3"])
    assert result.exit_code == 2 and "choose one of" in result.output


def test_sim_without_the_simulator_is_a_clear_error(tmp_path, monkeypatch):
    import types

    monkeypatch.setitem(sys.modules, "kit.sim", types.ModuleType("kit.sim"))
    with pytest.raises(KitError, match="simulator is not available"):
        run(_write(tmp_path, "pass\n"), sim=True)


def test_modules_are_restored_after_the_run(tmp_path, capsys):
    board, _ = fake_board()
    before = sys.modules.get("microbit")
    result = run(_write(tmp_path, PROGRAM), board=board)
    assert result.interrupted is False
    assert sys.modules.get("microbit") is before
    assert "hjerte 9 0" in capsys.readouterr().out


def test_pupils_mistake_points_at_their_line(tmp_path):
    board, _ = fake_board()
    path = _write(tmp_path, "from microbit import *\nx = 1\ndisplay.scroll(undefined_name)\n")
    with pytest.raises(ProgramError,
                       match=r"mit_program.py:3: NameError: .*undefined_name") as info:
        run(path, board=board)
    assert "display.scroll(undefined_name)" in str(info.value)


def test_unplugged_mid_program_is_a_clear_error(tmp_path):
    board, stream = fake_board()
    calls = []

    def unplug_later(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) == 3:
            stream.unplugged = True

    path = _write(tmp_path, "from microbit import *\nwhile True:\n    display.show(Image.YES)"
                            "\n    sleep(5)\n    display.set_pixel(0, 0, 9)"
                            "\n    button_a.was_pressed()\n")
    with pytest.raises(ProgramError, match=r"mit_program.py:\d: .*(plugged in|connection)"):
        run(path, board=board, sleep=unplug_later)


@pytest.mark.qemu
def test_klimakit_run_against_a_qemu_board_by_port(qemu_boot, tmp_path):
    board: QemuBoard = qemu_boot('print("klar")\n', source=True, connect=False)
    time.sleep(0.5)  # QEMU listening; nothing before our connection matters
    result = CliRunner().invoke(cli, ["run", str(_write(tmp_path, PROGRAM)), "--port", board.port])
    assert result.exit_code == 0, result.output
    assert "hjerte 9 0" in result.output
    assert "raekke [9, 9, 9, 9, 9] True" in result.output


@pytest.mark.qemu
def test_ctrl_c_stops_the_program_and_leaves_the_board_usable(qemu_boot, tmp_path):
    board = qemu_boot('print("klar")\n', source=True)
    board.wait_for("klar", timeout=20)
    slept = []

    def ctrl_c_on_third_sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            raise KeyboardInterrupt

    path = _write(tmp_path, "from microbit import *\nwhile True:\n    display.scroll('hej', "
                            "delay=1, wait=False)\n    display.set_pixel(2, 2, 9)\n    sleep(20)\n")
    result = run(path, board=board, sleep=ctrl_c_on_third_sleep)
    assert result.interrupted and len(slept) == 3
    assert board.eval("6 * 7") == 42  # the raw REPL works again
    with connect(board) as again:  # and so does a new host-API session
        again.display.set_pixel(1, 1, 5)
        assert again.display.get_pixel(1, 1) == 5


def test_check_program_accepts_valid_code(tmp_path):
    code = check_program(_write(tmp_path, PROGRAM))
    assert code.co_filename.endswith("mit_program.py")


def test_sim_option_runs_the_program_in_the_simulator(tmp_path):
    sim = pytest.importorskip("kit.sim")
    if not hasattr(sim, "run_program"):
        pytest.skip("kit.sim has no run_program yet")
    path = _write(tmp_path,
                  "from microbit import *\ndisplay.show(Image.HEART)\nprint('hej fra sim')\n")
    result = CliRunner().invoke(cli, ["run", str(path), "--sim"])
    assert result.exit_code == 0, result.output
    assert "hej fra sim" in result.output


@pytest.mark.qemu
def test_real_ctrl_c_on_the_cli_process(qemu_boot, tmp_path):
    """SIGINT to `klimakit run` mid-loop: a friendly message, and the board still answers."""
    import signal
    import subprocess

    board: QemuBoard = qemu_boot('print("klar")\n', source=True, connect=False)
    time.sleep(0.5)
    path = _write(tmp_path, "from microbit import *\ni = 0\nprint('looping')\nwhile True:\n"
                            "    display.set_pixel(i % 5, 0, 9)\n    button_a.was_pressed()\n"
                            "    i += 1\n")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-u", str(root / "cli.py"), "run", str(path), "--port",
                             board.port], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "looping"
    time.sleep(0.5)  # in the loop, calling the board
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Stopped (Ctrl-C)" in err and "Traceback" not in err
    board.connect()
    with connect(board) as again:
        assert again.display.get_pixel(0, 0) == 9  # drawn by the stopped program
        again.display.set_pixel(0, 0, 3)
        assert again.display.get_pixel(0, 0) == 3
