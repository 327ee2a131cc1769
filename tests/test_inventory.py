"""The board store: names that persist, schools, flash history, CSV export, CLI."""
from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kit import cli
from kit.errors import BoardNotFound, KitError
from kit.inventory import (
    COLUMNS, assign_names, export_csv, list_boards, record_flash, rename, set_school,
)

A, B, C = ("9900" + "a" * 44, "9904" + "b" * 44, "9903" + "c" * 44)


def test_names_persist_and_numbers_are_reused_only_when_free():
    assert assign_names([(A, "v1", "0255"), (B, "v2", "0255")]) == {A: "gruppe-1", B: "gruppe-2"}
    assert assign_names([(B, "v2", "")]) == {B: "gruppe-2"}, "same board, same name"
    rename("gruppe-1", "bord1")
    assert assign_names([(C, "v2", "")]) == {C: "gruppe-1"}, "the freed number is used again"
    assert {r.name for r in list_boards()} == {"bord1", "gruppe-1", "gruppe-2"}
    [b] = [r for r in list_boards() if r.unique_id == B]
    assert b.daplink_version == "0255", "an empty DAPLink version does not erase the known one"


def test_two_processes_naming_at_once_never_share_a_name():
    ids = ["9900{:044x}".format(i) for i in range(12)]
    results: list[dict[str, str]] = []
    threads = [threading.Thread(target=lambda part=ids[i::3]: results.append(
        assign_names([(u, "v1", "") for u in part]))) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [n for r in results for n in r.values()]
    assert len(names) == 12 and len(set(names)) == 12


@pytest.mark.parametrize("bad", ["", "1abc", "a b", "gruppe/1", "x" * 17, "../../x"])
def test_rename_refuses_bad_names(bad):
    assign_names([(A, "v1", "")])
    with pytest.raises(KitError):
        rename("gruppe-1", bad)


def test_rename_refuses_a_taken_name():
    assign_names([(A, "v1", ""), (B, "v2", "")])
    with pytest.raises(KitError, match="already used"):
        rename("gruppe-1", "gruppe-2")


def test_school_and_flash_history():
    assign_names([(A, "v1", ""), (B, "v2", "")])
    assert set_school(["gruppe-1", B.upper()], "Lemtorpskolen") == ["gruppe-1", "gruppe-2"]
    set_school(["gruppe-2"], "Christinelystskolen")  # the shared pool moves a board
    record_flash(A, "sensortjek", "f" * 64, "Flashet og genstartet.", ok=True)
    record_flash(B, "sensortjek", "f" * 64, "Drevet forsvandt", ok=False)
    [a] = list_boards(school="Lemtorpskolen")
    assert (a.name, a.firmware, a.firmware_hash) == ("gruppe-1", "sensortjek", "f" * 64)
    assert a.flashed_at.endswith("+00:00")
    [b] = list_boards(school="Christinelystskolen")
    assert b.firmware == "" and b.last_result == "Drevet forsvandt", "a failed flash is no firmware"


def test_unknown_board_lists_the_known_ones():
    assign_names([(A, "v1", "")])
    with pytest.raises(BoardNotFound, match=r"'gruppe-5'.*Known boards: gruppe-1"):
        set_school(["gruppe-5"], "X")


def test_csv_export_has_every_column(tmp_path: Path):
    assign_names([(A, "v1", "0255")])
    set_school([A], "Nørre Nissum Skole")
    out = tmp_path / "inv.csv"
    assert export_csv(out, list_boards()) == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["school"] == "Nørre Nissum Skole" and rows[0]["unique_id"] == A
    with pytest.raises(KitError, match="cannot write"):
        export_csv(tmp_path / "missing" / "x.csv", [])


def test_cli_inventory_list_csv_and_set_school(tmp_path: Path):
    runner = CliRunner()
    empty = runner.invoke(cli.cli, ["inventory"])
    assert empty.exit_code == 0 and "No boards known" in empty.output
    assign_names([(A, "v1", "0255"), (B, "v2", "0255")])
    moved = runner.invoke(cli.cli, ["inventory", "set-school", "Lemtorp", "gruppe-2"])
    assert moved.exit_code == 0 and "gruppe-2 → Lemtorp" in moved.output
    listing = runner.invoke(cli.cli, ["inventory", "--school", "Lemtorp"], terminal_width=200)
    assert listing.exit_code == 0
    assert "gruppe-2" in listing.output and "gruppe-1" not in listing.output
    out = tmp_path / "x.csv"
    exported = runner.invoke(cli.cli, ["inventory", "--csv", str(out)])
    assert exported.exit_code == 0 and out.read_text(encoding="utf-8-sig").count("\n") == 3
    unknown = runner.invoke(cli.cli, ["inventory", "set-school", "X", "gruppe-9"])
    assert unknown.exit_code == 1 and "gruppe-9" in unknown.output
    renamed = runner.invoke(cli.cli, ["inventory", "rename", "gruppe-1", "bord1"])
    assert renamed.exit_code == 0 and "gruppe-1 is now bord1" in renamed.output
