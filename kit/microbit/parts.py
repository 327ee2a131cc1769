"""The parts of a micro:bit as host objects: display, buttons, sensors, pins.

Each method is one agent call (kit.microbit.session). Methods whose result a program never
uses (display and pin writes) do not wait for the board (wait=False) and may be batched.
Arguments the board would reject are checked here first, with the board's own message, so
the error points at the right line of the pupil's program instead of a later call.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kit.i18n import gettext as _
from kit.errors import TransportError
from kit.microbit.session import DEFAULT_TIMEOUT_S

if TYPE_CHECKING:
    from kit.microbit.board_api import MicroBit

FOREVER_S = 24 * 3600.0  # loop=True with wait=True never returns on the board either


def _animation_s(steps: int, delay_ms: float) -> float:
    """A generous bound for an animation: QEMU under load draws a column in 6-20 ms at best."""
    return DEFAULT_TIMEOUT_S + 3 * steps * max(float(delay_ms), 20.0) / 1000


def to_int(value: object, what: str) -> int:
    """A board reply that must be a number, as int; a clear error instead of int()'s TypeError."""
    if isinstance(value, (int, float)):
        return int(value)
    raise TransportError(_("{call} answered {value!r}, not a number").format(
        call=what, value=value)[:200])


class Part:
    """Something on one board, addressed by its source there (e.g. 'm.display')."""

    def __init__(self, microbit: MicroBit, source: str) -> None:
        self._mb = microbit
        self._source = source

    def board_source(self) -> str:
        return self._source

    def _call(self, method: str, *args: object, wait: bool = True,
              timeout: float = DEFAULT_TIMEOUT_S,
              kwargs: dict[str, object] | None = None) -> object:
        """Call method on the board; `wait` is the host's (wait for the reply), not the board's."""
        kwargs = kwargs or {}
        name = self._source.removeprefix("m.")
        what = "{}.{}({})".format(name, method, ", ".join(
            [repr(a) for a in args] + ["{}={!r}".format(k, v) for k, v in kwargs.items()]))
        return self._mb._session_call("{}.{}".format(self._source, method), args, kwargs,
                                      wait=wait, timeout=timeout, what=what)

    def _call_int(self, method: str, *args: object) -> int:
        """Call a method whose board answer is a number."""
        return to_int(self._call(method, *args), "{}.{}".format(self._source, method))

    def __repr__(self) -> str:
        return "<{} on {}>".format(self._source.removeprefix("m."), self._mb.name)


def _check_xy(x: object, y: object) -> None:
    if not (isinstance(x, int) and isinstance(y, int) and 0 <= x < 5 and 0 <= y < 5):
        raise ValueError("index out of bounds")


class Display(Part):
    """The 5x5 LED display (and its light sensor)."""

    def set_pixel(self, x: int, y: int, value: int) -> None:
        _check_xy(x, y)
        if not (isinstance(value, int) and 0 <= value <= 9):
            raise ValueError("brightness out of bounds")
        self._call("set_pixel", x, y, value, wait=False)

    def get_pixel(self, x: int, y: int) -> int:
        _check_xy(x, y)
        return self._call_int("get_pixel", x, y)

    def clear(self) -> None:
        self._call("clear", wait=False)

    def show(self, value: object, delay: int = 400, *, wait: bool = True, loop: bool = False,
             clear: bool = False) -> None:
        """Show an Image, a number, a text (letter by letter) or a list of images."""
        if isinstance(value, (list, tuple)):
            value = list(value)
        frames = len(value) if isinstance(value, (list, str)) else 1
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            frames = len(str(value))
        timeout = FOREVER_S if loop and wait else _animation_s(frames, delay)
        kwargs: dict[str, object] = {}
        if delay != 400:
            kwargs["delay"] = delay
        for key, given in (("wait", wait), ("loop", loop), ("clear", clear)):
            if given != (key == "wait"):
                kwargs[key] = given
        # An animation blocks the board's program; here too, so the pupil's timing holds.
        self._call("show", value, wait=wait and frames > 1, timeout=timeout, kwargs=kwargs)

    def scroll(self, text: object, delay: int = 150, *, wait: bool = True, loop: bool = False,
               monospace: bool = False) -> None:
        """Scroll a text (or number) across the display."""
        if not isinstance(text, (str, int, float)):
            text = str(text)
        columns = 6 * len(str(text)) + 5
        timeout = FOREVER_S if loop and wait else _animation_s(columns, delay)
        kwargs: dict[str, object] = {}
        if delay != 150:
            kwargs["delay"] = delay
        for key, given in (("wait", wait), ("loop", loop), ("monospace", monospace)):
            if given != (key == "wait"):
                kwargs[key] = given
        self._call("scroll", text, wait=wait, timeout=timeout, kwargs=kwargs)

    def on(self) -> None:
        self._call("on", wait=False)

    def off(self) -> None:
        self._call("off", wait=False)

    def is_on(self) -> bool:
        return bool(self._call("is_on"))

    def read_light_level(self) -> int:
        return self._call_int("read_light_level")


