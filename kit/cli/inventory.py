"""`klimakit inventory`: every micro:bit of the municipality, its school, status and program.

The board list, the coordinator's overview and report page, defect and repaired boards, names
and schools. The shared pool (kits and loans) is `inventory kit …` (kit/cli/inventory_pool.py).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit.cli.inventory_pool import kit_columns, kit_group, kit_rows
from kit.cli.output import echo, json_text, print_table
from kit.cli.translate import KitPath, argument, group, option
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _

if TYPE_CHECKING:
    from kit.inventory import BoardRecord, Overview

# kit.inventory (SQLAlchemy, psycopg) is imported inside each command, so commands that
# never touch the inventory (`lessons`, `export`, `--help`) do not pay for loading it.

EVENT_WORDS = {"seen": N_("seen"), "flashed": N_("flashed"),
               "flash_failed": N_("flash failed"), "marked_defect": N_("marked defect"),
               "repaired": N_("repaired")}
NO_SCHOOL = N_("(no school)")


def local_time(when: datetime | None) -> str:
    """A stored UTC time as the PC's local time, to the minute."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else ""


def _board_row(r: BoardRecord) -> tuple[object, ...]:
    from kit.inventory import status_label

    program = [r.firmware, r.firmware_hash[:12]] if r.firmware else ""
    return (r.name, r.version.upper(), r.school, status_label(r.status), r.kit,
            local_time(r.last_seen), program, local_time(r.flashed_at), r.unique_id)


@group(invoke_without_command=True)
@option("--school", metavar=N_("SCHOOL"), help=N_("Only micro:bits belonging to this school."))
@option("--json", "as_json", is_flag=True, help=N_("Print the micro:bits as JSON on stdout."))
@option("--csv", "csv_path", type=KitPath(dir_okay=False, path_type=Path),
        help=N_("Write the list as a CSV file (opens in Excel) instead of showing it."))
