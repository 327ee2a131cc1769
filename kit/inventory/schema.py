"""The inventory's tables, as SQLAlchemy Core: schools, boards, pool kits, loans and events.

This is the schema at the newest migration (kit/inventory/migrations/versions/); a test holds
the two together (alembic's compare_metadata finds no difference). Times are UTC: PostgreSQL
keeps them as `timestamptz`, SQLite as fixed-width ISO 8601 text (`2025-03-01T09:30:00.000000
+00:00`), which sorts and compares in SQL like the time it names. No table holds pupil data: a
board is a school's device, and a note is about the device ("USB-stik knækket").
"""
from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import (
    Column, Date, DateTime, Dialect, ForeignKey, Index, Integer, MetaData, String, Table,
    TypeDecorator,
)
from sqlalchemy.types import TypeEngine

SCHEMA_REVISION = "r0002"  # the newest migration; tests/test_inventory_migrations.py checks it

# Bounds on what a field may hold: DAPLink sentences are < 100 characters, a FAIL.TXT that says
# more is garbage, and a note is one sentence about a device.
NAME_CHARS = 64
NOTE_CHARS = 200
RESULT_CHARS = 300
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


class InventoryStatus(str, Enum):
    """Where a board is in its life: the coordinator's four words (Danish in the CLI)."""

    IN_USE = "in_use"  # i brug: a school's board, seen or flashed there
    IN_STOCK = "in_stock"  # på lager: in a pool kit at the kit's home
    ON_LOAN = "on_loan"  # udlånt: in a pool kit that is lent to a school
    DEFECT = "defect"  # defekt: marked defect, until `inventory repaired`


class InventoryEvent(str, Enum):
    """What happened to a board (one row in `events`)."""

    SEEN = "seen"
    FLASHED = "flashed"
    FLASH_FAILED = "flash_failed"
    MARKED_DEFECT = "marked_defect"
    REPAIRED = "repaired"


class UtcTime(TypeDecorator[datetime]):
    """An aware UTC datetime: timestamptz on PostgreSQL, sortable ISO text on SQLite."""

    impl = String(32)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(String(32))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("inventory times must be aware (UTC), got {!r}".format(value))
        value = value.astimezone(timezone.utc)
        return value if dialect.name == "postgresql" else value.strftime(TIME_FORMAT)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc)
        parsed = datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# Constraint names are spelled out so a migration can name what it changes on both stores.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

schools = Table(
    "schools", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_CHARS), nullable=False, unique=True),
)

kits = Table(
    "kits", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_CHARS), nullable=False, unique=True),
    Column("home_school_id", Integer, ForeignKey("schools.id"), nullable=False),
    Column("note", String(NOTE_CHARS), nullable=False, server_default=""),
    Column("created_at", UtcTime, nullable=False),
)

kit_items = Table(
    "kit_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("kit_id", Integer, ForeignKey("kits.id"), nullable=False),
    Column("item", String(NAME_CHARS), nullable=False),
    Column("quantity", Integer, nullable=False, server_default="1"),
    Index("ix_kit_items_kit", "kit_id", "item", unique=True),
)

boards = Table(
    "boards", metadata,
    Column("unique_id", String(NAME_CHARS), primary_key=True),
    Column("name", String(NAME_CHARS), nullable=False, unique=True),
    Column("number", Integer, nullable=False, server_default="0"),
    Column("version", String(8), nullable=False, server_default="?"),
    Column("daplink_version", String(16), nullable=False, server_default=""),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=True, index=True),
    Column("kit_id", Integer, ForeignKey("kits.id"), nullable=True, index=True),
    Column("status", String(16), nullable=False, server_default=InventoryStatus.IN_USE.value),
    Column("note", String(NOTE_CHARS), nullable=False, server_default=""),
    Column("first_seen", UtcTime, nullable=True),
    Column("last_seen", UtcTime, nullable=True),
    Column("firmware", String(NAME_CHARS), nullable=False, server_default=""),
    Column("firmware_hash", String(NAME_CHARS), nullable=False, server_default=""),
    Column("flashed_at", UtcTime, nullable=True),
    Column("last_result", String(RESULT_CHARS), nullable=False, server_default=""),
)

loans = Table(
    "loans", metadata,
    Column("id", Integer, primary_key=True),
    Column("kit_id", Integer, ForeignKey("kits.id"), nullable=False, index=True),
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=False),
    Column("lent_at", UtcTime, nullable=False),
    Column("due", Date, nullable=True),  # the agreed last day ("to"); None: open-ended
    Column("returned_at", UtcTime, nullable=True),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("board_id", String(NAME_CHARS), ForeignKey("boards.unique_id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("at", UtcTime, nullable=False),
    Column("program", String(NAME_CHARS), nullable=False, server_default=""),
    Column("program_hash", String(NAME_CHARS), nullable=False, server_default=""),
    Column("daplink_code", Integer, nullable=True),  # the 5xx a V2 scrolls (docs/daplink.md)
    Column("detail", String(RESULT_CHARS), nullable=False, server_default=""),
    # Set on events first kept on a PC while the store was unreachable (kit/inventory/
    # outbox.py): sending them twice after a crash must not count a failure twice.
    Column("uid", String(32), nullable=True, unique=True),
    Index("ix_events_board_kind_at", "board_id", "kind", "at"),
)


def utc_now() -> datetime:
    """Return the current time, aware and in UTC (what every inventory time column takes)."""
    return datetime.now(timezone.utc)