class Button(Part):
    """Button A or B."""

    def is_pressed(self) -> bool:
        return bool(self._call("is_pressed"))

    def was_pressed(self) -> bool:
        return bool(self._call("was_pressed"))

    def get_presses(self) -> int:
        return self._call_int("get_presses")


class Accelerometer(Part):
    """Acceleration in milli-g along x, y, z, and gestures ('shake', 'face up', ...)."""

    def get_x(self) -> int:
        return self._call_int("get_x")

    def get_y(self) -> int:
        return self._call_int("get_y")

    def get_z(self) -> int:
        return self._call_int("get_z")

    def get_values(self) -> tuple[int, int, int]:
        return tuple(self._call("get_values"))  # type: ignore[arg-type, return-value]

    def current_gesture(self) -> str:
        return str(self._call("current_gesture"))

    def is_gesture(self, name: str) -> bool:
        return bool(self._call("is_gesture", name))

    def was_gesture(self, name: str) -> bool:
        return bool(self._call("was_gesture", name))

    def get_gestures(self) -> tuple[str, ...]:
        return tuple(self._call("get_gestures"))  # type: ignore[arg-type]


class Compass(Part):
    """The magnetometer. QEMU does not emulate it (the board stops answering there)."""

    def _c(self, method: str, *args: object) -> object:
        self._mb._require_real_sensor("compass.{}()".format(method))
        return self._call(method, *args, timeout=FOREVER_S if method == "calibrate" else 10.0)

    def calibrate(self) -> None:
        self._c("calibrate")

    def is_calibrated(self) -> bool:
        return bool(self._c("is_calibrated"))

    def clear_calibration(self) -> None:
        self._c("clear_calibration")

    def heading(self) -> int:
        return to_int(self._c("heading"), "compass.heading")

    def get_x(self) -> int:
        return to_int(self._c("get_x"), "compass.get_x")

    def get_y(self) -> int:
        return to_int(self._c("get_y"), "compass.get_y")

    def get_z(self) -> int:
        return to_int(self._c("get_z"), "compass.get_z")

    def get_field_strength(self) -> int:
        return to_int(self._c("get_field_strength"), "compass.get_field_strength")


class Pin(Part):
    """An edge-connector pin (pin0 ... pin20)."""

    NO_PULL, PULL_DOWN, PULL_UP = 0, 1, 3  # nRF GPIO pull values, as the board has them

    def write_digital(self, value: int) -> None:
        self._call("write_digital", int(value), wait=False)

    def read_digital(self) -> int:
        return self._call_int("read_digital")

    def write_analog(self, value: int) -> None:
        self._call("write_analog", int(value), wait=False)

    def read_analog(self) -> int:
        return self._call_int("read_analog")

    def set_analog_period(self, period_ms: int) -> None:
        self._call("set_analog_period", int(period_ms), wait=False)

    def set_analog_period_microseconds(self, period_us: int) -> None:
        self._call("set_analog_period_microseconds", int(period_us), wait=False)

    def is_touched(self) -> bool:
        return bool(self._call("is_touched"))

    def set_pull(self, value: int) -> None:
        self._call("set_pull", int(value), wait=False)

    def get_pull(self) -> int:
        return self._call_int("get_pull")

    def get_mode(self) -> str:
        return str(self._call("get_mode"))

    def set_touch_mode(self, value: int) -> None:
        self._mb._require_v2("{}.set_touch_mode()".format(self._source.removeprefix("m.")))
        self._call("set_touch_mode", value, wait=False)


class V2Part(Part):
    """A part only the micro:bit V2 has: every method first checks the board's version."""

    def _v2(self, method: str, *args: object, wait: bool = True) -> object:
        self._mb._require_v2("{}.{}()".format(self._source.removeprefix("m."), method))
        return self._call(method, *args, wait=wait)


class Microphone(V2Part):
    """The V2 microphone: sound level 0-255 and 'loud'/'quiet' events."""

    def sound_level(self) -> int:
        return to_int(self._v2("sound_level"), "microphone.sound_level")

    def current_event(self) -> object:
        return self._v2("current_event")

    def was_event(self, event: object) -> bool:
        return bool(self._v2("was_event", event))

    def is_event(self, event: object) -> bool:
        return bool(self._v2("is_event", event))

    def set_threshold(self, event: object, value: int) -> None:
        self._v2("set_threshold", event, value, wait=False)


class Speaker(V2Part):
    """The V2 built-in speaker."""

    def on(self) -> None:
        self._v2("on", wait=False)

    def off(self) -> None:
        self._v2("off", wait=False)

    def is_on(self) -> bool:
        return bool(self._v2("is_on"))


class LogoPin(V2Part):
    """The V2 touch-sensitive logo."""

    def is_touched(self) -> bool:
        return bool(self._v2("is_touched"))

    def set_touch_mode(self, value: int) -> None:
        self._v2("set_touch_mode", value, wait=False)

