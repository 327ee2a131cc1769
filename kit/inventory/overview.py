"""The coordinator's overview: per school, the pool kits, and the boards to replace.

Per school: boards, V1/V2, in use / in stock / on loan / defect, and the kits it has borrowed.
Per kit: its home and where it is now. The replacement list holds every board marked defect
and every board whose last FAILURES_FOR_REPLACEMENT flashes or more failed in a row (no
successful flash or repair since), with the DAPLink code of its last failure. All of it is a
handful of aggregate queries, so 10 schools × 500 boards with 100,000 events take well under
a second on SQLite and PostgreSQL (benchmarks/bench_inventory.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, func, or_, select

from kit.inventory.db import StoreChoice, target, transaction
from kit.inventory.pool import KitRecord, list_kits
from kit.inventory.schema import InventoryEvent, InventoryStatus, boards, events, schools, utc_now
from kit.inventory.store import BOARD_ORDER

FAILURES_FOR_REPLACEMENT = 3
NO_SCHOOL = ""


@dataclass
class SchoolSummary:
    """One school's boards, counted."""

    school: str  # '' for boards that belong to no school yet
    boards: int = 0
    v1: int = 0
    v2: int = 0
    by_status: dict[InventoryStatus, int] = field(default_factory=dict)
    kits_borrowed: list[str] = field(default_factory=list)
    kits_home: list[str] = field(default_factory=list)

    def count(self, status: InventoryStatus) -> int:
        return self.by_status.get(status, 0)


@dataclass(frozen=True)
class Replacement:
    """A board that should be replaced or looked at."""

    name: str
    unique_id: str
    school: str
    version: str
    defect: bool
    failures: int  # failed flashes in a row
    last_code: int | None  # DAPLink's code of the last failure
    note: str
    since: datetime | None  # marked defect, or the last failure


@dataclass(frozen=True)
class Overview:
    """Everything `inventory overview` and `inventory report` show."""

    store: str
    generated_at: datetime
    schools: Sequence[SchoolSummary]
    kits: Sequence[KitRecord]
    replacements: Sequence[Replacement]
    events: int

    @property
    def boards(self) -> int:
        return sum(s.boards for s in self.schools)


def overview(store: StoreChoice = None, conn: Connection | None = None) -> Overview:
    """Collect the overview from the store in one read transaction (or in `conn`'s)."""
    if conn is None:
        with transaction(store) as own:
            return overview(store, own)
    summaries = _schools(conn)
    kits = list_kits(conn=conn)
    for kit in kits:
        summaries.setdefault(kit.home, SchoolSummary(kit.home)).kits_home.append(kit.name)
        if kit.lent_to:
            summaries.setdefault(kit.lent_to, SchoolSummary(kit.lent_to)
                                 ).kits_borrowed.append(kit.name)
    total = int(conn.execute(select(func.count()).select_from(events)).scalar_one())
    ordered = sorted(summaries.values(), key=lambda s: (s.school == NO_SCHOOL, s.school))
    return Overview(target(store).description, utc_now(), ordered, kits, _replacements(conn),
                    total)


def _schools(conn: Connection) -> dict[str, SchoolSummary]:
    found = {str(name): SchoolSummary(str(name)) for (name,) in conn.execute(
        select(schools.c.name))}
    rows = conn.execute(
        select(func.coalesce(schools.c.name, NO_SCHOOL), boards.c.version, boards.c.status,
               func.count())
        .select_from(boards.outerjoin(schools, schools.c.id == boards.c.school_id))
        .group_by(schools.c.name, boards.c.version, boards.c.status))
    for school, version, status, count in rows:
        summary = found.setdefault(str(school), SchoolSummary(str(school)))
        summary.boards += int(count)
        summary.v1 += int(count) if version == "v1" else 0
        summary.v2 += int(count) if version == "v2" else 0
        try:
            kind = InventoryStatus(status)
        except ValueError:
            kind = InventoryStatus.IN_USE
        summary.by_status[kind] = summary.by_status.get(kind, 0) + int(count)
    return found


def _replacements(conn: Connection) -> list[Replacement]:
    # Per board the last good moment (a successful flash or a repair), then its failures
    # after it: two grouped scans joined by hash, not one lookup per failure.
    good = (select(events.c.board_id, func.max(events.c.at).label("at"))
            .where(events.c.kind.in_([InventoryEvent.FLASHED.value, InventoryEvent.REPAIRED.value]))
            .group_by(events.c.board_id).subquery("good"))
    failing = {str(b): (int(n), last) for b, n, last in conn.execute(
        select(events.c.board_id, func.count(), func.max(events.c.at))
        .select_from(events.outerjoin(good, good.c.board_id == events.c.board_id))
        .where(events.c.kind == InventoryEvent.FLASH_FAILED.value,
               or_(good.c.at.is_(None), events.c.at > good.c.at))
        .group_by(events.c.board_id)
        .having(func.count() >= FAILURES_FOR_REPLACEMENT))}
    wanted = (boards.c.status == InventoryStatus.DEFECT.value) | boards.c.unique_id.in_(
        list(failing))
    rows = conn.execute(
        select(boards.c.name, boards.c.unique_id, func.coalesce(schools.c.name, NO_SCHOOL),
               boards.c.version, boards.c.status, boards.c.note)
        .select_from(boards.outerjoin(schools, schools.c.id == boards.c.school_id))
        .where(wanted).order_by(*BOARD_ORDER)).all()
    codes, marked = _last_failures(conn, [str(r[1]) for r in rows])
    found = []
    for name, uid, school, version, status, note in rows:
        failures, last = failing.get(str(uid), (0, None))
        defect = status == InventoryStatus.DEFECT.value
        found.append(Replacement(str(name), str(uid), str(school), str(version), defect,
                                 failures, codes.get(str(uid)), str(note),
                                 marked.get(str(uid)) if defect else last))
    return found


def _last_failures(conn: Connection, board_ids: list[str]
                   ) -> tuple[dict[str, int | None], dict[str, datetime]]:
    """({board: DAPLink code of its last failed flash}, {board: when it was marked defect})."""
    if not board_ids:
        return {}, {}
    kinds = [InventoryEvent.FLASH_FAILED.value, InventoryEvent.MARKED_DEFECT.value]
    last = (select(events.c.board_id, events.c.kind, func.max(events.c.at).label("at"))
            .where(events.c.board_id.in_(board_ids), events.c.kind.in_(kinds))
            .group_by(events.c.board_id, events.c.kind).subquery("last"))
    rows = conn.execute(
        select(last.c.board_id, last.c.kind, last.c.at, events.c.daplink_code)
        .join(events, and_(events.c.board_id == last.c.board_id, events.c.kind == last.c.kind,
                           events.c.at == last.c.at)))
    codes: dict[str, int | None] = {}
    marked: dict[str, datetime] = {}
    for board, kind, at, code in rows:
        if kind == InventoryEvent.FLASH_FAILED.value:
            codes[str(board)] = code
        else:
            marked[str(board)] = at
    return codes, marked
