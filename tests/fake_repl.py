"""A micro:bit in memory that speaks the raw-REPL protocol, for host-API tests without QEMU.

The code the host sends (the real firmware/agent.py included) runs in CPython with fake
`microbit`, `radio`, `music` and `gc` modules, on a thread, exactly as the board would run it:
bytes in, bytes out, Ctrl-A/B/C/D handled like MicroPython does. The fake hardware is not what
is tested; the host API and the agent talking over the line are. It also does what QEMU
cannot: temperature, compass, radio, a V2 microphone, and being unplugged.
"""
from __future__ import annotations

import builtins
import threading
import traceback
from types import ModuleType
from typing import Any

from kit.boards import BoardIdentity, StreamBoard
from kit.microbit import Image


class _Display:
    def __init__(self) -> None:
        self.pixels = [[0] * 5 for _ in range(5)]
        self.texts: list[str] = []

    def set_pixel(self, x: int, y: int, v: int) -> None:
        if not (0 <= x < 5 and 0 <= y < 5):
            raise ValueError("index out of bounds")
        self.pixels[y][x] = v

    def get_pixel(self, x: int, y: int) -> int:
        if not (0 <= x < 5 and 0 <= y < 5):
            raise ValueError("index out of bounds")
        return self.pixels[y][x]

    def scroll(self, text: object, delay: int = 150, **_: object) -> None:
        self.texts.append(str(text))

    def show(self, value: object, delay: int = 400, **_: object) -> None:
        if isinstance(value, Image):
            self.pixels = [[value.get_pixel(x, y) for x in range(5)] for y in range(5)]
        else:
            self.texts.append(str(value))

    def clear(self) -> None:
        self.pixels = [[0] * 5 for _ in range(5)]

    def read_light_level(self) -> int:
        return 42


class FakeHardware:
    """What the fake board's sensors say and what its radio carries."""

    def __init__(self, version: int = 1) -> None:
        self.version = version
        self.display = _Display()
        self.radio_on = False
        self.radio_config: dict[str, object] = {}
        self.sent: list[str] = []
        self.inbox: list[str] = ["hej fra gruppe-2"]

    def modules(self) -> dict[str, ModuleType]:
        mb = ModuleType("microbit")
        mb.display = self.display  # type: ignore[attr-defined]
        mb.Image = Image  # type: ignore[attr-defined]
        mb.temperature = lambda: 21  # type: ignore[attr-defined]
        mb.running_time = lambda: 1234  # type: ignore[attr-defined]
        mb.compass = ModuleType("compass")  # type: ignore[attr-defined]
        mb.compass.heading = lambda: 90  # type: ignore[attr-defined]
        mb.button_a = ModuleType("button_a")  # type: ignore[attr-defined]
        mb.button_a.was_pressed = lambda: False  # type: ignore[attr-defined]
        if self.version == 2:
            mb.microphone = ModuleType("microphone")  # type: ignore[attr-defined]
            mb.microphone.sound_level = lambda: 77  # type: ignore[attr-defined]
        radio = ModuleType("radio")
        hw = self

        def send(message: str) -> None:
            if not hw.radio_on:
                raise ValueError("radio is not enabled")
            hw.sent.append(message)

        radio.on = lambda: setattr(hw, "radio_on", True)  # type: ignore[attr-defined]
        radio.off = lambda: setattr(hw, "radio_on", False)  # type: ignore[attr-defined]
        radio.config = lambda **kw: hw.radio_config.update(kw)  # type: ignore[attr-defined]
        radio.send = send  # type: ignore[attr-defined]
        radio.receive = lambda: hw.inbox.pop(0) if hw.inbox else None  # type: ignore[attr-defined]
        gc = ModuleType("gc")
        gc.collect = lambda: None  # type: ignore[attr-defined]
        gc.mem_free = lambda: 8000  # type: ignore[attr-defined]
        return {"microbit": mb, "radio": radio, "gc": gc}


