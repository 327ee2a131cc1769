"""Load lessons: lessons/<id>/lesson.md, YAML front matter + Markdown body (lessons/README.md).

Loading is forgiving and keeps line numbers (front-matter keys, body headings) so that
validation (kit.check) can report problems as file:line. The format is documented in
lessons/README.md.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import LessonError, LessonFormatError
from kit.i18n import N_
from kit.i18n import gettext as _
from kit.lessons.frontmatter import (
    NodePath, parse_front_matter, read_lesson_file, split_front_matter, split_sections,
)
from kit.resources import lessons_dir

LESSON_FILE = "lesson.md"
LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the one lesson-id grammar (is_lesson_id)
WORKSHEET_FILE = "elevark.md"
BANDS = (("indskoling", 0, 3), ("mellemtrin", 4, 6), ("udskoling", 7, 10))

# The known vocabularies of lessons/README.md (kit.check enforces them; list and export
# use them for filters). Kept here so there is one source.
SUBJECTS = (
    "natur/teknologi", "teknologiforståelse", "fysik/kemi", "geografi", "biologi", "matematik",
    "dansk", "håndværk og design",
)
COMPETENCES = (
    "digital myndiggørelse", "digital design og designprocesser", "computationel tankegang",
    "teknologisk handleevne",
)
SENSORS = (
    "temperature", "light", "accelerometer", "magnetometer", "buttons", "pin-analog",
    "pin-digital", "microphone", "radio", "logo-touch", "speaker",
)
# What a sensor is called on a screen or page (the ids above stay in files and filters).
SENSOR_LABELS = {
    "temperature": N_("temperature"), "light": N_("light"),
    "accelerometer": N_("accelerometer"), "magnetometer": N_("compass (magnetometer)"),
    "buttons": N_("buttons"), "pin-analog": N_("analog pin"), "pin-digital": N_("digital pin"),
    "microphone": N_("microphone"), "radio": N_("radio"), "logo-touch": N_("touch logo"),
    "speaker": N_("speaker"),
}
BOARD_VERSIONS = ("v1", "v2")
SCENARIOS = (
    "cooling", "heatmap", "greenhouse", "daylight", "wind", "noise", "soil", "flood", "window",
    "weather", "steps", "solar", "calm",
)
REQUIRED_SECTIONS = (
    "Forberedelse", "Forløb", "Lærernoter", "Differentiering", "Evaluering", "Elevark",
    "Udvidelse",
)


def sensor_label(sensor: str) -> str:
    """A sensor's name in the current language ('temperature' -> 'temperatur' in Danish)."""
    return _(SENSOR_LABELS[sensor]) if sensor in SENSOR_LABELS else sensor


@dataclass(frozen=True)
class Field:
    """One measured quantity of an experiment, as the firmware names it in its header.

    Also a column of a recording (kit.record.FieldSpec is this class): label is the
    Danish text graphs show.
    """

    name: str
    unit: str = ""
    label: str = ""


@dataclass(frozen=True)
class Experiment:
    """What the recorder expects and the simulator produces."""

    fields: tuple[Field, ...] = ()
    interval_s: float = 1.0
    duration_min: float = 10.0
    scenario: str = ""


FIELD_EVENTS = ("a", "b", "none")  # field_log.event: a button, none, or a field's name


@dataclass(frozen=True)
class FieldLog:
    """How a lesson meant for the field keeps its readings on the board (`field_log`).

    `event`: what marks an event ("a"/"b": a press of that button, "none", or the name of a
    field: whenever its value changes); `interval_s`: keep a reading at most this often (0:
    every reading); `serial`: also print the data lines (a PC may still record).
    """

    event: str = "a"
    interval_s: float = 0.0
    serial: bool = True


