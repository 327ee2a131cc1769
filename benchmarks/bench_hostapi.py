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

The 115200-baud line model. QEMU's serial socket has no baud limit, but a real micro:bit's
nRF51 talks to its USB interface chip over a UART at 115200 baud, 8N1: 10 bits a byte, so
11,520 bytes/s (~87 us a byte) each way, and that per-byte cost is what a compact protocol
saves. So both klimakit and bitio+nd are measured a second time, same board, same run,
through UartProxy: a loopback TCP proxy (listens on 127.0.0.1 only, one client at a time, in
its own process so its polling cannot take the client's GIL, TCP_NODELAY on both of its
sockets, stops itself after PROXY_LIFETIME_S and when the benchmark ends). Each direction
is a queue: a chunk (<= 16 bytes) read at time t goes on the line at max(t, line free) and is
passed on when its last byte has crossed, n/11520 s later. Not modelled: USB frame timing
(1 ms polls) and the interface chip's buffering; QEMU's own per-byte cost (~35 us) is kept,
so both sides pay a little more than on a real board. The proxy's own overhead, measured
with a loopback echo (2 bytes out, 6 back): 0.83-0.89 ms a round trip against 0.69 ms of
line time plus 0.03 ms direct, i.e. ~0.1-0.2 ms of wake-up latency per round trip, which
costs short round trips (klimakit) relatively more than long ones (bitio). Checked against
the model on QEMU: klimakit get_x direct 1800 calls/s (0.56 ms) plus 11 bytes of line time
(0.95 ms) predicts 662 calls/s; through the proxy 663-718 were measured.
"""
from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import select
import socket
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import serial  # noqa: E402

from kit.boards import QemuBoard, SerialBoard, qemu_version  # noqa: E402
from kit.build import Program
from kit.microbit import connect  # noqa: E402

KINDS = ("display.set_pixel", "button_a.is_pressed", "accelerometer.get_x", "running_time")



# ---- the 115200-baud line model ------------------------------------------------------------
BAUD = 115200
LINE_BYTES_PER_S = BAUD / 10  # 8N1: start bit + 8 data bits + stop bit = 10 bits a byte
PROXY_LIFETIME_S = 1800.0  # the proxy stops by itself after this, whatever the parent does
_MAX_PENDING = 1 << 16  # bytes queued per direction before the proxy stops reading (back-pressure)
_CHUNK = 16  # bytes read at a time (~1.4 ms of line time)
_SPIN_S = 0.0003


class _Direction:
    """One direction of the line: chunks waiting until their last byte has crossed it."""

    def __init__(self, src: socket.socket, dst: socket.socket) -> None:
        self.src, self.dst = src, dst
        self.queue: deque[tuple[float, bytes]] = deque()  # (when the last byte has crossed, bytes)
        self.line_free = 0.0
        self.eof = False


def _relay(client: socket.socket, upstream: socket.socket, rate: float, deadline: float) -> None:
    """Pace client <-> upstream as a UART line: a chunk is handed on when its last byte crossed.

    A chunk of n bytes read at time t goes on the line at max(t, when the line is free) and is
    sent on n/rate s later. Chunks are at most _CHUNK bytes, so a long write arrives piecewise.
    One thread for both directions (no GIL hand-offs); the wait is slept until _SPIN_S before
    the due time, then polled, since sleeps on this loaded machine overshoot by ~0.2 ms, a
    latency of the proxy, not of the modelled line.
    """
    ways = [_Direction(client, upstream), _Direction(upstream, client)]
    while time.monotonic() < deadline:
        now = time.perf_counter()
        for way in ways:
            while way.queue and way.queue[0][0] <= now:
                way.dst.sendall(way.queue.popleft()[1])
        if any(way.eof and not way.queue for way in ways):
            return  # one side closed and all it sent was delivered
        due = [way.queue[0][0] - now for way in ways if way.queue]
        wait = min(due, default=0.1)
        wait = wait - _SPIN_S if wait > 2 * _SPIN_S else 0.0
        readers = [w.src for w in ways if not w.eof and len(w.queue) * _CHUNK < _MAX_PENDING]
        if not readers:
            time.sleep(wait)
            continue
        ready = select.select(readers, [], [], wait)[0]
        for way in ways:
            if way.src in ready:
                data = way.src.recv(_CHUNK)
                if not data:
                    way.eof = True
                    continue
                way.line_free = max(time.perf_counter(), way.line_free) + len(data) / rate
                way.queue.append((way.line_free, data))


def _serve_proxy(target: tuple[str, int], rate: float, lifetime: float,
                 ready: "multiprocessing.Queue[int]") -> None:
    """Accept one client at a time on 127.0.0.1 and pace it to and from QEMU's serial socket."""
    deadline = time.monotonic() + lifetime
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.2)
        ready.put(listener.getsockname()[1])
        while time.monotonic() < deadline:
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            with client, socket.create_connection(target, timeout=10) as upstream:
                for sock in (client, upstream):
                    sock.settimeout(None)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    _relay(client, upstream, rate, deadline)
                except OSError:
                    pass  # a side reset the connection: drop it, wait for the next client


