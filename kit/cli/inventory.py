"""`klimakit inventory`: every micro:bit of the municipality, its school, status and program.

The board list, the coordinator's overview and report page, defect and repaired boards, names
and schools. The shared pool (kits and loans) is `inventory kit …` (kit/cli/inventory_pool.py).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit.cli.inventory_pool import kit_group, kit_rows
from kit.cli.output import err_console, json_text, print_table

if TYPE_CHECKING:
    from kit.inventory import BoardRecord, Overview

# kit.inventory (SQLAlchemy, psycopg) is imported inside each command, so commands that
# never touch the inventory (`lessons`, `export`, `--help`) do not pay for loading it.

_KINDS = {"seen": "set", "flashed": "flashet", "flash_failed": "flash fejlede",
          "marked_defect": "meldt defekt", "repaired": "repareret"}


def local_time(when: datetime | None) -> str:
    """A stored UTC time as the PC's local time, to the minute."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""


def _board_row(r: BoardRecord) -> tuple[str, ...]:
    from kit.inventory import STATUS_LABELS

    program = "{} {}".format(r.firmware, r.firmware_hash[:12]) if r.firmware else ""
    return (r.name, r.version.upper(), r.school, STATUS_LABELS[r.status], r.kit,
            local_time(r.last_seen), program, local_time(r.flashed_at), r.unique_id)


@click.group(invoke_without_command=True)
@click.option("--school", help="Only boards belonging to this school.")
@click.option("--json", "as_json", is_flag=True, help="Print the boards as JSON on stdout.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the list as a CSV file (opens in Excel) instead of showing it.")
@click.pass_context
def inventory(ctx: click.Context, school: str | None, as_json: bool,
              csv_path: Path | None) -> None:
    """List every micro:bit klimakit has seen: name, V1/V2, school, status, last program.

    Boards are known by the unique id of their USB chip, so a board keeps its name and
    history on every PC that shares the inventory: this user's SQLite file, or one
    PostgreSQL for the whole municipality (KLIMAKIT_DATABASE_URL=postgresql://…). Nothing
    about pupils is stored.

    \b
    Examples:
      klimakit inventory
      klimakit inventory --school "Lemtorpskolen" --csv lemtorp.csv
      klimakit inventory overview
      klimakit inventory report -o overblik.html
    """
    from kit.inventory import export_csv, list_boards, send_pending

    sent = send_pending()
    if sent:
        err_console.print("{} hændelse(r) gemt på denne pc er nu sendt til inventaret."
                          .format(sent))
    if ctx.invoked_subcommand:
        return
    records = list_boards(school)
    if as_json:
        click.echo(json_text([r.as_json() for r in records]))
        return
    if csv_path is not None:
        count = export_csv(csv_path, records)
        err_console.print("{} boards written to {}".format(count, csv_path))
        return
    if not records:
        err_console.print("No boards known yet. Plug some in and run `klimakit boards`.")
        return
    print_table("Inventory", ("Navn", "Version", "Skole", "Status", "Kasse", "Sidst set",
                              "Sidste program", "Flashet", "Unikt id"),
                [_board_row(r) for r in records])


def _overview_json(view: Overview) -> dict[str, object]:
    from kit.inventory import STATUS_LABELS

    return {
        "store": view.store, "generated_at": view.generated_at.isoformat(),
        "events": view.events,
        "schools": [{"school": s.school or None, "boards": s.boards, "v1": s.v1, "v2": s.v2,
                     **{k.value: s.count(k) for k in STATUS_LABELS},
                     "kits_borrowed": s.kits_borrowed, "kits_home": s.kits_home}
                    for s in view.schools],
        "kits": [{"name": k.name, "home": k.home, "where": k.where, "boards": k.boards,
                  "lent_at": k.lent_at.isoformat() if k.lent_at else None,
                  "due": k.due.isoformat() if k.due else None,
                  "items": dict(k.items)} for k in view.kits],
        "replacements": [{"name": r.name, "unique_id": r.unique_id, "school": r.school or None,
                          "defect": r.defect, "failures": r.failures,
                          "last_daplink_code": r.last_code, "note": r.note}
                         for r in view.replacements],
    }


