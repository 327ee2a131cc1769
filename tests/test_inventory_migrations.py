"""Upgrading stores with Alembic: the inventory every school has today, on both stores.

The old store is written by the old code itself (tests/data/inventory_v0: kit/inventory/
store.py and naming.py as they were on main), then opened by today's klimakit.
"""
from __future__ import annotations

import importlib
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kit.inventory import assign_names, list_boards, overview, store_url
from kit.inventory.db import StoreUnavailable, target
from kit.inventory.migrate import MIGRATIONS
from kit.inventory.schema import SCHEMA_REVISION, metadata

ROOT = Path(__file__).resolve().parents[1]
V0 = Path(__file__).parent / "data" / "inventory_v0"
IDS = ["9900{:044x}".format(i) for i in range(5)] + ["9904{:044x}".format(i) for i in range(5)]


@pytest.fixture
def v0(monkeypatch: pytest.MonkeyPatch):
    """The previous version's store and naming modules, imported from tests/data."""
    monkeypatch.syspath_prepend(str(V0))
    for name in ("v0_store", "v0_naming"):
        sys.modules.pop(name, None)
    store = importlib.import_module("v0_store")
    naming = importlib.import_module("v0_naming")
    return store, naming


def _write_old_store(v0, path: Path) -> list[dict[str, object]]:
    """A store as a school has it today: names, a rename, schools, good and failed flashes."""
    store, naming = v0
    versions = [(uid, "v1" if uid.startswith("9900") else "v2", "0255") for uid in IDS]
    naming.assign_names(versions, path)
    naming.rename("gruppe-3", "bord3", path)
    store.set_school(IDS[:4], "Nørre Nissum Skole", path)
    store.set_school(IDS[4:7], "  Lemtorpskolen ", path)
    for uid in IDS[:6]:
        store.record_flash(uid, "afkoeling", "ab" * 32, "Flashet og genstartet.", ok=True,
                           path=path)
    store.record_flash(IDS[6], "afkoeling", "ab" * 32, "Hex-filen er ødelagt (fejl 521) " * 40,
                       ok=False, path=path)
    with sqlite3.connect(str(path)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM boards ORDER BY unique_id")]


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def test_the_store_written_by_the_previous_version_upgrades_without_losing_a_row(v0, tmp_path):
    path = tmp_path / "klimakit.sqlite3"
    old = _write_old_store(v0, path)
    assert len(old) == 10 and {r["school"] for r in old} >= {"Nørre Nissum Skole"}
    new = sorted(list_boards(store=path), key=lambda r: r.unique_id)
    assert [r.unique_id for r in new] == [r["unique_id"] for r in old]
    for before, after in zip(old, new):
        assert (after.name, after.version, after.daplink_version, after.firmware,
                after.firmware_hash) == (before["name"], before["version"],
                                         before["daplink_version"], before["firmware"],
                                         before["firmware_hash"])
        assert after.school == str(before["school"]).strip()
        for column in ("first_seen", "last_seen", "flashed_at"):
            assert getattr(after, column) == _when(before[column]), column
        assert after.last_result == str(before["last_result"])[:299] + (
            "…" if len(str(before["last_result"])) > 300 else ""), "bounded, else unchanged"
    assert [r.name for r in new if r.name.startswith("bord")] == ["bord3"]
    view = overview(store=path)
    assert {s.school: s.boards for s in view.schools} == {
        "Nørre Nissum Skole": 4, "Lemtorpskolen": 3, "": 3}
    assert view.events == 6, "one `flashed` event per board with a recorded flash"
    with sqlite3.connect(str(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_REVISION,)]
    fresh = "9903" + "e" * 44
    assert assign_names([(fresh, "v2", "")], store=path) == {fresh: "gruppe-3"}, (
        "the number freed by the old rename is handed out again")


def test_two_processes_opening_an_old_store_at_once_upgrade_it_once(v0, tmp_path):
    path = tmp_path / "klimakit.sqlite3"
    _write_old_store(v0, path)
    code = ("import sys; from kit.inventory import list_boards, overview; "
            "print(len(list_boards(store=sys.argv[1])), overview(store=sys.argv[1]).events)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], "\n".join(err for _out, err in outputs)
    assert [o[0].split() for o in outputs] == [["10", "6"], ["10", "6"]]


def test_the_migrations_make_exactly_the_tables_of_schema_py(store):
    """alembic's autogenerate comparison finds nothing between migrations and schema.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    list_boards()  # creates and upgrades the store
    with target().engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_schema_revision_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_REVISION]


def test_downgrade_to_the_old_store_and_up_again_keeps_every_row(v0, tmp_path):
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "klimakit.sqlite3"
    old = _write_old_store(v0, path)
    first = sorted(list_boards(store=path), key=lambda r: r.unique_id)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with create_engine(store_url(path)).begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "r0001")
    with sqlite3.connect(str(path)) as conn:
        down = conn.execute("SELECT unique_id, name, school FROM boards ORDER BY unique_id")
        assert list(down) == [(r["unique_id"], r["name"], str(r["school"]).strip())
                              for r in old]
    target(path).ready = False  # as a new process would find it
    assert sorted(list_boards(store=path), key=lambda r: r.unique_id) == first


def test_a_store_this_version_does_not_know_is_left_alone(store):
    list_boards()
    with create_engine(store_url()).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'r9999'"))
    target().ready = False
    with pytest.raises(StoreUnavailable, match=r"newer klimakit \(schema r9999\)"):
        list_boards()
    with create_engine(store_url()).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "r9999"
