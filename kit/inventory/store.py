"""Boards as the inventory knows them: listing, finding one, exporting, and shared helpers.

A board is keyed by DAPLink's unique id (DETAILS.TXT); it has a stable name (kit/inventory/
naming.py), V1/V2, a school, maybe a pool kit, a status, and its last program with hash. The
tables are in kit/inventory/schema.py; kit/inventory/db.py says which store is used. Helpers
here (find_board, school_id, add_event, settled_status) are the one place for their rule.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, func, insert, or_, select

from kit.i18n import os_reason
from kit.errors import BoardNotFound, KitError
from kit.i18n import N_
from kit.i18n import gettext as _
from kit.inventory.db import StoreChoice, transaction
from kit.inventory.schema import (
    NAME_CHARS, RESULT_CHARS, InventoryEvent, InventoryStatus, boards, events, kits, loans, schools,
)
from kit.text import csv_cell, one_line

STATUS_LABELS = {  # the coordinator's words (issue 17), shown by the CLI and the report
    InventoryStatus.IN_USE: N_("in use"), InventoryStatus.IN_STOCK: N_("in stock"),
    InventoryStatus.ON_LOAN: N_("on loan"), InventoryStatus.DEFECT: N_("defect"),
}


def status_label(status: InventoryStatus) -> str:
    """A board status in the current language ('i brug', 'på lager', 'udlånt', 'defekt')."""
    return _(STATUS_LABELS[status])


@dataclass(frozen=True)
class BoardRecord:
    """One board as the inventory knows it (the columns of the CSV export, in order)."""

    name: str
    unique_id: str
    version: str
    daplink_version: str
    school: str
    kit: str
    status: InventoryStatus
    note: str
    first_seen: datetime | None
    last_seen: datetime | None
    firmware: str
    firmware_hash: str
    flashed_at: datetime | None
    last_result: str

    def as_json(self) -> dict[str, Any]:
        """Return the board for `inventory --json` (times as ISO 8601 UTC)."""
        program = None
        if self.firmware:
            program = {"name": self.firmware, "sha256": self.firmware_hash,
                       "flashed_at": _iso(self.flashed_at)}
        return {
            "unique_id": self.unique_id, "name": self.name, "version": self.version,
            "school": self.school or None, "status": self.status.value,
            "last_seen": _iso(self.last_seen), "last_program": program,
            "kit": self.kit or None, "daplink_version": self.daplink_version,
            "note": self.note, "last_result": self.last_result,
        }


COLUMNS = tuple(f.name for f in fields(BoardRecord))
# Boards by school (boards of no school last, on SQLite as on PostgreSQL), then name number.
BOARD_ORDER = (schools.c.name.asc().nulls_last(), boards.c.number, boards.c.name)
InventoryRecord = BoardRecord  # the name before the municipal inventory


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def board_query() -> Select[Any]:
    """SELECT every board with its school's and kit's names, in BoardRecord's column order."""
    return (select(boards.c.name, boards.c.unique_id, boards.c.version,
                   boards.c.daplink_version, func.coalesce(schools.c.name, "").label("school"),
                   func.coalesce(kits.c.name, "").label("kit"), boards.c.status,
                   boards.c.note, boards.c.first_seen, boards.c.last_seen, boards.c.firmware,
                   boards.c.firmware_hash, boards.c.flashed_at, boards.c.last_result)
            .select_from(boards.outerjoin(schools, schools.c.id == boards.c.school_id)
                         .outerjoin(kits, kits.c.id == boards.c.kit_id)))


def record_from_row(row: Sequence[Any]) -> BoardRecord:
    """Make a BoardRecord from a row of board_query()."""
    values = list(row)
    try:
        values[6] = InventoryStatus(values[6])
    except ValueError:
        values[6] = InventoryStatus.IN_USE  # a value written by hand: shown, not a crash
    return BoardRecord(*values)


def list_boards(school: str | None = None, store: StoreChoice = None) -> list[BoardRecord]:
    """Return every known board (optionally one school's), by school, then name number."""
    query = board_query()
    with transaction(store) as conn:
        if school is not None:
            query = query.where(schools.c.id == school_id(conn, school, create=False))
        rows = conn.execute(query.order_by(*BOARD_ORDER))
        return [record_from_row(r) for r in rows]


def find_board(conn: Connection, key: str) -> str:
    """Return the unique id of a board named by its name or unique id; BoardNotFound lists."""
    key = key.strip()
    found = conn.execute(select(boards.c.unique_id).where(
        or_(boards.c.name == key, boards.c.unique_id == key.lower()))).scalar()
    if found is None:
        known = list(conn.execute(select(boards.c.name).order_by(boards.c.number,
                                                                 boards.c.name).limit(20)))
        raise BoardNotFound(_("no board named {name!r} in the inventory. Known boards: {known}. "
                              "Plug it in and run `klimakit boards` to give it a name.").format(
                                  name=key, known=", ".join(str(r[0]) for r in known)
                                  or _("none")))
    return str(found)


def school_id(conn: Connection, name: str, *, create: bool) -> int:
    """Return a school's id; with create=True a new name becomes a new school."""
    clean = one_line(name, NAME_CHARS)
    if not clean:
        raise KitError(_("a school needs a name, e.g. \"Lemtorpskolen\"."))
    found = conn.execute(select(schools.c.id).where(schools.c.name == clean)).scalar()
    if found is not None:
        return int(found)
    if not create:
        known = [str(r[0]) for r in conn.execute(select(schools.c.name).order_by(schools.c.name))]
        raise KitError(_("no school is called {school!r} in the inventory. Known schools: "
                         "{known}.").format(school=clean, known=", ".join(known) or _("none yet")))
    conn.execute(insert(schools).values(name=clean))
    return int(conn.execute(select(schools.c.id).where(schools.c.name == clean)).scalar_one())


def add_event(conn: Connection, board_id: str, kind: InventoryEvent, at: datetime, *,
              program: str = "", program_hash: str = "", daplink_code: int | None = None,
              detail: str = "", uid: str | None = None) -> None:
    """Append one event to a board's history (text bounded and made printable)."""
    conn.execute(insert(events).values(
        board_id=board_id, kind=kind.value, at=at, program=one_line(program, NAME_CHARS),
        program_hash=one_line(program_hash, NAME_CHARS), daplink_code=daplink_code,
        detail=one_line(detail, RESULT_CHARS), uid=uid))


def settled_status(conn: Connection, kit_id: int | None) -> InventoryStatus:
    """The status of a board that is not defect: in use, or in its kit at home or on loan."""
    if kit_id is None:
        return InventoryStatus.IN_USE
    lent = conn.execute(select(loans.c.id).where(loans.c.kit_id == kit_id,
                                                 loans.c.returned_at.is_(None))).first()
    return InventoryStatus.ON_LOAN if lent else InventoryStatus.IN_STOCK


def export_csv(path: Path, records: Iterable[BoardRecord]) -> int:
    """Write records as CSV (UTF-8 with BOM so Excel shows æøå); return the row count.

    Every text cell goes through kit.text.csv_cell, so a school or note starting with '='
    is shown by Excel as text, never run as a formula.
    """
    count = 0
    try:
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for record in records:
                writer.writerow([_cell(getattr(record, c)) for c in COLUMNS])
                count += 1
    except OSError as err:
        raise KitError(_("cannot write {path}: {reason}").format(
            path=path, reason=os_reason(err))) from err
    return count


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, InventoryStatus):
        return value.value
    return csv_cell("" if value is None else str(value))