@inventory.command("overview")
@click.option("--json", "as_json", is_flag=True, help="Print the overview as JSON on stdout.")
def overview_command(as_json: bool) -> None:
    """Per school: boards, V1/V2, in use / defect, kits on loan; where each pool kit is.

    \b
    Example:
      KLIMAKIT_DATABASE_URL=postgresql://klimakit@server/klimakit klimakit inventory overview
    """
    from kit.inventory import STATUS_LABELS, overview

    view = overview()
    if as_json:
        click.echo(json_text(_overview_json(view)))
        return
    print_table("Skoler", ("Skole", "Boards", "V1", "V2", *(s.capitalize() for s in
                                                           STATUS_LABELS.values()),
                           "Lånte kasser"),
                [(s.school or "(ingen skole)", str(s.boards), str(s.v1), str(s.v2),
                  *(str(s.count(k)) for k in STATUS_LABELS), ", ".join(s.kits_borrowed))
                 for s in view.schools])
    if view.kits:
        print_table("Udstyrspuljen", ("Kasse", "Hjem", "Er nu på", "Udlånt siden",
                                      "Til og med", "Boards", "Tilbehør"), kit_rows(view.kits))
    shown = view.replacements[:20]
    if shown:
        print_table("Skal udskiftes eller efterses", ("Board", "Skole", "Hvorfor",
                                                       "DAPLink-kode", "Unikt id"),
                    [(r.name, r.school, "defekt: " + r.note if r.defect else
                      "{} fejlede flashninger i træk".format(r.failures),
                      str(r.last_code or ""), r.unique_id) for r in shown])
    more = len(view.replacements) - len(shown)
    err_console.print("{} boards, {} hændelser i {}.{}".format(
        view.boards, view.events, view.store,
        " {} flere skal udskiftes: se `klimakit inventory report`.".format(more)
        if more else ""), markup=False)


@inventory.command("report")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("overblik.html"), show_default=True, help="The page to write.")
def report_command(out: Path) -> None:
    """Write the coordinator's overview as one HTML page (works offline, prints well).

    \b
    Example:
      klimakit inventory report -o overblik.html
    """
    from kit.inventory import write_report

    view = write_report(out)
    err_console.print("{} boards på {} skoler, {} kasser → {}".format(
        view.boards, len(view.schools), len(view.kits), out), markup=False)
    click.echo(str(out))


@inventory.command("defect")
@click.argument("board")
@click.option("--note", default="", help="What is wrong, e.g. \"USB-stik knækket\".")
def defect_command(board: str, note: str) -> None:
    """Mark a board defect: it is listed for replacement until `inventory repaired`."""
    from kit.inventory import mark_defect

    name = mark_defect(board, note)
    err_console.print("{} er meldt defekt.".format(name), markup=False)


@inventory.command("repaired")
@click.argument("board")
@click.option("--note", default="", help="What was done.")
def repaired_command(board: str, note: str) -> None:
    """A defect board works again: back in use (or in its pool kit)."""
    from kit.inventory import mark_repaired

    name = mark_repaired(board, note)
    err_console.print("{} er repareret og i brug igen.".format(name), markup=False)


@inventory.command("history")
@click.argument("board")
def history_command(board: str) -> None:
    """Show a board's history: seen, flashed (program and hash), failed, defect, repaired."""
    from kit.inventory import board_history

    rows = [(local_time(e.at), _KINDS.get(e.kind.value, e.kind.value), e.program,
             e.program_hash[:12], str(e.daplink_code or ""), e.detail)
            for e in board_history(board)]
    print_table("Historik for {}".format(board), ("Tid", "Hændelse", "Program", "Hash",
                                                  "DAPLink-kode", "Detaljer"), rows)


@inventory.command("set-school")
@click.argument("school")
@click.argument("boards", nargs=-1, required=True)
def set_school_command(school: str, boards: tuple[str, ...]) -> None:
    """Move boards (names or unique ids) to a school, e.g. from the shared pool.

    \b
    Example:
      klimakit inventory set-school "Lemtorpskolen" gruppe-1 gruppe-2
    """
    from kit.inventory import set_school

    names = set_school(boards, school)
    err_console.print("{} → {}".format(", ".join(names), school), markup=False)


@inventory.command("rename")
@click.argument("board")
@click.argument("new_name")
def rename_command(board: str, new_name: str) -> None:
    """Give a board another name (the one on its sticker), e.g. gruppe-7 or bord3.

    \b
    Example:
      klimakit inventory rename gruppe-3 bord3
    """
    from kit.inventory import rename

    old = rename(board, new_name)
    err_console.print("{} is now {}".format(old, new_name), markup=False)


inventory.add_command(kit_group)

COMMANDS = [inventory]
