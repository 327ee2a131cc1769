"""The writes a lesson makes, which never stop it: naming boards and recording flashes.

When the store can be used, events kept on this PC earlier (kit/inventory/outbox.py) are sent
first, in the same transaction, and then forgotten. When it cannot (unreachable, damaged,
foreign, too new), the work is kept on this PC instead, boards keep the names this PC last
heard, and the problem is said once per process and store, as a warning on the `kit` logger
(the CLI shows it on stderr); after that it is only logged at info level.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection

from kit.i18n import ngettext, os_reason
from kit.i18n import gettext as _
from kit.errors import KitError
from kit.inventory.outbox import Pending, drop, keep, known_names, pending, remember_names
from kit.inventory.db import StoreChoice, StoreUnavailable, target, transaction
from kit.inventory.events import FlashEvent, write_flashes
from kit.inventory.naming import SEEN_EVENT_INTERVAL, Sighting, clean_sightings, name_boards
from kit.inventory.naming import rename as rename_board
from kit.inventory.schema import utc_now

log = logging.getLogger(__name__)
T = TypeVar("T")

_told: set[str] = set()
_told_lock = threading.Lock()
# Names this process was given in the last RECENT_S, so a recorder asking every second for an
# unplugged board costs the shared store nothing: (store, unique id) -> (time, name, version).
RECENT_S = 60.0
_recent: dict[tuple[str, str], tuple[float, str, str]] = {}
_kept: dict[tuple[str, str], float] = {}  # (store, unique id) -> when a sighting was kept
_recent_lock = threading.Lock()


def assign_names(sightings: Iterable[Sighting], store: StoreChoice = None) -> dict[str, str]:
    """Return {unique_id: name} for (unique_id, version, daplink_version) triples.

    Boards seen for the first time get the next free `gruppe-N`; their version and last-seen
    time are updated, at most once per RECENT_S per board and process (a name is kept that
    long). If the store cannot be used, the names this PC knows are returned and one sighting
    per board and hour is kept to be sent later.
    """
    wanted = clean_sightings(list(sightings))
    if not wanted:
        return {}
    where = target(store).description
    clock = time.monotonic()
    with _recent_lock:
        fresh = {u: _recent[where, u][1] for u, v, d in wanted if (where, u) in _recent
                 and clock - _recent[where, u][0] < RECENT_S and _recent[where, u][2] == v}
    if len(fresh) == len(wanted):
        return fresh  # asked again within RECENT_S (a recorder polling for a replug)
    try:
        names, _sent = _write(store, lambda conn: name_boards(conn, wanted, utc_now()))
    except StoreUnavailable as err:
        _keep_sightings(err, wanted, clock)
        try:
            return known_names(where, [u for u, _v, _d in wanted])
        except (OSError, sqlite3.Error):
            return {}
    with _recent_lock:
        _recent.update({(where, u): (clock, names[u], v) for u, v, _d in wanted if u in names})
    try:
        remember_names(where, names)
    except (OSError, sqlite3.Error) as err:
        log.info("board names not remembered on this PC: %s", err)
    return names


def _keep_sightings(err: StoreUnavailable, wanted: list[Sighting], clock: float) -> None:
    """Keep sightings to send later: one per board per SEEN_EVENT_INTERVAL, not per poll."""
    every = SEEN_EVENT_INTERVAL.total_seconds()
    with _recent_lock:
        new = [(u, v, d) for u, v, d in wanted
               if clock - _kept.get((err.store, u), -every) >= every]
        _kept.update({(err.store, u): clock for u, _v, _d in new})
    if new:
        now = utc_now().isoformat()
        _keep_or_say(err, "seen", [{"unique_id": u, "version": v, "daplink_version": d,
                                    "at": now} for u, v, d in new])


def rename(key: str, new_name: str, store: StoreChoice = None) -> str:
    """Give a board (name or unique id) a new name; return the old name."""
    old = rename_board(key, new_name, store)
    forget_recent()
    return old


def record_flashes(flashes: Sequence[FlashEvent], store: StoreChoice = None) -> int:
    """Record flashes (naming boards seen for the first time); return how many were written.

    If the store cannot be used they are kept on this PC and 0 is returned; KitError only if
    they could not be kept either (the message says so).
    """
    if not flashes:
        return 0
    try:
        return _write(store, lambda conn: write_flashes(conn, flashes))[0]
    except StoreUnavailable as err:
        now = utc_now()
        _keep_or_say(err, "flash", [_flash_payload(replace(f, at=f.at or now)) for f in flashes],
                     raise_if_lost=True)
        return 0


def send_pending(store: StoreChoice = None) -> int:
    """Send the events this PC kept for a store; return how many were sent (0: none kept)."""
    try:
        if not pending(target(store).description):
            return 0
    except (OSError, sqlite3.Error, ValueError):
        return 0
    return _write(store, lambda conn: 0)[1]


def _write(store: StoreChoice, work: Callable[[Connection], T]) -> tuple[T, int]:
    where = target(store).description
    try:
        waiting = pending(where)
    except (OSError, sqlite3.Error, ValueError) as err:
        log.info("events kept on this PC cannot be read: %s", err)
        waiting = []
    with transaction(store, write=True) as conn:
        sent = sum(_replay(conn, item) for item in waiting)
        result = work(conn)
    if waiting:
        try:
            drop(item.row for item in waiting)
        except (OSError, sqlite3.Error) as err:  # sent again next time; uids stop doubles
            log.info("sent events not removed from this PC: %s", err)
        log.info("%d events kept on this PC were sent to %s", sent, where)
    return result, sent


def _replay(conn: Connection, item: Pending) -> int:
    data = item.payload
    try:
        at = datetime.fromisoformat(str(data["at"]))
        if item.kind == "seen":
            name_boards(conn, clean_sightings([(str(data["unique_id"]), str(data["version"]),
                                                str(data["daplink_version"]))]), at)
            return 1
        if item.kind == "flash":
            fields = {k: v for k, v in data.items() if k in FlashEvent.__dataclass_fields__}
            return write_flashes(conn, [FlashEvent(**{**fields, "at": at})], [item.uid])
    except (KeyError, TypeError, ValueError) as err:
        log.warning("an event kept on this PC is unreadable and was dropped: %s", err)
    return 0


def _flash_payload(flash: FlashEvent) -> dict[str, Any]:
    payload = asdict(flash)
    payload["at"] = flash.at.isoformat() if flash.at else None
    return payload


def _keep_or_say(err: StoreUnavailable, kind: str, payloads: list[dict[str, Any]],
                 raise_if_lost: bool = False) -> None:
    try:
        kept = keep(err.store, kind, payloads)
    except (OSError, sqlite3.Error) as lost:
        message = _("{problem} The events could not be kept on this PC either ({reason}), so "
                    "they are not recorded.").format(problem=err, reason=os_reason(lost))
        if raise_if_lost:
            raise KitError(message) from err
        log.warning(message)
        return
    message = ngettext("{problem} {count} event is kept on this PC and sent when the "
                       "inventory can be used again.",
                       "{problem} {count} events are kept on this PC and sent when the "
                       "inventory can be used again.", kept).format(problem=err, count=kept)
    with _told_lock:
        first = err.store not in _told
        _told.add(err.store)
    log.log(logging.WARNING if first else logging.INFO, "%s", message)


def forget_told() -> None:
    """Say the next problem with any store again (tests; a long-running process)."""
    with _told_lock:
        _told.clear()
    forget_recent()


def forget_recent() -> None:
    """Ask the store again for every board name (after a rename; tests)."""
    with _recent_lock:
        _recent.clear()
        _kept.clear()