@click.pass_context
def inventory(ctx: click.Context, school: str | None, as_json: bool,
              csv_path: Path | None) -> None:
    """List every micro:bit klimakit has seen: name, V1/V2, school, status, last program.

    A micro:bit is known by the unique id of its USB chip, so it keeps its name and history
    on every PC that shares the inventory: this user's SQLite file, or one PostgreSQL for the
    whole municipality (KLIMAKIT_DATABASE_URL=postgresql://…). Nothing about pupils is
    stored.

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
        echo(ngettext("{count} event kept on this PC is now sent to the inventory.",
                      "{count} events kept on this PC are now sent to the inventory.",
                      sent).format(count=sent), err=True)
    if ctx.invoked_subcommand:
        return
    records = list_boards(school)
    if as_json:
        click.echo(json_text([r.as_json() for r in records]))
        return
    if csv_path is not None:
        count = export_csv(csv_path, records)
        echo(ngettext("{count} micro:bit written to {path}", "{count} micro:bits written to {path}",
                      count).format(count=count, path=csv_path), err=True)
        return
    if not records:
        echo(_("No micro:bits known yet. Plug some in and run `klimakit boards`."), err=True)
        return
    print_table(_("Inventory"), (_("Name"), _("Version"), _("School"), _("Status"), _("Kit"),
                                 _("Last seen"), _("Last program"), _("Flashed"),
                                 _("Unique id")),
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
@option("--json", "as_json", is_flag=True, help=N_("Print the overview as JSON on stdout."))
def overview_command(as_json: bool) -> None:
    """Per school: micro:bits, V1/V2, in use or defect, kits on loan; where each kit is.

    \b
    Example:
      KLIMAKIT_DATABASE_URL=postgresql://klimakit@server/klimakit klimakit inventory overview
    """
    from kit.inventory import STATUS_LABELS, overview, status_label

    view = overview()
    if as_json:
        click.echo(json_text(_overview_json(view)))
        return
    print_table(_("Schools"), (_("School"), "micro:bits", "V1", "V2",
                               *(status_label(k).capitalize() for k in STATUS_LABELS),
                               _("Kits borrowed")),
                [(s.school or _(NO_SCHOOL), str(s.boards), str(s.v1), str(s.v2),
                  *(str(s.count(k)) for k in STATUS_LABELS), ", ".join(s.kits_borrowed))
                 for s in view.schools])
    if view.kits:
        print_table(_("The pool"), kit_columns(), kit_rows(view.kits))
    shown = view.replacements[:20]
    if shown:
        print_table(_("To replace or look at"), ("micro:bit", _("School"), _("Why"),
                                                 _("DAPLink code"), _("Unique id")),
                    [(r.name, r.school, _("defect: {note}").format(note=r.note) if r.defect else
                      ngettext("{count} failed flash in a row",
                               "{count} failed flashes in a row",
                               r.failures).format(count=r.failures),
                      str(r.last_code or ""), r.unique_id) for r in shown])
    more = len(view.replacements) - len(shown)
    echo(ngettext("{boards} micro:bit, {events} events in {store}.",
                  "{boards} micro:bits, {events} events in {store}.", view.boards).format(
        boards=view.boards, events=view.events, store=view.store), err=True)
    if more:
        echo(ngettext("{count} more must be replaced: see `klimakit inventory report`.",
                      "{count} more must be replaced: see `klimakit inventory report`.",
                      more).format(count=more), err=True)


@inventory.command("report")
@option("-o", "--out", type=KitPath(dir_okay=False, path_type=Path),
        default=Path("overblik.html"), show_default=True, help=N_("The page to write."))
def report_command(out: Path) -> None:
    """Write the coordinator's overview as one HTML page (works offline, prints well).

    \b
    Example:
      klimakit inventory report -o overblik.html
    """
    from kit.inventory import write_report

    view = write_report(out)
    echo(ngettext("{boards} micro:bit at {schools} schools, {kits} kits → {page}",
                  "{boards} micro:bits at {schools} schools, {kits} kits → {page}",
                  view.boards).format(boards=view.boards, schools=len(view.schools),
                                      kits=len(view.kits), page=out), err=True)
    click.echo(str(out))


@inventory.command("defect")
@argument("board", metavar=N_("MICROBIT"))
@option("--note", default="", metavar=N_("TEXT"),
        help=N_("What is wrong, e.g. \"USB-stik knækket\"."))
def defect_command(board: str, note: str) -> None:
    """Mark a micro:bit defect: it is listed for replacement until `inventory repaired`."""
    from kit.inventory import mark_defect

    name = mark_defect(board, note)
    echo(_("{board} is marked defect.").format(board=name), err=True)


@inventory.command("repaired")
@argument("board", metavar=N_("MICROBIT"))
@option("--note", default="", metavar=N_("TEXT"), help=N_("What was done."))
def repaired_command(board: str, note: str) -> None:
    """A defect micro:bit works again: back in use (or in its kit in the pool)."""
    from kit.inventory import mark_repaired

    name = mark_repaired(board, note)
    echo(_("{board} is repaired and in use again.").format(board=name), err=True)


@inventory.command("history")
@argument("board", metavar=N_("MICROBIT"))
def history_command(board: str) -> None:
    """Show a micro:bit's history: seen, flashed (program and hash), failed, defect, repaired."""
    from kit.inventory import board_history

    rows = [(local_time(e.at), _(EVENT_WORDS[e.kind.value]) if e.kind.value in EVENT_WORDS
             else e.kind.value, e.program, e.program_hash[:12], str(e.daplink_code or ""),
             e.detail) for e in board_history(board)]
    print_table(_("History of {board}").format(board=board),
                (_("Time"), _("Event"), _("Program"), "Hash", _("DAPLink code"), _("Details")),
                rows, keep=())


@inventory.command("set-school")
@argument("school", metavar=N_("SCHOOL"))
@argument("boards", nargs=-1, required=True, metavar=N_("MICROBITS..."))
def set_school_command(school: str, boards: tuple[str, ...]) -> None:
    """Move micro:bits (names or unique ids) to a school, e.g. from the shared pool.

    \b
    Example:
      klimakit inventory set-school "Lemtorpskolen" gruppe-1 gruppe-2
    """
    from kit.inventory import set_school

    names = set_school(boards, school)
    echo("{} → {}".format(", ".join(names), school), err=True)


@inventory.command("rename")
@argument("board", metavar=N_("MICROBIT"))
@argument("new_name", metavar=N_("NEW_NAME"))
def rename_command(board: str, new_name: str) -> None:
    """Give a micro:bit another name (the one on its sticker), e.g. gruppe-7 or bord3.

    \b
    Example:
      klimakit inventory rename gruppe-3 bord3
    """
    from kit.inventory import rename

    old = rename(board, new_name)
    echo(_("{old} is now called {new}").format(old=old, new=new_name), err=True)


inventory.add_command(kit_group)

COMMANDS = [inventory]
