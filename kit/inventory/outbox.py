"""What a PC keeps while the inventory cannot be used: unsent events and the names it knew.

A lesson never waits for the shared store. When it cannot be reached (or is damaged), the
events a lesson makes - boards seen, flashed, failed with DAPLink's code - are written here,
into `klimakit-outbox.sqlite3` in the user data folder, keyed by the store they belong to
(its URL without password). The next time this PC reaches that store they are sent first
(kit/inventory/sync.py) and then removed; each carries a uid, so sending twice after a crash
records it once. The outbox also remembers every board name this PC has been told, so boards
keep their `gruppe-N` names on a lesson day when the network is down.

Plain sqlite3 (no SQLAlchemy, no migrations): two small tables, created if missing.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.resources import data_dir

OUTBOX_FILE = "klimakit-outbox.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, store TEXT NOT NULL, "
    "uid TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS names (store TEXT NOT NULL, unique_id TEXT NOT NULL, "
    "name TEXT NOT NULL, PRIMARY KEY (store, unique_id))",
)


@dataclass(frozen=True)
class Pending:
    """One event kept on this PC: 'seen' or 'flash', with what the store needs to replay it."""

    row: int
    uid: str
    kind: str
    payload: dict[str, Any]


def outbox_path() -> Path:
    """Return the outbox file (beside the default SQLite store)."""
    return data_dir() / OUTBOX_FILE


def _open(path: Path | None = None) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path or outbox_path()), timeout=10, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    for statement in _SCHEMA:
        conn.execute(statement)
    return conn


def keep(store: str, kind: str, payloads: Iterable[Mapping[str, Any]]) -> int:
    """Keep events for a store; return how many. OSError or sqlite3.Error if it cannot."""
    rows = [(store, uuid.uuid4().hex, kind, json.dumps(dict(p), sort_keys=True))
            for p in payloads]
    with closing(_open()) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO pending (store, uid, kind, payload) VALUES (?, ?, ?, ?)",
                         rows)
        conn.execute("COMMIT")
    return len(rows)


def pending(store: str) -> list[Pending]:
    """Return the events kept for a store, oldest first (none if there is no outbox)."""
    path = outbox_path()
    if not path.exists():
        return []
    with closing(_open(path)) as conn:
        rows = conn.execute("SELECT id, uid, kind, payload FROM pending WHERE store = ? "
                            "ORDER BY id", (store,)).fetchall()
    return [Pending(int(r[0]), str(r[1]), str(r[2]), json.loads(r[3])) for r in rows]


def drop(rows: Iterable[int]) -> None:
    """Forget events that the store has now recorded."""
    with closing(_open()) as conn:
        conn.executemany("DELETE FROM pending WHERE id = ?", [(r,) for r in rows])


def remember_names(store: str, names: Mapping[str, str]) -> None:
    """Remember board names the store gave (so they are known when it cannot be reached)."""
    if not names:
        return
    with closing(_open()) as conn:
        conn.executemany("INSERT OR REPLACE INTO names (store, unique_id, name) VALUES (?, ?, ?)",
                         [(store, uid, name) for uid, name in names.items()])


def known_names(store: str, unique_ids: Iterable[str]) -> dict[str, str]:
    """Return the names this PC last heard for these boards from a store."""
    path = outbox_path()
    wanted = list(unique_ids)
    if not wanted or not path.exists():
        return {}
    with closing(_open(path)) as conn:
        rows = conn.execute("SELECT unique_id, name FROM names WHERE store = ?",
                            (store,)).fetchall()
    return {str(uid): str(name) for uid, name in rows if uid in wanted}
