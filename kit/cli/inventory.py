"""`klimakit inventory`: which micro:bits exist, on which school, running what."""
from __future__ import annotations

from pathlib import Path

import click

from kit.cli.output import err_console, print_table
from kit.inventory import export_csv, list_boards, rename, set_school


@click.group(invoke_without_command=True)
@click.option("--school", help="Only boards belonging to this school.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the list as a CSV file (opens in Excel) instead of showing it.")
@click.pass_context
def inventory(ctx: click.Context, school: str | None, csv_path: Path | None) -> None:
    """List every micro:bit klimakit has seen: name, V1/V2, school, last program.

    Boards are known by the unique id of their USB chip, so a board keeps its name and
    history on every PC that uses this user account. Nothing about pupils is stored.

    \b
    Examples:
      klimakit inventory
      klimakit inventory --school "Lemtorpskolen" --csv lemtorp.csv
      klimakit inventory set-school "Christinelystskolen" gruppe-1 gruppe-2
    """
    if ctx.invoked_subcommand:
        return
    records = list_boards(school)
    if csv_path is not None:
        count = export_csv(csv_path, records)
        err_console.print("{} boards written to {}".format(count, csv_path))
        return
    if not records:
        err_console.print("No boards known yet. Plug some in and run `klimakit boards`.")
        return
    print_table("Inventory", ("Name", "Version", "School", "Last program", "Flashed",
                              "Last result", "Unique id"),
                [(r.name, r.version, r.school, r.firmware, r.flashed_at, r.last_result,
                  r.unique_id) for r in records])


@inventory.command("set-school")
@click.argument("school")
@click.argument("boards", nargs=-1, required=True)
def set_school_command(school: str, boards: tuple[str, ...]) -> None:
    """Move boards (names or unique ids) to a school, e.g. from the shared pool.

    \b
    Example:
      klimakit inventory set-school "Lemtorpskolen" gruppe-1 gruppe-2
    """
    names = set_school(boards, school)
    err_console.print("{} → {}".format(", ".join(names), school or "(no school)"))


@inventory.command("rename")
@click.argument("board")
@click.argument("new_name")
def rename_command(board: str, new_name: str) -> None:
    """Give a board another name (the one on its sticker), e.g. gruppe-7 or bord3.

    \b
    Example:
      klimakit inventory rename gruppe-3 bord3
    """
    old = rename(board, new_name)
    err_console.print("{} is now {}".format(old, new_name))


COMMANDS = [inventory]