@dataclass(frozen=True)
class Lesson:
    """A lesson as loaded. `meta` is the raw front matter; typed views are properties."""

    id: str
    path: Path
    meta: dict[str, Any]
    body: str
    sections: dict[str, str]
    key_lines: dict[str, int] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1
    node_lines: dict[NodePath, int] = field(default_factory=dict)
    duplicate_keys: tuple[tuple[NodePath, int], ...] = ()  # (where, line of the later one)

    def line_of(self, *path: str | int) -> int:
        """Line of the deepest known node on `path` (falls back to the key, then line 1)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.node_lines:
                return self.node_lines[path[:end]]
        return 1

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def title(self) -> str:
        title = self.meta.get("title")
        return self.id if title is None else str(title)

    @property
    def summary(self) -> str:
        summary = self.meta.get("summary")
        return "" if summary is None else str(summary)

    @property
    def grades(self) -> tuple[int, int]:
        """(first, last) grade; (0, 0) unless the front matter has a list of two whole numbers."""
        grades = self.meta.get("grades")
        if not isinstance(grades, list) or not grades:
            return 0, 0
        first, last = grades[0], grades[-1]
        if all(isinstance(g, int) and not isinstance(g, bool) for g in (first, last)):
            return first, last
        return 0, 0

    @property
    def band(self) -> str:
        """indskoling (0-3), mellemtrin (4-6) or udskoling (7-10), from the first grade."""
        first = self.grades[0]
        return next((name for name, lo, hi in BANDS if lo <= first <= hi), "?")

    @property
    def bands(self) -> tuple[str, ...]:
        lo, hi = self.grades
        return tuple(name for name, a, b in BANDS if a <= hi and lo <= b)

    def _list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None or value == "" or value == []:
            return ()
        return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)

    @property
    def subjects(self) -> tuple[str, ...]:
        return self._list("subjects")

    @property
    def competences(self) -> tuple[str, ...]:
        return self._list("competences")

    @property
    def goals(self) -> tuple[str, ...]:
        return self._list("goals")

    @property
    def signs_of_learning(self) -> tuple[str, ...]:
        return self._list("signs_of_learning")

    @property
    def materials(self) -> tuple[str, ...]:
        return self._list("materials")

    @property
    def sensors(self) -> tuple[str, ...]:
        return self._list("sensors")

    @property
    def boards(self) -> tuple[str, ...]:
        return self._list("boards")

    def runs_on(self, version: str) -> bool:
        """Whether the lesson's program is meant for this micro:bit version (default: both)."""
        boards = self.meta.get("boards")
        if not isinstance(boards, list) or not boards:
            return True
        return version in [str(board).lower() for board in boards]

    @property
    def firmware(self) -> str:
        return str(self.meta.get("firmware", ""))

    @property
    def lesson_count(self) -> int:
        value = self.meta.get("lessons", 1)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1

    @property
    def curriculum(self) -> tuple[tuple[str, str, str], ...]:
        """(subject, area, topic) of each Fælles Mål reference that is a mapping."""
        raw = self.meta.get("curriculum")
        return tuple((str(c.get("subject", "")), str(c.get("area", "")), str(c.get("topic", "")))
                     for c in (raw if isinstance(raw, list) else []) if isinstance(c, dict))

    @property
    def field_log(self) -> FieldLog | None:
        """The lesson's field logging, or None if it is not meant for the field."""
        return _field_log(self.meta.get("field_log"))

    @property
    def experiment(self) -> Experiment:
        raw = self.meta.get("experiment") or {}
        if not isinstance(raw, dict):
            return Experiment()
        raw_fields = raw.get("fields")
        fields = tuple(
            Field(str(f.get("name", "")), str(f.get("unit", "")), str(f.get("label", "")))
            for f in (raw_fields if isinstance(raw_fields, list) else []) if isinstance(f, dict)
        )
        return Experiment(
            fields,
            _number(raw.get("interval_s"), 1.0),
            _number(raw.get("duration_min"), 10.0),
            str(raw.get("scenario", "") or ""),
        )


def _field_log(raw: object) -> FieldLog | None:
    if not isinstance(raw, dict):
        return None
    serial = raw.get("serial", True)
    return FieldLog(str(raw.get("event", "a")), _number(raw.get("interval_s"), 0.0),
                    serial if isinstance(serial, bool) else True)


