"""The static site: files, relative links that resolve, the embedded search index, safety."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from kit.cli import cli
from kit.errors import ExportError
from kit.export import export_site
from kit.lessons import load_library
from kit.resources import lessons_dir

ROOT = Path(__file__).resolve().parents[1]
SCRIPT_TITLE = "Lys <script>alert(1)</script> & skygge"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.index_json = ""
        self._in_index = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for key in ("href", "src"):
            if found.get(key) is not None:
                self.links.append(str(found[key]))
        self._in_index = tag == "script" and found.get("id") == "lesson-index"

    def handle_data(self, data: str) -> None:
        if self._in_index:
            self.index_json += data

    def handle_endtag(self, tag: str) -> None:
        self._in_index = False


def _links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_links_resolve(site: Path) -> int:
    """Every href/src in every page is relative and points at a file in the site."""
    checked = 0
    for page in sorted(site.rglob("*.html")):
        for link in _links(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data"):  # data: the inline favicon
                continue
            assert not parts.scheme and not parts.netloc, (page, link)
            assert not link.startswith("/"), (page, link)
            if not parts.path:
                continue  # "#anchor"
            target = (page.parent / unquote(parts.path)).resolve()
            assert site.resolve() in target.parents, (page, link)
            assert target.is_file(), (page, link)
            checked += 1
    return checked


def test_site_has_index_assets_and_a_page_worksheet_and_program_per_lesson(
        export_library: Path, tmp_path: Path):
    site = tmp_path / "site"
    result = export_site(load_library(export_library), site)
    assert result.lessons == ("skript", "havvand")  # by grade: 1-3 before 5-6
    for name in ("index.html", "assets/klimakit.css", "assets/search.js",
                 "havvand/lesson.html", "havvand/elevark.html", "havvand/havvand.hex",
                 "havvand/havvand.py", "havvand/kurve.png", "skript/lesson.html"):
        assert (site / name).is_file(), name
    assert check_links_resolve(site) > 10
    html = (site / "havvand" / "lesson.html").read_text()
    assert 'src="kurve.png"' in html and 'src="data:image' not in html
    for label in ("Download hex", "Elevark", "Udskriv", "Klassetrin", "micro:bit-version"):
        assert label in html
    index = (site / "index.html").read_text()
    for label in ("Søg", "Klassetrin", "Fag", "Sensor", "micro:bit-version", "Download hex"):
        assert label in index


def test_no_external_resources_and_no_fetch(export_library: Path, tmp_path: Path):
    """Schools filter the network and file:// cannot fetch(): nothing may load from outside."""
    site = tmp_path / "site"
    export_site(load_library(export_library), site)
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), page
    script = (site / "assets" / "search.js").read_text()
    assert "fetch(" not in script and "XMLHttpRequest" not in script and "http" not in script


def test_embedded_search_index_is_json_and_cannot_close_the_script(export_library: Path,
                                                                   tmp_path: Path):
    site = tmp_path / "site"
    export_site(load_library(export_library), site)
    raw = _links(site / "index.html").index_json
    assert "</script" not in raw.lower() and "<script" not in raw.lower()
    data = json.loads(raw)
    by_id = {entry["id"]: entry for entry in data["lessons"]}
    assert by_id["havvand"]["grades"] == [5, 6]
    assert by_id["havvand"]["sensors"] == ["temperature"]
    assert by_id["skript"]["boards"] == ["v2"]
    assert "saltvand" in by_id["havvand"]["text"] and "Limfjorden" in by_id["havvand"]["text"]
    assert SCRIPT_TITLE in by_id["skript"]["text"]  # json.loads restores the escaped text


def test_script_title_is_text_in_every_site_page(export_library: Path, tmp_path: Path):
    site = tmp_path / "site"
    export_site(load_library(export_library), site)
    for page in ("index.html", "skript/lesson.html", "skript/elevark.html"):
        html = (site / page).read_text()
        assert "<script>alert" not in html and "<iframe" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; skygge" in html, page
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(s in ('<script type="application/json" id="lesson-index">',
                         '<script src="assets/search.js">') for s in scripts), scripts


def test_export_contains_no_absolute_paths(export_library: Path, tmp_path: Path):
    site = tmp_path / "site"
    export_site(load_library(export_library), site)
    forbidden = {str(tmp_path), str(Path.home()), str(ROOT)}
    for path in site.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(f in text for f in forbidden), path


def test_exporting_again_updates_the_folder_and_removes_old_lessons(export_library: Path,
                                                                    tmp_path: Path):
    site = tmp_path / "site"
    export_site(load_library(export_library), site)
    (site / "egen-note.txt").write_text("min egen fil")  # a teacher's own file stays
    shutil.rmtree(export_library / "skript")
    export_site(load_library(export_library), site)
    assert not (site / "skript" / "lesson.html").exists()
    assert (site / "havvand" / "lesson.html").is_file()
    assert (site / "egen-note.txt").read_text() == "min egen fil"
    assert check_links_resolve(site) > 5


def test_a_foreign_non_empty_folder_is_refused(export_library: Path, tmp_path: Path):
    folder = tmp_path / "dokumenter"
    folder.mkdir()
    (folder / "vigtig.docx").write_text("x")
    with pytest.raises(ExportError, match="not empty and was not made by klimakit"):
        export_site(load_library(export_library), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["vigtig.docx"]


def test_cli_site(export_library: Path, tmp_path: Path):
    out = tmp_path / "web"
    result = CliRunner().invoke(cli, ["export", "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and str(out) in result.output
    (out / ".klimakit-export").unlink()
    result = CliRunner().invoke(cli, ["export", "site", "-o", str(out)])
    assert result.exit_code == 1 and "not made by klimakit" in result.output


def test_help_mentions_both_commands():
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0
    assert "meebook" in result.output and "site" in result.output


def test_real_library_site(tmp_path: Path):
    lessons = load_library(lessons_dir())
    if not lessons:
        pytest.skip("the lesson library is empty")
    site = tmp_path / "site"
    export_site(lessons, site)
    assert check_links_resolve(site) >= 4 * len(lessons)
    for lesson in lessons:
        assert (site / lesson.id / "lesson.html").is_file()


def test_templates_are_in_the_wheel_and_load_from_it(tmp_path: Path):
    """A non-editable install must carry kit/export/templates (package data, via PackageLoader)."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("klimakit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    folder = ROOT / "kit" / "export" / "templates"
    templates = {p.relative_to(ROOT).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert templates and templates <= names, templates - names
    assert "kit/export/__init__.py" in names
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import kit; "
             "assert kit.__file__.startswith(sys.argv[1]), kit.__file__; "
             "from kit.export.templating import static_text, environment; "
             "print(len(static_text('site/search.js')), len(environment().list_templates()))")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    shown = subprocess.run([sys.executable, "-c", probe, str(wheel)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    script_bytes, count = map(int, shown.stdout.split())
    assert script_bytes > 500 and count == len(templates)
