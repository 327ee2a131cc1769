"""The `klimakit` group: registers the commands, turns KitError into a message, sets up logging.

The commands live beside this file (kit/cli/<family>.py, one module per family); this module
builds the group, turns KitError into a clear message and exit code 1, and sets up logging for
--verbose.
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import click

from kit import __version__
from kit.cli.boards import COMMANDS as BOARDS_COMMANDS
from kit.cli.collect import COMMANDS as COLLECT_COMMANDS
from kit.cli.demo import COMMANDS as DEMO_COMMANDS
from kit.cli.export import COMMANDS as EXPORT_COMMANDS
from kit.cli.flash import COMMANDS as FLASH_COMMANDS
from kit.cli.inventory import COMMANDS as INVENTORY_COMMANDS
from kit.cli.lessons import COMMANDS as LESSONS_COMMANDS
from kit.cli.record import COMMANDS as RECORD_COMMANDS
from kit.cli.run import COMMANDS as RUN_COMMANDS
from kit.cli.virtual import COMMANDS as VIRTUAL_COMMANDS
from kit.errors import KitError
from kit.text import printable

# Each module exposes COMMANDS: the click commands/groups it registers, in --help order.
COMMANDS = (BOARDS_COMMANDS, DEMO_COMMANDS, RECORD_COMMANDS, LESSONS_COMMANDS, FLASH_COMMANDS,
            INVENTORY_COMMANDS, VIRTUAL_COMMANDS, EXPORT_COMMANDS, RUN_COMMANDS, COLLECT_COMMANDS)


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
            # The message may quote a file or a board: no control characters reach the terminal.
            raise click.ClickException(printable(str(err))) from err


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


for _commands in COMMANDS:
    for _command in _commands:
        cli.add_command(_command)


def main() -> None:
    """Entry point of the `klimakit` console script."""
    cli(prog_name="klimakit")
