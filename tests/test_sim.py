"""The simulator board: virtual clock, program isolation, REPL control, V1/V2, scenarios."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kit.build import V1_CODE_WARN_BYTES
from kit.errors import BoardCodeError, FirmwareError, KitError
from kit.record import Data, Header, parse_line
from kit.resources import lessons_dir
from kit.sim import SCENARIOS, SimBoard, Simulation, SimulatorError, render_display, run_program


def lines_of(board: SimBoard, seconds: float) -> list[str]:
    board.run_for(seconds, timeout=60)
    return [line.decode() for line in board.collect()]


def test_sleep_advances_simulated_time_not_wall_time() -> None:
    """An hour of sleep(60000) finishes, and running_time() shows the simulated hour."""
    board = SimBoard("from microbit import *\nfor i in range(60):\n    sleep(60000)\n"
                     "print(running_time())\n", version="v1")
    line = board.readline(30)
    assert line is not None and int(line) >= 3_600_000
    assert board.sim.time_s >= 3600
    assert board.readline(0.5) is None and not board.running


def test_print_goes_to_its_own_board_and_modules_are_per_board() -> None:
    """Two boards in one process: each program prints to its own stream and has its own display."""
    sim = Simulation()
    a = SimBoard("from microbit import *\ndisplay.show(Image.HEART)\n"
                 "print('a', display.get_pixel(1, 0))\n", sim=sim)
    b = SimBoard("import microbit\nprint('b', microbit.display.get_pixel(1, 0))\n", sim=sim)
    sim.run_for(1, timeout=30)
    assert a.collect() == [b"a 9"]
    assert b.collect() == [b"b 0"]
    assert a.display.rows()[0] == [0, 9, 0, 9, 0]
    assert "[ " not in render_display(a.display) and "@" in render_display(a.display)


def test_sim_image_is_the_host_image_with_all_builtins() -> None:
    """The simulator's Image is the shared one: every built-in, read-only, 12 clocks."""
    from kit.image import BUILTIN_IMAGES
    from kit.microbit import Image as HostImage

    board = SimBoard("from microbit import *\ndisplay.show(Image.CLOCK1)\n"
                     "names = [n for n in dir(Image) if n.isupper() and 'ALL_' not in n]\n"
                     "print(len(Image.ALL_CLOCKS), len(names))\n"
                     "try:\n    Image.SNAKE.set_pixel(0, 0, 9)\nexcept TypeError as e:\n"
                     "    print('ro', e)\n", version="v1")
    board.run_for(1, timeout=30)
    assert board.collect() == [b"12 %d" % len(BUILTIN_IMAGES),
                               b"ro image cannot be modified (try copying first)"]
    assert board.display.rows() == HostImage.CLOCK1.pixel_rows() and len(BUILTIN_IMAGES) == 64


