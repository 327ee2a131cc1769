"""One simulated board's state: its clock view, hardware, output lines, files and program.

The Runtime is what the simulated `microbit` objects call into; SimBoard (kit.sim.board) wraps
it in the Board interface. All methods marked "program side" run in the program's thread while
it holds the scheduler's baton.
"""
from __future__ import annotations

import collections
import io
import logging
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

import kit.sim.hardware as hardware
import kit.sim.pins as pins
from kit.build import V1_CODE_WARN_BYTES, v1_code_bytes
from kit.hardware import PIN_NUMBERS
from kit.sim.clock import ProgramStopped, Scheduler, Task
from kit.sim.datalog import LogStore
from kit.sim.firmware_v1 import FIRMWARE
from kit.sim.modules import (
    NO_SUCH_ON_V1, V2_ONLY, build_modules, make_builtins, make_host_builtins,
)
from kit.sim.mpbuiltins import board_float_class
from kit.sim.mptext import class_name, exception_str
from kit.sim.stdmodules import audio_module
from kit.sim.radio import Air, Radio
from kit.sim.scenarios import Scenario

log = logging.getLogger(__name__)

# Simulated cost of one sensor, button or clock call. A real V1 manages ~10 000 such calls a
# second. Calls between sleeps cost CALL_COST_US; a program polling in a tight loop (more than
# BUSY_AFTER_CALLS calls without a sleep) pays BUSY_CALL_COST_US per call instead: it then
# samples at ~1 kHz (plenty for a reed switch) and runs over 1000x faster than real time, where
# an exact 10 kHz loop would crawl (benchmarks/bench_sim.py).
CALL_COST_US = 50
BUSY_CALL_COST_US = 1000
BUSY_AFTER_CALLS = 100
HEAP_BYTES = {"v1": 10_000, "v2": 64_000}
# gc.mem_free() when main.py starts on V1 1.1.1 (docs/qemu.md §11); the heap model's budget.
HEAP_FREE_AT_START = {"v1": 8_688, "v2": 60_000}
# Flash filesystem per version (micropython-microbit-fs: V1 29,696 B, V2 20,480 B), in 128-byte
# chunks of which 126 bytes hold data; a file also needs its name in its first chunk.
FILESYSTEM_BYTES = {"v1": 29_696, "v2": 20_480}
FILE_MODES = ("r", "w", "rb", "wb", "rt", "wt")
TRACEBACK_FILE = {"v1": "__main__", "v2": "main.py"}
V1_DATA_WARN_BYTES = 6_000  # program data on top of its compiled code that a V1 cannot hold
MEMORY_CHECK_EVERY_US = 5_000_000
SIM_NOTE = "# sim: "
FIRMWARE_RELEASE = FIRMWARE.lstrip("v")


class _UnameResult(collections.namedtuple(
        "uname_result", ("sysname", "nodename", "release", "version", "machine"))):
    """os.uname(): a tuple whose items also have names (`os.uname().version`, which
    `klimakit boards --micropython` asks), printed as the board prints it."""

    def __repr__(self) -> str:
        return "({})".format(", ".join("{}={!r}".format(k, v) for k, v in self._asdict().items()))


class RestartProgram(BaseException):
    """microbit.reset() / machine.reset() in a simulated program."""


def _chunks(name: str, size: int) -> int:
    return (size + len(name) + 3) // 126 + 1


def _data_bytes(value: object, depth: int = 0) -> int:
    """Rough MicroPython heap use of a value (4-byte words, small ints free)."""
    if isinstance(value, (str, bytes, bytearray)):
        return 16 + len(value)
    if isinstance(value, float):
        return 8
    if isinstance(value, (list, tuple, set, dict)) and depth < 2:
        items = list(value.items()) if isinstance(value, dict) else list(value)
        inner = sum(_data_bytes(v, depth + 1) for v in items[:2000])
        return 16 + 8 * len(items) + inner
    return 0


