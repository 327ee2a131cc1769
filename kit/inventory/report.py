"""`inventory report`: one static HTML page for the IT coordinator, to print or mail.

The page (kit/inventory/templates/report.html.j2) holds the overview per school, where every
pool kit is, the boards to replace, and every board by school. It is self-contained (CSS
inline, no script, no external file) so it opens offline from a USB stick or a mail, and
jinja2 escapes every value (autoescape): a school called `<script>` is text on the page.
The store's URL is shown without its password.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kit.i18n import LANGUAGES, language, os_reason, translations, use_language
from kit.i18n import gettext as _
from kit.errors import KitError
from kit.inventory.db import StoreChoice, transaction
from kit.inventory.overview import Overview, overview
from kit.inventory.schema import InventoryStatus
from kit.inventory.store import (
    BOARD_ORDER, STATUS_LABELS, BoardRecord, board_query, record_from_row, status_label,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _local(when: datetime | date | None) -> str:
    """A time as the coordinator reads it: local time to the minute (dates as they are)."""
    if when is None:
        return ""
    if isinstance(when, datetime):
        return when.astimezone().strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


@functools.lru_cache(maxsize=len(LANGUAGES))
def _environment(lang: str) -> Environment:
    """The template environment of one language, made once per process (jinja2 compiles a
    template once); its words come from the catalogs (jinja2's i18n extension)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = _local
    return env


def render_report(view: Overview, records: Sequence[BoardRecord]) -> str:
    """Return the report page for an overview and the boards it counts, in the user's
    language (the coordinator's page, like the CLI)."""
    by_school: dict[str, list[BoardRecord]] = {}
    for record in records:
        by_school.setdefault(record.school, []).append(record)
    lang = language()
    with use_language(lang):
        labels = {s.value: status_label(s) for s in STATUS_LABELS}
    return _environment(lang).get_template("report.html.j2").render(
        view=view, by_school=by_school, labels=labels, statuses=list(InventoryStatus),
        today=date.today(), lang=lang)


def write_report(path: Path, store: StoreChoice = None) -> Overview:
    """Write the report page to `path`; return the overview it shows."""
    with transaction(store) as conn:  # the counts and the list from one moment
        view = overview(store, conn)
        records = [record_from_row(r) for r in conn.execute(board_query().order_by(*BOARD_ORDER))]
    page = render_report(view, records)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        raise KitError(_("cannot write {path}: {reason}").format(
            path=path, reason=os_reason(err))) from err
    return view
