"""One connected micro:bit with the whole `microbit` surface: `MicroBit`, plus radio and music.

Several boards at once are several MicroBit objects (`kit.microbit.connect("gruppe-3")`),
each with its own agent session; nothing is shared between them.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from kit.i18n import N_
from kit.i18n import gettext as _
from kit.boards import Board
from kit.errors import UnsupportedCall
from kit.hardware import PIN_NUMBERS, V1, V2
from kit.microbit.image import Image
from kit.microbit.parts import (
    FOREVER_S, Accelerometer, Button, Compass, Display, LogoPin, Microphone, Part, Pin, Speaker,
    to_int,
)
from kit.microbit.session import AgentSession

# QEMU's micro:bit lacks these peripherals; MicroPython then waits forever (docs/qemu.md §10).
QEMU_HANGS = N_("temperature(), compass, radio.on() and speech")


class MicroBit:
    """A connected micro:bit: display, button_a/b, accelerometer, compass, pins, radio, music."""

    Image = Image

    def __init__(self, board: Board, *, owns_board: bool = False, pipeline: bool = True,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.board = board
        self._owns_board = owns_board
        self._session = AgentSession(board, pipeline=pipeline)
        self._sleep = sleep
        self._connected = False
        self.display = Display(self, "m.display")
        self.button_a = Button(self, "m.button_a")
        self.button_b = Button(self, "m.button_b")
        self.accelerometer = Accelerometer(self, "m.accelerometer")
        self.compass = Compass(self, "m.compass")
        self.microphone = Microphone(self, "m.microphone")
        self.speaker = Speaker(self, "m.speaker")
        self.pin_logo = LogoPin(self, "m.pin_logo")
        self.pins = {n: Pin(self, "m.pin{}".format(n)) for n in PIN_NUMBERS}
        for number, pin in self.pins.items():
            setattr(self, "pin{}".format(number), pin)
        self.radio = Radio(self)
        self.music = Music(self)

    # ---- connection -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.board.name

    @property
    def version(self) -> str:
        """'v1' or 'v2' as the agent found it on the board ('?' before connecting)."""
        return self._session.version

    @property
    def session(self) -> AgentSession:
        return self._session

    def connect(self) -> MicroBit:
        """Start the agent on the board (done by the first call if not done before)."""
        if not self._connected:
            self._session.start()
            self._connected = True
        return self

    def close(self) -> None:
        """Finish pending calls, stop the agent, release the port if we opened it."""
        try:
            if self._connected:
                self._connected = False
                self._session.close()
        finally:
            if self._owns_board:
                self.board.close()

    def interrupted(self) -> None:
        """Mark the line unusable after Ctrl-C landed mid-call; close() then resets the board."""
        self._session.mark_broken()

    def __enter__(self) -> MicroBit:
        return self.connect()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is KeyboardInterrupt:
            self.interrupted()
        self.close()

    def __repr__(self) -> str:
        return "<MicroBit {} {}>".format(self.name, self.version)

    def _session_call(self, target: str, args: tuple[object, ...], kwargs: dict[str, object], *,
                      wait: bool, timeout: float, what: str) -> object:
        self.connect()
        return self._session.call(target, args, kwargs, wait=wait, timeout=timeout, what=what)

    def _require_v2(self, call: str) -> None:
        self.connect()
        if self.version != V2:
            if self.version == V1:
                raise UnsupportedCall(_("{call} needs a micro:bit V2; {board} is a V1").format(
                    call=call, board=self.name))
            raise UnsupportedCall(_("{call} needs a micro:bit V2; {board} is a board of unknown "
                                    "version").format(call=call, board=self.name))

    def _require_real_sensor(self, call: str) -> None:
        from kit.boards import QemuBoard

        if isinstance(self.board, QemuBoard):
            raise UnsupportedCall(_(
                "{call} does not work on the virtual micro:bit {board}: QEMU does not emulate "
                "{parts}, and the board would stop answering. Use `klimakit run --sim` or a real "
                "micro:bit.").format(call=call, board=self.name, parts=_(QEMU_HANGS)))

    # ---- the functions of the microbit module ----------------------------------------------
    def sleep(self, ms: float) -> None:
        """Wait on the PC (no round trip); first make sure earlier calls have run."""
        if self._connected:
            self._session.sync()
        if ms > 0:
            self._sleep(ms / 1000)

    def running_time(self) -> int:
        """Milliseconds since the board started."""
        return to_int(self._session_call("m.running_time", (), {}, wait=True, timeout=10.0,
                                          what="running_time()"), "running_time()")

    def temperature(self) -> int:
        """The processor's temperature in °C."""
        self._require_real_sensor("temperature()")
        return to_int(self._session_call("m.temperature", (), {}, wait=True, timeout=10.0,
                                          what="temperature()"), "temperature()")

    def scale(self, value: float, from_: tuple[float, float], to: tuple[float, float]) -> float:
        """Map value from one range to another (V2's microbit.scale, done on the PC)."""
        (a, b), (c, d) = from_, to
        result = c + (value - a) * (d - c) / (b - a)
        return int(round(result)) if all(isinstance(v, int) for v in (c, d)) else result

    def set_volume(self, volume: int) -> None:
        self._require_v2("set_volume()")
        self._session_call("m.set_volume", (int(volume),), {}, wait=False, timeout=10.0,
                           what="set_volume()")

    def reset(self) -> None:
        raise UnsupportedCall(_("reset() would restart {board} and end the connection to the "
                                "PC; stop the program instead").format(board=self.name))

    def panic(self, code: int = 0) -> None:
        raise UnsupportedCall(_("panic({code}) would stop {board} and end the connection to the "
                                "PC").format(code=code, board=self.name))


