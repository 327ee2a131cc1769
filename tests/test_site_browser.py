"""The exported site and Meebook pages in headless Chromium (Debian's chromium via playwright).

Never `playwright install`: there is no internet; playwright drives the system Chromium through
executable_path. Skips on a laptop without chromium, fails in CI (conftest.require_chromium).
Screenshots and a worksheet PDF land in test-artifacts/ at the repository root.
"""
from __future__ import annotations

import functools
import re
import threading
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from kit.export import export_meebook, export_site
from kit.lessons import Lesson, load_library
from kit.resources import lessons_dir

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "export"
ARTIFACTS = ROOT / "test-artifacts"
SCRIPT_TITLE = "Lys <script>alert(1)</script> & skygge"
A4_POINTS = (595, 842)


def _fold(text: str) -> str:
    """Python twin of search.js's folding, to compute the expected search results."""
    import unicodedata

    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


class Site:
    """An exported site: its folder, its lessons, and a local HTTP server for it."""

    def __init__(self, name: str, folder: Path, lessons: list[Lesson]) -> None:
        self.name, self.folder, self.lessons = name, folder, lessons
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.http = "http://127.0.0.1:{}/".format(self.server.server_address[1])
        self.file = folder.resolve().as_uri() + "/"

    def base(self, scheme: str) -> str:
        return self.http if scheme == "http" else self.file


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass



@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """The fixture library (with the <script> lesson) and, when it has lessons, the real one."""
    tmp = tmp_path_factory.mktemp("browser")
    found: dict[str, Site] = {}
    real = load_library(lessons_dir())
    if real:
        export_site(real, tmp / "real")
        found["real"] = Site("real", tmp / "real", real)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KLIMAKIT_FIRMWARE", str(FIXTURES / "firmware"))
        lessons = load_library(FIXTURES / "lessons")
        export_site(lessons, tmp / "fixture")
        export_meebook(lessons, tmp / "meebook.zip")
    zipfile.ZipFile(tmp / "meebook.zip").extractall(tmp / "meebook")
    found["fixture"] = Site("fixture", tmp / "fixture", lessons)
    found["meebook"] = Site("meebook", tmp / "meebook", lessons)
    yield found
    for site in found.values():
        site.server.shutdown()
        site.server.server_close()


