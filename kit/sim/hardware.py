"""The simulated board's hardware, as micro:bit MicroPython programs see it.

Every object reads its values from the board's scenario at the current simulated time, and
every sensor or clock call costs a little simulated time (`Runtime.tick`), so a program that
polls in a tight loop (counting reed-switch pulses, waiting for a button) still sees time pass.
"""
from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING

from kit.i18n import gettext as _
from kit.sim.errors import SimulatorError
from kit.sim.firmware_v1 import FONT
from kit.sim.images import Image

if TYPE_CHECKING:
    from kit.sim.runtime import Runtime

GESTURES = ("up", "down", "left", "right", "face up", "face down", "freefall", "3g", "6g", "8g",
            "shake")
SCROLL_COLUMNS_PER_CHAR = 6  # 5 columns of glyph plus a gap


class Button:
    """button_a / button_b: presses are (start, end) intervals in simulated µs."""

    def __init__(self, rt: Runtime, name: str) -> None:
        self._rt = rt
        self.name = name
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._was_seen = -1
        self._count_seen = -1

    def schedule(self, at_us: int, hold_us: int) -> None:
        """Press at at_us and release hold_us later (host side)."""
        i = bisect.bisect(self._starts, at_us)
        self._starts.insert(i, at_us)
        self._ends.insert(i, at_us + hold_us)

    def is_pressed(self) -> bool:
        now = self._rt.tick()
        i = bisect.bisect_right(self._starts, now)
        return any(self._ends[j] > now for j in range(max(0, i - 3), i))

    def _since(self, seen: int, now: int) -> int:
        return bisect.bisect_right(self._starts, now) - bisect.bisect_right(self._starts, seen)

    def was_pressed(self) -> bool:
        now = self._rt.tick()
        pressed = self._since(self._was_seen, now) > 0
        self._was_seen = now
        return pressed

    def get_presses(self) -> int:
        now = self._rt.tick()
        count = self._since(self._count_seen, now)
        self._count_seen = now
        return count


class Switchable:
    """on() / off() / is_on(), as the display and the V2 speaker have (nothing else changes)."""

    _on = True

    def on(self) -> None:
        self._on = True

    def off(self) -> None:
        self._on = False

    def is_on(self) -> bool:
        return self._on


class Display(Switchable):
    """The 5×5 LED display; text and images are kept so a host can render them."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._pixels = [[0] * 5 for _row in range(5)]
        self.text = ""  # text being shown or scrolled, "" when showing pixels
        self._light_reads = 0

    def _changed(self) -> None:
        self._rt.display_changed(self)

    def rows(self) -> list[list[int]]:
        return [list(r) for r in self._pixels]

    def _set_image(self, image: Image) -> None:
        rows = image.pixel_rows()
        self._pixels = [[rows[y][x] if y < len(rows) and x < len(rows[y]) else 0
                         for x in range(5)] for y in range(5)]
        self.text = ""
        self._changed()

    def show(self, value: object, delay: int = 400, *, wait: bool = True, loop: bool = False,
             clear: bool = False) -> None:
        self._rt.tick()
        if isinstance(value, Image):
            self._set_image(value)
            return
        if isinstance(value, (int, float)):
            value = str(value)
        if isinstance(value, str):
            self.text = value
            for char in value if wait and not loop else value[-1:]:
                self._show_char(char)
                if wait and len(value) > 1 and not loop:
                    self._rt.sleep_us(int(delay * 1000))
        else:
            for frame in list(value):  # type: ignore[call-overload]
                self._set_image(frame) if isinstance(frame, Image) else self.show(frame, delay)
                if wait:
                    self._rt.sleep_us(int(delay * 1000))
        if clear:
            self.clear()

    def _show_char(self, char: str) -> None:
        """One character of the board's 5x5 font (read from V1 1.1.1, kit/sim/firmware_v1.py)."""
        glyph = FONT.get(char, FONT["?"])
        self._pixels = [[int(glyph[y * 5 + x]) for x in range(5)] for y in range(5)]
        self._changed()

    def scroll(self, value: object, delay: int = 150, *, wait: bool = True, loop: bool = False,
               monospace: bool = False) -> None:
        self._rt.tick()
        self.text = str(value)
        self._changed()
        if wait and not loop:
            columns = SCROLL_COLUMNS_PER_CHAR * len(self.text) + 5
            self._rt.sleep_us(int(delay * 1000 * columns))
            self.clear()

    def clear(self) -> None:
        self._pixels = [[0] * 5 for _row in range(5)]
        self.text = ""
        self._changed()

    def set_pixel(self, x: int, y: int, value: int) -> None:
        if not (0 <= x < 5 and 0 <= y < 5):
            raise ValueError("index out of bounds")
        if not 0 <= value <= 9:
            raise ValueError("brightness out of bounds")
        self.text = ""
        self._pixels[y][x] = int(value)
        self._changed()

    def __dir__(self) -> list[str]:
        return ["get_pixel", "set_pixel", "show", "scroll", "clear", "on", "off", "is_on",
                "read_light_level"]

    def get_pixel(self, x: int, y: int) -> int:
        if not (0 <= x < 5 and 0 <= y < 5):
            raise ValueError("index out of bounds")
        return self._pixels[y][x]

    def read_light_level(self) -> int:
        self._rt.tick()
        self._light_reads += 1
        if self._light_reads == 1:
            return 0  # like the real board: the LEDs must first switch to sensing
        return _clamp(self._rt.scenario.light(self._rt.t()), 0, 255)


