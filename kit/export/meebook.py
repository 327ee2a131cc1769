"""The Meebook package: per lesson a forløb page, copy blocks, worksheet, program; a manifest.

Meebook has no import format or API (docs/publishing.md §1), so the package is made for
an advisor who pastes each field into Meebook's editor and attaches the files. Pages are
self-contained (CSS inline, images as data: URIs) so each can be attached or pasted alone.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from kit import __version__
from kit.export.bundle import Bundle
from kit.export.example import code_css
from kit.export.lessonfiles import Progress, add_lesson_files, prepare_all
from kit.export.pages import FirmwareCache, LessonPage
from kit.export.templating import render, static_text
from kit.lessons import Lesson

MANIFEST_FORMAT = "klimakit-meebook"
MANIFEST_VERSION = 1


def _lesson_entry(page: LessonPage, bundle: Bundle) -> dict[str, Any]:
    lesson = page.lesson
    prefix = page.id + "/"
    return {
        "id": page.id,
        "title": page.title,
        "summary": lesson.summary,
        "grades": list(lesson.grades),
        "bands": list(lesson.bands),
        "lessons": lesson.lesson_count,
        "minutes": lesson.lesson_count * 45,
        "subjects": list(lesson.subjects),
        "competences": list(lesson.competences),
        "curriculum": [{"subject": s, "area": a, "topic": t} for s, a, t in page.curriculum],
        "goals": list(lesson.goals),
        "signs_of_learning": list(lesson.signs_of_learning),
        "sensors": list(lesson.sensors),
        "boards": list(lesson.boards),
        "firmware": lesson.firmware,
        "licence": str(lesson.meta.get("licence", "")),
        "page": prefix + "lesson.html",
        "files": [name for name in bundle.names() if name.startswith(prefix)],
    }


def manifest(pages: Sequence[LessonPage], bundle: Bundle) -> str:
    """manifest.json: the package described for machines, with a sha256 for every file."""
    data = {
        "format": MANIFEST_FORMAT,
        "format_version": MANIFEST_VERSION,
        "klimakit_version": __version__,
        "lessons": [_lesson_entry(page, bundle) for page in pages],
        "files": [{"path": name, "bytes": len(bundle.files[name]), "sha256": bundle.sha256(name)}
                  for name in bundle.names()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def build_meebook(lessons: Sequence[Lesson], cache: FirmwareCache | None = None,
                  on_progress: Progress | None = None) -> tuple[Bundle, list[LessonPage]]:
    """Build the package in memory (see module docstring)."""
    pages = prepare_all(lessons, cache, embed_images=True, on_progress=on_progress)
    # our own stylesheet (and Pygments'): not escaped inside <style>
    css = Markup(static_text("klimakit.css") + code_css())
    bundle = Bundle()
    for page in pages:
        common = {"p": page, "css_inline": css, "root": "../"}
        bundle.add("{}/lesson.html".format(page.id), render("meebook/lesson.html.j2", **common))
        bundle.add("{}/copy-blocks.html".format(page.id),
                   render("meebook/copy-blocks.html.j2", **common))
        add_lesson_files(bundle, page, css)
    bundle.add("index.html", render("meebook/index.html.j2", pages=pages, css_inline=css,
                                    root="", version=__version__))
    bundle.add("manifest.json", manifest(pages, bundle))
    return bundle, pages
