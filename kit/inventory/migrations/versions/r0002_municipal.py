"""The municipal inventory: schools, board status, pool kits, loans and an event history.

The old free-text `boards.school` becomes a row in `schools` (one per distinct name); every
board row is copied with its name, versions, times, last program and last result; a board
with a recorded flash gets one `flashed` event, so its history starts with what was known.
Times written as text ('' for none) become UTC times (kit/inventory/schema.py, UtcTime).
The copy is done row by row in Python, so the same code runs on SQLite and PostgreSQL.

Revision ID: r0002
Revises: r0001
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op

from kit.inventory.schema import UtcTime
from kit.text import one_line

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

_LEGACY = ("unique_id", "name", "number", "version", "daplink_version", "school", "first_seen",
           "last_seen", "firmware", "firmware_hash", "flashed_at", "last_result")
_TIMES = ("first_seen", "last_seen", "flashed_at")


def _time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _text(value: Any, limit: int) -> str:
    return one_line("" if value is None else str(value), limit)


def _create_tables() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("name", name="uq_schools_name"),
    )
    op.create_table(
        "kits",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("home_school_id", sa.Integer, nullable=False),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", UtcTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kits"),
        sa.UniqueConstraint("name", name="uq_kits_name"),
        sa.ForeignKeyConstraint(["home_school_id"], ["schools.id"],
                                name="fk_kits_home_school_id"),
    )
    op.create_table(
        "kit_items",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kit_id", sa.Integer, nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_kit_items"),
        sa.ForeignKeyConstraint(["kit_id"], ["kits.id"], name="fk_kit_items_kit_id"),
    )
    op.create_index("ix_kit_items_kit", "kit_items", ["kit_id", "item"], unique=True)


def _create_loans() -> None:
    op.create_table(
        "loans",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kit_id", sa.Integer, nullable=False),
        sa.Column("school_id", sa.Integer, nullable=False),
        sa.Column("lent_at", UtcTime, nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("returned_at", UtcTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_loans"),
        sa.ForeignKeyConstraint(["kit_id"], ["kits.id"], name="fk_loans_kit_id"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_loans_school_id"),
    )
    op.create_index("ix_loans_kit_id", "loans", ["kit_id"])


def _create_boards() -> None:
    op.create_table(
        "boards",
        sa.Column("unique_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.String(8), nullable=False, server_default="?"),
        sa.Column("daplink_version", sa.String(16), nullable=False, server_default=""),
        sa.Column("school_id", sa.Integer, nullable=True),
        sa.Column("kit_id", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="in_use"),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("first_seen", UtcTime, nullable=True),
        sa.Column("last_seen", UtcTime, nullable=True),
        sa.Column("firmware", sa.String(64), nullable=False, server_default=""),
        sa.Column("firmware_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("flashed_at", UtcTime, nullable=True),
        sa.Column("last_result", sa.String(300), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("unique_id", name="pk_boards"),
        sa.UniqueConstraint("name", name="uq_boards_name"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_boards_school_id"),
        sa.ForeignKeyConstraint(["kit_id"], ["kits.id"], name="fk_boards_kit_id"),
    )
    op.create_index("ix_boards_school_id", "boards", ["school_id"])
    op.create_index("ix_boards_kit_id", "boards", ["kit_id"])


def _create_events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("board_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UtcTime, nullable=False),
        sa.Column("program", sa.String(64), nullable=False, server_default=""),
        sa.Column("program_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("daplink_code", sa.Integer, nullable=True),
        sa.Column("detail", sa.String(300), nullable=False, server_default=""),
        sa.Column("uid", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("uid", name="uq_events_uid"),
        sa.ForeignKeyConstraint(["board_id"], ["boards.unique_id"], name="fk_events_board_id"),
    )
    op.create_index("ix_events_board_kind_at", "events", ["board_id", "kind", "at"])


def _copy_boards(rows: list[Any]) -> None:
    bind = op.get_bind()
    schools = sa.table("schools", sa.column("id", sa.Integer), sa.column("name", sa.String))
    names = sorted({_text(r["school"], 64) for r in rows} - {""})
    if names:
        bind.execute(sa.insert(schools), [{"name": name} for name in names])
    school_ids = {str(n): int(i) for i, n in bind.execute(sa.select(schools.c.id, schools.c.name))}
    kinds = {c: UtcTime if c in _TIMES else sa.Integer if c == "number" else sa.String
             for c in _LEGACY}
    boards = sa.table("boards", *(sa.column(c, kinds[c]) for c in _LEGACY if c != "school"),
                      sa.column("school_id", sa.Integer), sa.column("status", sa.String))
    events = sa.table("events", sa.column("board_id", sa.String), sa.column("kind", sa.String),
                      sa.column("at", UtcTime), sa.column("program", sa.String),
                      sa.column("program_hash", sa.String), sa.column("detail", sa.String))
    for row in rows:
        try:
            number = int(row["number"])
        except (TypeError, ValueError):
            number = 0
        values: dict[str, Any] = {c: _text(row[c], 300 if c == "last_result" else 64)
                                  for c in _LEGACY if c not in _TIMES and c != "school"}
        values.update({c: _time(row[c]) for c in _TIMES}, number=number, status="in_use",
                      school_id=school_ids.get(_text(row["school"], 64)))
        values["unique_id"] = str(row["unique_id"])  # the key is kept exactly as it was
        bind.execute(sa.insert(boards).values(**values))
        if values["flashed_at"] is not None and values["firmware"]:
            bind.execute(sa.insert(events).values(
                board_id=values["unique_id"], kind="flashed", at=values["flashed_at"],
                program=values["firmware"], program_hash=values["firmware_hash"],
                detail="fra inventaret før version 2"))


def upgrade() -> None:
    bind = op.get_bind()
    legacy = sa.table("boards", *(sa.column(c) for c in _LEGACY))
    rows = list(bind.execute(sa.select(legacy)).mappings())
    op.drop_table("boards")
    _create_tables()
    _create_loans()
    _create_boards()
    _create_events()
    _copy_boards(rows)


def downgrade() -> None:
    bind = op.get_bind()
    query = sa.text(
        "SELECT b.unique_id, b.name, b.number, b.version, b.daplink_version, "
        "COALESCE(s.name, '') AS school, b.first_seen, b.last_seen, b.firmware, "
        "b.firmware_hash, b.flashed_at, b.last_result FROM boards b "
        "LEFT JOIN schools s ON s.id = b.school_id"
    ).columns(first_seen=UtcTime, last_seen=UtcTime, flashed_at=UtcTime)
    rows = list(bind.execute(query).mappings())
    for table in ("events", "loans", "boards", "kit_items", "kits", "schools"):
        op.drop_table(table)
    op.execute("CREATE TABLE boards (unique_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
               "number INTEGER NOT NULL DEFAULT 0, version TEXT NOT NULL DEFAULT '?', "
               "daplink_version TEXT NOT NULL DEFAULT '', school TEXT NOT NULL DEFAULT '', "
               "first_seen TEXT NOT NULL DEFAULT '', last_seen TEXT NOT NULL DEFAULT '', "
               "firmware TEXT NOT NULL DEFAULT '', firmware_hash TEXT NOT NULL DEFAULT '', "
               "flashed_at TEXT NOT NULL DEFAULT '', last_result TEXT NOT NULL DEFAULT '')")
    legacy = sa.table("boards", *(sa.column(c) for c in _LEGACY))
    for row in rows:
        values = dict(row)
        for column in _TIMES:
            when = values[column]
            values[column] = when.replace(microsecond=0).isoformat() if when else ""
        bind.execute(sa.insert(legacy).values(**values))