def _clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


class Accelerometer:
    """Readings in milli-g from the scenario; gestures scripted by the host override them."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._gestures: list[tuple[int, int, str]] = []  # (start µs, end µs, name)
        self._seen: list[str] = []
        self._last = ""

    def schedule(self, name: str, at_us: int, duration_us: int) -> None:
        if name not in GESTURES:
            raise SimulatorError(_("unknown gesture {name!r}; known: {known}").format(
                name=name, known=", ".join(GESTURES)))
        self._gestures.append((at_us, at_us + duration_us, name))

    def _scripted(self, now: int) -> str | None:
        for start, end, name in self._gestures:
            if start <= now < end:
                return name
        return None

    def get_values(self) -> tuple[int, int, int]:
        now = self._rt.tick()
        gesture = self._scripted(now)
        x, y, z = self._rt.scenario.accel(now / 1e6)
        fixed = {"face down": (0, 0, 1024), "face up": (0, 0, -1024), "freefall": (0, 0, 0),
                 "up": (0, -1024, 0), "down": (0, 1024, 0), "left": (-1024, 0, 0),
                 "right": (1024, 0, 0)}
        if gesture in fixed:
            x, y, z = fixed[gesture]
        elif gesture == "shake":
            x += 1800 * math.sin(now / 1e6 * 2 * math.pi * 6)
        elif gesture in ("3g", "6g", "8g"):
            z = -1000 * int(gesture[0])
        return (_clamp(x, -2048, 2047), _clamp(y, -2048, 2047), _clamp(z, -2048, 2047))

    def get_x(self) -> int:
        return self.get_values()[0]

    def get_y(self) -> int:
        return self.get_values()[1]

    def get_z(self) -> int:
        return self.get_values()[2]

    def get_strength(self) -> int:
        x, y, z = self.get_values()
        return int(math.sqrt(x * x + y * y + z * z))

    def set_range(self, value: int) -> None:
        self._rt.tick()

    def current_gesture(self) -> str:
        x, y, z = self.get_values()
        gesture = self._scripted(self._rt.scheduler.now) or self._derive(x, y, z)
        if gesture != self._last and gesture:
            self._seen.append(gesture)
        self._last = gesture
        return gesture

    @staticmethod
    def _derive(x: int, y: int, z: int) -> str:
        if x * x + y * y + z * z < 400 * 400:
            return "freefall"
        axis = max((abs(x), "x"), (abs(y), "y"), (abs(z), "z"))[1]
        if axis == "z":
            return "face up" if z < 0 else "face down"
        if axis == "y":
            return "up" if y < 0 else "down"
        return "left" if x < 0 else "right"

    def is_gesture(self, name: str) -> bool:
        return self.current_gesture() == name

    def was_gesture(self, name: str) -> bool:
        self.current_gesture()
        found = name in self._seen
        self._seen = [g for g in self._seen if g != name]
        return found

    def get_gestures(self) -> tuple[str, ...]:
        self.current_gesture()
        seen, self._seen = tuple(self._seen), []
        return seen


class Compass:
    """Magnetometer in nT from the scenario (always calibrated in the simulator)."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt

    def _field(self) -> tuple[float, float, float]:
        return self._rt.scenario.field(self._rt.t(tick=True))

    def calibrate(self) -> None:
        self._rt.sleep_us(2_000_000)

    def is_calibrated(self) -> bool:
        return True

    def clear_calibration(self) -> None:
        pass

    def get_x(self) -> int:
        return int(self._field()[0])

    def get_y(self) -> int:
        return int(self._field()[1])

    def get_z(self) -> int:
        return int(self._field()[2])

    def heading(self) -> int:
        x, y, _z = self._field()
        return int(math.degrees(math.atan2(x, y))) % 360

    def get_field_strength(self) -> int:
        x, y, z = self._field()
        return int(math.sqrt(x * x + y * y + z * z))
