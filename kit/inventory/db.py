"""Which store the inventory uses, how to reach it, and what went wrong when it cannot be used.

A store is chosen per call (`store=`: a URL or an SQLite file path), else per process
(KLIMAKIT_DATABASE_URL), else it is `klimakit.sqlite3` in the user data folder
(kit/resources.py). SQLite runs in WAL mode with a busy timeout, so several processes on one PC
read while one writes; PostgreSQL (psycopg 3) is how every school's PCs share one store.

Every write is one transaction that first takes the store's write lock (SQLite: BEGIN
IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so two PCs naming new boards at once
never hand out the same `gruppe-N`, and a loan is checked and written as one step.

A lesson never waits for the network: connecting to PostgreSQL gives up after
CONNECT_TIMEOUT_S, and after a failure this process does not try that store again for
RETRY_AFTER_S (kit/inventory/outbox.py keeps what could not be written). A damaged file
(`database disk image is malformed`), a foreign `boards` table or a store made by a newer
klimakit become StoreUnavailable with a sentence saying what to do, never a traceback.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from kit.i18n import gettext as _
from kit.i18n import os_reason
from kit.errors import KitError
from kit.resources import data_dir

log = logging.getLogger(__name__)

ENV_URL = "KLIMAKIT_DATABASE_URL"
DB_FILE = "klimakit.sqlite3"
CONNECT_TIMEOUT_S = 3
SQLITE_BUSY_TIMEOUT_S = 10.0
STATEMENT_TIMEOUT_MS = 15_000  # PostgreSQL: a stuck lock or query ends instead of hanging
RETRY_AFTER_S = 60.0
_WRITE_LOCK_KEY = 0x6B6B6974  # "kkit": PostgreSQL advisory lock held by every write

StoreChoice = str | Path | None


class StoreUnavailable(KitError):
    """The inventory store cannot be used now: unreachable, damaged, foreign or too new.

    `reason` is one of 'unreachable', 'damaged', 'foreign', 'newer', 'busy'. Callers that must
    not stop a lesson (naming, flash events) keep their work locally on this error.
    """

    def __init__(self, message: str, reason: str, store: str) -> None:
        super().__init__(message)
        self.reason, self.store = reason, store


@dataclass
class Target:
    """One store as this process uses it: its URL, engine, and whether it was checked."""

    url: URL
    engine: Engine
    description: str  # the URL without its password, for messages and the outbox
    ready: bool = False
    down_until: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"


_targets: dict[str, Target] = {}
_chosen: dict[str | None, Target] = {}  # a URL as given -> its handle, without parsing again
_targets_lock = threading.Lock()


def default_sqlite_path() -> Path:
    """Return the SQLite file used when no store is configured."""
    try:
        return data_dir() / DB_FILE
    except OSError as err:
        raise KitError(_("cannot create the klimakit data folder ({reason}). Set "
                         "KLIMAKIT_DATA_DIR to a writable folder.").format(
                             reason=os_reason(err))) from err


def store_url(store: StoreChoice = None) -> URL:
    """Return the SQLAlchemy URL for a store choice (see the module docstring)."""
    if store is None:
        store = os.environ.get(ENV_URL, "").strip() or None
    if store is None or isinstance(store, Path) or "://" not in store:
        path = Path(store) if store is not None else default_sqlite_path()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(store)
    except exc.ArgumentError as err:
        raise KitError(_("{store!r} is not a database URL. Use "
                         "postgresql://user:password@host/db or sqlite:///path/to/file.sqlite3.")
                       .format(store=store)) from err
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.database:
        return url
    raise KitError(_("klimakit keeps its inventory in PostgreSQL or SQLite, not {driver!r}. Set "
                     "{variable} to postgresql://user:password@host/db.").format(
                         driver=url.drivername, variable=ENV_URL))


def target(store: StoreChoice = None) -> Target:
    """Return this process's handle on a store (engines are made once per URL)."""
    chosen = store if store is not None else os.environ.get(ENV_URL, "").strip() or None
    known = _chosen.get(chosen) if isinstance(chosen, (str, type(None))) else None
    if known is not None:
        return known
    url = store_url(store)
    key = url.render_as_string(hide_password=False)
    with _targets_lock:
        found = _targets.get(key)
        if found is None:
            found = Target(url, _make_engine(url), _describe(url))
            _targets[key] = found
        if chosen is not None and not isinstance(chosen, Path):
            _chosen[chosen] = found  # the default (None) depends on the data folder: not kept
        return found


