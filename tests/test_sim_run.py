"""`klimakit run` with the simulator: host programs and programs as flashed, exit codes, help."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_repl import fake_board

from kit.cli import cli
from kit.hardware import V1, V2
from kit.resources import firmware_path
from kit.runner import SimOptions, run
from kit.sim.run import choose_scenario, choose_version

NUMBERS = "print(0.1 + 0.2, 1/3, {'b': 1, 'a': 2, 'c': 3})\n"


def _write(tmp_path: Path, source: str, name: str = "mit_program.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args])
    return result.exit_code, result.output


def test_as_flashed_prints_what_the_v1_prints(tmp_path: Path) -> None:
    code, out = _run(str(_write(tmp_path, NUMBERS)), "--as-flashed")
    assert code == 0, out
    assert "0.3 0.333333 {'c': 3, 'b': 1, 'a': 2}" in out  # tests/fidelity: the board's order


def test_host_program_keeps_cpython_semantics(tmp_path: Path) -> None:
    """--sim alone: the program is CPython on the PC, the simulator is only the board."""
    code, out = _run(str(_write(tmp_path, NUMBERS)), "--sim")
    assert code == 0, out
    assert "0.30000000000000004 0.3333333333333333 {'b': 1, 'a': 2, 'c': 3}" in out


def test_v2_floats_have_seven_digits(tmp_path: Path) -> None:
    code, out = _run(str(_write(tmp_path, "print(1/3, 2/3)\n")), "--as-flashed",
                     "--version", "v2")
    assert code == 0 and "0.3333333 0.6666667" in out, out


def test_bitio_examples_run_as_host_programs(tmp_path: Path) -> None:
    """whaleygeek/bitio's std_image.py and radio.py need Image.STD_IMAGES and `queue`."""
    path = _write(tmp_path, """\
        import microbit
        import time
        from queue import Queue
        from threading import Thread
        queue = Queue()
        for image in microbit.Image.STD_IMAGES:
            microbit.display.show(image)
            time.sleep(0.001)
        print(microbit.Image.STD_IMAGE_NAMES[:2], len(microbit.Image.STD_IMAGES))
        microbit.radio.config(group=132, queue=10)
        microbit.radio.on()
        t = Thread(target=queue.put, args=(microbit.display.get_pixel(2, 2),))
        t.start()
        t.join()
        print("queued", queue.get())
        """)
    code, out = _run(str(path), "--sim")
    assert code == 0, out
    assert "['HEART', 'HEART_SMALL'] 63" in out and "queued 9" in out  # ARROW_NW lights the middle


def test_board_program_has_no_queue_module(tmp_path: Path) -> None:
    code, out = _run(str(_write(tmp_path, "import queue\n")), "--as-flashed")
    assert "ImportError: no module named 'queue'" in out
    assert code == 1  # a traceback ends the program as a failure


@pytest.mark.parametrize("mode", ["--sim", "--as-flashed"])
def test_system_exit_code_is_the_exit_status(tmp_path: Path, mode: str) -> None:
    code, out = _run(str(_write(tmp_path, "print('bye')\nraise SystemExit(3)\n")), mode)
    assert code == 3, out
    assert "bye" in out


def test_system_exit_on_a_real_board_path(tmp_path: Path) -> None:
    """Against a board (here the in-memory raw REPL), sys.exit(3) is exit status 3 too."""
    board, _ = fake_board()
    path = _write(tmp_path, "import sys\nfrom microbit import *\ndisplay.clear()\nsys.exit(3)\n")
    assert run(path, board=board).exit_code == 3
    board, _ = fake_board()
    assert run(_write(tmp_path, "raise SystemExit('no')\n"), board=board).exit_code == 1
    board, _ = fake_board()
    assert run(_write(tmp_path, "raise SystemExit\n"), board=board).exit_code == 0


def test_help_says_it_is_not_a_sandbox() -> None:
    code, out = _run("--help")
    assert code == 0
    assert "Not a sandbox" in out and "YOUR rights" in out
    assert "--as-flashed" in out and "--version" in out and "--scenario" in out


def test_unknown_scenario_and_board_options_are_usage_errors(tmp_path: Path) -> None:
    path = str(_write(tmp_path, "pass\n"))
    code, out = _run(path, "--sim", "--scenario", "moon")
    assert code == 2 and "moon" in out
    code, out = _run(path, "--as-flashed", "--port", "COM3")
    assert code == 2 and "klimakit flash" in out
    code, out = _run(path, "--version", "v1")
    assert code == 2 and "--sim" in out


def test_version_defaults_from_the_program(tmp_path: Path) -> None:
    plain = _write(tmp_path, "from microbit import *\ndisplay.show(1)\n", "a.py")
    fstring = _write(tmp_path, "x = 1\nprint(f'{x}')\n", "b.py")
    microphone = _write(tmp_path, "from microbit import microphone\n", "c.py")
    log = _write(tmp_path, "import log\n", "d.py")
    for path, expected in ((plain, V1), (fstring, V2), (microphone, V2), (log, V2)):
        assert choose_version(path, path.read_text()) == expected, path.name


def test_version_and_scenario_default_from_the_lesson() -> None:
    path = firmware_path("afkoeling")
    assert choose_version(path, path.read_text()) == V1
    assert choose_scenario(path) == "cooling"


def test_sim_options_reach_the_simulator(tmp_path: Path) -> None:
    lines: list[str] = []
    path = _write(tmp_path, "import os\nprint(os.uname()[4])\n")
    run(path, sim=True, on_output=lines.append,
        options=SimOptions(as_flashed=True, version="v2"))
    assert lines == ["micro:bit with nRF52833"]


def test_host_api_on_a_board_has_bitio_names(tmp_path: Path) -> None:
    """On a board too (here the in-memory raw REPL): microbit.radio, Image.STD_IMAGE_NAMES."""
    board, _ = fake_board()
    lines: list[str] = []
    path = _write(tmp_path, "import microbit\nimport builtins\n"
                            "builtins.seen = (microbit.radio.on is not None,"
                            " microbit.Image.STD_IMAGE_NAMES[-1])\n")
    run(path, board=board, on_output=lines.append)
    import builtins

    assert getattr(builtins, "seen") == (True, "ARROW_NW")
    delattr(builtins, "seen")
