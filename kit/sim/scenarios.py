"""Sensor scenarios: what the simulated sensors read, as functions of simulated time.

One scenario per lesson experiment (names in lessons/README.md). Values are plausible for a
classroom, with noise from a seeded hash of (seed, board index, quantity, time step), so a run
is reproducible whatever order the program reads its sensors in. Multi-board scenarios
(greenhouse, weather) differ by board index. A scenario may also script what the pupil does
(`presses`: press A for a new spot, B for cycling, ...), so button-driven firmware produces data.
"""
from __future__ import annotations

import math

from kit.i18n import gettext as _
from kit.sim.errors import SimulatorError

T0_HOUR = 8.0  # simulated time 0 is 08:00, the start of a school day


def _mix(*values: int) -> float:
    """A reproducible pseudo-random number in [0, 1) from integers.

    Python hashes tuples of ints the same way in every run (only str hashing is salted), and
    one multiply spreads the bits; this is called for every sensor reading, so it must be cheap.
    """
    return (hash(values) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF) / 18446744073709551616.0


class Scenario:
    """Calm: sensors at rest on a table, values close to what QEMU's virtual board gives."""

    name = "calm"
    presses: tuple[tuple[str, float], ...] = ()  # (button, time in s) the pupil presses

    def __init__(self, seed: int = 0, index: int = 0) -> None:
        self.seed = seed
        self.index = index

    def noise(self, key: int, t: float, step: float = 1.0) -> float:
        """Noise in [-1, 1], constant within each `step` seconds."""
        return 2.0 * _mix(self.seed, self.index, key, int(t // step)) - 1.0

    def smooth(self, key: int, t: float, step: float) -> float:
        """Noise in [-1, 1] interpolated between steps (gusts, clouds)."""
        k, f = divmod(t / step, 1.0)
        a = 2.0 * _mix(self.seed, self.index, key, int(k)) - 1.0
        b = 2.0 * _mix(self.seed, self.index, key, int(k) + 1) - 1.0
        return a + (b - a) * (3 * f * f - 2 * f * f * f)

    # quantities (override what the experiment changes)
    def temperature(self, t: float) -> float:
        return 21.0 + 0.3 * self.noise(1, t, 5)

    def light(self, t: float) -> float:
        return 60 + 3 * self.noise(2, t)

    def accel(self, t: float) -> tuple[float, float, float]:
        jitter = (8 * self.noise(k, t, 0.1) for k in (3, 4, 5))
        x, y, z = jitter
        return (x, y, -1024 + z)

    def field(self, t: float) -> tuple[float, float, float]:
        """Magnetic field in nT (the Earth's field, ~50 000 nT, plus noise)."""
        n = 300 * self.noise(6, t, 0.5)
        return (17000 + n, 3000 - n, -46000 + n)

    def sound(self, t: float) -> float:
        return 12 + 4 * self.noise(7, t, 0.2)

    def digital(self, pin: int, t: float) -> int | None:
        """0/1 when something drives the pin, None when it floats (the pull decides)."""
        return None

    def analog(self, pin: int, t: float, powered: bool) -> float | None:
        """0-1023 when a sensor is wired to the pin, None when it floats."""
        return None


class Cooling(Scenario):
    """A warm cup (45 °C, the most the afkoeling lesson allows) cooling toward the room
    (21 °C), time constant 20 minutes."""

    name = "cooling"

    def temperature(self, t: float) -> float:
        return 21.0 + 24.0 * math.exp(-t / 1200.0) + 0.3 * self.noise(1, t, 5)

    def light(self, t: float) -> float:
        return 120 + 5 * self.noise(2, t)


class Heatmap(Scenario):
    """A new spot in the schoolyard every 2 minutes (the pupil presses A), each its own climate."""

    name = "heatmap"
    SPOT_S = 120.0
    presses = tuple(("A", 120.0 * k) for k in range(1, 60))

    def _spot(self, t: float, key: int) -> float:
        k, f = divmod(t / self.SPOT_S, 1.0)
        now, before = _mix(self.seed, key, int(k)), _mix(self.seed, key, int(k) - 1)
        settle = 1 - math.exp(-f * self.SPOT_S / 20.0)  # the sensor takes time to follow
        return before + (now - before) * settle

    def temperature(self, t: float) -> float:
        return 12 + 14 * self._spot(t, 11) + 0.3 * self.noise(1, t, 5)

    def light(self, t: float) -> float:
        return 20 + 220 * self._spot(t, 12) + 4 * self.noise(2, t)


class Greenhouse(Scenario):
    """Two jars under a lamp switched on after 1 minute; board 1 (covered jar) warms more."""

    name = "greenhouse"
    LAMP_AT = 60.0

    def temperature(self, t: float) -> float:
        rise = 9.0 if self.index % 2 == 0 else 16.0
        on = max(0.0, t - self.LAMP_AT)
        return 20.0 + rise * (1 - math.exp(-on / 700.0)) + 0.3 * self.noise(1, t, 5)

    def light(self, t: float) -> float:
        return (45 if t < self.LAMP_AT else 215) + 5 * self.noise(2, t)


def daylight(hour: float) -> float:
    """Sunlight 0-1 over a day (October in Lemvig: sunrise ~8, sunset ~18)."""
    return max(0.0, math.sin(math.pi * (hour - 8.0) / 10.0))


class Daylight(Scenario):
    """A classroom over a school day (08-15): daylight with clouds, ceiling lights on/off."""

    name = "daylight"

    def light(self, t: float) -> float:
        hour = T0_HOUR + t / 3600.0
        sun = 170 * daylight(hour) * (0.75 + 0.25 * self.smooth(2, t, 300))
        lights_on = not (11.5 <= hour < 12.0) and hour < 15.0
        return min(255.0, 15 + sun + (60 if lights_on else 0) + 3 * self.noise(3, t))

    def temperature(self, t: float) -> float:
        hour = T0_HOUR + t / 3600.0
        return 19.5 + 3.0 * daylight(hour) + 0.3 * self.noise(1, t, 5)


class Wind(Scenario):
    """Gusty wind: a reed switch on pin 0 closes once per turn of the cups (FACTOR 0.67)."""

    name = "wind"
    M_PER_S_PER_HZ = 0.67
    CLOSED_FRACTION = 0.3

    def __init__(self, seed: int = 0, index: int = 0) -> None:
        super().__init__(seed, index)
        self._turns = [0.0]  # cups' turns at the start of each second
        self._rates: list[float] = []  # turns per second during each second

    def speed(self, t: float) -> float:
        """Wind speed in m/s: a slow swell plus gusts."""
        base = 5.0 + 2.0 * math.sin(2 * math.pi * t / 900.0)
        return max(0.0, base + 2.5 * self.smooth(20, t, 4.0))

    def _turns_at(self, t: float) -> float:
        second = int(t)
        rates, turns = self._rates, self._turns
        while len(rates) <= second:
            rates.append(self.speed(len(rates)) / self.M_PER_S_PER_HZ)
            turns.append(turns[-1] + rates[-1])
        return turns[second] + (t - second) * rates[second]

    def digital(self, pin: int, t: float) -> int | None:
        if pin != 0:
            return None
        closed = self._turns_at(t) % 1.0 < self.CLOSED_FRACTION
        return 0 if closed else None  # the closed switch pulls the pin to GND

    def temperature(self, t: float) -> float:
        return 9.0 + 0.4 * self.noise(1, t, 5)


class Noise(Scenario):
    """A street: background hum with a passing car every 30-90 s and voices now and then."""

    name = "noise"

    def sound(self, t: float) -> float:
        level = 30 + 6 * self.smooth(7, t, 2.0)
        k = int(t // 60)
        for slot in (k - 1, k):  # a car per minute-slot, at a random moment in it
            at = slot * 60 + 60 * _mix(self.seed, self.index, 71, slot)
            loud = 120 + 100 * _mix(self.seed, self.index, 72, slot)
            level = max(level, loud * math.exp(-((t - at) / 3.0) ** 2))
        return min(255.0, max(0.0, level + 5 * self.noise(8, t, 0.1)))


class Soil(Scenario):
    """Soil drying out (pin 0, 0-1023) and watered every 45 minutes."""

    name = "soil"
    WATER_EVERY_S = 2700.0

    def analog(self, pin: int, t: float, powered: bool) -> float | None:
        if pin != 0:
            return None
        if not powered:
            return 3 + 3 * self.noise(9, t)
        since = t % self.WATER_EVERY_S
        return 780 * math.exp(-since / 2400.0) + 60 + 8 * self.noise(9, t)


class Flood(Scenario):
    """Water rising in a tray; pins 0, 1, 2 at 1, 2 and 3 cm conduct once the water reaches them."""

    name = "flood"
    RISE_CM_PER_S = 3.6 / 1800.0

    def level_cm(self, t: float) -> float:
        return max(0.0, t * self.RISE_CM_PER_S + 0.15 * self.smooth(30, t, 5.0))

    def _wet(self, pin: int, t: float) -> bool:
        return pin in (0, 1, 2) and self.level_cm(t) >= pin + 1

    def analog(self, pin: int, t: float, powered: bool) -> float | None:
        if pin not in (0, 1, 2):
            return None
        if self._wet(pin, t):
            depth = self.level_cm(t) - (pin + 1)
            return min(1000.0, 520 + 120 * depth + 20 * self.noise(31 + pin, t))
        return 8 + 6 * self.noise(31 + pin, t)

    def digital(self, pin: int, t: float) -> int | None:
        return 1 if self._wet(pin, t) else None


class Window(Scenario):
    """A magnet on the window frame next to the board; the window opens now and then."""

    name = "window"
    OPEN = ((300.0, 600.0), (1200.0, 1380.0), (2100.0, 2700.0), (3300.0, 3420.0))

    def __init__(self, seed: int = 0, index: int = 0) -> None:
        super().__init__(seed, index)
        self._temps = [21.0]  # room temperature at the start of each 10 s

    def is_open(self, t: float) -> bool:
        t = t % 3600.0
        return any(a <= t < b for a, b in self.OPEN)

    def field(self, t: float) -> tuple[float, float, float]:
        x, y, z = super().field(t)
        if self.is_open(t):
            return x, y, z
        return x + 150000 + 2000 * self.noise(40, t), y + 20000, z  # the magnet is close

    def temperature(self, t: float) -> float:
        step = int(t // 10)
        while len(self._temps) <= step:
            s = len(self._temps) - 1
            toward, tau = (11.0, 400.0) if self.is_open(s * 10) else (21.0, 900.0)
            self._temps.append(self._temps[-1] + (toward - self._temps[-1]) * 10 / tau)
        return self._temps[step] + 0.3 * self.noise(1, t, 5)


class Weather(Scenario):
    """Outdoor boards around the school over a day; each place (board index) a little different."""

    name = "weather"

    def temperature(self, t: float) -> float:
        hour = T0_HOUR + t / 3600.0
        place = 1.5 * (_mix(self.seed, self.index, 50) - 0.5)
        day = 6.0 * math.sin(2 * math.pi * (hour - 9.0) / 24.0)
        return 9.0 + day + place + 0.8 * self.smooth(51, t, 600) + 0.3 * self.noise(1, t, 5)

    def light(self, t: float) -> float:
        hour = T0_HOUR + t / 3600.0
        clouds = 0.7 + 0.3 * self.smooth(52, t, 400)
        return min(255.0, 250 * daylight(hour) * clouds + 3 * self.noise(2, t))


class Steps(Scenario):
    """Walking (A) 10 min, standing 2 min, cycling (B) 13 min, walking: accelerometer peaks."""

    name = "steps"
    SEGMENTS = ((0.0, "walk"), (600.0, "stand"), (720.0, "cycle"), (1500.0, "walk"))
    presses = (("B", 720.0), ("A", 1500.0))

    def activity(self, t: float) -> str:
        current = "walk"
        for start, what in self.SEGMENTS:
            if t >= start:
                current = what
        return current

    def accel(self, t: float) -> tuple[float, float, float]:
        what = self.activity(t % 2400.0)
        hz, amp = {"walk": (1.8, 750.0), "cycle": (1.2, 480.0), "stand": (0.0, 0.0)}[what]
        mag = 1000.0 + amp * math.sin(2 * math.pi * hz * t) + 20 * self.noise(60, t, 0.02)
        return (0.25 * mag + 10 * self.noise(61, t, 0.05), 0.15 * mag, -0.95 * mag)


class Solar(Scenario):
    """A pupil tilts the board 0°, 10°, … 90° and back, pressing A at each angle (sun at 35°)."""

    name = "solar"
    STEP_S = 20.0
    SUN_ELEVATION = 35.0
    presses = tuple(("A", 20.0 * k + 10.0) for k in range(0, 180))

    def tilt_deg(self, t: float) -> float:
        k = int(t // self.STEP_S) % 18
        return 10.0 * (k if k <= 9 else 18 - k)

    def accel(self, t: float) -> tuple[float, float, float]:
        a = math.radians(self.tilt_deg(t))
        return (6 * self.noise(3, t, 0.1), 1024 * math.sin(a), -1024 * math.cos(a))

    def light(self, t: float) -> float:
        facing = math.cos(math.radians(self.tilt_deg(t) - (90.0 - self.SUN_ELEVATION)))
        return min(255.0, 30 + 200 * max(0.0, facing) + 4 * self.noise(2, t, 0.1))


class WrappedCup(Scenario):
    """One group's cup in the afkoeling class experiment: water at about 45 °C (what the lesson
    allows) in a 3 dl cup with a cardboard lid, cooling toward a 21 °C room. Each wrapping has
    its time constant; the values are plausible for such cups, not measured, and put the
    wrappings in the order classes usually find (no wrapping and foil cool fastest, the wool
    sock slowest). The teacher pours, so each cup starts a little differently."""

    name = "cooling-cup"
    TAU_S = 22 * 60.0
    ROOM_C = 21.0

    def temperature(self, t: float) -> float:
        start = 45.0 + 1.5 * (_mix(self.seed, 80, len(self.name)) - 0.5)
        return (self.ROOM_C + (start - self.ROOM_C) * math.exp(-t / self.TAU_S)
                + 0.3 * self.noise(1, t, 5))


def _wrapping(name: str, tau_min: float, what: str) -> type[WrappedCup]:
    return type(what, (WrappedCup,), {"name": name, "TAU_S": tau_min * 60.0,
                                      "__doc__": "A cup in {} (afkoeling).".format(what)})


# The six groups of `klimakit demo` (kit/demo.py), in the lesson's materials list.
CUP_SCENARIOS: tuple[type[WrappedCup], ...] = (
    WrappedCup, _wrapping("cooling-wool-sock", 62, "wool sock"),
    _wrapping("cooling-bubble-wrap", 50, "bubble wrap"),
    _wrapping("cooling-newspaper", 35, "newspaper"), _wrapping("cooling-foil", 27, "foil"),
    _wrapping("cooling-cup-in-cup", 42, "cup in a cup"))

_ALL: tuple[type[Scenario], ...] = (Scenario, Cooling, Heatmap, Greenhouse, Daylight, Wind,
                                    Noise, Soil, Flood, Window, Weather, Steps, Solar,
                                    *CUP_SCENARIOS)
SCENARIOS: dict[str, type[Scenario]] = {cls.name: cls for cls in _ALL}


def make_scenario(name: str, seed: int = 0, index: int = 0) -> Scenario:
    """Return the scenario `name` for board `index`; SimulatorError lists the known names."""
    try:
        cls = SCENARIOS[name or "calm"]
    except KeyError:
        raise SimulatorError(_("unknown simulator scenario {name!r}; known: {known}").format(
            name=name, known=", ".join(sorted(SCENARIOS)))) from None
    return cls(seed, index)
