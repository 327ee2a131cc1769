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

from kit.errors import KitError
from kit.inventory.db import StoreChoice, transaction
from kit.inventory.overview import Overview, overview
from kit.inventory.schema import InventoryStatus
from kit.inventory.store import (
    BOARD_ORDER, STATUS_LABELS, BoardRecord, board_query, record_from_row,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _local(when: datetime | date | None) -> str:
    """A time as the coordinator reads it: local time to the minute (dates as they are)."""
    if when is None:
        return ""
    if isinstance(when, datetime):
        return when.astimezone().strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    """The template environment, made once per process (jinja2 compiles a template once)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = _local
    return env


def render_report(view: Overview, records: Sequence[BoardRecord]) -> str:
    """Return the report page for an overview and the boards it counts."""
    by_school: dict[str, list[BoardRecord]] = {}
    for record in records:
        by_school.setdefault(record.school, []).append(record)
    return _environment().get_template("report.html.j2").render(
        view=view, by_school=by_school, labels={s.value: word for s, word in STATUS_LABELS.items()},
        statuses=list(InventoryStatus), today=date.today())


def write_report(path: Path, store: StoreChoice = None) -> Overview:
    """Write the report page to `path`; return the overview it shows."""
    with transaction(store) as conn:  # the counts and the list from one moment
        view = overview(store, conn)
        records = [record_from_row(r) for r in conn.execute(board_query().order_by(*BOARD_ORDER))]
    page = render_report(view, records)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        raise KitError("cannot write {}: {}".format(path, err)) from err
    return view
