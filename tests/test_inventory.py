"""The inventory on both stores: names, schools, flash history, status, pool kits, overview, CLI.

Every test here runs twice through the `store` fixture (tests/conftest.py): on the default
SQLite file and on a fresh database of a throwaway PostgreSQL server.
"""
from __future__ import annotations

import csv
import json
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kit import cli
from kit.errors import BoardNotFound, KitError
from kit.inventory import (
    COLUMNS, InventoryStatus, FlashEvent, add_to_kit, assign_names, board_history, create_kit,
    export_csv, lend_kit, list_boards, list_kits, mark_defect, mark_repaired, overview,
    record_flashes, rename, return_kit, set_school,
)

A, B, C = ("9900" + "a" * 44, "9904" + "b" * 44, "9903" + "c" * 44)


@pytest.fixture(autouse=True)
def _wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are drawn 250 characters wide, so no cell is cut (rich reads COLUMNS per print)."""
    monkeypatch.setenv("COLUMNS", "250")


def _flash(uid: str, ok: bool, code: int | None = None, program: str = "sensortjek"):
    return FlashEvent(uid, "v1", "0255", program, "f" * 64, ok,
                      "Flashet og genstartet." if ok else "Hex-filen er ødelagt (fejl 521)",
                      daplink_code=code, detail="" if ok else "The hex file cannot be decoded.")


def _board(uid: str):
    [found] = [r for r in list_boards() if r.unique_id == uid]
    return found


def test_names_persist_and_numbers_are_reused_only_when_free(store):
    assert assign_names([(A, "v1", "0255"), (B, "v2", "0255")]) == {A: "gruppe-1", B: "gruppe-2"}
    assert assign_names([(B, "v2", "")]) == {B: "gruppe-2"}, "same board, same name"
    rename("gruppe-1", "bord1")
    assert assign_names([(C, "v2", "")]) == {C: "gruppe-1"}, "the freed number is used again"
    assert {r.name for r in list_boards()} == {"bord1", "gruppe-1", "gruppe-2"}
    assert _board(B).daplink_version == "0255", "an empty DAPLink version keeps the known one"
    assert assign_names([(A.upper(), "v1", "")]) == {A: "bord1"}, "ids are case-insensitive"


def test_threads_naming_at_once_never_share_a_name(store):
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
def test_rename_refuses_bad_names(store, bad):
    assign_names([(A, "v1", "")])
    with pytest.raises(KitError):
        rename("gruppe-1", bad)


def test_rename_refuses_a_taken_name(store):
    assign_names([(A, "v1", ""), (B, "v2", "")])
    with pytest.raises(KitError, match="already used"):
        rename("gruppe-1", "gruppe-2")


def test_school_and_flash_history(store):
    assign_names([(A, "v1", ""), (B, "v2", "")])
    assert set_school(["gruppe-1", B.upper()], "Lemtorpskolen") == ["gruppe-1", "gruppe-2"]
    set_school(["gruppe-2"], "Christinelystskolen")  # the shared pool moves a board
    assert record_flashes([_flash(A, True), _flash(B, False, 521)]) == 2
    [a] = list_boards(school="Lemtorpskolen")
    assert (a.name, a.firmware, a.firmware_hash) == ("gruppe-1", "sensortjek", "f" * 64)
    assert a.flashed_at is not None and a.flashed_at.utcoffset() == timedelta(0)
    [b] = list_boards(school="Christinelystskolen")
    assert b.firmware == "" and "521" in b.last_result, "a failed flash is no firmware"
    kinds = [(e.kind.value, e.daplink_code) for e in board_history("gruppe-2")]
    assert kinds == [("flash_failed", 521), ("seen", None)]
    with pytest.raises(KitError, match="Known schools: Christinelystskolen, Lemtorpskolen"):
        list_boards(school="Lemtorp")


def test_a_flash_of_a_board_never_seen_names_it(store):
    assert record_flashes([_flash(C, True)]) == 1
    assert (_board(C).name, _board(C).firmware) == ("gruppe-1", "sensortjek")


def test_unknown_board_lists_the_known_ones(store):
    assign_names([(A, "v1", "")])
    with pytest.raises(BoardNotFound, match=r"'gruppe-5'.*Known boards: gruppe-1"):
        set_school(["gruppe-5"], "X")


def test_defect_and_repaired_and_the_replacement_list(store):
    assign_names([(A, "v1", ""), (B, "v2", ""), (C, "v2", "")])
    mark_defect("gruppe-1", note="USB-stik knækket")
    assert _board(A).status is InventoryStatus.DEFECT and _board(A).note == "USB-stik knækket"
    record_flashes([_flash(B, False, 521), _flash(B, False, 521)])
    assert [r.name for r in overview().replacements] == ["gruppe-1"], "two failures: not yet"
    record_flashes([_flash(B, False, 529)])
    found = {r.name: r for r in overview().replacements}
    assert set(found) == {"gruppe-1", "gruppe-2"}
    assert found["gruppe-1"].defect and found["gruppe-1"].note == "USB-stik knækket"
    assert (found["gruppe-2"].failures, found["gruppe-2"].last_code) == (3, 529)
    record_flashes([_flash(B, True)])
    mark_repaired("gruppe-1", note="nyt stik")
    assert overview().replacements == [], "a good flash and a repair clear the list"
    assert _board(A).status is InventoryStatus.IN_USE and _board(A).note == ""
    assert [e.kind.value for e in board_history(A)][:2] == ["repaired", "marked_defect"]


def test_pool_kit_lend_and_return(store):
    assign_names([(A, "v1", ""), (B, "v2", ""), (C, "v2", "")])
    set_school([C], "Thyborøn Skole")
    create_kit("Klimakasse 1", "Lemvig Kommune, IT", note="blå kasse")
    with pytest.raises(KitError, match="already exists"):
        create_kit("Klimakasse 1", "X")
    assert add_to_kit("Klimakasse 1", ["gruppe-1", "gruppe-2"], [("batteripakke", 15)]) == [
        "gruppe-1", "gruppe-2"]
    mark_defect("gruppe-2")
    assert _board(A).status is InventoryStatus.IN_STOCK and _board(A).school == "Lemvig Kommune, IT"
    due = date.today() + timedelta(days=14)
    lend_kit("Klimakasse 1", "Lemtorpskolen", due)
    with pytest.raises(KitError, match="already lent to Lemtorpskolen"):
        lend_kit("Klimakasse 1", "Thyborøn Skole")
    assert _board(A).status is InventoryStatus.ON_LOAN
    assert _board(B).status is InventoryStatus.DEFECT, "a defect board stays defect on loan"
    [kit] = list_kits()
    assert (kit.where, kit.due, kit.boards, kit.defect, kit.items) == (
        "Lemtorpskolen", due, 2, 1, (("batteripakke", 15),))
    view = {s.school: s for s in overview().schools}
    assert view["Lemtorpskolen"].kits_borrowed == ["Klimakasse 1"]
    assert view["Lemvig Kommune, IT"].count(InventoryStatus.ON_LOAN) == 1
    assert (view["Thyborøn Skole"].boards, view["Thyborøn Skole"].v2) == (1, 1)
    assert return_kit("Klimakasse 1") == "Lemtorpskolen"
    assert _board(A).status is InventoryStatus.IN_STOCK and list_kits()[0].where == (
        "Lemvig Kommune, IT")
    with pytest.raises(KitError, match="not lent out"):
        return_kit("Klimakasse 1")
    with pytest.raises(KitError, match="Known kits: Klimakasse 1"):
        lend_kit("Klimakasse 9", "X")
    mark_repaired("gruppe-2")
    assert _board(B).status is InventoryStatus.IN_STOCK, "repaired: back in its kit at home"


def test_csv_export_has_every_column_and_no_formulas(store, tmp_path: Path):
    assign_names([(A, "v1", "0255")])
    set_school([A], "=HYPERLINK(\"http://x\")")
    mark_defect(A, note="+cmd|'/Ccalc'!A0")
    out = tmp_path / "inv.csv"
    assert export_csv(out, list_boards()) == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["school"] == "'=HYPERLINK(\"http://x\")" and rows[0]["unique_id"] == A
    assert rows[0]["note"].startswith("'+") and rows[0]["status"] == "defect"
    with pytest.raises(KitError, match="cannot write"):
        export_csv(tmp_path / "missing" / "x.csv", [])


def test_cli_inventory_list_json_csv_and_set_school(store, tmp_path: Path):
    runner = CliRunner()
    empty = runner.invoke(cli.cli, ["inventory"])
    assert empty.exit_code == 0 and "No micro:bits known" in empty.output
    assign_names([(A, "v1", "0255"), (B, "v2", "0255")])
    record_flashes([_flash(B, True)])
    moved = runner.invoke(cli.cli, ["inventory", "set-school", "Lemtorp", "gruppe-2"])
    assert moved.exit_code == 0 and "gruppe-2 → Lemtorp" in moved.output
    listing = runner.invoke(cli.cli, ["inventory", "--school", "Lemtorp"], terminal_width=250)
    assert listing.exit_code == 0
    assert "gruppe-2" in listing.output and "gruppe-1" not in listing.output
    assert "in use" in listing.output
    shown = json.loads(runner.invoke(cli.cli, ["inventory", "--json"]).stdout)
    assert [b["name"] for b in shown] == ["gruppe-2", "gruppe-1"], "by school; none last"
    assert set(shown[0]) >= {"unique_id", "name", "version", "school", "status", "last_seen",
                             "last_program"}
    assert shown[0]["last_program"]["name"] == "sensortjek" and shown[1]["last_program"] is None
    assert (shown[0]["school"], shown[0]["status"]) == ("Lemtorp", "in_use")
    out = tmp_path / "x.csv"
    exported = runner.invoke(cli.cli, ["inventory", "--csv", str(out)])
    assert exported.exit_code == 0 and out.read_text(encoding="utf-8-sig").count("\n") == 3
    unknown = runner.invoke(cli.cli, ["inventory", "set-school", "X", "gruppe-9"])
    assert unknown.exit_code == 1 and "gruppe-9" in unknown.output
    renamed = runner.invoke(cli.cli, ["inventory", "rename", "gruppe-1", "bord1"])
    assert renamed.exit_code == 0 and "gruppe-1 is now called bord1" in renamed.output


def test_cli_kits_defects_and_overview(store):
    runner = CliRunner()
    assign_names([(A, "v1", ""), (B, "v2", "")])
    steps = [
        ["kit", "create", "Klimakasse 1", "--home", "Depot"],
        ["kit", "add", "Klimakasse 1", "gruppe-1", "--item", "15:batteripakke"],
        ["kit", "lend", "Klimakasse 1", "Lemtorpskolen", "--until", "2099-06-20"],
        ["defect", "gruppe-2", "--note", "[red]knækket[/red]"],
    ]
    for step in steps:
        result = runner.invoke(cli.cli, ["inventory", *step])
        assert result.exit_code == 0, (step, result.output)
    bad = runner.invoke(cli.cli, ["inventory", "kit", "add", "Klimakasse 1", "--item", "x"])
    assert bad.exit_code == 2 and "COUNT:NAME" in bad.output
    shown = runner.invoke(cli.cli, ["inventory", "overview"], terminal_width=250)
    assert shown.exit_code == 0, shown.output
    assert "Lemtorpskolen" in shown.output and "2099-06-20" in shown.output
    assert "[red]knækket[/red]" in shown.output, "notes are text, not rich markup"
    data = json.loads(runner.invoke(cli.cli, ["inventory", "overview", "--json"]).stdout)
    schools = {s["school"]: s for s in data["schools"]}
    assert schools["Depot"]["on_loan"] == 1 and schools["Lemtorpskolen"]["kits_borrowed"] == [
        "Klimakasse 1"]
    assert [r["name"] for r in data["replacements"]] == ["gruppe-2"]
    history = runner.invoke(cli.cli, ["inventory", "history", "gruppe-2"], terminal_width=200)
    assert history.exit_code == 0 and "marked defect" in history.output
    returned = runner.invoke(cli.cli, ["inventory", "kit", "return", "Klimakasse 1"])
    assert returned.exit_code == 0 and "Lemtorpskolen" in returned.output
    again = runner.invoke(cli.cli, ["inventory", "kit", "return", "Klimakasse 1"])
    assert again.exit_code == 1 and "not lent out" in again.output


def test_a_new_board_belongs_to_this_pcs_school(store, monkeypatch):
    monkeypatch.setenv("KLIMAKIT_SCHOOL", "Harboøre Skole")
    assign_names([(A, "v1", "")])
    assert _board(A).school == "Harboøre Skole"


def test_an_older_event_sent_late_never_overwrites_a_newer_state(store):
    """A failed flash kept on a PC at 09:00 and sent at 11:00 must not undo the 10:00 flash."""
    from datetime import datetime, timezone

    nine, ten = (datetime(2025, 3, 3, h, tzinfo=timezone.utc) for h in (9, 10))
    record_flashes([FlashEvent(A, "v1", "", "afkoeling", "a" * 64, True, "Flashet.", at=ten)])
    record_flashes([FlashEvent(A, "v1", "", "vind", "b" * 64, False, "fejl 521",
                               daplink_code=521, at=nine)])
    board = _board(A)
    assert (board.firmware, board.last_result, board.last_seen) == ("afkoeling", "Flashet.", ten)
    assert [(e.kind.value, e.at) for e in board_history(A) if e.kind.value != "seen"] == [
        ("flashed", ten), ("flash_failed", nine)], "both are history, in time order"
