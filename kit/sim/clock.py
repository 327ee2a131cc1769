"""The simulator's virtual clock: a discrete-event scheduler for one or many simulated boards.

Each board's program runs in its own thread, but only one runs at a time (it holds the baton).
A program gives the baton up when it advances time (sleep, or the small cost of a sensor call)
past the earliest wake-up of another program; the scheduler then moves the clock to that wake-up.
So an hour of `sleep(30000)` costs microseconds, radio messages between boards are ordered by
simulated time, and a run is reproducible.

Two ways to drive it:
- virtual (speed=None): time only moves while the host asks for it (`run_until`, `run_while`,
  e.g. a readline() waiting for the next line), as fast as the CPU allows;
- real time (speed=k): time moves k times faster than the wall clock, for a pupil watching.

An end (`end_us`) is where the experiment stops: no program runs past it, in either mode, so a
demo's 40 minutes are exactly 40 minutes of readings however fast the host reads.
"""
from __future__ import annotations

import ctypes
import heapq
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

US_PER_S = 1_000_000
STOP_JOIN_S = 1.0  # how long a stopped program may take to unwind before it is forced


class ProgramStopped(KeyboardInterrupt):
    """Raised inside a simulated program that the host stopped (like Ctrl-C on a board)."""


class Task:
    """One program thread on the scheduler (a board's main.py, or code sent with exec)."""

    def __init__(self, scheduler: Scheduler, target: Callable[[], None], name: str) -> None:
        self.scheduler = scheduler
        self.target = target
        self.stop = False
        self.done = threading.Event()
        self.wakeup = threading.Event()  # set by stop() to cut a real-time wait short
        self.gate = threading.Lock()  # held while the task waits for its turn
        self.gate.acquire()
        self.thread = threading.Thread(target=self._main, name="sim-" + name, daemon=True)

    def _main(self) -> None:
        self.gate.acquire()
        try:
            if not self.stop:
                self.scheduler.pace()
                self.target()
        except ProgramStopped:
            pass
        finally:
            self.scheduler._finish(self)


