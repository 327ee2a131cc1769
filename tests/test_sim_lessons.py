"""Every lesson's firmware runs in the simulator and its output is what the recorder accepts.

Picks up whatever lessons/ holds when the tests run: each lesson is run on its board version
(V1 when it supports both) with its experiment's scenario, for its planned duration (capped),
and its output must be a header with the experiment's fields followed by enough finite data
lines, no traceback, and values that make sense for the scenario.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from kit.lessons import Lesson, load_library
from kit.record import Data, Header, Raw, parse_line
from kit.sim import SimBoard

MAX_SIM_S = 3 * 3600.0
MIN_ROWS = 5
LESSONS = load_library()


Rows = list[tuple[float, ...]]


def column(lesson: Lesson, rows: Rows, *, unit: str = "", name: str = "") -> list[float]:
    """The values of the first field with this unit (or name)."""
    for i, f in enumerate(lesson.experiment.fields):
        if (unit and f.unit == unit) or (name and f.name == name):
            return [r[i] for r in rows]
    pytest.fail("{}: no field with unit {!r} / name {!r}".format(lesson.id, unit, name))


def check_cooling(lesson: Lesson, rows: Rows) -> None:
    temp = column(lesson, rows, unit="°C")
    assert temp[0] - temp[-1] >= 5, "the cup should cool down: {}".format(temp[::10])


def check_greenhouse(lesson: Lesson, rows: Rows) -> None:
    temp = column(lesson, rows, unit="°C")
    assert temp[-1] - temp[0] >= 3, "the jar should warm up under the lamp"


def check_light_changes(lesson: Lesson, rows: Rows) -> None:
    light = column(lesson, rows, unit="0-255")
    assert all(0 <= v <= 255 for v in light) and max(light) - min(light) >= 15


def check_wind(lesson: Lesson, rows: Rows) -> None:
    wind = column(lesson, rows, unit="m/s")
    assert 1 < sum(wind) / len(wind) < 15 and len(set(wind)) > 3


def check_noise(lesson: Lesson, rows: Rows) -> None:
    levels = [v for f, col in zip(lesson.experiment.fields, zip(*rows)) if f.unit == "0-255"
              for v in col]
    assert 100 < max(levels) <= 255, "passing cars should be loud now and then"


def check_soil(lesson: Lesson, rows: Rows) -> None:
    moisture = rows and [r[0] for r in rows]
    assert max(moisture) - min(moisture) > 100, "the soil should dry out and be watered"


def check_flood(lesson: Lesson, rows: Rows) -> None:
    level = [r[0] for r in rows]
    assert level[0] <= level[-1] and max(level) >= 2, "the water should rise"


def check_window(lesson: Lesson, rows: Rows) -> None:
    field = [r[0] for r in rows]
    assert max(field) > 1.5 * min(field), "opening the window moves the magnet away"
    temp = column(lesson, rows, unit="°C")
    assert max(temp) - min(temp) >= 3, "an open window cools the room"


def check_weather(lesson: Lesson, rows: Rows) -> None:
    temp = column(lesson, rows, unit="°C")
    assert all(-15 <= t <= 35 for t in temp)
    check_light_changes(lesson, rows)


def check_steps(lesson: Lesson, rows: Rows) -> None:
    assert max(r[0] for r in rows) > 50, "a walking pupil takes steps"


def check_solar(lesson: Lesson, rows: Rows) -> None:
    angle, light = [r[0] for r in rows], column(lesson, rows, unit="0-255")
    best = angle[light.index(max(light))]
    assert len(set(angle)) >= 5 and 30 <= best <= 80, "light should peak facing the sun"


def check_heatmap(lesson: Lesson, rows: Rows) -> None:
    spots = column(lesson, rows, unit="nr")
    assert len(set(spots)) >= 3, "the pupil moves to new spots"
    assert len(set(column(lesson, rows, unit="°C"))) >= 3


def check_nothing(lesson: Lesson, rows: Rows) -> None:
    pass


PLAUSIBLE: dict[str, Callable[[Lesson, Rows], None]] = {
    "cooling": check_cooling, "greenhouse": check_greenhouse, "daylight": check_light_changes,
    "wind": check_wind, "noise": check_noise, "soil": check_soil, "flood": check_flood,
    "window": check_window, "weather": check_weather, "steps": check_steps,
    "solar": check_solar, "heatmap": check_heatmap, "calm": check_nothing,
}


def run_lesson(lesson: Lesson) -> tuple[list[bytes], float]:
    board = SimBoard.from_lesson(lesson, seed=1)
    seconds = min(lesson.experiment.duration_min * 60, MAX_SIM_S)
    seconds = max(seconds, 30 * lesson.experiment.interval_s)
    try:
        board.run_for(seconds, timeout=120)
        return board.collect(), seconds
    finally:
        board.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_lesson_firmware_runs_in_the_simulator(lesson: Lesson) -> None:
    experiment = lesson.experiment
    lines, seconds = run_lesson(lesson)
    parsed = [parse_line(line) for line in lines]
    problems = [p.text for p in parsed if isinstance(p, Raw) and p.reason != "comment"]
    assert not problems, "{}: not protocol: {}".format(lesson.id, problems[:5])
    assert not any(b"Traceback" in line for line in lines)
    headers = [p for p in parsed if isinstance(p, Header)]
    assert headers and isinstance(parsed[0], Header) or parsed[0].text.startswith("# sim")
    names = tuple(f.name for f in experiment.fields)
    assert all(h.fields == names and h.lesson == lesson.id for h in headers), headers[0]
    rows = [p.values for p in parsed if isinstance(p, Data)]
    wanted = max(MIN_ROWS, min(30, int(0.5 * seconds / experiment.interval_s)))
    assert len(rows) >= wanted, "{}: {} data lines in {:.0f} s".format(
        lesson.id, len(rows), seconds)
    assert all(len(r) == len(names) and all(math.isfinite(v) for v in r) for r in rows)
    PLAUSIBLE[experiment.scenario or "calm"](lesson, rows)


def test_the_library_is_not_empty() -> None:
    assert len(LESSONS) >= 1
