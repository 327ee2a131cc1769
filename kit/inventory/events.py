"""What happens to boards: flashed, flash failed (with DAPLink's code), defect, repaired.

Each is one row in `events` (kit/inventory/schema.py) plus the board's current state in
`boards`: its last program and hash (only a successful flash sets them), its last result,
its status. A replayed event (kept on a PC while the store was away, kit/inventory/outbox.py)
carries its original time, so an old event never overwrites a newer state.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from kit.inventory.db import StoreChoice, transaction
from kit.inventory.naming import clean_sightings, name_boards
from kit.inventory.schema import (
    NOTE_CHARS, RESULT_CHARS, InventoryEvent, InventoryStatus, boards, events, utc_now,
)
from kit.inventory.store import add_event, find_board, school_id, settled_status
from kit.text import one_line


@dataclass(frozen=True)
class FlashEvent:
    """One board's flash, as `klimakit flash` saw it (kit/flash/flasher.py)."""

    unique_id: str
    version: str
    daplink_version: str
    program: str
    program_hash: str
    ok: bool
    result: str  # the teacher's sentence
    daplink_code: int | None = None  # the 5xx from FAIL.TXT (docs/daplink.md)
    detail: str = ""  # DAPLink's own sentence, bounded
    at: datetime | None = None  # None: now


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a board's history."""

    at: datetime
    kind: InventoryEvent
    program: str
    program_hash: str
    daplink_code: int | None
    detail: str


def write_flashes(conn: Connection, flashes: Sequence[FlashEvent],
                  uids: Sequence[str | None] | None = None) -> int:
    """Record flashes inside a write transaction (naming unknown boards); return the count."""
    uids = uids or [None] * len(flashes)
    now = utc_now()
    written = 0
    for flash, uid in zip(flashes, uids):
        if uid is not None and conn.execute(select(events.c.id).where(events.c.uid == uid)
                                            ).first():
            continue  # sent before, then the PC stopped before forgetting it
        at = flash.at or now
        sighting = clean_sightings([(flash.unique_id, flash.version, flash.daplink_version)])
        if not sighting:
            continue  # no unique id: nothing to record it for
        name_boards(conn, sighting, at)  # a board flashed before it was ever named
        board_id = sighting[0][0]
        row = conn.execute(select(boards.c.last_seen, boards.c.flashed_at)
                           .where(boards.c.unique_id == board_id)).one()
        state: dict[str, object] = {}
        if row[0] is None or at >= row[0]:
            state.update(last_seen=at, last_result=one_line(flash.result, RESULT_CHARS))
        if flash.ok and (row[1] is None or at >= row[1]):
            state.update(firmware=one_line(flash.program, 64),
                         firmware_hash=one_line(flash.program_hash, 64), flashed_at=at)
        if state:
            conn.execute(update(boards).where(boards.c.unique_id == board_id).values(**state))
        kind = InventoryEvent.FLASHED if flash.ok else InventoryEvent.FLASH_FAILED
        add_event(conn, board_id, kind, at, program=flash.program, program_hash=flash.program_hash,
                  daplink_code=flash.daplink_code, detail=flash.detail or flash.result, uid=uid)
        written += 1
    return written


def mark_defect(key: str, note: str = "", store: StoreChoice = None) -> str:
    """Mark a board defect (it joins the replacement list); return its name."""
    return _set_defect(key, note, True, store)


def mark_repaired(key: str, note: str = "", store: StoreChoice = None) -> str:
    """A defect board works again: back in use (or in its kit); return its name."""
    return _set_defect(key, note, False, store)


def _set_defect(key: str, note: str, defect: bool, store: StoreChoice) -> str:
    note = one_line(note, NOTE_CHARS)
    with transaction(store, write=True) as conn:
        uid = find_board(conn, key)
        name, kit_id = conn.execute(select(boards.c.name, boards.c.kit_id)
                                    .where(boards.c.unique_id == uid)).one()
        status = InventoryStatus.DEFECT if defect else settled_status(conn, kit_id)
        conn.execute(update(boards).where(boards.c.unique_id == uid).values(
            status=status.value, note=note if defect else ""))
        add_event(conn, uid, InventoryEvent.MARKED_DEFECT if defect else InventoryEvent.REPAIRED,
                  utc_now(), detail=note)
    return str(name)


def set_school(keys: Iterable[str], school: str, store: StoreChoice = None) -> list[str]:
    """Assign boards (names or unique ids) to a school, made if new; return their names."""
    with transaction(store, write=True) as conn:
        ids = [find_board(conn, key) for key in keys]
        target = school_id(conn, school, create=True)
        conn.execute(update(boards).where(boards.c.unique_id.in_(ids)).values(school_id=target))
        names = {str(uid): str(name) for uid, name in conn.execute(
            select(boards.c.unique_id, boards.c.name).where(boards.c.unique_id.in_(ids)))}
        return [str(names[uid]) for uid in ids]


def board_history(key: str, store: StoreChoice = None, limit: int = 200) -> list[HistoryEntry]:
    """Return a board's events, newest first (at most `limit`)."""
    with transaction(store) as conn:
        uid = find_board(conn, key)
        rows = conn.execute(select(events.c.at, events.c.kind, events.c.program,
                                   events.c.program_hash, events.c.daplink_code,
                                   events.c.detail).where(events.c.board_id == uid)
                            .order_by(events.c.at.desc(), events.c.id.desc()).limit(limit))
        return [HistoryEntry(r[0], InventoryEvent(r[1]), r[2], r[3], r[4], r[5]) for r in rows]
