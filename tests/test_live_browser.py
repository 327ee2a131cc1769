"""The live class view in headless Chromium (Debian's chromium via playwright, never downloaded).

Fake boards (tests/fakeboards.py) send afkoeling readings over socket:// to the real recorder,
whose live page (kit/record/live) is opened in the browser: readings appear, an unplugged board
shows `frakoblet` (the Danish page; the others are English), a reload and a second browser get
the whole run so far, nothing is loaded from anywhere but klimakit's own server, and the
console stays clean. A screenshot lands in test-artifacts/. Skips on a laptop without chromium,
fails in CI (conftest.require_chromium).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeboards as fb
import pytest
from conftest import require_chromium
from livehelpers import LiveRecording, cup_readings

from kit.boards import Board
from kit.record import open_port, read_run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
HOSTILE = "<img src=x onerror=alert(1)>"
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Watched:
    """A page that records console messages, page errors, failed or foreign requests and
    dialogs, and every row the live page drew (its klimakit:drawn events)."""

    INIT = ("window.__drawn = []; window.addEventListener('klimakit:drawn',"
            " e => window.__drawn.push(...e.detail.rows));")

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 950})
        self.page = self.context.new_page()
        self.page.add_init_script(self.INIT)
        self.problems: list[str] = []
        page = self.page
        page.on("console", lambda m: self.problems.append("console {}: {}".format(
            m.type, m.text)) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append("page error: {}".format(e)))
        page.on("requestfailed", lambda r: self.problems.append("failed: {} {}".format(
            r.url, r.failure)) if not r.url.endswith("/events") else None)
        page.on("request", lambda r: None if r.url.startswith(base) else
                self.problems.append("foreign request: " + r.url))
        page.on("response", lambda r: self.problems.append("HTTP {}: {}".format(
            r.status, r.url)) if r.status >= 400 else None)
        page.on("dialog", lambda d: (self.problems.append("dialog: " + d.message),
                                     d.dismiss()))

    def drawn(self) -> list[list[Any]]:
        return list(self.page.evaluate("window.__drawn"))

    def tile(self, name: str) -> str:
        return str(self.page.eval_on_selector_all(
            ".tile", "(els, n) => (els.find(e => e.dataset.board === n) || {}).innerText || ''",
            name))

    def close(self) -> None:
        self.context.close()


def _wait_tile(watched: Watched, name: str, text: str) -> None:
    try:
        watched.page.wait_for_function(
            "([n, t]) => [...document.querySelectorAll('.tile')].some(e => e.dataset.board === n"
            " && e.innerText.includes(t))", arg=[name, text], timeout=WAIT_MS)
    except Exception as err:  # noqa: BLE001 - say what the page showed instead
        raise AssertionError("{!r} never showed {!r}; the tiles: {!r}; problems: {}".format(
            name, text, watched.page.inner_text("#tiles"), watched.problems)) from err


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


class Replug:
    """reopen() for the recorder: the board comes back only once `allow` is set."""

    def __init__(self) -> None:
        self.allow = threading.Event()

    def __call__(self, unique_id: str) -> Board | None:
        if not self.allow.is_set():
            return None
        try:
            return open_port(unique_id, "uldsok")
        except Exception:  # noqa: BLE001 - not back yet
            return None


def test_readings_unplug_replug_and_reload_in_the_browser(browser: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("KLIMAKIT_LANG", "da")  # the teacher's view, in Danish
    steady = fb.TcpBoard([cup_readings(45.0, 400, 10)])
    # 'uldsok' sends 15 readings, is unplugged, and comes back when the test lets it.
    away = fb.TcpBoard([cup_readings(44.0, 15, 10), cup_readings(42.0, 400, 10)])
    hostile = fb.TcpBoard([cup_readings(40.0, 400, 10)])
    wrong = fb.TcpBoard([[(0.0, b"# klimakit 1 lesson=lys fields=lys units=lvl\r\n")]
                         + [(0.1, b"(120,)\r\n")] * 400])
    senders = [steady, away, hostile, wrong]
    for board in senders:
        board.start()
    replug = Replug()
    boards = [open_port(steady.url, "kop"), open_port(away.url, "uldsok"),
              open_port(hostile.url, HOSTILE), open_port(wrong.url, "gruppe-4")]
    run = LiveRecording(tmp_path, boards, reopen=replug, duration_s=600)
    watched = Watched(browser, run.url)
    try:
        page = watched.page
        page.goto(run.url)
        _wait_tile(watched, "kop", "kører")
        assert page.inner_text("h1") == "Hvem holder bedst på varmen?"
        assert "Temperatur i koppen (°C)" in page.inner_text("#panels")
        assert page.locator(".uplot").count() == 1, "one panel: one unit"
        _wait_tile(watched, "uldsok", "frakoblet")
        _wait_tile(watched, "gruppe-4", "forkert program")
        assert "frakoblet" in page.inner_text("#event-list")
        assert HOSTILE in watched.tile(HOSTILE), "a board name is shown as text, never as HTML"
        assert page.locator(".tile img").count() == 0
        replug.allow.set()
        _wait_tile(watched, "uldsok", "kører")
        page.wait_for_function(  # readings after the replug reach the page
            "() => [...document.querySelectorAll('.tile')].some(e => e.dataset.board === 'uldsok'"
            " && parseInt(e.querySelector('.detail').innerText) > 20)", timeout=WAIT_MS)
        page.wait_for_function("() => window.__drawn.length > 60", timeout=WAIT_MS)
        _shot(page, "live-view.png")

        before = len(watched.drawn())
        page.reload()
        page.wait_for_function("n => window.__drawn.length >= n", arg=before, timeout=WAIT_MS)
        assert "frakoblet" in page.inner_text("#event-list"), "a reload keeps the events"
        second = Watched(browser, run.url)
        second.page.goto(run.url)
        second.page.wait_for_function("n => window.__drawn.length >= n", arg=before,
                                      timeout=WAIT_MS)
        second.close()
    finally:
        result = run.finish()
        for board in senders:
            board.close()
    page.wait_for_selector("text=Optagelsen er slut", timeout=WAIT_MS)
    time.sleep(0.5)  # the end message arrived: nothing more may come
    data = read_run(result.paths.csv)
    in_csv = {name: len(series.seconds) for name, series in data.boards.items()}
    drawn = watched.drawn()
    in_page: dict[str, int] = {}
    names = page.evaluate("[...document.querySelectorAll('.tile')].map(e => e.dataset.board)")
    for row in drawn:
        if row[2] is not None:  # a gap marker where 'uldsok' was unplugged is no reading
            in_page[names[row[0]]] = in_page.get(names[row[0]], 0) + 1
    assert in_page == in_csv, "after the reload the page holds exactly the CSV's readings"
    assert in_csv["kop"] > 20 and in_csv["uldsok"] > 15 and "gruppe-4" not in in_csv
    assert not watched.problems, watched.problems
    watched.close()


def test_share_needs_the_token_and_the_page_loads_nothing_from_outside(
        browser: Any, tmp_path: Path) -> None:
    board = fb.TcpBoard([cup_readings(45.0, 300, 10)])
    board.start()
    run = LiveRecording(tmp_path, [open_port(board.url, "kop")], share=True)
    assert run.address is not None and "/" in run.address.url.split(":", 2)[2]
    token_url = run.url
    bare = token_url.split("/", 3)
    watched = Watched(browser, token_url)
    try:
        response = watched.context.request.get("/".join(bare[:3]) + "/")
        assert response.status == 404, "without the token there is nothing"
        watched.page.goto(token_url)
        _wait_tile(watched, "kop", "running")
        css = watched.page.evaluate("getComputedStyle(document.querySelector('.tile .value'))"
                                    ".fontSize")
        assert float(css.rstrip("px")) >= 32, "the latest value reads from the back of a room"
    finally:
        run.finish()
        board.close()
    watched.page.wait_for_selector("text=The recording has ended", timeout=WAIT_MS)
    assert not [p for p in watched.problems if "HTTP 404" not in p], watched.problems
    watched.close()


def test_demo_live_plays_the_class_experiment_in_the_browser(browser: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """`klimakit demo --live`: six cups cool in the page in seconds; the page's clock is the
    boards' (40 minutes), and at the end it holds every reading of the CSV."""
    import kit.demo

    monkeypatch.setattr(kit.demo, "qemu_binary", lambda: None)
    pages: list[Watched] = []

    def opened(address: Any) -> None:
        watched = Watched(browser, address.url)
        watched.page.goto(address.url)
        pages.append(watched)

    result = kit.demo.run_demo(tmp_path / "demo", live=True, live_seconds=6, on_live=opened)
    watched = pages[0]
    page = watched.page
    page.wait_for_selector("text=The recording has ended", timeout=WAIT_MS)
    assert page.locator(".tile").count() == 6
    assert page.inner_text("#elapsed") == "40:00"
    _shot(page, "live-demo.png")
    readings = [row for row in watched.drawn() if row[2] is not None]
    assert len(readings) == result.rows == 6 * 81
    assert max(row[1] for row in readings) > 2399, "the x axis is the boards' own time"
    assert not watched.problems, watched.problems
    watched.close()