class UartProxy:
    """The proxy in its own process (its per-byte wake-ups must not take the client's GIL)."""

    def __init__(self, target_url: str, rate: float = LINE_BYTES_PER_S) -> None:
        host, _, port = target_url.removeprefix("socket://").rpartition(":")
        context = multiprocessing.get_context("spawn")
        ready: "multiprocessing.Queue[int]" = context.Queue()
        self._process = context.Process(target=_serve_proxy, daemon=True,
                                        args=((host, int(port)), rate, PROXY_LIFETIME_S, ready))
        self._process.start()
        self.url = "socket://127.0.0.1:{}".format(ready.get(timeout=30))

    def close(self) -> None:
        self._process.terminate()
        self._process.join(5)

    def __enter__(self) -> UartProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def _table(title: str, columns: dict[str, dict[str, float]],
           ratios: list[tuple[str, str]]) -> None:
    """Print calls/s per kind and column, then klimakit/bitio ratios where bitio was measured."""
    print("\n" + title)
    ratios = [(a, b) for a, b in ratios if a in columns and b in columns]
    print("{:21}".format("call") + "".join("{:>13}".format(n) for n in columns)
          + "".join("{:>17}".format(a + "/" + b) for a, b in ratios))
    for kind in KINDS:
        print("{:21}".format(kind) + "".join("{:>13.0f}".format(c[kind]) for c in columns.values())
              + "".join("{:>16.1f}x".format(columns[a][kind] / columns[b][kind])
                        for a, b in ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bitio-src", type=Path, help="a checkout of whaleygeek/bitio")
    parser.add_argument("--calls", type=int, default=300, help="calls per run (fast APIs)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (best is kept)")
    args = parser.parse_args()
    n, repeat, bitio = args.calls, args.repeat, args.bitio_src
    print("QEMU:", qemu_version())
    fast: dict[str, dict[str, float]] = {}
    line: dict[str, dict[str, float]] = {}
    with QemuBoard.from_program(Program("bench", "from microbit import *\nprint('klar')\n", ()),
                                connect=False) as board:
        time.sleep(1.0)
        port = board.port
        if port is None:
            raise SystemExit("the QEMU board has no serial socket")
        fast["klimakit"], mem_after = measure_klimakit(port, n, repeat, False)
        fast["klimakit+nd"], _ = measure_klimakit(port, n, repeat, True)
        fast["kit sync+nd"], _ = measure_klimakit(port, n, repeat, True, pipeline=False)
        fast["raw exec"], mem_before = measure_raw_exec(port, n, repeat)
        if bitio:
            fast["bitio"] = measure_bitio(bitio, port, max(10, n // 20), repeat, False)
            fast["bitio+nd"] = measure_bitio(bitio, port, n, repeat, True)
        with UartProxy(port) as proxy:
            line["klimakit+nd"], _ = measure_klimakit(proxy.url, n, repeat, True)
            line["kit sync+nd"], _ = measure_klimakit(proxy.url, n, repeat, True, pipeline=False)
            if bitio:
                line["bitio+nd"] = measure_bitio(bitio, proxy.url, n, repeat, True)
    print("agent RAM on the V1 heap: gc.mem_free() {} before, {} with the agent running: {} "
          "bytes".format(mem_before, mem_after, mem_before - mem_after))
    _table("calls per second, straight to QEMU's serial socket (no baud limit; +nd = "
           "TCP_NODELAY on the client socket; best of {} x {} calls)".format(repeat, n),
           fast, [("klimakit", "bitio"), ("klimakit+nd", "bitio+nd")])
    _table("calls per second through the 115200-baud line model (a loopback proxy in its own "
           "process\npaces each direction at {:.0f} bytes/s, 8N1, TCP_NODELAY on every socket; "
           "QEMU's own per-byte cost stays; best of {} x {} calls)".format(
               LINE_BYTES_PER_S, repeat, n), line, [("klimakit+nd", "bitio+nd")])
    if not bitio:
        print("\nbitio was not measured (no --bitio-src DIR): klimakit only, no ratios.")


if __name__ == "__main__":
    main()
