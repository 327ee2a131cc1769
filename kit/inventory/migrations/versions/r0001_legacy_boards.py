"""The store before Alembic: one `boards` table, exactly as kit/inventory/store.py made it.

A store written by klimakit before the municipal inventory has this table and no
`alembic_version`; kit/inventory/migrate.py recognises it by its columns and stamps it with
this revision, so r0002 upgrades it. A new store runs this revision too, so there is one path.

Revision ID: r0001
Revises:
"""
from __future__ import annotations

from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

LEGACY_COLUMNS = (
    "unique_id", "name", "number", "version", "daplink_version", "school", "first_seen",
    "last_seen", "firmware", "firmware_hash", "flashed_at", "last_result",
)


def upgrade() -> None:
    op.execute(
        """
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
    )


def downgrade() -> None:
    op.drop_table("boards")
