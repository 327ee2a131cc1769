"""SimBoard: a micro:bit program running in CPython behind the Board interface.

Programs run unmodified: `from microbit import *`, `import radio`, ... resolve to this board's
simulated modules (kit.sim.modules). Several boards share a Simulation: one virtual clock
(kit.sim.clock) and one radio air (kit.sim.radio), so a class network runs in one process, in
simulated time. Without a speed the simulation only runs while someone waits for it (readline,
run_for), as fast as the CPU allows; with a speed it runs in scaled real time.
"""
from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.i18n import gettext as _
from kit.boards import Board, BoardIdentity
from kit.build import Program, assemble, check_v1_syntax, lesson_program
from kit.errors import BoardCodeError, FirmwareError, TransportError
from kit.hardware import V1, V2, VERSIONS, fake_unique_id
from kit.sim.clock import US_PER_S, Scheduler, Task
from kit.sim.datalog import LogStore
from kit.sim.errors import SimulatorError
from kit.sim.hardware import Display
from kit.sim.mpbuiltins import MISSING_METHODS
from kit.sim.transform import compile_board_program, compile_host_program
from kit.sim.radio import Air
from kit.sim.runtime import SIM_NOTE, RestartProgram, Runtime
from kit.sim.scenarios import make_scenario

if TYPE_CHECKING:
    from kit.lessons import Lesson

log = logging.getLogger(__name__)

DEFAULT_HOLD_S = 0.2
MAX_BURST = 1000  # lines handed over in one read_lines (as kit.boards.Board's default)


class Simulation:
    """Boards that share one virtual clock and one radio air."""

    def __init__(self, *, speed: float | None = None, seed: int = 0, loss: float = 0.0,
                 end_s: float | None = None) -> None:
        # end_s: the experiment stops there (no program runs past it; see `finished`)
        self.scheduler = Scheduler(speed, math.inf if end_s is None else end_s * US_PER_S)
        self.air = Air(loss, seed)
        self.seed = seed
        self.boards: list[SimBoard] = []

    @property
    def time_s(self) -> float:
        """Simulated seconds since the simulation started."""
        return self.scheduler.now / US_PER_S

    @property
    def finished(self) -> bool:
        """True when the simulation has an end and every program has reached it."""
        return self.scheduler.at_end

    def run_for(self, seconds: float, timeout: float | None = None) -> bool:
        """Let every board run for `seconds` of simulated time (virtual mode)."""
        return self.scheduler.run_until(self.scheduler.now + int(seconds * US_PER_S), timeout)

    def run_until(self, seconds: float, timeout: float | None = None) -> bool:
        """Let every board run until simulated time `seconds`."""
        return self.scheduler.run_until(int(seconds * US_PER_S), timeout)

    def close(self) -> None:
        for board in list(self.boards):
            board.close()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _source_of(program: Program | str | Path) -> tuple[str, str]:
    if isinstance(program, Program):
        return program.name, program.source
    if isinstance(program, Path):
        built = assemble(program)
        return built.name, built.source
    return "main", program


