"""Edge-connector pins, the V2 microphone and speaker of a simulated board.

Inputs come from the board's scenario at the current simulated time; what the program writes
to a pin is remembered (a soil sensor powered from a pin only reads while that pin is high).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kit.hardware import TOUCH_PINS
from kit.sim.hardware import Switchable, _clamp

if TYPE_CHECKING:
    from kit.sim.runtime import Runtime


class Pin:
    """An edge-connector pin: the scenario drives inputs; outputs are remembered."""

    NO_PULL, PULL_DOWN, PULL_UP = 0, 1, 2
    TOUCH_PINS = TOUCH_PINS

    def __init__(self, rt: Runtime, number: int) -> None:
        self._rt = rt
        self.number = number
        self._pull = self.PULL_DOWN
        self._mode = "unused"
        self.output: int | None = None
        self._touches: list[tuple[int, int]] = []

    def set_pull(self, pull: int) -> None:
        self._pull = pull

    def get_pull(self) -> int:
        return self._pull

    def get_mode(self) -> str:
        return self._mode

    def read_digital(self) -> int:
        t = self._rt.tick() / 1e6
        self._mode = "read_digital"
        if self.output is not None:
            return self.output
        value = self._rt.scenario.digital(self.number, t)
        if value is None:
            return 1 if self._pull == self.PULL_UP else 0
        return 1 if value else 0

    def write_digital(self, value: int) -> None:
        self._rt.tick()
        self._mode = "write_digital"
        self.output = 1 if value else 0

    def read_analog(self) -> int:
        t = self._rt.t(tick=True)
        self._mode = "read_analog"
        powered = self._rt.pins_powered()
        value = self._rt.scenario.analog(self.number, t, powered)
        if value is None:
            digital = self._rt.scenario.digital(self.number, t)
            if digital is not None:
                value = 1023 * digital
            else:
                floating = 1010 if self._pull == self.PULL_UP else 6
                value = floating + 5 * self._rt.scenario.noise(90 + self.number, t, 0.05)
        return _clamp(value, 0, 1023)

    def write_analog(self, value: int) -> None:
        self._rt.tick()
        if not 0 <= value <= 1023:
            raise ValueError("value must be between 0 and 1023")
        self._mode = "write_analog"
        self.output = 1 if value > 0 else 0

    def set_analog_period(self, period_ms: int) -> None:
        pass

    def set_analog_period_microseconds(self, period_us: int) -> None:
        pass

    def schedule_touch(self, at_us: int, duration_us: int) -> None:
        self._touches.append((at_us, at_us + duration_us))

    def is_touched(self) -> bool:
        now = self._rt.tick()
        if any(a <= now < b for a, b in self._touches):
            return True
        return self._rt.scenario.digital(self.number, now / 1e6) == 1  # e.g. water between pins

    def set_touch_mode(self, mode: int) -> None:
        pass


class Microphone:
    """The V2 microphone: sound level 0-255 from the scenario, LOUD/QUIET events."""

    def __init__(self, rt: Runtime, events: object) -> None:
        self._rt = rt
        self._events = events
        self._threshold = {"loud": 150, "quiet": 60}
        self._history: list[str] = []

    def sound_level(self) -> int:
        return _clamp(self._rt.scenario.sound(self._rt.t(tick=True)), 0, 255)

    def set_threshold(self, event: object, value: int) -> None:
        self._threshold[str(event)] = int(value)

    def current_event(self) -> object:
        level = self.sound_level()
        event = "loud" if level >= self._threshold["loud"] else "quiet"
        self._history.append(event)
        return getattr(self._events, event.upper())

    def is_event(self, event: object) -> bool:
        return self.current_event() is event

    def was_event(self, event: object) -> bool:
        self.current_event()
        found = any(getattr(self._events, e.upper()) is event for e in self._history)
        self._history = []
        return found

    def get_events(self) -> tuple[object, ...]:
        self.current_event()
        events = tuple(getattr(self._events, e.upper()) for e in self._history)
        self._history = []
        return events


class Speaker(Switchable):
    """The V2 speaker: on/off only (sound is not played on the PC)."""
