"""`klimakit inventory kit …`: the municipality's shared pool of kits and their loans."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from kit.cli.output import echo, print_table
from kit.cli.translate import argument, group, option
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _

if TYPE_CHECKING:
    from kit.inventory import KitRecord

# kit.inventory is imported inside each command (see kit/cli/inventory.py).


def _when(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d")
    return value.isoformat() if value else ""


def kit_columns() -> tuple[str, ...]:
    """The headers of the pool table, in the current language."""
    return (_("Kit"), _("Home"), _("Is now at"), _("Lent since"), _("Until"), "micro:bits",
            _("Accessories"))


def kit_rows(kits: Iterable[KitRecord]) -> list[tuple[object, ...]]:
    """Rows of the pool table: kit, home, where now, since, due, boards, accessories."""
    today = date.today()
    return [(k.name, k.home,
             _("{school} (overdue)").format(school=k.where) if k.overdue(today) else k.where,
             _when(k.lent_at), _when(k.due),
             ngettext("{count} ({defect} defect)", "{count} ({defect} defect)",
                      k.defect).format(count=k.boards, defect=k.defect)
             if k.defect else str(k.boards),
             ["{} × {}".format(q, i) for i, q in k.items]) for k in kits]


def _items(values: Sequence[str]) -> list[tuple[str, int]]:
    found = []
    for value in values:
        count, sep, item = value.partition(":")
        if not sep or not count.strip().isdigit() or not item.strip():
            raise click.BadParameter(_("{value!r}: write COUNT:NAME, e.g. 15:batteripakke")
                                     .format(value=value), param_hint="--item")
        found.append((item.strip(), int(count)))
    return found


@group("kit")
def kit_group() -> None:
    """The shared pool: named kits of micro:bits and accessories that schools borrow.

    \b
    Examples:
      klimakit inventory kit create "Klimakasse 1" --home "Lemvig Kommune, IT"
      klimakit inventory kit add "Klimakasse 1" gruppe-1 gruppe-2 --item 15:batteripakke
      klimakit inventory kit lend "Klimakasse 1" "Lemtorpskolen" --until 2025-06-20
      klimakit inventory kit return "Klimakasse 1"
    """


@kit_group.command("create")
@argument("name", metavar=N_("KIT"))
@option("--home", required=True, metavar=N_("SCHOOL"),
        help=N_("The school (or depot) the kit belongs to."))
@option("--note", default="", metavar=N_("TEXT"), help=N_("A line about the kit."))
def create_command(name: str, home: str, note: str) -> None:
    """Create a kit for the pool: a named box of micro:bits and accessories with a home."""
    from kit.inventory import create_kit

    create_kit(name, home, note)
    echo(_("The kit {kit} belongs to {school}.").format(kit=name, school=home), err=True)


@kit_group.command("add")
@argument("kit", metavar=N_("KIT"))
@argument("boards", nargs=-1, metavar=N_("[MICROBITS]..."))
@option("--item", "items", multiple=True, metavar=N_("COUNT:NAME"),
        help=N_("Accessories in the kit, e.g. 15:batteripakke (0 takes it out). Repeat."))
def add_command(kit: str, boards: tuple[str, ...], items: tuple[str, ...]) -> None:
    """Put micro:bits (names or unique ids) and accessories into a kit."""
    from kit.inventory import add_to_kit

    if not boards and not items:
        raise click.UsageError(_("name micro:bits and/or --item COUNT:NAME to put in the kit."))
    names = add_to_kit(kit, boards, _items(items))
    echo(ngettext("{kit}: {boards} micro:bit and {items} kinds of accessories put in.",
                  "{kit}: {boards} micro:bits and {items} kinds of accessories put in.",
                  len(names)).format(kit=kit, boards=len(names), items=len(items)), err=True)


@kit_group.command("lend")
@argument("kit", metavar=N_("KIT"))
@argument("school", metavar=N_("SCHOOL"))
@option("--until", "due", type=click.DateTime(["%Y-%m-%d"]),
        help=N_("The last day of the loan (YYYY-MM-DD)."))
def lend_command(kit: str, school: str, due: datetime | None) -> None:
    """Lend a kit to a school (its micro:bits count as on loan)."""
    from kit.inventory import lend_kit

    lend_kit(kit, school, due.date() if due else None)
    if due:
        echo(_("{kit} is lent to {school} until {day}.").format(
            kit=kit, school=school, day=due.date().isoformat()), err=True)
    else:
        echo(_("{kit} is lent to {school}.").format(kit=kit, school=school), err=True)


@kit_group.command("return")
@argument("kit", metavar=N_("KIT"))
def return_command(kit: str) -> None:
    """Register a lent kit as returned: back at its home, its micro:bits in stock."""
    from kit.inventory import return_kit

    school = return_kit(kit)
    echo(_("{kit} is returned by {school}.").format(kit=kit, school=school), err=True)


@kit_group.command("list")
def list_command() -> None:
    """Show every kit in the pool, what is in it and where it is now."""
    from kit.inventory import list_kits

    kits = list_kits()
    if not kits:
        echo(_("No kits in the pool yet."), err=True)
        return
    print_table(_("The pool"), kit_columns(), kit_rows(kits))