class Runtime:
    """Per-board state behind the simulated modules."""

    def __init__(self, scheduler: Scheduler, air: Air, *, name: str, unique_id: str,
                 version: str, scenario: Scenario, seed: int,
                 local_modules: dict[str, str] | None = None,
                 host_names: dict[str, Any] | None = None) -> None:
        self.scheduler = scheduler
        self.name, self.unique_id, self.version = name, unique_id, version
        self.v2 = version == "v2"
        self.scenario = scenario
        self.task: Task | None = None
        self.boot_us = scheduler.now
        self.out: deque[bytes] = deque()
        self.out_us: deque[int] = deque()  # the simulated time each line in `out` was printed
        self._partial = ""
        self.capture: list[str] | None = None
        self.files: dict[str, bytes] = {}
        self.program_source = ""
        self.log_rows: list[dict[str, object]] = []
        self.log_store = LogStore()  # the V2 log as CODAL keeps it (MY_DATA.HTM)
        self.heap_bytes = HEAP_BYTES.get(version, HEAP_BYTES["v2"])
        self.warnings: list[str] = []
        self.input_buffer = ""
        self.on_display: Callable[[hardware.Display], None] | None = None
        self.display = hardware.Display(self)
        self.buttons = {"A": hardware.Button(self, "A"), "B": hardware.Button(self, "B")}
        self.accelerometer = hardware.Accelerometer(self)
        self.compass = hardware.Compass(self)
        self.pins = {n: pins.Pin(self, n) for n in PIN_NUMBERS}
        self.pin_logo = pins.Pin(self, 26)
        self.radio = Radio(air, self)
        self.float_cls = board_float_class(version)
        self.audio = audio_module(self)
        self.modules = build_modules(self, self.radio, seed)
        # A host program (bitio style) keeps CPython's builtins; the board is the simulator.
        self.host = host_names is not None
        self.builtins = make_host_builtins(self, self.modules, host_names) if host_names \
            is not None else make_builtins(self, self.modules, local_modules or {})
        self.exit_code: object = None
        self.globals: dict[str, Any] = {}
        self._memory_checked_at = 0
        self._calls = 0  # calls since the last sleep (busy-loop detection)

    # ---- time (program side) -------------------------------------------------------------

    def tick(self, cost_us: int = 0) -> int:
        """Charge a call's simulated time (program side); return the new time in µs."""
        if not cost_us:
            self._calls += 1
            cost_us = BUSY_CALL_COST_US if self._calls > BUSY_AFTER_CALLS else CALL_COST_US
        sched = self.scheduler
        if self.host and sched.speed is not None:
            sched.now = max(sched.now, sched.sim_time_now())  # time.sleep() on the PC counts
        target = sched.now + cost_us
        heap = sched._heap
        if target <= sched._limit and (not heap or heap[0][0] >= target) \
                and sched.speed is None and not self.task.stop:  # type: ignore[union-attr]
            sched.now = target  # the common case: no other board is due before target
            return target
        sched.advance(self.task, cost_us)  # type: ignore[arg-type]
        return sched.now

    def t(self, tick: bool = False) -> float:
        """Simulated seconds since the simulation started (the scenario's time)."""
        return (self.tick() if tick else self.scheduler.now) / 1e6

    def sleep_us(self, us: int) -> None:
        self._calls = 0
        self.tick(max(int(us), 0) or CALL_COST_US)
        if not self.v2 and self.scheduler.now - self._memory_checked_at > MEMORY_CHECK_EVERY_US:
            self._memory_checked_at = self.scheduler.now
            self.check_memory()

    def running_us(self) -> int:
        return self.tick() - self.boot_us

    def running_ms(self) -> int:
        return (self.tick() - self.boot_us) // 1000

    def temperature(self) -> int:
        return int(round(self.scenario.temperature(self.t(tick=True))))

    def pins_powered(self) -> bool:
        """A sensor fed from a pin gets power when some pin drives 1 (or none drives at all)."""
        outputs = [p.output for p in self.pins.values() if p.output is not None]
        return not outputs or 1 in outputs

    def panic(self, code: int = 0) -> None:
        self.write_text("panic {}\n".format(code))
        raise SystemExit(code)

    def restart(self) -> None:
        raise RestartProgram

    def mem_free(self) -> int:
        budget = HEAP_FREE_AT_START.get(self.version, HEAP_FREE_AT_START["v2"])
        return max(0, budget - _data_bytes(list(self.globals.values())))

    # ---- output -------------------------------------------------------------------------

    def write_text(self, text: str) -> None:
        if self.capture is not None:
            self.capture.append(text)
            return
        text = self._partial + text
        *lines, self._partial = text.split("\n")
        for line in lines:  # the time first: a reader on another thread that sees the line
            self.out_us.append(self.scheduler.now)  # always finds its time (popleft of both)
            self.out.append(line.rstrip("\r").encode("utf-8"))
        if lines:
            self.scheduler.notify()

    def write_raw(self, data: object) -> int:
        raw = data if isinstance(data, (bytes, bytearray)) else str(data).encode()
        self.write_text(bytes(raw).decode("utf-8", "replace"))
        return len(raw)

    def note(self, message: str) -> None:
        """A simulator remark on the board output (a '#' comment, ignored as data)."""
        if message not in self.warnings:
            self.warnings.append(message)
            log.warning("%s: %s", self.name, message)
            self.out_us.append(self.scheduler.now)
            self.out.append((SIM_NOTE + message).encode("utf-8"))

    def display_changed(self, display: hardware.Display) -> None:
        if self.on_display is not None:
            self.on_display(display)

    def prompt_input(self, prompt: str) -> str:
        """input(prompt): print the prompt, wait for a line typed on the serial line."""
        self.write_text(prompt)
        return self.read_input()

    def read_input(self) -> str:
        while "\n" not in self.input_buffer:
            self.sleep_us(10_000)
        line, self.input_buffer = self.input_buffer.split("\n", 1)
        return line.rstrip("\r")

    def open_file(self, name: str, mode: str) -> io.IOBase:
        """A file in the board's own small filesystem (never the PC's), with its modes."""
        files = self.files
        if mode not in FILE_MODES:
            raise ValueError("illegal mode")
        if "r" in mode:
            if name not in files:
                raise OSError("file not found")
            data = files[name]
            return io.BytesIO(data) if "b" in mode else io.StringIO(data.decode("utf-8"))
        rt = self

        class _Writer(io.BytesIO if "b" in mode else io.StringIO):  # type: ignore[misc]
            def write(inner, data: Any) -> int:  # noqa: N805 - keep the outer self visible
                written = super().write(data)
                value = inner.getvalue()
                rt.check_space(name, len(value.encode("utf-8") if isinstance(value, str)
                                         else value))
                return int(written)

            def close(inner) -> None:  # noqa: N805
                value = inner.getvalue()
                files[name] = value if isinstance(value, bytes) else value.encode("utf-8")
                super().close()

        files[name] = b""
        return _Writer()

    def check_space(self, name: str, size: int) -> None:
        """OSError 28 (ENOSPC) when the files would not fit the board's flash filesystem."""
        used = sum(_chunks(n, len(d)) for n, d in self.files.items() if n != name)
        capacity = FILESYSTEM_BYTES.get(self.version, FILESYSTEM_BYTES["v2"]) // 128
        if used + _chunks(name, size) + _chunks("main.py", len(self.program_source)) > capacity:
            raise OSError(28)

    def list_files(self) -> list[str]:
        return ["main.py"] + [n for n in self.files if n != "main.py"]

    def file_size(self, name: str) -> int:
        if name == "main.py":
            return len(self.program_source.encode("utf-8"))
        if name not in self.files:
            raise OSError("file not found")
        return len(self.files[name])

    def remove_file(self, name: str) -> None:
        if name not in self.files:
            raise OSError("file not found")
        del self.files[name]

    def uname(self) -> tuple[str, ...]:
        release = FIRMWARE_RELEASE if not self.v2 else "2.1.2"
        return _UnameResult("microbit", "microbit", release,
                            "micro:bit v{} (simulated)".format(release),
                            "micro:bit with nRF51822" if not self.v2 else "micro:bit with nRF52833")

    # ---- programs -----------------------------------------------------------------------

    def check_source(self, source: str) -> None:
        if not self.v2 and v1_code_bytes(source) > V1_CODE_WARN_BYTES:
            self.note("warning: {} bytes of code; a micro:bit V1 usually fails with MemoryError "
                      "past {} bytes. Shorten it or use a V2.".format(
                          v1_code_bytes(source), V1_CODE_WARN_BYTES))

    def check_memory(self) -> None:
        used = _data_bytes(list(self.globals.values()))
        if used > V1_DATA_WARN_BYTES:
            self.note("warning: the program holds about {} bytes of data; a micro:bit V1 "
                      "(~10 KB memory) would likely stop with MemoryError.".format(used))

    def run_code(self, code: Any, namespace: dict[str, Any]) -> str | None:
        """Run compiled code (program side); return a MicroPython-style traceback on error."""
        try:
            exec(code, namespace)
        except (ProgramStopped, RestartProgram, SystemExit):
            raise
        except BaseException as err:  # noqa: BLE001 - the board reports every error
            return self.format_error(err)
        return None

    def format_error(self, err: BaseException) -> str:
        """The board's traceback: its file name, the program's own frames, its message."""
        frames = [f for f in traceback.extract_tb(err.__traceback__) if "/" not in f.filename
                  and "\\" not in f.filename]
        lines = ["Traceback (most recent call last):"]
        main_file = TRACEBACK_FILE.get(self.version, "main.py")
        lines += ['  File "{}", line {}, in {}'.format(
            main_file if f.filename == "main.py" else f.filename, f.lineno, f.name)
            for f in frames]
        lines.append("{}: {}".format(class_name(err), exception_str(err)))
        name = getattr(err, "name", None)
        message = exception_str(err)
        if isinstance(err, ImportError) and "'" in message:  # from microbit import microphone
            name = message.split("'")[1]
        if isinstance(err, ImportError) and not self.v2 and name in NO_SUCH_ON_V1:
            lines.append(SIM_NOTE + NO_SUCH_ON_V1[name])
        if isinstance(err, (NameError, ImportError)) and not self.v2 and name in V2_ONLY:
            lines.append("{}micro:bit V1 has no {} ('{}' needs a V2)".format(
                SIM_NOTE, V2_ONLY[name], name))
        return "\n".join(lines) + "\n"