def _describe(url: URL) -> str:
    """The store as a user wrote it: an SQLite file's path, a URL without its password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        # NullPool: no file handle stays open between calls, so a damaged file can be moved
        # away and two processes never keep each other's locks.
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401  (the driver is loaded only for a PostgreSQL store)
    except ImportError as err:
        raise KitError(_("PostgreSQL needs the psycopg driver with libpq ({problem}). Install "
                         "it with `pip install \"psycopg[binary]\"`, or `apt-get install "
                         "libpq5` where no binary wheel exists.").format(problem=err)) from err
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2, connect_args={
        "connect_timeout": CONNECT_TIMEOUT_S, "application_name": "klimakit",
        "options": "-c statement_timeout={0} -c lock_timeout={0}".format(STATEMENT_TIMEOUT_MS),
    })


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own BEGIN handling is off: transactions begin in _sqlite_begin, so a write
    # can take the lock up front (BEGIN IMMEDIATE) instead of failing half-way.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = {}".format(int(SQLITE_BUSY_TIMEOUT_S * 1000)))
    # Setting the journal mode takes an exclusive lock: only when the file is not WAL yet (a
    # store made before klimakit used WAL), not on every connect of every process.
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("klimakit_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def transaction(store: StoreChoice = None, *, write: bool = False) -> Iterator[Connection]:
    """Yield a connection inside one transaction; committed if the block ends normally.

    With write=True the store's write lock is held for the whole transaction. Database
    errors become StoreUnavailable (could not use the store) or KitError (anything else).
    """
    handle = target(store)
    if handle.down_until > time.monotonic():
        raise unavailable_again(handle)
    try:
        with handle.engine.connect() as conn:
            if write:
                conn.execution_options(klimakit_write=True)
            if not handle.ready:
                _check_schema(conn, handle)
            with conn.begin():
                if write and handle.is_postgresql:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": _WRITE_LOCK_KEY})
                yield conn
    except exc.DBAPIError as err:
        raise classify(handle, err) from err


def _check_schema(conn: Connection, handle: Target) -> None:
    from kit.inventory.migrate import ensure_schema  # alembic is loaded only to upgrade

    with handle.lock:
        if not handle.ready:
            ensure_schema(conn, handle)
            handle.ready = True


def classify(handle: Target, err: exc.DBAPIError) -> KitError:
    """Turn a database error into the sentence a teacher or coordinator can act on."""
    why = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
    lowered = why.lower()
    if "malformed" in lowered or "not a database" in lowered or "encrypted" in lowered:
        return StoreUnavailable(_(
            "The inventory {store} is damaged ({problem}). Flashing and recording still work, "
            "but boards get no new names. Move the file away (rename it, e.g. to "
            "klimakit.sqlite3.damaged), and klimakit makes a new inventory; sqlite3's "
            "`.recover` can rescue the rows of the old one.").format(
                store=handle.description, problem=why), "damaged", handle.description)
    if "locked" in lowered or "busy" in lowered:
        return StoreUnavailable(_(
            "The inventory {store} has been busy with another program for more than "
            "{seconds:.0f} s ({problem}). Try again in a moment.").format(
                store=handle.description, seconds=SQLITE_BUSY_TIMEOUT_S, problem=why), "busy",
            handle.description)
    if isinstance(err, exc.OperationalError) and handle.is_postgresql:
        handle.down_until = time.monotonic() + RETRY_AFTER_S
        return StoreUnavailable(_(
            "The inventory {store} cannot be reached ({problem}). Check the network and "
            "{variable}; flashing and recording go on meanwhile.").format(
                store=handle.description, problem=why, variable=ENV_URL), "unreachable",
            handle.description)
    if isinstance(err, exc.OperationalError) and "open" in lowered:
        return StoreUnavailable(_(
            "The inventory {store} cannot be opened ({problem}). Check that the folder exists "
            "and is writable, or set KLIMAKIT_DATA_DIR to another folder.").format(
                store=handle.description, problem=why), "unreachable", handle.description)
    return KitError(_("The inventory {store} gave an error: {problem}").format(
        store=handle.description, problem=why))


def unavailable_again(handle: Target) -> StoreUnavailable:
    """The error for a store this process found unreachable less than RETRY_AFTER_S ago."""
    return StoreUnavailable(_(
        "The inventory {store} could not be reached a moment ago; klimakit tries again in "
        "{seconds:.0f} s.").format(store=handle.description,
                                   seconds=max(0.0, handle.down_until - time.monotonic())),
        "unreachable", handle.description)


def forget_failures() -> None:
    """Let this process try every store again at once (tests; a coordinator's retry)."""
    with _targets_lock:
        for handle in _targets.values():
            handle.down_until = 0.0


def close_stores() -> None:
    """Close every connection this process holds and forget every store (tests; issue 14's
    virtual fleets switch stores). The next call connects afresh."""
    with _targets_lock:
        for handle in _targets.values():
            handle.engine.dispose()
        _targets.clear()
        _chosen.clear()
