"""The municipality's shared pool: named kits of boards and accessories that rotate.

A kit ("Klimakasse 1": 15 micro:bits, 15 battery packs, 5 temperature probes) has a home
school; it is lent to one school at a time (from, agreed last day, returned). Boards in a kit
belong to its home school; while the kit is lent they are `on_loan`, at home `in_stock`
(store.settled_status); a defect board stays defect until repaired.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, and_, case, delete, func, insert, select, update

from kit.i18n import gettext as _
from kit.errors import KitError
from kit.inventory.db import StoreChoice, transaction
from kit.inventory.schema import (
    NAME_CHARS, NOTE_CHARS, InventoryStatus, boards, kit_items, kits, loans, schools, utc_now,
)
from kit.inventory.store import find_board, school_id
from kit.text import one_line


@dataclass(frozen=True)
class KitRecord:
    """A pool kit: where it belongs, where it is, what is in it."""

    name: str
    home: str
    note: str
    boards: int
    defect: int
    items: tuple[tuple[str, int], ...]
    lent_to: str  # '' when at home
    lent_at: datetime | None
    due: date | None

    @property
    def where(self) -> str:
        return self.lent_to or self.home

    def overdue(self, today: date) -> bool:
        return bool(self.lent_to and self.due and self.due < today)


def _kit(conn: Connection, name: str) -> tuple[int, int]:
    """Return (kit id, home school id); KitError naming the known kits."""
    row = conn.execute(select(kits.c.id, kits.c.home_school_id)
                       .where(kits.c.name == one_line(name, NAME_CHARS))).first()
    if row is None:
        known = [str(r[0]) for r in conn.execute(select(kits.c.name).order_by(kits.c.name))]
        raise KitError(_("there is no kit {kit!r} in the pool. Known kits: {known}. Create it "
                         "with `klimakit inventory kit create NAME --home SCHOOL`.").format(
                             kit=name, known=", ".join(known) or _("none yet")))
    return int(row[0]), int(row[1])


def _open_loan(conn: Connection, kit_id: int) -> tuple[int, str] | None:
    row = conn.execute(select(loans.c.id, schools.c.name)
                       .join(schools, schools.c.id == loans.c.school_id)
                       .where(loans.c.kit_id == kit_id, loans.c.returned_at.is_(None))).first()
    return (int(row[0]), str(row[1])) if row else None


def create_kit(name: str, home: str, note: str = "", store: StoreChoice = None) -> None:
    """Create a pool kit with a home school (made if new)."""
    clean = one_line(name, NAME_CHARS)
    if not clean:
        raise KitError(_("a kit needs a name, e.g. \"Klimakasse 1\"."))
    with transaction(store, write=True) as conn:
        if conn.execute(select(kits.c.id).where(kits.c.name == clean)).first():
            raise KitError(_("the kit {kit!r} already exists.").format(kit=clean))
        conn.execute(insert(kits).values(name=clean, note=one_line(note, NOTE_CHARS),
                                         home_school_id=school_id(conn, home, create=True),
                                         created_at=utc_now()))


def add_to_kit(kit: str, board_keys: Iterable[str] = (),
               items: Iterable[tuple[str, int]] = (), store: StoreChoice = None) -> list[str]:
    """Put boards into a kit (moving them from any other) and set accessory counts.

    An accessory with quantity 0 is taken out. Returns the names of the boards added.
    """
    with transaction(store, write=True) as conn:
        kit_id, home = _kit(conn, kit)
        lent = _open_loan(conn, kit_id) is not None
        status = InventoryStatus.ON_LOAN if lent else InventoryStatus.IN_STOCK
        names = []
        for key in board_keys:
            uid = find_board(conn, key)
            conn.execute(update(boards).where(boards.c.unique_id == uid).values(
                kit_id=kit_id, school_id=home))
            conn.execute(update(boards).where(boards.c.unique_id == uid,
                                              boards.c.status != InventoryStatus.DEFECT.value)
                         .values(status=status.value))
            names.append(str(conn.execute(select(boards.c.name)
                                          .where(boards.c.unique_id == uid)).scalar_one()))
        for item, quantity in items:
            _set_item(conn, kit_id, item, quantity)
    return names


def _set_item(conn: Connection, kit_id: int, item: str, quantity: int) -> None:
    label = one_line(item, NAME_CHARS)
    if not label or quantity < 0:
        raise KitError(_("write accessories as COUNT:NAME, e.g. 15:batteripakke (COUNT ≥ 0)."))
    where = and_(kit_items.c.kit_id == kit_id, kit_items.c.item == label)
    conn.execute(delete(kit_items).where(where))
    if quantity:
        conn.execute(insert(kit_items).values(kit_id=kit_id, item=label, quantity=quantity))


def lend_kit(kit: str, school: str, due: date | None = None,
             store: StoreChoice = None) -> None:
    """Lend a kit to a school until `due` (its boards become on loan)."""
    with transaction(store, write=True) as conn:
        kit_id, home = _kit(conn, kit)
        loan = _open_loan(conn, kit_id)
        if loan is not None:
            raise KitError(_("the kit {kit!r} is already lent to {school}. Register it as "
                             "returned first: `klimakit inventory kit return {kit}`.").format(
                                 kit=kit, school=loan[1]))
        borrower = school_id(conn, school, create=True)
        if borrower == home:
            raise KitError(_("the kit {kit!r} already belongs to {school}.").format(
                kit=kit, school=school))
        now = utc_now()
        if due is not None and due < now.date():
            raise KitError(_("the last day ({day}) is before today.").format(
                day=due.isoformat()))
        conn.execute(insert(loans).values(kit_id=kit_id, school_id=borrower, lent_at=now,
                                          due=due))
        _kit_boards(conn, kit_id, InventoryStatus.ON_LOAN)


def return_kit(kit: str, store: StoreChoice = None) -> str:
    """Register a lent kit as back home; return the school that had it."""
    with transaction(store, write=True) as conn:
        kit_id, _home = _kit(conn, kit)
        loan = _open_loan(conn, kit_id)
        if loan is None:
            raise KitError(_("the kit {kit!r} is not lent out.").format(kit=kit))
        conn.execute(update(loans).where(loans.c.id == loan[0]).values(returned_at=utc_now()))
        _kit_boards(conn, kit_id, InventoryStatus.IN_STOCK)
        return loan[1]


def _kit_boards(conn: Connection, kit_id: int, status: InventoryStatus) -> None:
    conn.execute(update(boards).where(boards.c.kit_id == kit_id,
                                      boards.c.status != InventoryStatus.DEFECT.value)
                 .values(status=status.value))


def list_kits(store: StoreChoice = None, conn: Connection | None = None) -> list[KitRecord]:
    """Return every pool kit with its contents and where it is now, by name."""
    if conn is None:
        with transaction(store) as own:
            return list_kits(conn=own)
    home = schools.alias("home")
    borrower = schools.alias("borrower")
    open_loans = select(loans).where(loans.c.returned_at.is_(None)).subquery()
    counts = (select(boards.c.kit_id, func.count().label("n"),
                     func.sum(case((boards.c.status == InventoryStatus.DEFECT.value, 1),
                                   else_=0)).label("defect"))
              .group_by(boards.c.kit_id).subquery())
    rows = conn.execute(
        select(kits.c.id, kits.c.name, home.c.name, kits.c.note,
               func.coalesce(counts.c.n, 0), func.coalesce(counts.c.defect, 0),
               func.coalesce(borrower.c.name, ""), open_loans.c.lent_at, open_loans.c.due)
        .join(home, home.c.id == kits.c.home_school_id)
        .outerjoin(open_loans, open_loans.c.kit_id == kits.c.id)
        .outerjoin(borrower, borrower.c.id == open_loans.c.school_id)
        .outerjoin(counts, counts.c.kit_id == kits.c.id)
        .order_by(kits.c.name)).all()
    items: dict[int, list[tuple[str, int]]] = {}
    for kit_id, item, quantity in conn.execute(
            select(kit_items.c.kit_id, kit_items.c.item, kit_items.c.quantity)
            .order_by(kit_items.c.item)):
        items.setdefault(int(kit_id), []).append((str(item), int(quantity)))
    return [KitRecord(str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5]),
                      tuple(items.get(int(r[0]), [])), str(r[6]), r[7], r[8]) for r in rows]
