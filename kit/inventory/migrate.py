"""Bring a store to the schema this klimakit knows, with Alembic, without losing a row.

Run once per process per store (kit/inventory/db.py). The fast path is one query: the
revision in `alembic_version` is SCHEMA_REVISION, so Alembic is not even imported. Otherwise,
under the store's write lock (two PCs starting at once upgrade it once):
- no tables: a new store; every migration runs (kit/inventory/migrations/versions/);
- only a `boards` table with exactly the columns klimakit wrote before Alembic: the old store;
  it is stamped r0001 and upgraded (r0002 copies every row);
- anything else without `alembic_version` that uses our table names is foreign: klimakit does
  not touch it and says so;
- a revision this klimakit does not know was written by a newer klimakit: nothing is changed.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, exc, inspect, text

from kit.i18n import gettext as _
from kit.inventory.schema import SCHEMA_REVISION, metadata

if TYPE_CHECKING:
    from kit.inventory.db import Target

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
UPGRADE_ATTEMPTS = 3
LEGACY_COLUMNS = frozenset((
    "unique_id", "name", "number", "version", "daplink_version", "school", "first_seen",
    "last_seen", "firmware", "firmware_hash", "flashed_at", "last_result",
))
_OUR_TABLES = frozenset(metadata.tables)


def _look(conn: Connection) -> tuple[str | None, set[str], set[str]]:
    """Return (revision or None, our table names present, columns of `boards`)."""
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    columns = ({str(c["name"]) for c in inspector.get_columns("boards")}
               if "boards" in tables else set())
    return (str(revision) if revision else None), tables & _OUR_TABLES, columns


def ensure_schema(conn: Connection, handle: Target) -> None:
    """Check the store's schema and upgrade it if needed; StoreUnavailable if it is not ours."""
    revision = None
    try:  # one query in the usual case; a store without the table fails it and is looked at
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except exc.ProgrammingError:
        pass  # PostgreSQL: no such table
    except exc.OperationalError as err:
        if "no such table" not in str(err):
            raise  # SQLite says "no such table"; anything else is the store's trouble
    finally:
        conn.rollback()
    if revision == SCHEMA_REVISION:
        return
    for attempt in range(UPGRADE_ATTEMPTS):
        try:
            _upgrade(handle)
            return
        except exc.OperationalError as err:
            # Two processes opening an old SQLite store at once: the one that waited may be
            # told "database is locked" once the other has upgraded it; looking again finds
            # the new schema (the upgrade checks again under the lock, so it never runs twice).
            if "locked" not in str(err) or attempt == UPGRADE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _upgrade(handle: Target) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with handle.engine.connect() as conn:
        conn.execution_options(klimakit_write=True)
        with conn.begin():
            if handle.is_postgresql:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6B6B6974})
            revision, tables, columns = _look(conn)  # again, now that we hold the lock
            if revision == SCHEMA_REVISION:
                return
            _refuse_foreign_or_newer(handle, revision, tables, columns)
            config.attributes["connection"] = conn
            if revision is None and tables:
                command.stamp(config, "r0001")  # the store from before Alembic
            command.upgrade(config, "head")


def known_revisions() -> list[str]:
    """Return the revisions this klimakit can upgrade from, oldest first."""
    return sorted(p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("r[0-9]*.py"))


def _refuse_foreign_or_newer(handle: Target, revision: str | None, tables: set[str],
                             columns: set[str]) -> None:
    from kit.inventory.db import ENV_URL, StoreUnavailable

    if revision is not None and revision not in known_revisions():
        raise StoreUnavailable(_(
            "The inventory {store} was made by a newer klimakit (schema {revision}). Update "
            "klimakit on this PC (pip install -U klimakit); until then this version changes "
            "nothing in it.").format(store=handle.description, revision=revision), "newer",
            handle.description)
    if revision is None and tables and (tables != {"boards"} or columns != LEGACY_COLUMNS):
        found = ", ".join(sorted(tables))
        if columns:
            found = _("{tables}; boards has the columns {columns}").format(
                tables=found, columns=", ".join(sorted(columns)))
        raise StoreUnavailable(_(
            "The database {store} already has tables klimakit did not make ({found}), so "
            "klimakit does not touch it. Give klimakit a database of its own ({variable}), or "
            "move the file away.").format(store=handle.description, found=found,
                                          variable=ENV_URL), "foreign", handle.description)
