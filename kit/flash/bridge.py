"""A simulated micro:bit behind a serial port: socket://127.0.0.1:PORT, on the real clock.

A virtual board whose program QEMU cannot run (kit/flash/engine.py) runs it in the simulator
(kit.sim.SimBoard, real time) and serves it the way QEMU serves the real firmware: a TCP port
on 127.0.0.1 that pyserial opens as socket://, one connection at a time (a second one waits
until the first is closed, as with QEMU's serial server). So `klimakit record`, the flash
check and `klimakit boards --micropython` talk to it exactly as to a USB board. What the
board prints while nobody is connected is lost, as on USB (README: what klimakit cannot see).

The board's side of the line behaves like micro:bit MicroPython's (docs/qemu.md §4, pyboard.py):
- while the program runs, Ctrl-C stops it (KeyboardInterrupt, then the REPL banner and
  `>>> `); a program that ends or fails shows its traceback, then the banner and the prompt;
- at `>>> `, Ctrl-D is a soft reboot that runs main.py again, Ctrl-A enters the raw REPL, a
  typed line is run and echoed;
- in the raw REPL, `code` + Ctrl-D answers `OK`, the output, `\\x04`, the error, `\\x04>`; an
  empty Ctrl-D is a soft reboot (`OK`, `soft reboot`, the raw prompt); Ctrl-B leaves it.
Code sent through the raw REPL runs to its end before its output is sent (SimBoard.exec), so a
program that keeps talking over the line while it runs, such as the host API's agent, does not
work here (`klimakit run` says so: kit/runner.py).
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from typing import TYPE_CHECKING

from kit.errors import BoardCodeError, KitError
from kit.hardware import V1

if TYPE_CHECKING:
    from kit.sim import SimBoard

log = logging.getLogger(__name__)

BANNER = {
    V1: b"MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.1.1 with nRF51822 "
        b"(simulated)\r\nType \"help()\" for more information.\r\n>>> ",
    "v2": b"MicroPython v2.1.2 on 2023-10-30; micro:bit v2.1.2 with nRF52833 (simulated)\r\n"
          b"Type \"help()\" for more information.\r\n>>> ",
}
RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
EXEC_TIMEOUT_S = 30.0
ACCEPT_POLL_S = 0.2
CTRL_A, CTRL_B, CTRL_C, CTRL_D = 1, 2, 3, 4


class SimSerialPort:
    """Serve one SimBoard on a TCP port of 127.0.0.1 like a micro:bit's serial port."""

    def __init__(self, board: SimBoard) -> None:
        self.board = board
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(ACCEPT_POLL_S)
        self.tcp_port = int(self._server.getsockname()[1])
        self._client: socket.socket | None = None
        self._lock = threading.RLock()  # state and every send, so replies keep their order
        self._mode = "running"  # running | friendly | raw | exec
        self._line = bytearray()  # what was typed at >>> or into the raw REPL
        self._closed = threading.Event()
        self._threads = [threading.Thread(target=self._serve, daemon=True,
                                          name="simport-" + board.name),
                         threading.Thread(target=self._pump, daemon=True,
                                          name="simport-out-" + board.name)]
        for thread in self._threads:
            thread.start()

    @property
    def port(self) -> str:
        return "socket://127.0.0.1:{}".format(self.tcp_port)

    @property
    def running(self) -> bool:
        return not self._closed.is_set()

    def close(self) -> None:
        """Stop serving and stop the board's program."""
        self._closed.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=2)
        with self._lock:
            self._drop_client()
        self._server.close()
        self.board.close()

    # ---- the connection ----------------------------------------------------------------
    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except (socket.timeout, OSError):
                continue
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.settimeout(ACCEPT_POLL_S)
            with self._lock:
                self._client = client
            try:
                self._read_client(client)
            finally:
                with self._lock:
                    self._drop_client()

    def _read_client(self, client: socket.socket) -> None:
        while not self._closed.is_set():
            try:
                data = client.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return  # the other side closed the port
            for byte in data:
                self._byte(byte)

    def _drop_client(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except OSError:
                pass
            self._client = None

    def _send(self, data: bytes) -> None:
        """Send to whoever has the port open; with nobody there the bytes are lost (as on USB)."""
        with self._lock:
            if self._client is None or not data:
                return
            try:
                self._client.sendall(data)
            except OSError:
                self._drop_client()

    # ---- the board's output ------------------------------------------------------------
    def _pump(self) -> None:
        while not self._closed.is_set():
            try:
                line = self.board.readline(0.2)
            except KitError as err:
                log.info("%s: %s", self.board.name, err)
                line = None
            if line is not None:
                with self._lock:
                    if self._mode == "running":
                        self._send(line + b"\r\n")
                continue
            with self._lock:
                if self._mode == "running" and not self.board.running:
                    self._flush_output()
                    self._to_friendly()  # the program ended (or failed): the REPL takes over
            time.sleep(0.05)

    def _flush_output(self) -> None:
        for line in self.board.collect():
            self._send(line + b"\r\n")

    def _to_friendly(self) -> None:
        self._mode = "friendly"
        self._line.clear()
        self._send(BANNER.get(self.board.version, BANNER[V1]))

    # ---- what arrives on the line ------------------------------------------------------
    def _byte(self, byte: int) -> None:
        with self._lock:
            mode = self._mode
            if mode == "running":
                self._while_running(byte)
            elif mode == "friendly":
                self._at_prompt(byte)
            elif mode == "raw":
                self._in_raw(byte)
            elif byte == CTRL_C:  # exec: stop the code that runs
                self.board.write(b"\x03")

    def _while_running(self, byte: int) -> None:
        if byte == CTRL_C:
            self.board.write(b"\x03")  # stops the program; it prints KeyboardInterrupt
            self._flush_output()
            self._to_friendly()
        elif byte == CTRL_D:
            self._soft_reboot()
        else:
            self.board.write(bytes([byte]))  # input() reads it

    def _soft_reboot(self) -> None:
        self._send(b"soft reboot\r\n")
        self._mode = "running"
        self.board.run_main()

    def _at_prompt(self, byte: int) -> None:
        if byte == CTRL_D:
            self._soft_reboot()
        elif byte == CTRL_A:
            self._mode = "raw"
            self._line.clear()
            self._send(b"\r\n" + RAW_PROMPT)
        elif byte == CTRL_B:
            self._to_friendly()
        elif byte == CTRL_C:
            self._line.clear()
            self._send(b"\r\n>>> ")
        elif byte in (8, 127):
            if self._line:
                del self._line[-1:]
                self._send(b"\x08 \x08")
        elif byte == 13:
            line, self._line = self._line.decode("utf-8", "replace"), bytearray()
            self._send(b"\r\n")
            if line.strip():
                self._start_exec(_friendly_code(line), raw=False)
            else:
                self._send(b">>> ")
        elif byte >= 32 or byte == 9:
            self._line.append(byte)
            self._send(bytes([byte]))

    def _in_raw(self, byte: int) -> None:
        if byte == CTRL_B:
            self._send(b"\r\n")
            self._to_friendly()
        elif byte == CTRL_A:
            self._line.clear()
            self._send(b"\r\n" + RAW_PROMPT)
        elif byte == CTRL_C:
            self._line.clear()
        elif byte == CTRL_D:
            code, self._line = self._line.decode("utf-8", "replace"), bytearray()
            if not code:
                self._send(b"OK\r\nsoft reboot\r\n" + RAW_PROMPT)
                return
            self._send(b"OK")
            self._start_exec(code, raw=True)
        else:
            self._line.append(byte)

    def _start_exec(self, code: str, raw: bool) -> None:
        self._mode = "exec"
        threading.Thread(target=self._exec, args=(code, raw), daemon=True,
                         name="simport-exec-" + self.board.name).start()

    def _exec(self, code: str, raw: bool) -> None:
        error = ""
        try:
            out = self.board.exec(code, timeout=EXEC_TIMEOUT_S)
        except BoardCodeError as err:
            out, error = "", err.traceback_text
        except KitError as err:
            out, error = "", "{}\n".format(err)
        crlf = _crlf(out)
        with self._lock:
            if raw:
                self._send(crlf + b"\x04" + _crlf(error) + b"\x04>")
                self._mode = "raw"
            else:
                self._send(crlf + _crlf(error) + b">>> ")
                self._mode = "friendly"


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _friendly_code(line: str) -> str:
    """What a line typed at `>>> ` runs: an expression's value is printed, as the REPL does."""
    try:
        compile(line, "<stdin>", "eval")
    except SyntaxError:
        return line
    return "_ = ({})\nif _ is not None:\n    print(repr(_))\n".format(line)