class FakeSerial:
    """The byte stream of the fake board (the part of pyserial StreamBoard uses)."""

    def __init__(self, hardware: FakeHardware) -> None:
        self.hardware = hardware
        self.timeout: float | None = 1.0
        self._out = bytearray()
        self._cond = threading.Condition(threading.RLock())
        self._mode = "friendly"
        self._code = bytearray()
        self._stdin = bytearray()
        self._interrupt = False
        self._namespace: dict[str, Any] = {}
        self.unplugged = False
        self.garbage: bytes | None = None  # if set, answered instead of the next agent reply

    # -- pyserial surface --
    @property
    def in_waiting(self) -> int:
        self._check()
        return len(self._out)

    def read(self, size: int = 1) -> bytes:
        with self._cond:
            self._cond.wait_for(lambda: self._out or self.unplugged, timeout=self.timeout)
            self._check()
            data = bytes(self._out[:size])
            del self._out[:size]
            return data

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        raise NotImplementedError

    def reset_input_buffer(self) -> None:
        with self._cond:
            self._out.clear()

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> int:
        self._check()
        with self._cond:  # one byte at a time, in order with the end of a running exec
            for byte in data:
                self._byte(bytes([byte]))
        return len(data)

    def _check(self) -> None:
        if self.unplugged:
            raise OSError(5, "Input/output error (device unplugged)")

    # -- the board --
    def _emit(self, data: bytes) -> None:
        with self._cond:
            if self.garbage is not None and data.endswith(b"\r\n") and self._mode == "running" \
                    and not data.startswith(b"KA"):
                data, self.garbage = self.garbage, None
            self._out += data
            self._cond.notify_all()

    def _byte(self, b: bytes) -> None:
        if self._mode == "running":
            with self._cond:
                if b == b"\x03":
                    self._interrupt = True
                else:
                    self._stdin += b
                self._cond.notify_all()
        elif self._mode == "friendly":
            if b == b"\x01":
                self._mode = "raw"
                self._emit(b"raw REPL; CTRL-B to exit\r\n>")
            elif b == b"\x04":
                self._namespace = {}
                self._emit(b"soft reboot\r\n>>> ")
        elif b == b"\x02":
            self._mode = "friendly"
            self._emit(b"\r\nMicroPython fake\r\n>>> ")
        elif b == b"\x01":
            self._code.clear()
            self._emit(b"raw REPL; CTRL-B to exit\r\n>")
        elif b == b"\x04":
            if not self._code:
                self._namespace = {}
                self._emit(b"OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
                return
            code, self._code = self._code.decode(), bytearray()
            self._emit(b"OK")
            self._mode = "running"
            threading.Thread(target=self._run, args=(code,), daemon=True).start()
        elif b != b"\x03":
            self._code += b

    def _run(self, code: str) -> None:
        modules = self.hardware.modules()
        fake_builtins = dict(vars(builtins))
        fake_builtins["print"] = self._print
        fake_builtins["input"] = self._input
        fake_builtins["__import__"] = lambda name, *a, **k: modules[name]
        self._namespace.setdefault("__builtins__", fake_builtins)
        err = b""
        try:
            exec(code, self._namespace)
        except BaseException as exc:  # noqa: BLE001 - report like MicroPython does
            text = "Traceback (most recent call last):\n" + "".join(
                traceback.format_exception_only(type(exc), exc))
            err = text.replace("\n", "\r\n").encode()
        with self._cond:
            self._mode = "raw"
            self._emit(b"\x04" + err + b"\x04>")
            leftover, self._stdin = bytes(self._stdin), bytearray()
            for byte in leftover:  # typed ahead: the raw REPL reads it next, as on the board
                self._byte(bytes([byte]))

    def _print(self, *args: object, sep: str = " ", end: str = "\n") -> None:
        self._emit((sep.join(str(a) for a in args) + end).replace("\n", "\r\n").encode())

    def _input(self) -> str:
        with self._cond:
            self._cond.wait_for(lambda: b"\r" in self._stdin or self._interrupt or self.unplugged)
            if self._interrupt or self.unplugged:
                self._interrupt = False
                raise KeyboardInterrupt
            line, _, rest = bytes(self._stdin).partition(b"\r")
            self._stdin = bytearray(rest)
        self._emit(line + b"\r\n")
        return line.decode()


def fake_board(version: int = 1, name: str = "fake") -> tuple[StreamBoard, FakeSerial]:
    """A StreamBoard on a FakeSerial, and the fake (to reach its hardware or unplug it)."""
    stream = FakeSerial(FakeHardware(version))
    return StreamBoard(BoardIdentity(name, "9900fake", "?"), stream), stream
