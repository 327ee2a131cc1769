"""klimakit command line: parse, call kit/, render. No business logic here.

The commands live in clicommands/ (one module per family); this file builds the group, turns
KitError into a clear message and exit code 1, and sets up logging for --verbose.
"""
from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass

import click

from kit import __version__
from kit.errors import KitError

# Each module exposes COMMANDS: a list of click commands/groups to register.
COMMAND_MODULES = (
    "clicommands.boards",
    "clicommands.demo",
    "clicommands.record",
    "clicommands.lessons",
    "clicommands.flash",
    "clicommands.inventory",
    "clicommands.virtual",
    "clicommands.export",
    "clicommands.run",
)


@dataclass
class Settings:
    """Global options, shared with every command through ctx.obj."""

    verbose: bool = False


class KitGroup(click.Group):
    """A click group that prints KitError as a sentence instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KitError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=KitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="klimakit")
@click.option("-v", "--verbose", is_flag=True, help="Show diagnostic messages on stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """klimakit: micro:bit-værktøjer til klima- og teknologiundervisning.

    Flash a whole class set of micro:bits, record experiments to CSV and graphs, run micro:bit
    programs on the PC (with or without a board), and publish the lesson library.

    \b
    Start here (no micro:bit needed):
      klimakit demo
    With boards plugged in:
      klimakit boards
    """
    ctx.obj = Settings(verbose=verbose)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.getLogger("kit").addHandler(handler)
        logging.getLogger("kit").setLevel(logging.DEBUG)


for _module_name in COMMAND_MODULES:
    for _command in importlib.import_module(_module_name).COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Entry point of the `klimakit` console script."""
    cli(prog_name="klimakit")


if __name__ == "__main__":
    main()
