"""The static lesson site: an index with search and filters, a page and a worksheet per lesson.

Made for school networks and USB sticks: no CDN, no fetch() (the search index is embedded in
index.html as JSON), relative links only, so it works from file:// and from any static host.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kit import __version__
from kit.export.bundle import Bundle
from kit.export.example import code_css
from kit.export.lessonfiles import Progress, add_lesson_files, prepare_all
from kit.export.pages import FirmwareCache, LessonPage, band_labels
from kit.export.templating import EXPORT_LANGUAGE, render, static_text
from kit.i18n import use_language
from kit.hardware import VERSIONS
from kit.lessons import Lesson, sensor_label


def search_index(pages: Sequence[LessonPage]) -> dict[str, Any]:
    """What search.js needs per lesson; cards themselves are rendered into index.html."""
    return {
        "version": 1,
        "lessons": [{
            "id": p.id,
            "title": p.title,
            "summary": p.lesson.summary,
            "grades": list(p.lesson.grades),
            "bands": list(p.lesson.bands),
            "subjects": list(p.lesson.subjects),
            "sensors": list(p.lesson.sensors),
            "boards": [v for v in VERSIONS if p.lesson.runs_on(v)],
            "text": p.search_text,
        } for p in pages],
    }


def build_site(lessons: Sequence[Lesson], cache: FirmwareCache | None = None,
               on_progress: Progress | None = None) -> tuple[Bundle, list[LessonPage]]:
    """Build the site in memory (see module docstring)."""
    pages = prepare_all(lessons, cache, embed_images=False, on_progress=on_progress)
    bundle = Bundle()
    bundle.add("assets/klimakit.css", static_text("klimakit.css") + code_css())
    bundle.add("assets/search.js", static_text("site/search.js"))
    for page in pages:
        bundle.add("{}/lesson.html".format(page.id),
                   render("site/lesson.html.j2", p=page, css_inline="", root="../"))
        add_lesson_files(bundle, page, "")
    subjects = sorted({s for p in pages for s in p.lesson.subjects})
    used_sensors = {s for p in pages for s in p.lesson.sensors}
    with use_language(EXPORT_LANGUAGE):  # the filter's words, like the page's
        sensors = sorted(((s, sensor_label(s)) for s in used_sensors), key=lambda s: s[1])
        bands = band_labels()
        index = search_index(pages)
    bundle.add("index.html", render(
        "site/index.html.j2", pages=pages, css_inline="", root="", index=index,
        subjects=subjects, sensors=sensors, bands=bands, version=__version__))
    return bundle, pages
