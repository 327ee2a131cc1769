"""One lesson prepared for publishing: rendered text, Danish labels, firmware built once.

Both targets (Meebook package, static site) read the same LessonPage, so a lesson looks the
same everywhere and the templates only arrange it. Everything from the lesson file is either
escaped by jinja2 (plain strings) or rendered by kit.lessons.text (Markup, already safe).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from markupsafe import Markup

from kit.build import build_universal_hex, inline_source, lesson_program
from kit.errors import ExportError, FirmwareError
from kit.export.example import cached_example_graph, highlight_python
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.lessons import (
    WORKSHEET_FILE, Asset, Lesson, LessonText, front_matter_problems, is_lesson_id, sensor_label,
)

log = logging.getLogger(__name__)

LESSON_MINUTES = 45
# The Danish school's bands, named on the site's filter (msgids; the band ids stay Danish).
BAND_LABELS = {"indskoling": N_("Indskoling (grades 0-3)"),
               "mellemtrin": N_("Mellemtrin (grades 4-6)"),
               "udskoling": N_("Udskoling (grades 7-10)")}


def band_labels() -> list[tuple[str, str]]:
    """(band id, its name in the current language) for the site's filter."""
    return [(band, _(label)) for band, label in BAND_LABELS.items()]
LICENCES = {"CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/deed.da")}
BODY_SECTIONS = ("Forberedelse", "Forløb", "Lærernoter", "Differentiering", "Evaluering",
                 "Elevark", "Udvidelse")
_HEADING = re.compile(r"^##\s")


@dataclass(frozen=True)
class Firmware:
    """A lesson's micro:bit program: the assembled source (runs as pasted) and its hex."""

    name: str
    source: str
    hex: str
    highlighted: Markup  # the source as HTML, by Pygments (kit/export/example.py)


class FirmwareCache:
    """Build each firmware program once per export run (several lessons may share one)."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, tuple[str, ...]], Firmware] = {}

    def build(self, lesson: Lesson) -> Firmware:
        key = (lesson.firmware, tuple(lesson.boards))
        if key not in self._built:
            program = lesson_program(lesson)  # the hex: as the lesson says (field lessons log)
            # The .py must run on its own, so its modules are pasted in; a field build's log
            # modules cannot be (kit/build/field.py), so the .py is the lesson's live program.
            source = inline_source(lesson_program(lesson, field=False))
            self._built[key] = Firmware(program.name, source, build_universal_hex(program),
                                        highlight_python(source))
        return self._built[key]


@dataclass(frozen=True)
class LessonPage:
    """A lesson ready for the templates (see module docstring)."""

    lesson: Lesson
    summary: Markup
    intro: Markup
    goals: tuple[Markup, ...]
    signs_of_learning: tuple[Markup, ...]
    materials: tuple[Markup, ...]
    context: Markup
    safety: Markup
    sections: dict[str, Markup]
    extra_sections: tuple[tuple[str, Markup], ...]
    firmware: Firmware | None
    assets: tuple[Asset, ...]
    example_png: bytes | None = None  # "Sådan kan jeres graf se ud": its simulator scenario

    @property
    def id(self) -> str:
        return self.lesson.id

    @property
    def title(self) -> str:
        return self.lesson.title

    @property
    def grades_text(self) -> str:
        lo, hi = self.lesson.grades
        if lo == hi:
            return _("grade {grade}").format(grade=lo)
        return _("grades {first}-{last}").format(first=lo, last=hi)

    @property
    def bands_text(self) -> str:
        return ", ".join(self.lesson.bands)

    @property
    def duration_text(self) -> str:
        count = self.lesson.lesson_count
        return ngettext("{count} lesson of {minutes} min ({total} min in all)",
                        "{count} lessons of {minutes} min ({total} min in all)", count).format(
                            count=count, minutes=LESSON_MINUTES, total=count * LESSON_MINUTES)

    @property
    def curriculum(self) -> tuple[tuple[str, str, str], ...]:
        return self.lesson.curriculum

    @property
    def sensor_labels(self) -> tuple[str, ...]:
        return tuple(sensor_label(s) for s in self.lesson.sensors)

    @property
    def boards_text(self) -> str:
        boards = [b.upper() for b in self.lesson.boards] or ["V1", "V2"]
        if len(boards) == 1:
            return boards[0]
        return _("{first} and {second}").format(first=", ".join(boards[:-1]), second=boards[-1])

    @property
    def licence(self) -> tuple[str, str]:
        """(name, url or "") of the lesson's licence."""
        raw = str(self.lesson.meta.get("licence", ""))
        return LICENCES.get(raw, (raw, ""))

    @property
    def hex_name(self) -> str:
        return "{}.hex".format(self.id)

    @property
    def example_name(self) -> str:
        return "eksempel.png"

    @property
    def py_name(self) -> str:
        return "{}.py".format(self.id)

    @property
    def search_text(self) -> str:
        """Everything a teacher might search for, as plain text (the site's index)."""
        meta = self.lesson
        parts = [meta.title, meta.summary, meta.id, str(meta.meta.get("context", "")),
                 *meta.goals, *meta.subjects, *meta.competences, *meta.materials,
                 *meta.sensors, *self.sensor_labels, *(" ".join(c) for c in self.curriculum),
                 *self.lesson.sections.values()]
        return " ".join(" ".join(parts).split())


