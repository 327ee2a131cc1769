"""Calls per second: klimakit's host API vs whaleygeek/bitio, on the same QEMU board, same run.

Run:  python3 benchmarks/bench_hostapi.py --bitio-src DIR   (DIR: a checkout of whaleygeek/bitio)
      python3 benchmarks/bench_hostapi.py                   (klimakit only)

bitio is not on PyPI (PyPI's `bitio` is an unrelated package) and none of its code is kept
here. What this script does to drive it, exactly:
  * it loads DIR/src/microbit/repl/repl.py and DIR/src/microbit/api.py by file path, so bitio's
    __init__ (port scan at import) and its bundled copy of pyserial are not used;
  * instead of bitio's `serial.Serial(PORT)` + `timeout = 0` it opens
    `serial.serial_for_url("socket://127.0.0.1:PORT", timeout=0)` on QEMU's serial port and
    hands that to `repl.REPL(s)`, then `repl.to_raw()` and `api.MicroBit(repl)`, as bitio does;
  * setup, untimed: a raw-REPL soft reset (Ctrl-D, as klimakit, mpremote and pyboard.py do;
    without it QEMU's display sometimes stalls 17 s) and `from microbit import *` (what bitio's
    own hex provides);
  * bitio has no set_pixel or running_time; those are sent through bitio's own `cmd()`, one
    raw-REPL statement per call, which is how bitio implements every call.
Two transports are measured for both: the socket as pyserial opens it, and with TCP_NODELAY set
on the client. bitio writes each statement and its Ctrl-D separately, so without NODELAY every
bitio call waits ~40 ms for Nagle's algorithm, a cost a USB serial port does not have; the
NODELAY column is the fair comparison. Each figure is the best of --repeat runs (the machine
is shared; the best run is the least disturbed one), for both sides alike.
"""
from __future__ import annotations

import argparse
import importlib.util
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import serial  # noqa: E402

from kit.boards import QemuBoard, SerialBoard, qemu_version  # noqa: E402
from kit.firmware import Program  # noqa: E402
from kit.microbit import connect  # noqa: E402

KINDS = ("display.set_pixel", "button_a.is_pressed", "accelerometer.get_x", "running_time")


def _nodelay(stream: object) -> None:
    sock = getattr(stream, "_socket", None)  # pyserial's socket:// handler keeps it here
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _rate(call: Callable[[int], object], calls: int, repeat: int,
          finish: Callable[[], object] = lambda: None) -> float:
    for i in range(5):  # warm up: first lookups, a possible QEMU display stall
        call(i)
    finish()
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        for i in range(calls):
            call(i)
        finish()
        best = max(best, calls / (time.perf_counter() - start))
    return best