class Radio:
    """The radio module of one board (import radio)."""

    RATE_1MBIT, RATE_2MBIT, RATE_250KBIT = 0, 1, 2  # as the nRF radio numbers them

    def __init__(self, microbit: MicroBit) -> None:
        self._mb = microbit

    def _call(self, method: str, *args: object, wait: bool = True,
              kwargs: dict[str, object] | None = None) -> object:
        self._mb.connect()
        self._mb.session.ensure_module("radio")
        return self._mb._session_call("radio." + method, args, kwargs or {}, wait=wait,
                                      timeout=10.0,
                                      what="radio.{}()".format(method))

    def on(self) -> None:
        self._mb._require_real_sensor("radio.on()")
        self._call("on")

    def off(self) -> None:
        self._call("off")

    def config(self, **kwargs: object) -> None:
        self._call("config", kwargs=kwargs)

    def reset(self) -> None:
        self._call("reset")

    def send(self, message: str) -> None:
        self._call("send", str(message), wait=False)

    def receive(self) -> str | None:
        value = self._call("receive")
        return None if value is None else str(value)

    def send_bytes(self, message: bytes) -> None:
        self._call("send_bytes", bytes(message), wait=False)

    def receive_bytes(self) -> bytes | None:
        value = self._call("receive_bytes")
        return None if value is None else bytes(value)  # type: ignore[call-overload]

    def receive_full(self) -> tuple[bytes, int, int] | None:
        return self._call("receive_full")  # type: ignore[return-value]


class Tune(Part):
    """A built-in tune such as music.BIRTHDAY (it stays on the board)."""


MUSIC_TUNES = ("DADADADUM", "ENTERTAINER", "PRELUDE", "ODE", "NYAN", "RINGTONE", "FUNK", "BLUES",
               "BIRTHDAY", "WEDDING", "FUNERAL", "PUNCHLINE", "PYTHON", "BADDY", "CHASE",
               "BA_DING", "WAWAWAWAA", "JUMP_UP", "JUMP_DOWN", "POWER_UP", "POWER_DOWN")


class Music:
    """The music module of one board (import music): tunes and tones on pin 0 / the speaker."""

    def __init__(self, microbit: MicroBit) -> None:
        self._mb = microbit
        for tune in MUSIC_TUNES:
            setattr(self, tune, Tune(microbit, "music." + tune))

    def _call(self, method: str, args: tuple[object, ...] = (),
              kwargs: dict[str, object] | None = None, *, wait: bool = True,
              timeout: float = 10.0) -> object:
        self._mb.connect()
        self._mb.session.ensure_module("music")
        given = {k: v for k, v in (kwargs or {}).items() if v is not None}
        return self._mb._session_call("music." + method, args, given, wait=wait,
                                      timeout=timeout, what="music.{}()".format(method))

    def play(self, music: object, pin: object = None, wait: bool = True,
             loop: bool = False) -> None:
        """Play a tune (a built-in like music.BIRTHDAY, or a list of notes like ['c4:4'])."""
        notes = 1 if isinstance(music, str) else len(music) if isinstance(music, list) else 40
        timeout = FOREVER_S if loop and wait else 10.0 + notes * 2.0
        board_kwargs = {"pin": pin, "wait": False if not wait else None, "loop": loop or None}
        self._call("play", (music,), board_kwargs, wait=wait, timeout=timeout)

    def pitch(self, frequency: int, duration: int = -1, pin: object = None,
              wait: bool = True) -> None:
        timeout = FOREVER_S if duration < 0 and wait else 10.0 + max(duration, 0) / 1000
        board_kwargs = {"pin": pin, "wait": False if not wait else None}
        self._call("pitch", (int(frequency), int(duration)), board_kwargs, wait=wait,
                   timeout=timeout)

    def stop(self, pin: object = None) -> None:
        self._call("stop", (pin,) if pin is not None else ())

    def reset(self) -> None:
        self._call("reset")

    def set_tempo(self, ticks: int | None = None, bpm: int | None = None) -> None:
        self._call("set_tempo", (), {"ticks": ticks, "bpm": bpm})

    def get_tempo(self) -> tuple[int, int]:
        return tuple(self._call("get_tempo"))  # type: ignore[arg-type, return-value]
