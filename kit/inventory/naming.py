"""Stable board names: `gruppe-1`, `gruppe-2`, … remembered per DAPLink unique id.

A teacher labels a board once ("gruppe-3" on a sticker) and every command uses that name,
whichever USB port or drive letter the board gets today, on every PC that shares the store.
A new board gets the smallest free number, inside the store's write lock (kit/inventory/db.py),
so two PCs naming boards at once never hand out the same name. A board seen on a PC whose
KLIMAKIT_SCHOOL is set belongs to that school from the start.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from kit.i18n import gettext as _
from kit.errors import KitError
from kit.inventory.db import StoreChoice, transaction
from kit.inventory.schema import InventoryEvent, InventoryStatus, boards
from kit.inventory.store import add_event, find_board, school_id
from kit.text import one_line

log = logging.getLogger(__name__)

NAME_PREFIX = "gruppe-"
ENV_SCHOOL = "KLIMAKIT_SCHOOL"
# One `seen` event per board per hour: `klimakit boards` run every minute is not history.
SEEN_EVENT_INTERVAL = timedelta(hours=1)
# A name is also a valid radio sender (kit/record/protocol.py).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")
_NUMBERED = re.compile(re.escape(NAME_PREFIX) + r"(\d{1,6})")

Sighting = tuple[str, str, str]  # (unique_id, version, daplink_version)


def clean_sightings(sightings: Sequence[Sighting]) -> list[Sighting]:
    """Lower-case unique ids, bound the other fields, and drop boards without an id."""
    return [(one_line(uid, 64).lower(), one_line(version, 8) or "?", one_line(daplink, 16))
            for uid, version, daplink in sightings if uid and uid.strip()]


def name_boards(conn: Connection, sightings: Sequence[Sighting], when: datetime,
                ) -> dict[str, str]:
    """Name and update boards inside a write transaction; return {unique_id: name}."""
    names: dict[str, str] = {}
    taken: set[str] | None = None
    home = os.environ.get(ENV_SCHOOL, "").strip()
    for uid, version, daplink in sightings:
        row = conn.execute(select(boards.c.name, boards.c.last_seen, boards.c.daplink_version)
                           .where(boards.c.unique_id == uid)).first()
        if row is None:
            if taken is None:
                taken = {str(r[0]) for r in conn.execute(select(boards.c.name))}
            number = next(n for n in range(1, len(taken) + 2)
                          if "{}{}".format(NAME_PREFIX, n) not in taken)
            name = "{}{}".format(NAME_PREFIX, number)
            taken.add(name)
            conn.execute(insert(boards).values(
                unique_id=uid, name=name, number=number, version=version,
                daplink_version=daplink, first_seen=when, last_seen=when,
                status=InventoryStatus.IN_USE.value,
                school_id=school_id(conn, home, create=True) if home else None))
            add_event(conn, uid, InventoryEvent.SEEN, when)
            log.info("new board %s is %s", uid, name)
        else:
            name, last_seen = str(row[0]), row[1]
            if last_seen is None or when >= last_seen:
                conn.execute(update(boards).where(boards.c.unique_id == uid).values(
                    version=version, daplink_version=daplink or row[2], last_seen=when))
            if last_seen is None or when - last_seen >= SEEN_EVENT_INTERVAL:
                add_event(conn, uid, InventoryEvent.SEEN, when)
        names[uid] = name
    return names


def rename(key: str, new_name: str, store: StoreChoice = None) -> str:
    """Give a board (name or unique id) a new name; return the old name."""
    if not _NAME.match(new_name):
        raise KitError(_("{name!r} cannot be a board name: use a letter first, then letters, "
                         "digits, '-' or '_' (at most 16), e.g. gruppe-7 or bord3.").format(
                             name=new_name))
    with transaction(store, write=True) as conn:
        uid = find_board(conn, key)
        old = str(conn.execute(select(boards.c.name).where(boards.c.unique_id == uid))
                  .scalar_one())
        clash = conn.execute(select(boards.c.unique_id).where(boards.c.name == new_name)).scalar()
        if clash is not None and clash != uid:
            raise KitError(_("the name {name!r} is already used by another board").format(
                name=new_name))
        numbered = _NUMBERED.fullmatch(new_name)
        conn.execute(update(boards).where(boards.c.unique_id == uid).values(
            name=new_name, number=int(numbered.group(1)) if numbered else 10**6))
    return old