class Watched:
    """A page that records console errors, page errors, failed requests and dialogs."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(accept_downloads=False, **options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page = self.page
        page.on("console", lambda m: self.problems.append("console {}: {}".format(
            m.type, m.text)) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append("page error: {}".format(e)))
        page.on("requestfailed", lambda r: self.problems.append("failed: {} {}".format(
            r.url, r.failure)))
        page.on("response", lambda r: self.problems.append("HTTP {}: {}".format(
            r.status, r.url)) if r.status >= 400 else None)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    page = Watched(browser, viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def _shot(page: Any, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def _target_ok(site: Site, url: str, watched: Watched) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        return path.is_file() and site.folder.resolve() in path.resolve().parents
    response = watched.context.request.get(url)
    return bool(response.status == 200)


def _crawl(site: Site, scheme: str, watched: Watched) -> tuple[int, int]:
    """Open every page reachable from index.html; check every link. Returns (pages, links)."""
    base = site.base(scheme)
    queue, seen, links = [base + "index.html"], set(), 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        watched.page.goto(url, wait_until="load")
        font = watched.page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "system-ui" in font, (url, font)  # the stylesheet loaded and parsed
        hrefs = watched.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            target = href.split("#", 1)[0]
            if not target.startswith(base):
                assert target.startswith(("https://", "mailto:")), (url, href)
                continue
            assert _target_ok(site, target, watched), (url, href)
            links += 1
            if target.endswith(".html") and target not in seen:
                queue.append(target)
    assert not watched.problems, watched.problems
    assert not watched.dialogs, watched.dialogs
    return len(seen), links


@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("name", ["fixture", "meebook", "real"])
def test_every_page_loads_cleanly_and_every_link_resolves(sites: dict[str, Site], watched: Watched,
                                                          name: str, scheme: str):
    if name not in sites:
        pytest.skip("the lesson library is empty")
    site = sites[name]
    pages, links = _crawl(site, scheme, watched)
    # index + per lesson: page, worksheet (+ copy blocks in the Meebook package)
    per_lesson = 3 if name == "meebook" else 2
    assert pages == 1 + per_lesson * len(site.lessons)
    assert links >= 4 * len(site.lessons)


def _visible_ids(page: Any) -> list[str]:
    return list(page.eval_on_selector_all(
        "#lessons > li", "els => els.filter(e => !e.hidden && e.offsetParent !== null)"
                         ".map(e => e.dataset.id)"))


def test_search_finds_a_lesson_by_a_danish_word(sites: dict[str, Site], watched: Watched):
    page = watched.page
    page.goto(sites["fixture"].file + "index.html")
    assert sorted(_visible_ids(page)) == ["havvand", "skript"]
    page.fill("#search", "saltvand")
    assert _visible_ids(page) == ["havvand"]
    assert page.inner_text("#result-count") == "Viser 1 af 2 forløb"
    assert page.is_visible("text=Hvor hurtigt afkøles havvand?")
    _shot(page, "site-search.png", full_page=False)
    for query in ("afkøles", "AFKOELES", "limfjorden lemvig", "Afkølingskurve"):
        page.fill("#search", query)
        assert _visible_ids(page) == ["havvand"], query
    page.fill("#search", "")
    assert _visible_ids(page) == ["skript", "havvand"]  # grade 1-3 before grade 5-6
    page.fill("#search", "havvand")  # in havvand's title, in skript's evaluation
    assert _visible_ids(page) == ["havvand", "skript"]  # title hits first
    page.fill("#search", "")
    assert _visible_ids(page) == ["skript", "havvand"]  # back to the library order
    page.fill("#search", "vulkan")
    assert _visible_ids(page) == [] and page.is_visible("#no-results")
    page.click("#reset")
    assert sorted(_visible_ids(page)) == ["havvand", "skript"]
    assert not page.is_visible("#no-results")
    assert not watched.problems and not watched.dialogs


def test_search_in_the_real_library(sites: dict[str, Site], watched: Watched):
    if "real" not in sites:
        pytest.skip("the lesson library is empty")
    site = sites["real"]
    page = watched.page
    page.goto(site.file + "index.html")
    for word in ("Limfjorden", "temperatur", "måling", "vind"):
        expected = sorted(lesson.id for lesson in site.lessons
                          if _fold(word) in _fold(" ".join(
                              [lesson.title, lesson.summary, lesson.body, lesson.id,
                               str(lesson.meta.get("context", "")), *lesson.goals,
                               *lesson.materials, *lesson.subjects, *lesson.competences])))
        page.fill("#search", word)
        assert sorted(_visible_ids(page)) == expected, word
    _shot(page, "site-search-real.png", full_page=False)


def _expected_for(lessons: list[Lesson], select: str, value: str) -> list[str]:
    def ok(lesson: Lesson) -> bool:
        if select == "grade":
            kind, _, wanted = value.partition(":")
            if kind == "band":
                return wanted in lesson.bands
            return lesson.grades[0] <= int(wanted) <= lesson.grades[1]
        if select == "subject":
            return value in lesson.subjects
        if select == "sensor":
            return value in lesson.sensors
        return value in (lesson.boards or ("v1", "v2"))
    return sorted(lesson.id for lesson in lessons if ok(lesson))


@pytest.mark.parametrize("name", ["fixture", "real"])
def test_every_filter_option_shows_exactly_the_matching_lessons(sites: dict[str, Site],
                                                                 watched: Watched, name: str):
    if name not in sites:
        pytest.skip("the lesson library is empty")
    site = sites[name]
    page = watched.page
    page.goto(site.file + "index.html")
    checked = 0
    for select in ("grade", "subject", "sensor", "board"):
        values = page.eval_on_selector_all("#filter-{} option".format(select),
                                           "els => els.map(e => e.value)")
        for value in values[1:]:
            page.select_option("#filter-" + select, value)
            assert sorted(_visible_ids(page)) == _expected_for(site.lessons, select, value), \
                (select, value)
            checked += 1
        page.select_option("#filter-" + select, "")
    assert checked >= 15
    assert len(_visible_ids(page)) == len(site.lessons)
    assert not watched.problems


def test_filters_combine(sites: dict[str, Site], watched: Watched):
    page = watched.page
    page.goto(sites["fixture"].file + "index.html")
    page.select_option("#filter-grade", "band:indskoling")
    assert _visible_ids(page) == ["skript"]
    page.select_option("#filter-board", "v1")  # skript needs a V2
    assert _visible_ids(page) == [] and page.is_visible("#no-results")
    page.select_option("#filter-grade", "grade:6")
    page.select_option("#filter-sensor", "temperature")
    assert _visible_ids(page) == ["havvand"]


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_worksheets_fit_on_a4(sites: dict[str, Site], browser: Any):
    """Printed from the browser as the teacher would, each worksheet is A4 and ≤ 2 pages."""
    watched = Watched(browser)
    try:
        for name in ("fixture", "meebook", "real"):
            if name not in sites:
                continue
            site = sites[name]
            for lesson in site.lessons:
                watched.page.goto("{}{}/elevark.html".format(site.file, lesson.id))
                pdf = watched.page.pdf(format="A4", prefer_css_page_size=True,
                                       print_background=True)
                pages = _pdf_pages(pdf)
                assert 1 <= pages <= 2, (name, lesson.id, pages)
                box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
                assert box and (round(float(box.group(1))), round(float(box.group(2)))) == \
                    A4_POINTS, box
                if name == "fixture" and lesson.id == "havvand":
                    assert pages == 1
                    ARTIFACTS.mkdir(exist_ok=True)
                    (ARTIFACTS / "elevark-havvand.pdf").write_bytes(pdf)
        assert not watched.problems
    finally:
        watched.close()


def test_a_long_worksheet_breaks_into_more_pages(browser: Any, tmp_path: Path):
    """The page counter really counts: 200 paragraphs cannot fit on one A4 page."""
    watched = Watched(browser)
    try:
        watched.page.set_content("<p>linje</p>" * 200)
        assert _pdf_pages(watched.page.pdf(format="A4")) > 2
    finally:
        watched.close()


def test_print_hides_navigation(sites: dict[str, Site], watched: Watched):
    page = watched.page
    page.goto(sites["fixture"].file + "havvand/elevark.html")
    assert page.is_visible("text=Udskriv")
    page.emulate_media(media="print")
    assert not page.is_visible("text=Udskriv") and not page.is_visible("header.topbar")
    assert page.is_visible("table")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    _shot(page, "elevark-print.png")


@pytest.mark.parametrize("name, pages", [
    ("fixture", ["index.html", "skript/lesson.html", "skript/elevark.html"]),
    ("meebook", ["index.html", "skript/lesson.html", "skript/copy-blocks.html",
                 "skript/elevark.html"]),
])
def test_script_in_a_lesson_renders_as_text(sites: dict[str, Site], watched: Watched,
                                            name: str, pages: list[str]):
    page = watched.page
    for path in pages:
        page.goto(sites[name].file + path)
        text = page.inner_text("body")
        assert SCRIPT_TITLE in text, path
        if path.endswith(("lesson.html", "copy-blocks.html")):
            assert "<script>alert('goal')</script> Jeg kan måle lys." in text, path
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.src || e.type)")
        assert all(s.endswith("assets/search.js") or s == "application/json" for s in scripts)
        assert page.eval_on_selector_all(
            "[onmouseover], [onerror], iframe", "els => els.length") == 0
    assert watched.dialogs == [], watched.dialogs
    assert not watched.problems


def test_screenshots_for_review(sites: dict[str, Site], watched: Watched):
    """Saved for a human to look at (test-artifacts/); the page must also have its key parts."""
    site = sites.get("real") or sites["fixture"]
    page = watched.page
    page.goto(site.file + "index.html")
    for label in ("Søg", "Klassetrin", "Fag", "Sensor", "micro:bit-version"):
        assert page.is_visible("label:has-text('{}')".format(label)), label
    _shot(page, "site-index.png", full_page=False)
    _shot(page, "site-index-full.png")
    lesson = site.lessons[0]
    page.goto("{}{}/lesson.html".format(site.file, lesson.id))
    assert page.is_visible("text=Download hex") and page.is_visible("text=Elevark")
    _shot(page, "site-lesson.png", full_page=False)
    page.goto(sites["meebook"].file + "havvand/copy-blocks.html")
    _shot(page, "meebook-copy-blocks.png", full_page=False)
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(site.file + "index.html")
    _shot(page, "site-index-phone.png", full_page=False)
    assert not watched.problems
    assert (ARTIFACTS / "site-index.png").stat().st_size > 10_000