class Scheduler:
    """A shared simulated clock (µs) and the baton passed between program threads."""

    def __init__(self, speed: float | None = None, end_us: float = math.inf) -> None:
        if speed is not None and not speed > 0:
            raise ValueError("speed must be > 0 (or None for as fast as possible)")
        self.speed = None if speed is None or math.isinf(speed) else float(speed)
        self.end_us = end_us  # no program runs past this simulated time
        self.now = 0  # simulated time in µs
        self._lock = threading.Lock()
        self._progress = threading.Condition(self._lock)
        self._heap: list[tuple[int, int, Task]] = []
        self._seq = itertools.count()
        self._running: Task | None = None
        self._tasks: set[Task] = set()
        self._limit: float = end_us if self.speed else 0
        self._horizons: list[float] = []  # until_us of each host thread waiting in run_while
        self._wall0 = time.monotonic()
        self._sim0 = 0

    # ---- called from the running program's thread -------------------------------------------

    def advance(self, task: Task, dt_us: int) -> None:
        """Move simulated time forward by dt_us for the running `task`, yielding if needed."""
        if task.stop:
            raise ProgramStopped
        target = self.now + dt_us
        heap = self._heap
        if target <= self._limit and (not heap or heap[0][0] >= target):
            self.now = target
            if self.speed is not None:
                self.pace(task)
            return
        with self._lock:
            heapq.heappush(self._heap, (target, next(self._seq), task))
            self._running = None
            self._dispatch()
        task.gate.acquire()
        if task.stop:
            raise ProgramStopped
        if self.speed is not None:
            self.pace(task)

    def pace(self, task: Task | None = None) -> None:
        """In real-time mode, wait until the wall clock has caught up with simulated time."""
        if self.speed is None:
            return
        ahead = self._wall0 + (self.now - self._sim0) / US_PER_S / self.speed - time.monotonic()
        if ahead > 0.002:
            if task is not None:
                task.wakeup.wait(ahead)  # stop() sets it, so this sleep can be cut short
            else:
                time.sleep(ahead)

    def notify(self) -> None:
        """Wake a host waiting in run_while (called after a program prints)."""
        with self._lock:
            self._progress.notify_all()

    # ---- scheduling (lock held) ---------------------------------------------------------------

    def _dispatch(self) -> None:
        while self._heap:
            wake, _, task = self._heap[0]
            if task.stop:
                heapq.heappop(self._heap)
                task.gate.release()  # let it wake up and unwind
                continue
            if wake > self._limit:
                break
            heapq.heappop(self._heap)
            self.now = max(self.now, wake)
            self._running = task
            task.gate.release()
            return
        self._progress.notify_all()

    def _finish(self, task: Task) -> None:
        with self._lock:
            self._tasks.discard(task)
            self._heap = [e for e in self._heap if e[2] is not task]
            heapq.heapify(self._heap)
            if self._running is task:
                self._running = None
                self._dispatch()
            self._progress.notify_all()
        task.done.set()

    # ---- called from the host ---------------------------------------------------------------

    def start(self, target: Callable[[], None], name: str, delay_us: int = 0) -> Task:
        """Start a program thread that first runs at now + delay_us."""
        task = Task(self, target, name)
        with self._lock:
            self._tasks.add(task)
            heapq.heappush(self._heap, (self.now + delay_us, next(self._seq), task))
            task.thread.start()
            if self._running is None:
                self._dispatch()
        return task

    def stop(self, task: Task) -> None:
        """Stop a program like Ctrl-C: at its next call into the simulator, or forced."""
        with self._lock:
            task.stop = True
            task.wakeup.set()
            if task is not self._running and any(e[2] is task for e in self._heap):
                self._heap = [e for e in self._heap if e[2] is not task]
                heapq.heapify(self._heap)
                task.gate.release()
        if not task.done.wait(STOP_JOIN_S) and task.thread.ident is not None:
            # A pure-Python loop that never calls the simulator: raise in its thread.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(task.thread.ident), ctypes.py_object(ProgramStopped))
            if not task.done.wait(STOP_JOIN_S):
                log.warning("simulated program %s did not stop", task.thread.name)

    def sim_time_now(self) -> int:
        """The current simulated time in µs (in real-time mode, as the wall clock implies)."""
        if self.speed is None:
            return self.now
        wall = self._sim0 + int((time.monotonic() - self._wall0) * self.speed * US_PER_S)
        return max(self.now, wall)

    def run_until(self, t_us: int, timeout: float | None = None) -> bool:
        """Virtual mode: let programs run until simulated time t_us. False on wall timeout."""
        return self.run_while(lambda: False, until_us=t_us, timeout=timeout)

    def run_while(
        self, waiting: Callable[[], bool], until_us: float = math.inf, timeout: float | None = None
    ) -> bool:
        """Let programs run until `waiting()` is true, time reaches until_us, or all are idle.

        Returns False only on wall-clock timeout. In real-time mode time is not limited; this
        just waits.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            # Several host threads may wait at once (a recorder reads each board in its own
            # thread): time may run as far as the furthest of them wants.
            self._horizons.append(until_us)
            if self.speed is None:
                self._limit = min(max(self._horizons), self.end_us)
                if self._running is None:
                    self._dispatch()
            try:
                while not waiting() and self.now < until_us:
                    if self._running is None and (self.speed is None or not self._tasks):
                        if self.speed is None and until_us != math.inf:
                            # nobody wakes before it (and time stops at the end)
                            self.now = max(self.now, int(min(until_us, self.end_us)))
                        return True
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._progress.wait(left)
                return True
            finally:
                self._horizons.remove(until_us)
                if self.speed is None:
                    self._limit = min(max(self._horizons, default=self.now), self.end_us)

    @property
    def at_end(self) -> bool:
        """True when `end_us` is set and every program waits past it: nothing more can happen."""
        if math.isinf(self.end_us):
            return False
        with self._lock:
            return self._running is None and all(w > self.end_us for w, _, _ in self._heap)

    @property
    def idle(self) -> bool:
        """True when no program is alive on this scheduler."""
        return not self._tasks