def _number(value: object, default: float) -> float:
    """A forgiving float for typed views; kit.check reports the bad value itself."""
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0):
        return float(value)
    return default


def load_lesson(path: Path) -> Lesson:
    """Load one lesson.md (or its folder). Raises LessonFormatError naming file:line on a file
    that is not a readable lesson (bad YAML, too large, not text: kit/lessons/frontmatter.py)."""
    path = Path(path)
    if path.is_dir():
        path = path / LESSON_FILE
    yaml_text, body, body_line = split_front_matter(read_lesson_file(path), path)
    front = parse_front_matter(yaml_text, path)
    sections, section_lines = split_sections(body, body_line)
    return Lesson(
        id=str(front.meta.get("id", path.parent.name)),
        path=path,
        meta=front.meta,
        body=body,
        sections=sections,
        key_lines={str(p[0]): n for p, n in front.node_lines.items() if len(p) == 1},
        section_lines=section_lines,
        body_line=body_line,
        node_lines=front.node_lines,
        duplicate_keys=front.duplicate_keys,
    )


def lesson_paths(root: Path | None = None) -> list[Path]:
    """Return lessons/<id>/lesson.md for every lesson folder, sorted by id."""
    root = root or lessons_dir()
    return sorted(p for p in root.glob("*/" + LESSON_FILE) if not p.parent.name.startswith("."))


def load_library(root: Path | None = None) -> list[Lesson]:
    """Load every lesson in the library; raise LessonError naming each one that cannot be
    loaded (file:line), so a library is fixed in one go rather than one lesson per run."""
    loaded, errors = load_lessons(lesson_paths(root))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise LessonError(_("{count} lessons cannot be loaded:\n{problems}\nFix them "
                            "(`klimakit lessons check` lists every problem) and try again.")
                          .format(count=len(errors),
                                  problems="\n".join(str(err) for err in errors)))
    return loaded


def is_lesson_id(text: str) -> bool:
    """Whether `text` may be a lesson id: lowercase letters and digits, in words joined by '-'.

    The id is also the lesson's folder name and names its folder in every export.
    """
    return bool(LESSON_ID.fullmatch(text))


def get_lesson(lesson_id: str, root: Path | None = None) -> Lesson:
    """Load one lesson by id, with a helpful error listing the ids that exist."""
    root = root or lessons_dir()
    if not is_lesson_id(lesson_id):
        raise LessonError(_("{lesson!r} is not a lesson id (lowercase letters, digits, '-')")
                          .format(lesson=lesson_id))
    path = root / lesson_id / LESSON_FILE
    if not path.is_file():
        known = ", ".join(p.parent.name for p in lesson_paths(root)) or _("none")
        raise LessonError(_("no lesson {lesson!r}. Lessons: {known}. See `klimakit lessons "
                            "list`.").format(lesson=lesson_id, known=known))
    return load_lesson(path)


@dataclass(frozen=True)
class LessonFilter:
    """What `klimakit lessons list` (and the site's filters) select by; None means any."""

    grade: int | None = None
    band: str | None = None
    subject: str | None = None
    sensor: str | None = None
    board: str | None = None

    def matches(self, lesson: Lesson) -> bool:
        """Whether the lesson fits every criterion that is set."""
        lo, hi = lesson.grades
        return ((self.grade is None or lo <= self.grade <= hi)
                and (self.band is None or self.band in lesson.bands)
                and (self.subject is None
                     or self.subject.lower() in (s.lower() for s in lesson.subjects))
                and (self.sensor is None or self.sensor in lesson.sensors)
                and (self.board is None or lesson.runs_on(self.board)))


def load_lessons(paths: Iterable[Path]) -> tuple[list[Lesson], list[LessonError]]:
    """Load the lessons that can be loaded; return them and the errors of the others."""
    loaded: list[Lesson] = []
    errors: list[LessonError] = []
    for path in paths:
        try:
            loaded.append(load_lesson(path))
        except LessonError as err:
            errors.append(err)
    return loaded, errors
