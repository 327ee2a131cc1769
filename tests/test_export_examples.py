"""Each exported lesson shows an example graph from its simulator scenario and its program in
colour (Pygments), on the site and in the Meebook package."""
from __future__ import annotations

import zipfile
from pathlib import Path

from kit.export import export_meebook, export_site
from kit.export.example import example_graph
from kit.lessons import get_lesson, load_library
from kit.resources import lessons_dir

PNG = b"\x89PNG\r\n\x1a\n"


def test_site_and_package_show_the_example_graph_and_the_highlighted_program(
        tmp_path: Path) -> None:
    lessons = [lesson for lesson in load_library(lessons_dir())
               if lesson.id in ("afkoeling", "vindmaaler")]
    export_site(lessons, tmp_path / "site")
    for lesson in lessons:
        folder = tmp_path / "site" / lesson.id
        assert (folder / "eksempel.png").read_bytes().startswith(PNG)
        html = (folder / "lesson.html").read_text(encoding="utf-8")
        assert "Sådan kan jeres graf se ud" in html and 'src="eksempel.png"' in html
        assert '<div class="kode"><pre>' in html and '<span class="kn">from</span>' in html
    css = (tmp_path / "site" / "assets" / "klimakit.css").read_text(encoding="utf-8")
    assert ".kode .kn" in css
    for name in ("a.zip", "b.zip"):
        export_meebook(lessons, tmp_path / name)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as package:
        assert package.read("afkoeling/eksempel.png") == (
            tmp_path / "site" / "afkoeling" / "eksempel.png").read_bytes()
        assert "eksempel.png" in package.read("afkoeling/lesson.html").decode()


def test_the_example_is_the_lessons_program_in_its_scenario() -> None:
    """Drawn fresh (no cache): the same PNG every time, and a real graph of the readings."""
    lesson = get_lesson("afkoeling")
    first, second = example_graph(lesson), example_graph(lesson)
    assert first is not None and first == second and len(first) > 10_000


def test_a_program_that_prints_no_readings_gets_no_example(tmp_path: Path,
                                                           monkeypatch) -> None:
    import kit.export.example as example

    monkeypatch.setattr(example, "_readings", lambda lesson, seconds: [])
    assert example.example_graph(get_lesson("afkoeling")) is None