class SimBoard(Board):
    """A simulated micro:bit V1 or V2 running one program.

    `program` is a Program (kit.build.assemble), source text or a firmware path. Boards
    given the same `sim` share its clock and radio; otherwise the board gets its own
    Simulation(speed, seed, loss). `scenario` names the sensor scenario (kit.sim.scenarios);
    `seed` makes sensor noise and `random` reproducible. The program starts at once (in
    virtual mode it waits until someone reads or calls run_for). By default the program is a
    board program, run with the board's semantics (kit/sim/transform.py); with `host_names`
    it is a host program (CPython semantics, the simulator standing in for a board,
    kit.sim.modules.make_host_builtins).
    """

    def __init__(self, program: Program | str | Path, *, name: str | None = None,
                 version: str = V2, scenario: str = "calm", sim: Simulation | None = None,
                 seed: int | None = None, speed: float | None = None, loss: float = 0.0,
                 local_modules: dict[str, str] | None = None,
                 on_display: Callable[[Display], None] | None = None,
                 host_names: dict[str, Any] | None = None,
                 log_store: LogStore | None = None) -> None:
        if version not in VERSIONS:
            raise SimulatorError(_("version must be 'v1' or 'v2', not {version!r}").format(
                version=version))
        if sim is not None and (speed is not None or loss):
            raise SimulatorError(_("speed and loss belong to the shared Simulation, not a "
                                   "board"))
        self.sim = sim if sim is not None else Simulation(speed=speed, seed=seed or 0, loss=loss)
        index = len(self.sim.boards)
        name = name or "sim-{}".format(index + 1)
        super().__init__(BoardIdentity(name, fake_unique_id(name, version, str(index)), version))
        self.index = index
        if isinstance(program, Path):
            program = assemble(program)
        if isinstance(program, Program):  # its modules are files beside main.py on the board
            local_modules = {**program.module_sources(), **(local_modules or {})}
        self.program_name, self.source = _source_of(program)
        self._code = self._compile(self.source, version, host_names is not None)
        board_seed = (self.sim.seed if seed is None else seed) * 1000 + index
        self.scenario = make_scenario(scenario, self.sim.seed if seed is None else seed, index)
        self._rt = Runtime(self.sim.scheduler, self.sim.air, name=name,
                           unique_id=self.unique_id, version=version, scenario=self.scenario,
                           seed=board_seed, local_modules=local_modules,
                           host_names=host_names)
        self._rt.on_display = on_display
        self._rt.program_source = self.source
        if log_store is not None:  # the V2 log outlives the program (a virtual board's drive)
            self._rt.log_store = log_store
        self._closed = False
        self._closing = threading.Event()
        self._printed_us: int | None = None
        self.sim.boards.append(self)
        for button, at in self.scenario.presses:
            self.press(button, at=at)
        self._rt.check_source(self.source)
        self._task: Task | None = None
        self._start_main()

    @classmethod
    def from_lesson(cls, lesson: Lesson | str, **kwargs: Any) -> SimBoard:
        """Run a lesson's firmware on the board version and scenario the lesson names."""
        from kit.lessons import get_lesson

        if isinstance(lesson, str):
            lesson = get_lesson(lesson)
        kwargs.setdefault("version", V1 if lesson.runs_on(V1) else V2)
        kwargs.setdefault("scenario", lesson.experiment.scenario or "calm")
        kwargs.setdefault("name", lesson.id[:16])
        return cls(lesson_program(lesson), **kwargs)

    @staticmethod
    def _compile(source: str, version: str, host: bool = False) -> Any:
        if host:  # a host program is CPython on the PC: CPython's own compiler
            try:
                return compile_host_program(source, "main.py")
            except SyntaxError as err:
                raise FirmwareError(_("{file}:{line}: syntax error: {message}. Fix this line.")
                                    .format(file="main.py", line=err.lineno, message=err.msg)
                                    ) from None
        if version == V1:
            check_v1_syntax(source, "main.py")
        try:
            return compile_board_program(source, "main.py", MISSING_METHODS)
        except SyntaxError as err:
            raise FirmwareError(_("{file}:{line}: syntax error: {message}. Fix this line.").format(
                file="main.py", line=err.lineno, message=err.msg)) from None

    # ---- running programs ---------------------------------------------------------------

    def _start_main(self) -> None:
        rt = self._rt
        rt.globals = {"__name__": "__main__", "__builtins__": rt.builtins}
        rt.boot_us = self.sim.scheduler.now

        def main() -> None:
            try:
                error = rt.run_code(self._code, rt.globals)
            except RestartProgram:
                self.sim.scheduler.start(self._restart_later, self.name)
                return
            except SystemExit as err:
                rt.exit_code = err.code
                return
            if error:
                rt.write_text(error)
                rt.exit_code = 1  # `klimakit run --as-flashed` exits 1 after a traceback

        self._task = rt.task = self.sim.scheduler.start(main, self.name)

    def _restart_later(self) -> None:
        self._start_main()

    def _stop(self) -> None:
        task = self._task
        if task is not None and not task.done.is_set():
            self.sim.scheduler.stop(task)
        self._task = None

    @property
    def exit_code(self) -> object:
        """The code of the program's SystemExit (sys.exit(3) gives 3), None otherwise."""
        return self._rt.exit_code

    @property
    def running(self) -> bool:
        """True while the board's program has not ended."""
        return self._task is not None and not self._task.done.is_set()

    def _wait(self, done: Callable[[], bool], timeout: float) -> bool:
        return self.sim.scheduler.run_while(done, timeout=timeout) and done()

    def readline(self, timeout: float = 1.0) -> bytes | None:
        """The next printed line. Without a speed this runs the simulation until the program
        prints (as fast as the CPU allows), so reading is what moves time; None after `timeout`
        wall seconds, or at once when the program has ended. When the simulation has reached
        its end (Simulation(end_s=...)) the board is silent: None after `timeout`."""
        out = self._rt.out
        if not out and not self._closed:
            if self.sim.finished:
                self._closing.wait(timeout)
            else:
                self._wait(lambda: bool(out) or not self.running, timeout)
        if not out:
            return None
        self._printed_us = self._rt.out_us.popleft()
        return out.popleft()

    def read_lines(self, timeout: float = 1.0) -> list[bytes]:
        """The next line and those printed at the same simulated moment (one print call):
        a burst shares one time, and on a virtual clock that is the time it was printed."""
        first = self.readline(timeout)
        if first is None:
            return []
        lines, out, times = [first], self._rt.out, self._rt.out_us
        while out and times and times[0] == self._printed_us and len(lines) < MAX_BURST:
            times.popleft()
            lines.append(out.popleft())
        return lines

    def printed_at_s(self) -> float | None:
        """The simulated second at which the last line read was printed: the recorder stamps
        the board's lines with its own (virtual) clock, so a 40-minute run that took seconds
        is 40 minutes in the CSV."""
        return None if self._printed_us is None else self._printed_us / US_PER_S

    def write(self, data: bytes) -> None:
        """Ctrl-C stops the program, Ctrl-D restarts it; other text feeds input()."""
        if b"\x03" in data:
            self._stop()
            self._rt.write_text("KeyboardInterrupt: \n")
        if b"\x04" in data:
            self.run_main()
        text = data.replace(b"\x03", b"").replace(b"\x04", b"").decode("utf-8", "replace")
        self._rt.input_buffer += text.replace("\r", "\n")

    def exec(self, code: str, timeout: float = 10.0) -> str:
        """Stop the program (as the raw REPL does) and run `code` in its namespace."""
        if self._closed:
            raise TransportError(_("{board} is closed").format(board=self.name))
        self._stop()
        try:
            compiled = compile_board_program(code, "<stdin>", MISSING_METHODS)
        except SyntaxError as err:
            # What the board itself prints (MicroPython's words, not translated).
            raise BoardCodeError("SyntaxError: " + "{} (line {})".format(err.msg, err.lineno),
                                 board=self.name) from None
        rt = self._rt
        captured: list[str] = []
        errors: list[str] = []

        def run() -> None:
            rt.capture = captured
            try:
                error = rt.run_code(compiled, rt.globals or {"__builtins__": rt.builtins})
            except (RestartProgram, SystemExit):
                error = None
            finally:
                rt.capture = None
            if error:
                errors.append(error)

        task = self._task = rt.task = self.sim.scheduler.start(run, self.name + "-exec")
        if not self._wait(task.done.is_set, timeout):
            self._stop()
            raise TransportError(_("{board}: code did not finish within {seconds:.0f} s").format(
                board=self.name, seconds=timeout))
        self._task = None
        if errors:
            raise BoardCodeError(errors[0], board=self.name)
        return "".join(captured)

    def run_main(self) -> None:
        """Restart the program from its start (a soft reboot; simulated time goes on)."""
        self._stop()
        self._rt.display.clear()
        self._rt.radio.off()
        self._rt.radio.queue.clear()
        self._start_main()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self._stop()
        self._rt.radio.off()
        if self in self.sim.boards:
            self.sim.boards.remove(self)

    # ---- the pupil's hands and the host's view -----------------------------------------

    def _at_us(self, at: float | None) -> int:
        if at is None:
            return self.sim.scheduler.sim_time_now() + 1
        return int(at * US_PER_S)

    def press(self, button: str = "A", hold_s: float = DEFAULT_HOLD_S, at: float | None = None
              ) -> None:
        """Press button A or B at simulated time `at` (seconds; default now) for hold_s."""
        key = button.upper()
        if key not in self._rt.buttons:
            raise SimulatorError(_("button must be 'A' or 'B', not {button!r}").format(
                button=button))
        self._rt.buttons[key].schedule(self._at_us(at), int(hold_s * US_PER_S))

    def gesture(self, name: str, at: float | None = None, duration_s: float = 1.0) -> None:
        """Make a gesture ('shake', 'face down', ...) at simulated time `at` for duration_s."""
        self._rt.accelerometer.schedule(name, self._at_us(at), int(duration_s * US_PER_S))

    def touch(self, pin: int | str = 0, at: float | None = None, duration_s: float = 0.5) -> None:
        """Touch pin 0, 1, 2 or (V2) 'logo' at simulated time `at`."""
        target = self._rt.pin_logo if pin == "logo" else self._rt.pins[int(pin)]
        target.schedule_touch(self._at_us(at), int(duration_s * US_PER_S))

    def press_action(self, button: str, hold_s: float = DEFAULT_HOLD_S) -> Callable[[], None]:
        """A callable that presses `button` now (for the demo's timed actions)."""
        return lambda: self.press(button, hold_s)

    @property
    def display(self) -> Display:
        return self._rt.display

    @property
    def warnings(self) -> list[str]:
        """Simulator remarks (memory limits on V1), also printed as '# sim:' lines."""
        return list(self._rt.warnings)

    @property
    def files(self) -> dict[str, bytes]:
        return self._rt.files

    @property
    def log_rows(self) -> list[dict[str, object]]:
        """Rows the program added with the V2 `log` module."""
        return self._rt.log_rows

    @property
    def log_store(self) -> LogStore:
        """The V2 log as CODAL keeps it; .my_data() is the MY_DATA.HTM (kit/sim/datalog.py)."""
        return self._rt.log_store

    def my_data(self) -> bytes:
        """The V2 log as the MICROBIT drive shows it: MY_DATA.HTM (kit/sim/datalog.py)."""
        return self._rt.log_store.my_data()

    @property
    def radio_dropped(self) -> list[tuple[str, bytes]]:
        """Messages for this board the radio dropped: ('loss' or 'queue full', payload)."""
        return list(self._rt.radio.dropped)

    def run_for(self, seconds: float, timeout: float | None = None) -> bool:
        return self.sim.run_for(seconds, timeout)

    def collect(self) -> list[bytes]:
        """Take every line printed so far."""
        lines = list(self._rt.out)
        self._rt.out.clear()
        self._rt.out_us.clear()
        return lines


__all__ = ["SimBoard", "Simulation", "SIM_NOTE"]
