# klimakit main@c54abc5 kit/inventory/naming.py, verbatim but for the import of v0_store.
"""Stable board names: `gruppe-1`, `gruppe-2`, … remembered per DAPLink unique id.

A teacher labels a board once ("gruppe-3" on a sticker) and every command uses that name,
whichever USB port or drive letter the board gets today. Names live in the inventory's
SQLite file (kit.inventory), so they survive reboots and are shared by every process (the
virtual fleet, `flash`, `record`). A new board gets the smallest free number.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from kit.errors import KitError
from v0_store import now_iso, open_db, resolve

log = logging.getLogger(__name__)

NAME_PREFIX = "gruppe-"
# A name is also a valid radio sender (kit/record/protocol.py).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")


def assign_names(boards: Iterable[tuple[str, str, str]],
                 path: Path | None = None) -> dict[str, str]:
    """Return {unique_id: name} for (unique_id, version, daplink_version) triples.

    Boards seen for the first time get the next free `gruppe-N`; their version and last-seen
    time are updated on every call.
    """
    wanted = [(uid.lower(), version, daplink) for uid, version, daplink in boards if uid]
    if not wanted:
        return {}
    names: dict[str, str] = {}
    with closing(open_db(path)) as conn:
        conn.execute("BEGIN IMMEDIATE")  # two processes must not hand out the same number
        try:
            when = now_iso()
            for uid, version, daplink in wanted:
                row = conn.execute("SELECT name FROM boards WHERE unique_id = ?", (uid,)).fetchone()
                if row is None:
                    number = _next_number(conn)
                    name = "{}{}".format(NAME_PREFIX, number)
                    conn.execute(
                        "INSERT INTO boards (unique_id, name, number, version, daplink_version, "
                        "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (uid, name, number, version, daplink, when, when),
                    )
                    log.info("new board %s is %s", uid, name)
                else:
                    name = str(row[0])
                    conn.execute(
                        "UPDATE boards SET version = ?, daplink_version = CASE WHEN ? = '' THEN "
                        "daplink_version ELSE ? END, last_seen = ? WHERE unique_id = ?",
                        (version, daplink, daplink, when, uid),
                    )
                names[uid] = name
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return names


def _next_number(conn: sqlite3.Connection) -> int:
    taken = {str(r[0]) for r in conn.execute("SELECT name FROM boards")}
    number = 1
    while "{}{}".format(NAME_PREFIX, number) in taken:
        number += 1
    return number


def rename(key: str, new_name: str, path: Path | None = None) -> str:
    """Give a board (name or unique id) a new name; return the old name."""
    if not _NAME.match(new_name):
        raise KitError(
            "{!r} cannot be a board name: use a letter first, then letters, digits, '-' or '_' "
            "(at most 16), e.g. gruppe-7 or bord3.".format(new_name)
        )
    with closing(open_db(path)) as conn:
        [uid] = resolve(conn, [key])
        old = str(conn.execute("SELECT name FROM boards WHERE unique_id = ?", (uid,)).fetchone()[0])
        clash = conn.execute("SELECT unique_id FROM boards WHERE name = ?", (new_name,)).fetchone()
        if clash is not None and clash[0] != uid:
            raise KitError("the name {!r} is already used by another board".format(new_name))
        number = int(new_name[len(NAME_PREFIX):]) if re.fullmatch(
            re.escape(NAME_PREFIX) + r"\d{1,6}", new_name) else 10**6
        conn.execute("UPDATE boards SET name = ?, number = ? WHERE unique_id = ?",
                     (new_name, number, uid))
    return old
