"""The coordinator's report page in headless Chromium: offline, escaped, complete.

Debian's /usr/bin/chromium driven by playwright (executable_path; never a downloaded
browser), as in tests/test_site_browser.py. The page must load from a file with no other
request, run no script (a school named `<script>` is text), and show what the store holds.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import require_chromium

from kit import cli
from kit.inventory import (
    FlashEvent, add_to_kit, assign_names, create_kit, lend_kit, mark_defect, record_flashes,
    set_school,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_SCHOOL = "<script>alert(1)</script> & \"Skole\""
HOSTILE_NOTE = "<img src=x onerror=alert(2)>"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDS = ["9900{:044x}".format(i) for i in range(6)] + ["9904{:044x}".format(i) for i in range(6)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _fill_store() -> None:
    assign_names([(uid, "v1" if uid.startswith("9900") else "v2", "0255") for uid in IDS])
    set_school(IDS[:5], "Lemtorpskolen")
    set_school(IDS[5:9], HOSTILE_SCHOOL)
    create_kit("Klimakasse 1", "Depot")
    add_to_kit("Klimakasse 1", IDS[9:], [("batteripakke", 15)])
    lend_kit("Klimakasse 1", "Lemtorpskolen", date.today() + timedelta(days=7))
    mark_defect(IDS[0], note=HOSTILE_NOTE)
    record_flashes([FlashEvent(IDS[1], "v1", "", "afkoeling", "ab" * 32, False, "fejl",
                               daplink_code=521)] * 3)


def test_report_page_in_chromium(browser, store, tmp_path: Path):
    _fill_store()
    out = tmp_path / "overblik.html"
    result = CliRunner().invoke(cli.cli, ["inventory", "report", "-o", str(out)])
    assert result.exit_code == 0, result.output
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append("dialog " + d.message), d.dismiss()))
    try:
        page.goto(out.resolve().as_uri())
        assert requests == [out.resolve().as_uri()], "offline: nothing but the page itself"
        schools = page.locator("#schools tbody tr").all_inner_texts()
        assert len(schools) == 3, schools  # Lemtorpskolen, the hostile one, Depot
        assert any(HOSTILE_SCHOOL in row for row in schools), schools
        [lemtorp] = [r for r in schools if r.startswith("Lemtorpskolen")]
        assert lemtorp.split("\t")[1:4] == ["5", "5", "0"] and "Klimakasse 1" in lemtorp
        kits = page.locator("#kits tbody tr").all_inner_texts()
        assert len(kits) == 1 and "Lemtorpskolen" in kits[0] and "15 × batteripakke" in kits[0]
        replacements = page.locator("#replacements tbody tr").all_inner_texts()
        assert len(replacements) == 2
        assert any(HOSTILE_NOTE in r for r in replacements)
        assert any("3 failed flashes in a row" in r and "521" in r for r in replacements)
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        page.locator("summary").first.click()
        assert page.locator("table.boards").first.is_visible()
        assert page.locator("table.boards tbody tr").count() == len(IDS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inventory-report-{}.png".format(store)),
                        full_page=True)
    finally:
        context.close()
    assert problems == []
