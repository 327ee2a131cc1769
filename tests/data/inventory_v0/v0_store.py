# klimakit main@c54abc5 kit/inventory/store.py, verbatim: the store every school has today.
"""The board inventory: which micro:bits exist, where they belong, what they run.

One SQLite file in the user data folder (db_path below) holds one row per board, keyed by
DAPLink's unique id: its stable name (kit/inventory/naming.py), V1/V2, DAPLink version, school,
when it was first and last seen, and the last firmware flashed onto it with its hash, time and
result. No pupil data: a board is a school's device, not a person's. `flash` updates it; the
municipality's shared pool moves boards between schools with set_school().
"""
from __future__ import annotations

import csv
import logging
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from kit.errors import BoardNotFound, KitError
from kit.resources import data_dir

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS boards (
    unique_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    number INTEGER NOT NULL DEFAULT 0,
    version TEXT NOT NULL DEFAULT '?',
    daplink_version TEXT NOT NULL DEFAULT '',
    school TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL DEFAULT '',
    last_seen TEXT NOT NULL DEFAULT '',
    firmware TEXT NOT NULL DEFAULT '',
    firmware_hash TEXT NOT NULL DEFAULT '',
    flashed_at TEXT NOT NULL DEFAULT '',
    last_result TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class InventoryRecord:
    """One board as the inventory knows it (the columns of the CSV export, in order)."""

    name: str
    unique_id: str
    version: str
    daplink_version: str
    school: str
    first_seen: str
    last_seen: str
    firmware: str
    firmware_hash: str
    flashed_at: str
    last_result: str


COLUMNS = tuple(f.name for f in fields(InventoryRecord))
DB_FILE = "klimakit.sqlite3"


def db_path() -> Path:
    """Return the SQLite file holding board names and the inventory."""
    return data_dir() / DB_FILE


def now_iso() -> str:
    """Return the current UTC time as ISO 8601 (seconds), the format stored everywhere."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def open_db(path: Path | None = None) -> sqlite3.Connection:
    """Open (and create) the board store. Several processes may use it at once."""
    try:
        path = path or db_path()
    except OSError as err:
        raise KitError(
            "cannot create the klimakit data folder ({}). Set KLIMAKIT_DATA_DIR to a writable "
            "folder.".format(err)
        ) from err
    try:
        conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(_SCHEMA)
    except sqlite3.Error as err:
        raise KitError(
            "cannot open the board store {} ({}). Check that the folder is writable, or set "
            "KLIMAKIT_DATA_DIR to another folder.".format(path, err)
        ) from err
    return conn


def list_boards(school: str | None = None, path: Path | None = None) -> list[InventoryRecord]:
    """Return every known board (optionally one school's), in name order."""
    with closing(open_db(path)) as conn:
        query = "SELECT {} FROM boards".format(", ".join(COLUMNS))
        args: tuple[str, ...] = ()
        if school is not None:
            query += " WHERE school = ?"
            args = (school,)
        rows = conn.execute(query + " ORDER BY number, name", args).fetchall()
    return [InventoryRecord(*row) for row in rows]


def resolve(conn: sqlite3.Connection, keys: Iterable[str]) -> list[str]:
    """Map board names or unique ids to unique ids; raise BoardNotFound listing known names."""
    found: list[str] = []
    for key in keys:
        row = conn.execute(
            "SELECT unique_id FROM boards WHERE name = ? OR unique_id = ?",
            (key.strip(), key.strip().lower()),
        ).fetchone()
        if row is None:
            known = [r[0] for r in conn.execute("SELECT name FROM boards ORDER BY number")]
            raise BoardNotFound(
                "no board named {!r} in the inventory. Known boards: {}. Plug it in and run "
                "`klimakit boards` to give it a name.".format(key, ", ".join(known) or "none")
            )
        found.append(str(row[0]))
    return found


def set_school(keys: Iterable[str], school: str, path: Path | None = None) -> list[str]:
    """Assign boards (names or unique ids) to a school; return their names."""
    school = school.strip()
    with closing(open_db(path)) as conn:
        ids = resolve(conn, list(keys))
        conn.executemany("UPDATE boards SET school = ? WHERE unique_id = ?",
                         [(school, uid) for uid in ids])
        return [str(conn.execute("SELECT name FROM boards WHERE unique_id = ?",
                                 (uid,)).fetchone()[0]) for uid in ids]


def record_flash(unique_id: str, firmware: str, firmware_hash: str, result: str,
                 *, ok: bool, path: Path | None = None) -> None:
    """Remember what was flashed onto a board (firmware and hash only if it succeeded)."""
    when = now_iso()
    with closing(open_db(path)) as conn:
        if ok:
            conn.execute(
                "UPDATE boards SET firmware = ?, firmware_hash = ?, flashed_at = ?, "
                "last_result = ?, last_seen = ? WHERE unique_id = ?",
                (firmware, firmware_hash, when, result, when, unique_id),
            )
        else:
            conn.execute("UPDATE boards SET last_result = ?, last_seen = ? WHERE unique_id = ?",
                         (result, when, unique_id))


def export_csv(path: Path, records: Iterable[InventoryRecord]) -> int:
    """Write records as CSV (UTF-8 with BOM so Excel shows æøå); return the row count."""
    count = 0
    try:
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for record in records:
                writer.writerow(astuple(record))
                count += 1
    except OSError as err:
        raise KitError("cannot write {}: {}".format(path, err)) from err
    return count