def test_shared_image_module_imports_no_board_code() -> None:
    """kit.image is pure: importing it loads neither a board backend nor pyserial."""
    import subprocess
    import sys

    code = ("import sys, kit.image\n"
            "print(sorted(m for m in sys.modules if m.startswith(('serial', 'kit.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "['kit.image']"


def test_display_and_speaker_switch_on_and_off_independently() -> None:
    board = SimBoard("from microbit import *\ndisplay.off()\nspeaker.off()\nspeaker.on()\n"
                     "print(display.is_on(), speaker.is_on())\ndisplay.on()\n"
                     "print(display.is_on())\n", version="v2")
    board.run_for(1, timeout=30)
    assert board.collect() == [b"False True", b"True"]


def test_identity_ids_and_versions() -> None:
    sim = Simulation()
    v1 = SimBoard("pass", sim=sim, version="v1")
    v2 = SimBoard("pass", sim=sim, version="v2")
    v2b = SimBoard("pass", sim=sim, version="v2")
    assert v1.unique_id.startswith("9900") and v2.unique_id.startswith("9904")
    assert len({v1.unique_id, v2.unique_id, v2b.unique_id}) == 3
    assert (v1.name, v2.name, v1.version, v2.version) == ("sim-1", "sim-2", "v1", "v2")
    with pytest.raises(SimulatorError, match="v1"):
        SimBoard("pass", version="v3")


def test_exec_stops_program_and_runs_in_its_namespace_then_run_main_restarts() -> None:
    board = SimBoard("from microbit import *\nx = 41\nprint('start')\nwhile True:\n"
                     "    x += 0\n    sleep(1000)\n", version="v1")
    assert board.readline(10) == b"start"
    assert board.exec("print(x + 1)").strip() == "42"
    assert board.eval("x * 2") == 82
    assert not board.running  # the raw REPL stopped the program
    with pytest.raises(BoardCodeError, match="ZeroDivisionError"):
        board.exec("1 / 0")
    with pytest.raises(BoardCodeError, match="SyntaxError"):
        board.exec("def (")
    board.run_main()
    assert board.readline(10) == b"start"


def test_a_pure_python_endless_loop_can_still_be_stopped() -> None:
    """`while True: pass` never calls the simulator; exec must still get the board back."""
    board = SimBoard("print('go')\nwhile True:\n    pass\n")
    assert board.readline(10) == b"go"
    assert board.exec("print('back')").strip() == "back"


def test_ctrl_c_stops_and_ctrl_d_restarts() -> None:
    board = SimBoard("from microbit import *\nprint('hi')\nwhile True:\n    sleep(100)\n")
    assert board.readline(10) == b"hi"
    board.write(b"\x03")
    assert b"KeyboardInterrupt" in (board.readline(2) or b"")
    assert not board.running
    board.write(b"\x04")
    assert board.readline(10) == b"hi"


def test_errors_in_the_program_are_printed_like_the_board_with_the_line() -> None:
    board = SimBoard("from microbit import *\nsleep(10)\nprint(undefined_name)\n", version="v1")
    text = b"\n".join(board.lines(2)).decode()
    assert 'File "__main__", line 3' in text  # V1 1.1.1 names main.py so (tests/fidelity)
    assert "NameError: name 'undefined_name' is not defined" in text


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(FirmwareError, match="main.py:2"):
        SimBoard("x = 1\nif x\n    pass\n", version="v2")
    with pytest.raises(FirmwareError, match="f-strings"):
        SimBoard("x = 1\nprint(f'{x}')\n", version="v1")


@pytest.mark.parametrize("code, needs", [
    ("import microbit\nprint(microbit.microphone.sound_level())", "microphone"),
    ("import microbit\nmicrobit.speaker.off()", "speaker"),
    ("import microbit\nprint(microbit.pin_logo.is_touched())", "logo"),
    ("from microbit import microphone\nprint(microphone.sound_level())", "microphone"),
    ("from microbit import *\nprint(microphone.sound_level())", "microphone"),
])
def test_v2_only_hardware_fails_on_v1_with_a_clear_message(code: str, needs: str) -> None:
    text = b"\n".join(SimBoard(code, version="v1").lines(2)).decode()
    assert "V1 has no" in text and needs in text and "V2" in text
    v2_text = b"\n".join(SimBoard(code, version="v2").lines(2)).decode()
    assert "Error" not in v2_text


def test_log_module_only_on_v2() -> None:
    code = "import log\nlog.set_labels('temp')\nlog.add(temp=21)\nprint('ok')\n"
    v1_text = b"\n".join(SimBoard(code, version="v1").lines(2)).decode()
    assert "ImportError" in v1_text and "only on micro:bit V2" in v1_text
    v2 = SimBoard(code, version="v2")
    assert v2.readline(5) == b"ok"
    assert v2.log_rows == [{"Time": 0.0, "temp": 21}]


def test_v2_log_is_a_my_data_htm_in_codals_layout(tmp_path: Path) -> None:
    """What the simulated V2 logs reads back through the MY_DATA.HTM import (kit/record)."""
    from kit.record import import_my_data, read_run

    code = ("import log\nfrom microbit import sleep\n"
            "log.set_labels('temp (C)', timestamp=log.SECONDS)\nlog.add(mark='start x')\n"
            "for i in range(4):\n    log.add({'temp (C)': 20 + i * 0.5})\n    sleep(1250)\n"
            "log.add({'temp (C)': 9, 'lys': 'a,b-->'})\nprint('ok')\n")
    board = SimBoard(code, version="v2")
    assert board.readline(10) == b"ok"
    blob = board.my_data()
    assert len(blob) == 131072 and blob[2048:2066] == b"UBIT_LOG_FS_V_002\n"
    data = blob[8192:].split(b"\xff")[0].decode()
    assert data.splitlines() == [
        "Time (seconds),temp (C)", "Time (seconds),temp (C),mark", "0.00,,start x",
        "0.00,20.0,", "1.25,20.5,", "2.50,21.0,", "3.75,21.5,",
        "Time (seconds),temp (C),mark,lys", "5.00,9,,a_b___"]
    (tmp_path / "MY_DATA.HTM").write_bytes(blob)
    run = read_run(import_my_data(tmp_path / "MY_DATA.HTM", tmp_path / "ud").csv)
    assert run.boards["v2-log"].values["temp (C)"][1:5] == [20.0, 20.5, 21.0, 21.5]


def test_v2_log_full_raises_enospc_and_marks_ful() -> None:
    from kit.sim import LogStore

    store = LogStore()
    store.set_timestamp(1)
    with pytest.raises(OSError) as err:
        for i in range(20_000):
            store.add({"x": "1234567890"}, i)
    assert err.value.args == (28,) and store.full and 0 <= 122_876 - len(store.data) < 20
    assert store.my_data()[131069:131072] == b"FUL"
    with pytest.raises(OSError):
        store.add({"x": "1"}, 0)  # full stays full
    store.delete()
    store.add({"x": "1"}, 5)
    assert store.my_data()[8192:8200] == b"Time (mi" and store.my_data()[131069:131072] != b"FUL"


def test_v1_memory_warnings_for_big_code_and_big_data() -> None:
    filler = "".join("v{} = {}\n".format(i, i) for i in range(V1_CODE_WARN_BYTES // 8))
    big = SimBoard(filler + "print('ok')\n", version="v1")
    first = big.readline(5) or b""
    assert first.startswith(b"# sim: warning") and b"MemoryError" in first
    assert parse_line(first).__class__.__name__ == "Raw"  # never taken as data
    assert SimBoard(filler, version="v2").warnings == []
    data = SimBoard("from microbit import *\nreadings = []\nwhile True:\n"
                    "    readings.append(running_time() / 7)\n    sleep(10)\n", version="v1")
    data.run_for(60, timeout=30)
    assert any("bytes of data" in w for w in data.warnings)


def test_buttons_scripted_at_simulated_times() -> None:
    board = SimBoard("from microbit import *\nwhile not button_a.was_pressed():\n    pass\n"
                     "print(running_time())\nsleep(2000)\nprint(button_b.get_presses(),"
                     " button_b.is_pressed())\n", version="v1")
    board.press("A", at=5.0)
    board.press("B", at=5.5)
    board.press("B", at=6.0)
    board.press("B", at=6.9, hold_s=1.0)
    when = int(board.readline(10) or b"0")
    assert 5000 <= when < 5100  # a busy loop sees the press soon after it happens
    assert board.readline(10) == b"3 True"
    with pytest.raises(SimulatorError):
        board.press("C")


def test_gestures_and_touch_are_scriptable() -> None:
    board = SimBoard("from microbit import *\nsleep(1500)\nprint(accelerometer.current_gesture())\n"
                     "print(accelerometer.was_gesture('shake'))\nprint(pin1.is_touched(), "
                     "pin2.is_touched())\n")
    board.gesture("shake", at=1.0, duration_s=1.0)
    board.touch(1, at=1.2, duration_s=1.0)
    assert [board.readline(5) for _ in range(3)] == [b"shake", b"True", b"True False"]


def test_busy_loop_counts_reed_switch_pulses_as_the_wind_blows() -> None:
    """read_digital changes with simulated time, and a tight loop moves the clock along."""
    code = ("from microbit import *\npin0.set_pull(pin0.PULL_UP)\n"
            "last = pin0.read_digital()\nn = 0\n"
            "start = running_time()\nwhile running_time() - start < 10000:\n"
            "    now = pin0.read_digital()\n    if last == 1 and now == 0:\n        n += 1\n"
            "    last = now\nprint(n)\n")
    board = SimBoard(code, scenario="wind")
    pulses = int(board.readline(30) or b"0")
    speeds = [board.scenario.speed(t) for t in range(10)]  # type: ignore[attr-defined]
    expected = sum(speeds) / 0.67
    assert abs(pulses - expected) <= 0.2 * expected + 2
    # without the pull-up an open switch reads 0: no edges, as on a real board
    assert SimBoard(code.replace("pin0.set_pull(pin0.PULL_UP)\n", ""), scenario="wind"
                    ).readline(30) == b"0"


def test_scenarios_cover_every_name_in_the_lesson_format() -> None:
    readme = (lessons_dir() / "README.md").read_text(encoding="utf-8")
    section = readme.split("Simulator scenarios", 1)[1].split("## Body", 1)[0]
    names = set(re.findall(r"`([a-z]+)` \(", section))
    assert len(names) >= 13
    assert names <= set(SCENARIOS)
    with pytest.raises(SimulatorError, match="cooling"):
        SimBoard("pass", scenario="tornado")


def test_same_seed_same_run_other_seed_other_run() -> None:
    code = ("from microbit import *\nfor i in range(5):\n    print(temperature(), "
            "display.read_light_level(), accelerometer.get_x())\n    sleep(1000)\n")
    runs = [b"".join(SimBoard(code, scenario="weather", seed=s).lines(2)) for s in (1, 1, 2)]
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_scenario_values_are_plausible() -> None:
    code = ("from microbit import *\nfor i in range(12):\n"
            "    print(temperature(), pin0.read_analog(),"
            " pin2.read_analog(), compass.get_field_strength())\n    sleep(300000)\n")
    cooling = [tuple(map(int, ln.split())) for ln in SimBoard(code, scenario="cooling").lines(5)]
    assert cooling[0][0] > 40 and cooling[-1][0] < 30
    flood = [tuple(map(int, ln.split())) for ln in SimBoard(code, scenario="flood").lines(5)]
    assert flood[0][1] < 100 and flood[-1][1] > 300  # pin 0 is under water at the end
    assert flood[-1][2] < flood[-1][1]  # pin 2 sits higher than pin 0
    window = [tuple(map(int, ln.split())) for ln in SimBoard(code, scenario="window").lines(5)]
    fields = [w[3] for w in window]
    assert max(fields) > 2 * min(fields)  # the magnet moves away when the window opens


def test_microphone_levels_on_v2() -> None:
    code = ("from microbit import *\nm = 0\nfor i in range(1200):\n    m = max(m, "
            "microphone.sound_level())\n    sleep(100)\nprint(m)\n")
    peak = int(SimBoard(code, scenario="noise").readline(30) or b"0")
    assert 100 < peak <= 255


def test_radio_groups_queue_limit_and_loss() -> None:
    sim = Simulation(seed=5)
    send = ("import radio\nfrom microbit import sleep\nradio.config(group=7)\nradio.on()\n"
            "for i in range(10):\n    radio.send(str(i))\nradio.send_bytes(b'\\x00raw')\n")
    listen = ("import radio\nfrom microbit import sleep\nradio.config(group={})\nradio.on()\n"
              "sleep(1000)\nm = radio.receive()\nwhile m is not None:\n    print(m)\n"
              "    m = radio.receive()\n")
    same, other = SimBoard(listen.format(7), sim=sim), SimBoard(listen.format(8), sim=sim)
    SimBoard(send, sim=sim)
    sim.run_for(2, timeout=30)
    assert same.collect() == [b"0", b"1", b"2"]  # queue of 3: the rest is dropped
    assert len(same.radio_dropped) == 8 and other.collect() == []
    off = SimBoard("import radio\nradio.send('x')\n")
    assert b"radio is not enabled" in b"\n".join(off.lines(2))
    lossy = Simulation(seed=1, loss=0.5)
    rx = SimBoard(listen.format(7).replace("radio.on()", "radio.config(queue=20)\nradio.on()"),
                  sim=lossy)
    SimBoard(send, sim=lossy)
    lossy.run_for(2, timeout=30)
    out = rx.collect()
    got = len([ln for ln in out if ln.isdigit()])
    raw_arrived = b"not a string" in b"\n".join(out)  # receive() of a bytes packet raises
    assert got + raw_arrived + len(rx.radio_dropped) == 11 and 0 < got < 10
    assert {why for why, _ in rx.radio_dropped} == {"loss"}


def test_files_stay_on_the_board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    board = SimBoard("with open('data.csv', 'w') as f:\n    f.write('1,2\\n')\n"
                     "print(open('data.csv').read().strip())\nimport os\nprint(os.listdir())\n")
    assert board.readline(5) == b"1,2" and board.readline(5) == b"['main.py', 'data.csv']"
    assert list(tmp_path.iterdir()) == []


def test_real_time_mode_follows_the_wall_clock() -> None:
    """speed=20: two seconds of simulated sleep take about 0.1 s, not less."""
    import time

    started = time.monotonic()  # before the board: its clock starts when it is made
    board = SimBoard("from microbit import *\nsleep(2000)\nprint('done')\n", speed=20)
    assert board.readline(10) == b"done"
    assert time.monotonic() - started >= 0.095  # pacing lets it run up to 2 ms early
    board.close()


def test_run_program_reports_lines_and_display(tmp_path: Path) -> None:
    program = tmp_path / "mit_program.py"
    program.write_text("from microbit import *\nfrom klima import begin, send\n"
                       "begin('test', ('t',), ('C',))\ndisplay.show(Image.YES)\n"
                       "for i in range(3):\n    send((temperature(),))\n    sleep(1000)\n"
                       "display.scroll('slut')\n", encoding="utf-8")
    lines: list[str] = []
    frames: list[str] = []
    run_program(program, version="v1", scenario="cooling", speed=float("inf"),
                on_output=lines.append, on_display=frames.append)
    parsed = [parse_line(ln) for ln in lines]
    assert isinstance(parsed[0], Header) and parsed[0].fields == ("t",)
    assert [p.values[0] > 40 for p in parsed if isinstance(p, Data)] == [True] * 3
    assert "[ slut ]" in frames and any("@" in f for f in frames)
    bad = tmp_path / "bad.py"
    bad.write_text("from microbit import *\nwhile True\n    sleep(1)\n", encoding="utf-8")
    with pytest.raises(KitError, match="bad.py:2"):
        run_program(bad, speed=float("inf"))
    with pytest.raises(KitError, match="no such"):
        run_program(tmp_path / "nope.py")


def test_run_program_ctrl_c_stops_the_program(tmp_path: Path) -> None:
    """Ctrl-C while a program loops forever: run_program stops it and passes the interrupt on."""
    import threading

    program = tmp_path / "evig.py"
    program.write_text("from microbit import *\nwhile True:\n    print(1)\n    sleep(10)\n",
                       encoding="utf-8")
    seen: list[str] = []

    def output(line: str) -> None:
        seen.append(line)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_program(program, speed=float("inf"), on_output=output)
    assert seen == ["1", "1", "1"]
    assert not [t for t in threading.enumerate() if t.name == "sim-evig"]


@pytest.mark.qemu
def test_simulator_and_qemu_agree_on_a_lesson_program(qemu_boot: Any) -> None:
    """The same firmware on QEMU's real V1 MicroPython and on SimBoard: same header, same shape."""
    from kit.build import assemble
    from kit.resources import firmware_path

    program = assemble(firmware_path("sensortjek"))
    qemu = qemu_boot(program)
    sim = SimBoard(program, version="v1")
    results = []
    for board in (qemu, sim):
        header = parse_line(board.wait_for("# klimakit", timeout=20))  # QEMU starts with NUL
        rows = []
        while len(rows) < 3:
            parsed = parse_line(board.readline(10) or b"")
            if isinstance(parsed, Data):
                rows.append(parsed.values)
        results.append((header, [len(r) for r in rows], [r[5:] for r in rows]))
    assert results[0] == results[1]
