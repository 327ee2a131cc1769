"""Damaged and foreign stores never stop a lesson: clear messages, flashing carries on.

A store with one corrupted data page (`database disk image is malformed`), a file that is no
database at all, and a database whose `boards` table some other program made: `inventory`,
`inventory rename` and `overview` say what happened and what to do (exit 1, no traceback);
`boards` and flashing go on, and the flash events wait on the PC until the store is usable.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import fake_port, use_store
from sqlalchemy import create_engine, text

from kit import cli
from kit.boards import BoardInfo
from kit.build import BuiltHex, Program, build_program
from kit.flash import OK, FlashResult, record_in_inventory
from kit.inventory import assign_names, default_sqlite_path, list_boards, store_url
from kit.inventory.db import target

V2_ID = "9904360259434e450030900d0000005c0000000097969901"


@pytest.fixture(scope="module")
def built() -> BuiltHex:
    return build_program(Program("hej", "print('hej')\n", ()), use_cache=False)


def _corrupt_a_data_page(path: Path) -> None:
    """Overwrite the root page of the boards table's b-tree, as a failing disk would.

    0xff is no b-tree page type, so SQLite reports the page as soon as it reads it. The WAL is
    checkpointed first and no connection stays open, so the page is read from the file.
    """
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'boards'"
                            ).fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    with closing(sqlite3.connect(str(path))) as conn, pytest.raises(sqlite3.DatabaseError,
                                                                  match="malformed"):
        conn.execute("SELECT count(*), max(last_result) FROM boards").fetchall()


def _damaged() -> str:
    assign_names([("9900{:044x}".format(i), "v1", "") for i in range(300)])
    _corrupt_a_data_page(default_sqlite_path())
    target().ready = False
    return "damaged"


def _not_a_database() -> str:
    default_sqlite_path().write_bytes(b"\x1b[2J this is a spreadsheet, honest\n" * 200)
    return "damaged"


def _foreign() -> str:
    with create_engine(store_url()).begin() as conn:
        conn.execute(text("CREATE TABLE boards (id INTEGER PRIMARY KEY, colour TEXT)"))
        conn.execute(text("INSERT INTO boards (id, colour) VALUES (1, 'rød')"))
    return "klimakit did not make"


BREAKAGES = {"damaged": _damaged, "not_a_database": _not_a_database, "foreign": _foreign}


# A damaged file is an SQLite matter; a foreign `boards` table happens on both stores.
CASES = [("damaged", "sqlite"), ("not_a_database", "sqlite"), ("foreign", "sqlite"),
         ("foreign", "postgresql")]


@pytest.fixture(params=CASES, ids=["-".join(c) for c in CASES])
def broken(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Break the store one way; return words its error message must contain."""
    breakage, backend = request.param
    use_store(request, monkeypatch, backend)
    return BREAKAGES[breakage]()


def test_inventory_commands_say_what_happened_and_what_to_do(broken):
    runner = CliRunner()
    for args in (["inventory"], ["inventory", "rename", "gruppe-1", "bord1"],
                 ["inventory", "overview"], ["inventory", "report", "-o", "x.html"]):
        result = runner.invoke(cli.cli, args)
        assert result.exit_code == 1, (args, result.output)
        assert broken in result.output and "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_boards_and_flashing_carry_on(broken, fake_drive, monkeypatch, built, caplog):
    drive = fake_drive("MICROBIT", V2_ID)
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drive.parent))
    monkeypatch.setattr("kit.boards.discover.comports",
                        lambda: [fake_port("/dev/ttyACM0", V2_ID)])
    caplog.set_level(logging.WARNING, logger="kit")
    shown = CliRunner().invoke(cli.cli, ["boards", "--json"])
    assert shown.exit_code == 0 and V2_ID in shown.stdout, shown.output
    board = BoardInfo(V2_ID, "v2", drive, daplink_version="0255")
    record_in_inventory(built, [FlashResult(board, OK, "Flashet og genstartet.")])
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and broken in warnings[0] and "kept on this PC" in warnings[0]


def test_events_kept_for_a_damaged_file_reach_the_new_store(fake_drive, built):
    """The teacher moves the damaged file away, as the message says; nothing was lost."""
    _damaged()
    board = BoardInfo(V2_ID, "v2", fake_drive("MICROBIT", V2_ID), daplink_version="0255")
    record_in_inventory(built, [FlashResult(board, OK, "Flashet og genstartet.")])
    path = default_sqlite_path()
    path.rename(path.with_name("klimakit.sqlite3.beskadiget"))
    target().ready = False
    assign_names([(V2_ID, "v2", "")])
    [row] = [r for r in list_boards() if r.unique_id == V2_ID]
    assert row.firmware == "hej" and row.firmware_hash == built.sha256_for("v2")


def test_a_pc_without_the_postgresql_driver_is_told_how_to_get_it(monkeypatch, fake_drive):
    """psycopg without libpq (e.g. a 32-bit Raspberry Pi): a sentence, and boards still work."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    monkeypatch.setenv("KLIMAKIT_DATABASE_URL", "postgresql://klimakit@127.0.0.1:9/nodriver")
    result = CliRunner().invoke(cli.cli, ["inventory"])
    assert result.exit_code == 1 and "psycopg[binary]" in result.output, result.output
    drive = fake_drive("MICROBIT", V2_ID)
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drive.parent))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    shown = CliRunner().invoke(cli.cli, ["boards", "--json"])
    assert shown.exit_code == 0 and V2_ID in shown.stdout
