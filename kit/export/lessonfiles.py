"""What every export does per lesson: prepare it (in library order), write its common files.

Shared by the Meebook package and the static site, so both list the same lessons in the same
order and carry the same worksheet, program and assets.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from kit.i18n import gettext as _
from kit.errors import ExportError
from kit.export.bundle import Bundle
from kit.export.pages import FirmwareCache, LessonPage, prepare, refuse_invalid
from kit.export.templating import render
from kit.lessons import Lesson

Progress = Callable[[int, int, str], None]


def prepare_all(lessons: Sequence[Lesson], cache: FirmwareCache | None, embed_images: bool,
                on_progress: Progress | None = None) -> list[LessonPage]:
    """Prepare every lesson, youngest grades first, reporting (done, total, lesson id)."""
    cache = cache or FirmwareCache()
    pages = []
    # Teachers browse by grade: the index, the package and the manifest list lessons in the
    # order a school uses them (first grade, last grade, then title).
    ordered = sorted(lessons, key=lambda lesson: (*lesson.grades, lesson.title.lower(),
                                                  lesson.id))
    seen: dict[str, Lesson] = {}
    for lesson in ordered:
        if lesson.id in seen:
            raise ExportError(_("{first} and {second} both have id {lesson!r}; each lesson "
                                "needs its own id").format(first=seen[lesson.id].path,
                                                           second=lesson.path, lesson=lesson.id))
        seen[lesson.id] = lesson
    refused: list[str] = []
    for lesson in ordered:  # every lesson's front matter first: all problems in one message
        try:
            refuse_invalid(lesson)
        except ExportError as err:
            refused.append(str(err))
    if refused:
        raise ExportError("\n".join(refused))
    for number, lesson in enumerate(ordered, start=1):
        pages.append(prepare(lesson, cache, embed_images=embed_images))
        if on_progress:
            on_progress(number, len(ordered), lesson.id)
    return pages


def add_lesson_files(bundle: Bundle, page: LessonPage, css_inline: str) -> None:
    """The files every export has per lesson: worksheet, program, assets.

    `css_inline` is the stylesheet to put in the worksheet, or "" to link the site's.
    """
    bundle.add("{}/elevark.html".format(page.id), render(
        "elevark.html.j2", p=page, css_inline=css_inline, root="../", back_href="lesson.html",
        back_label=page.title))
    if page.firmware:
        bundle.add("{}/{}".format(page.id, page.py_name), page.firmware.source)
        bundle.add("{}/{}".format(page.id, page.hex_name), page.firmware.hex)
    if page.example_png is not None:
        bundle.add("{}/{}".format(page.id, page.example_name), page.example_png)
    for asset in page.assets:
        bundle.add("{}/{}".format(page.id, asset.name), asset.read())
