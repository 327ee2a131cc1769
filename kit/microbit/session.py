"""The host side of the resident agent (firmware/agent.py): one short line per micro:bit call.

bitio sends every call as its own raw-REPL exec (`print(button_a.is_pressed())` + Ctrl-D) and
parses the printed text. Here the agent is sent once; then a call is a key of 1-2 letters
(plus int arguments) and one reply line. Calls whose result nobody reads (display and pin
writes) are not waited for: they are sent at once while the line is idle and merged into one
batch line while earlier requests are still in flight (Nagle's idea), so a loop of set_pixel
does not pay a round trip per pixel. Errors of such calls surface at the next call, sleep()
or close(), naming the call that failed. Measured against bitio in benchmarks/bench_hostapi.py.

Flow control: micro:bit MicroPython keeps received bytes in a 64-byte ring and silently drops
what does not fit (source/microbit/mphalport.cpp), so at most WINDOW_BYTES are in flight and
a longer request goes in acknowledged parts. Everything sent is built with repr/ascii, so it
is printable ASCII and never contains Ctrl-C or Ctrl-D.
"""
from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from typing import cast

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.boards import Board
from kit.errors import BoardCodeError, KitError, TransportError
from kit.microbit.loader import PART_BYTES, load_agent
from kit.microbit.wire import decode_reply, encode_args

log = logging.getLogger(__name__)

WINDOW_BYTES = 48  # < the board's 64-byte receive ring
DEFAULT_TIMEOUT_S = 30.0  # QEMU display calls sometimes stall ~17 s (a timer wrap), see tests
_KEY_FIRST = "abcdfghijklmnoprstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ"  # not e q x (agent commands)


@dataclass
class _Request:
    line: str
    calls: list[str]  # what each call in the line was, for error messages
    timeout: float
    echoed: bool = False
    results: list[object] = field(default_factory=list)