def measure_klimakit(port: str, calls: int, repeat: int, nodelay: bool,
                     pipeline: bool = True) -> tuple[dict[str, float], int]:
    board = SerialBoard(port, name="qemu")
    if nodelay:
        _nodelay(board.stream)
    mb = connect(board, pipeline=pipeline)
    try:
        sync = mb.session.sync
        rates = {
            "display.set_pixel": _rate(lambda i: mb.display.set_pixel(i % 5, i // 5 % 5, i % 10),
                                       calls, repeat, sync),
            "button_a.is_pressed": _rate(lambda i: mb.button_a.is_pressed(), calls, repeat),
            "accelerometer.get_x": _rate(lambda i: mb.accelerometer.get_x(), calls, repeat),
            "running_time": _rate(lambda i: mb.running_time(), calls, repeat),
        }
        return rates, mb.session.mem_free
    finally:
        mb.close()
        board.close()


def measure_raw_exec(port: str, calls: int, repeat: int) -> tuple[dict[str, float], int]:
    """One raw-REPL exec per call with the session kept open (bitio's idea, klimakit's Board)."""
    board = SerialBoard(port, name="qemu")
    try:
        board.exec("import gc\ngc.collect()")  # a fresh raw REPL (soft reset), as the agent gets
        free = int(board.eval("gc.mem_free()"))  # type: ignore[call-overload]
        board.exec("from microbit import *")
        rates = {
            "display.set_pixel": _rate(lambda i: board.exec(
                "display.set_pixel({},{},{})".format(i % 5, i // 5 % 5, i % 10)), calls, repeat),
            "button_a.is_pressed": _rate(lambda i: board.eval("button_a.is_pressed()"),
                                         calls, repeat),
            "accelerometer.get_x": _rate(lambda i: board.eval("accelerometer.get_x()"),
                                         calls, repeat),
            "running_time": _rate(lambda i: board.eval("running_time()"), calls, repeat),
        }
        return rates, free
    finally:
        board.interrupt()
        board.close()


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load {}".format(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure_bitio(src: Path, port: str, calls: int, repeat: int, nodelay: bool) -> dict[str, float]:
    repl_mod = _load("bitio_repl", src / "src" / "microbit" / "repl" / "repl.py")
    api_mod = _load("bitio_api", src / "src" / "microbit" / "api.py")
    ser = serial.serial_for_url(port, timeout=0)  # replaces bitio's serial.Serial(PORT)
    if nodelay:
        _nodelay(ser)
    try:
        repl = repl_mod.REPL(ser)
        repl.to_raw()
        repl.ctrl_d()  # setup: soft reset, then what bitio's hex provides
        repl.receive(".*raw REPL; CTRL-B to exit\r\n>", timeout=10)
        mb = api_mod.MicroBit(repl)
        mb.cmd("from microbit import *")
        return {
            "display.set_pixel": _rate(lambda i: mb.cmd("display.set_pixel({},{},{})".format(
                i % 5, i // 5 % 5, i % 10)), calls, repeat),
            "button_a.is_pressed": _rate(lambda i: mb.button_a.is_pressed(), calls, repeat),
            "accelerometer.get_x": _rate(lambda i: mb.accelerometer.get_x(), calls, repeat),
            "running_time": _rate(lambda i: int(mb.cmd("print(running_time())")), calls, repeat),
        }
    finally:
        ser.write(b"\r\x03\x02")  # leave the raw REPL for the next client
        time.sleep(0.2)
        ser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bitio-src", type=Path, help="a checkout of whaleygeek/bitio")
    parser.add_argument("--calls", type=int, default=300, help="calls per run (fast APIs)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (best is kept)")
    args = parser.parse_args()
    print("QEMU:", qemu_version())
    with QemuBoard.from_program(Program("bench", "from microbit import *\nprint('klar')\n", ()),
                                connect=False) as board:
        time.sleep(1.0)
        port = board.port
        columns: dict[str, dict[str, float]] = {}
        columns["klimakit"], mem_after = measure_klimakit(port, args.calls, args.repeat, False)
        columns["klimakit+nd"], _ = measure_klimakit(port, args.calls, args.repeat, True)
        columns["kit sync+nd"], _ = measure_klimakit(port, args.calls, args.repeat, True,
                                                     pipeline=False)
        columns["raw exec"], mem_before = measure_raw_exec(port, args.calls, args.repeat)
        if args.bitio_src:
            slow = max(10, args.calls // 20)
            columns["bitio"] = measure_bitio(args.bitio_src, port, slow, args.repeat, False)
            columns["bitio+nd"] = measure_bitio(args.bitio_src, port, args.calls, args.repeat,
                                                True)
    print("agent RAM on the V1 heap: gc.mem_free() {} before, {} with the agent running: {} "
          "bytes".format(mem_before, mem_after, mem_before - mem_after))
    names = list(columns)
    print("\ncalls per second (+nd = TCP_NODELAY on the client socket; best of {} x {} calls)"
          .format(args.repeat, args.calls))
    print("{:22}".format("call") + "".join("{:>13}".format(n) for n in names), end="")
    if args.bitio_src:
        print("{:>14}{:>14}".format("vs bitio", "vs bitio+nd"))
    else:
        print()
    for kind in KINDS:
        print("{:22}".format(kind) + "".join("{:>13.0f}".format(columns[n][kind]) for n in names),
              end="")
        if args.bitio_src:
            print("{:>13.1f}x{:>13.1f}x".format(
                columns["klimakit"][kind] / columns["bitio"][kind],
                columns["klimakit+nd"][kind] / columns["bitio+nd"][kind]))
        else:
            print()
    if not args.bitio_src:
        print("\nbitio was not available (no --bitio-src): measured klimakit only.")


if __name__ == "__main__":
    main()
