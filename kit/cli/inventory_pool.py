"""`klimakit inventory kit …`: the municipality's shared pool of kits and their loans."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from kit.cli.output import err_console, print_table

if TYPE_CHECKING:
    from kit.inventory import KitRecord

# kit.inventory is imported inside each command (see kit/cli/inventory.py).


def _when(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d")
    return value.isoformat() if value else ""


def kit_rows(kits: Iterable[KitRecord]) -> list[tuple[str, ...]]:
    """Rows of the pool table: kit, home, where now, since, due, boards, accessories."""
    today = date.today()
    return [(k.name, k.home, k.where + (" (for sent)" if k.overdue(today) else ""),
             _when(k.lent_at), _when(k.due),
             str(k.boards) + (" ({} defekte)".format(k.defect) if k.defect else ""),
             ", ".join("{} × {}".format(q, i) for i, q in k.items)) for k in kits]


def _items(values: Sequence[str]) -> list[tuple[str, int]]:
    found = []
    for value in values:
        count, sep, item = value.partition(":")
        if not sep or not count.strip().isdigit() or not item.strip():
            raise click.BadParameter("{!r}: skriv ANTAL:NAVN, fx 15:batteripakke".format(value),
                                     param_hint="--item")
        found.append((item.strip(), int(count)))
    return found


@click.group("kit")
def kit_group() -> None:
    """The shared pool: named kits of boards and accessories that schools borrow.

    \b
    Examples:
      klimakit inventory kit create "Klimakasse 1" --home "Lemvig Kommune, IT"
      klimakit inventory kit add "Klimakasse 1" gruppe-1 gruppe-2 --item 15:batteripakke
      klimakit inventory kit lend "Klimakasse 1" "Lemtorpskolen" --until 2025-06-20
      klimakit inventory kit return "Klimakasse 1"
    """


@kit_group.command("create")
@click.argument("name")
@click.option("--home", required=True, help="The school (or depot) the kit belongs to.")
@click.option("--note", default="", help="A line about the kit.")
def create_command(name: str, home: str, note: str) -> None:
    """Create a pool kit: a named box of boards and accessories with a home."""
    from kit.inventory import create_kit

    create_kit(name, home, note)
    err_console.print("Kassen {} hører til {}.".format(name, home), markup=False)


@kit_group.command("add")
@click.argument("kit")
@click.argument("boards", nargs=-1)
@click.option("--item", "items", multiple=True, metavar="ANTAL:NAVN",
              help="Accessories in the kit, e.g. 15:batteripakke (0 takes it out). Repeat.")
def add_command(kit: str, boards: tuple[str, ...], items: tuple[str, ...]) -> None:
    """Put boards (names or unique ids) and accessories into a kit."""
    from kit.inventory import add_to_kit

    if not boards and not items:
        raise click.UsageError("name boards and/or --item ANTAL:NAVN to put in the kit.")
    names = add_to_kit(kit, boards, _items(items))
    err_console.print("{}: {} board(s) og {} slags tilbehør lagt i.".format(
        kit, len(names), len(items)), markup=False)


@kit_group.command("lend")
@click.argument("kit")
@click.argument("school")
@click.option("--until", "due", type=click.DateTime(["%Y-%m-%d"]),
              help="The last day of the loan (YYYY-MM-DD).")
def lend_command(kit: str, school: str, due: datetime | None) -> None:
    """Lend a kit to a school (its boards count as on loan)."""
    from kit.inventory import lend_kit

    lend_kit(kit, school, due.date() if due else None)
    err_console.print("{} er udlånt til {}{}.".format(
        kit, school, " til og med {}".format(due.date().isoformat()) if due else ""),
        markup=False)


@kit_group.command("return")
@click.argument("kit")
def return_command(kit: str) -> None:
    """Register a lent kit as returned: back at its home, its boards in stock."""
    from kit.inventory import return_kit

    school = return_kit(kit)
    err_console.print("{} er afleveret af {}.".format(kit, school), markup=False)


@kit_group.command("list")
def list_command() -> None:
    """Show every pool kit, its contents and where it is now."""
    from kit.inventory import list_kits

    kits = list_kits()
    if not kits:
        err_console.print("Ingen kasser i puljen endnu.")
        return
    print_table("Udstyrspuljen", ("Kasse", "Hjem", "Er nu på", "Udlånt siden", "Til og med",
                                  "Boards", "Tilbehør"), kit_rows(kits))