def _intro(lesson: Lesson) -> str:
    """Body text before the first ## heading: the lesson's own introduction."""
    lines: list[str] = []
    for line in lesson.body.splitlines():
        if _HEADING.match(line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _firmware(lesson: Lesson, cache: FirmwareCache) -> Firmware | None:
    if not lesson.firmware:
        return None
    line = lesson.key_lines.get("firmware", 1)
    try:
        return cache.build(lesson)
    except FirmwareError as err:
        raise ExportError(_("{path}:{line}: firmware {name!r} cannot be built: {problem}").format(
            path=lesson.path, line=line, name=lesson.firmware, problem=err)) from err


MAX_PROBLEMS_SHOWN = 10


def refuse_invalid(lesson: Lesson) -> None:
    """Raise ExportError listing the front-matter problems (file:line), if there are any.

    A lesson that breaks lessons/README.md would be published with wrong or missing data
    (`fields: [temp, 7, null]`, `grades: {a: 1}`), so it is not exported at all; the message
    lists what `klimakit lessons check` reports for its front matter.
    """
    if not is_lesson_id(lesson.id):
        # The id names the lesson's folder in every export, so it must be a plain name.
        raise ExportError(_("{path}:{line}: id {lesson!r} must be lowercase letters, digits and "
                            "'-', like the folder name").format(
                                path=lesson.path, line=lesson.key_lines.get("id", 1),
                                lesson=lesson.id))
    problems = sorted((lesson.line_of(*where), message)
                      for where, message in front_matter_problems(lesson))
    if problems:
        shown = ["{}:{}: {}".format(lesson.path, line, message)
                 for line, message in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(_("… and {count} more").format(
                count=len(problems) - MAX_PROBLEMS_SHOWN))
        raise ExportError("\n".join(shown) + "\n" + _(
            "the lesson {lesson!r} is not exported until its front matter is fixed; `klimakit "
            "lessons check {folder}` lists every problem").format(lesson=lesson.id,
                                                                  folder=lesson.folder))


def prepare(lesson: Lesson, cache: FirmwareCache, embed_images: bool = False) -> LessonPage:
    """Render a lesson for publishing. Raises ExportError (file:line) on a lesson whose front
    matter breaks the rules, and on unsafe links."""
    refuse_invalid(lesson)
    text = LessonText(lesson.path, embed_images=embed_images)

    def inline_list(key: str, values: tuple[str, ...]) -> tuple[Markup, ...]:
        line = lesson.key_lines.get(key, 1)
        return tuple(text.inline(v, line) for v in values)

    def inline(key: str) -> Markup:
        return text.inline(str(lesson.meta.get(key, "") or ""), lesson.key_lines.get(key, 1))

    sections = {name: text.block(body, lesson.section_lines.get(name, 1))
                for name, body in lesson.sections.items()}
    elevark_md = lesson.folder / WORKSHEET_FILE
    if elevark_md.exists():
        extra = LessonText(elevark_md, embed_images=embed_images)
        sections["Elevark"] = Markup(sections.get("Elevark", "")) + extra.block(
            text.read_own_file(WORKSHEET_FILE))
        text.assets.update(extra.assets)
    page = LessonPage(
        lesson=lesson,
        summary=inline("summary"),
        intro=text.block(_intro(lesson), lesson.body_line),
        goals=inline_list("goals", lesson.goals),
        signs_of_learning=inline_list("signs_of_learning", lesson.signs_of_learning),
        materials=inline_list("materials", lesson.materials),
        context=inline("context"),
        safety=inline("safety"),
        sections=sections,
        extra_sections=tuple((k, v) for k, v in sections.items() if k not in BODY_SECTIONS),
        firmware=_firmware(lesson, cache),
        assets=tuple(sorted(text.assets.values(), key=lambda a: a.name)),
        example_png=cached_example_graph(lesson) if lesson.firmware else None,
    )
    log.debug("prepared %s: %d assets", lesson.id, len(page.assets))
    return page