class AgentSession:
    """A board running the agent. Not thread-safe: one program talks to one session."""

    def __init__(self, board: Board, *, pipeline: bool = True) -> None:
        self.board = board
        self.pipeline = pipeline
        self.version = board.version
        self.mem_free = -1
        self._keys: dict[str, str] = {}
        self._modules: set[str] = set()
        self._inflight: deque[_Request] = deque()
        self._batch: list[str] = []
        self._batch_calls: list[str] = []
        self._error: KitError | None = None
        self._broken = False
        self._started = False
        # A batch line fits one write chunk: StreamBoard pauses 5 ms between chunks (for raw-REPL
        # pastes), which made pipelined set_pixel slower than waiting for each reply (518 vs
        # 881 calls/s in QEMU). The window already keeps the board's 64-byte ring from filling.
        self._batch_bytes = min(PART_BYTES, getattr(board, "write_chunk_bytes", 0) or PART_BYTES)

    # ---- life cycle -------------------------------------------------------------------------
    def start(self, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        """Stop the board's program, load the agent and wait for its banner."""
        self.version, self.mem_free = load_agent(self.board, timeout)
        self._started = True
        log.debug("%s: agent running, %s, %s bytes free", self.board.name, self.version,
                  self.mem_free)

    def close(self) -> None:
        """Finish pending calls, stop the agent, and leave the board at its normal REPL."""
        if not self._started:
            return
        self._started = False
        error: KitError | None = None
        if not self._broken:
            try:
                self._drain_all()
                self._send_line("q", [], DEFAULT_TIMEOUT_S)
                self.board.readline(1.0)  # echo of q; "KA-bye" follows
            except KitError as err:
                error = err
        try:
            self.board.write(b"\r\x03")  # stops the agent if it is still running
            self.board.write(b"\x02")  # raw REPL -> friendly REPL
            interrupt = getattr(self.board, "interrupt", None)
            if interrupt is not None:
                interrupt()  # drains what is left, so the next exec starts clean
        except KitError as err:
            log.info("%s: could not tidy up after the agent: %s", self.board.name, err)
        if error is not None:
            raise error
        if self._error is not None:
            pending, self._error = self._error, None
            raise pending

    @property
    def broken(self) -> bool:
        return self._broken

    def mark_broken(self) -> None:
        """The line is in an unknown state (Ctrl-C mid-call, timeout): stop using it."""
        self._broken = True

    # ---- calls ------------------------------------------------------------------------------
    def ensure_module(self, name: str) -> None:
        """Import a board module (radio, music) into the agent's namespace once."""
        if name not in self._modules:
            self._send_line("ximport " + name, ["import " + name], DEFAULT_TIMEOUT_S)
            self._modules.add(name)

    def _key(self, target: str) -> str:
        key = self._keys.get(target)
        if key is None:
            n = len(self._keys)
            key = _KEY_FIRST[n % len(_KEY_FIRST)]
            if n >= len(_KEY_FIRST):
                key += str(n // len(_KEY_FIRST) - 1)
            self._keys[target] = key
            self._send_line("={} {}".format(key, target), ["lookup " + target], DEFAULT_TIMEOUT_S)
        return key

    def call(self, target: str, args: tuple[object, ...] = (),
             kwargs: dict[str, object] | None = None, *, wait: bool = True,
             timeout: float = DEFAULT_TIMEOUT_S, what: str = "") -> object:
        """Call `target` (board source such as 'm.display.set_pixel') and return its result.

        With wait=False the result is not needed: the call may be batched and its error, if
        any, is raised by a later call.
        """
        self._check()
        what = what or target.removeprefix("m.") + "()"
        arguments, batchable = encode_args(args, kwargs or {})  # bad values fail before I/O
        try:
            line = self._key(target) + arguments
            if not wait and batchable and self.pipeline:
                self._queue(line, what)
                return None
            request = self._send_line(line, [what], timeout)
            if not wait and self.pipeline:
                return None
            return self._wait_for(request)
        except BoardCodeError:
            raise
        except BaseException:
            self._broken = True  # Ctrl-C or a lost line mid-call: the reply order is unknown
            raise

    def evaluate(self, expression: str, timeout: float = DEFAULT_TIMEOUT_S) -> object:
        """Evaluate a Python expression on the board (names: m = microbit, imported modules)."""
        self._check()
        try:
            return self._wait_for(self._send_line("e" + expression, [expression], timeout))
        except BoardCodeError:
            raise
        except BaseException:
            self._broken = True
            raise

    def sync(self) -> None:
        """Wait until every call sent so far has run; raise the first error among them."""
        self._check()
        try:
            self._drain_all()
        except BoardCodeError:
            raise
        except BaseException:
            self._broken = True
            raise
        self._check()

    # ---- internals --------------------------------------------------------------------------
    def _check(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._broken:
            raise TransportError(_("{board}: the connection was interrupted; connect again")
                                 .format(board=self.board.name))
        if not self._started:
            raise TransportError(_("{board}: not connected (the session was closed)").format(
                board=self.board.name))

    def _queue(self, item: str, what: str) -> None:
        self._poll()
        if not self._inflight and not self._batch:
            self._send_line(item, [what], DEFAULT_TIMEOUT_S)
            return
        if self._batch and len(":" + ";".join(self._batch + [item])) + 1 > self._batch_bytes:
            self._flush_batch()
        self._batch.append(item)
        self._batch_calls.append(what)

    def _flush_batch(self) -> None:
        if not self._batch:
            return
        items, calls = self._batch, self._batch_calls
        self._batch, self._batch_calls = [], []
        line = items[0] if len(items) == 1 else ":" + ";".join(items)
        self._send_line(line, calls, DEFAULT_TIMEOUT_S)

    def _send_line(self, line: str, calls: list[str], timeout: float) -> _Request:
        if self._batch:
            self._flush_batch()
        size = len(line) + 1
        if size > WINDOW_BYTES:
            self._drain_all()
            while len(line) > PART_BYTES:
                self._wait_for(self._write(_Request("+" + line[:PART_BYTES], calls, timeout)))
                line = line[PART_BYTES:]
            line = "&" + line
            size = len(line) + 1
        while self._inflight and sum(len(r.line) + 1 for r in self._inflight) + size > WINDOW_BYTES:
            self._read_reply(block=True)
        return self._write(_Request(line, calls, timeout))

    def _write(self, request: _Request) -> _Request:
        try:
            self.board.write(request.line.encode("ascii") + b"\r")
        except TransportError as err:
            self._broken = True
            raise TransportError(_("{board}: the connection was lost ({reason}). Is the board "
                                   "still plugged in?").format(board=self.board.name,
                                                               reason=os_reason(err))) from err
        self._inflight.append(request)
        return request

    def _wait_for(self, request: _Request) -> object:
        while request in self._inflight:
            self._read_reply(block=True)
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return request.results[0] if request.results else None

    def _drain_all(self) -> None:
        self._flush_batch()
        while self._inflight:
            self._read_reply(block=True)

    def _poll(self) -> None:
        while self._inflight and self._read_reply(block=False):
            pass

    def _read_reply(self, *, block: bool) -> bool:
        request = self._inflight[0]
        timeout = request.timeout if block else 0.0005
        if not request.echoed:
            echo = self.board.readline(timeout)
            if echo is None:
                return self._no_answer(block, request)
            if not echo.decode("ascii", "replace").endswith(request.line):
                self._broken = True
                raise TransportError(_("{board}: the board answered out of step (sent {sent!r}, "
                                       "got {got!r})").format(board=self.board.name,
                                                              sent=request.line, got=echo[-60:]))
            request.echoed = True
        raw = self.board.readline(timeout)
        if raw is None:
            return self._no_answer(block, request)
        self._inflight.popleft()
        text = raw.decode("utf-8", "replace")
        if text.startswith("Traceback"):
            self._broken = True
            rest = [line.decode("utf-8", "replace") for line in self.board.lines(0.3)]
            raise BoardCodeError("\n".join([text] + rest), board=self.board.name)
        try:
            ok, value = decode_reply(text)
        except ValueError as err:
            self._broken = True
            raise TransportError(_("{board}: could not read the answer to {call}: {answer!r}")
                                 .format(board=self.board.name, call=request.calls[0]
                                         if request.calls else request.line,
                                         answer=text[:80])) from err
        if ok:
            request.results.append(value)
        elif self._error is None:
            index, message = cast("tuple[int, str]", value)  # decode_reply's error shape
            call = request.calls[min(int(index), len(request.calls) - 1)] if request.calls else ""
            self._error = BoardCodeError("{}: {}".format(call, message) if call else str(message),
                                         board=self.board.name)
        return True

    def _no_answer(self, block: bool, request: _Request) -> bool:
        if not block:
            return False
        self._broken = True
        raise TransportError(_(
            "{board}: no answer to {call} within {seconds:.0f} s. Is the board still plugged in? "
            "If it is, press its reset button and try again.").format(
                board=self.board.name, call=request.calls[0] if request.calls else request.line,
                seconds=request.timeout))

