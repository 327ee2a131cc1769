"""The `klimakit` group: registers the commands, turns KitError into a message, sets up logging.

The commands live beside this file (kit/cli/<family>.py, one module per family); this module
builds the group, turns KitError into a clear message and exit code 1, and sets up logging for
--verbose. Every word it shows is translated when shown (kit/cli/translate.py, kit/i18n).
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click

from kit import __version__
from kit.cli.boards import COMMANDS as BOARDS_COMMANDS
from kit.cli.collect import COMMANDS as COLLECT_COMMANDS
from kit.cli.demo import COMMANDS as DEMO_COMMANDS
from kit.cli.export import COMMANDS as EXPORT_COMMANDS
from kit.cli.flash import COMMANDS as FLASH_COMMANDS
from kit.cli.inventory import COMMANDS as INVENTORY_COMMANDS
from kit.cli.lessons import COMMANDS as LESSONS_COMMANDS
from kit.cli.output import echo
from kit.cli.record import COMMANDS as RECORD_COMMANDS
from kit.cli.run import COMMANDS as RUN_COMMANDS
from kit.cli.translate import KitGroup, install_click_translation, option
from kit.cli.virtual import COMMANDS as VIRTUAL_COMMANDS
from kit.errors import KitError
from kit.i18n import LANGUAGE_VARIABLE, N_, language, unknown_language_setting
from kit.i18n import gettext as _
from kit.text import printable

# Each module exposes COMMANDS: the click commands/groups it registers, in --help order.
COMMANDS = (BOARDS_COMMANDS, DEMO_COMMANDS, RECORD_COMMANDS, LESSONS_COMMANDS, FLASH_COMMANDS,
            INVENTORY_COMMANDS, VIRTUAL_COMMANDS, EXPORT_COMMANDS, RUN_COMMANDS, COLLECT_COMMANDS)


@dataclass
class Settings:
    """Global options, shared with every command through ctx.obj."""

    verbose: bool = False


class RootGroup(KitGroup):
    """The klimakit group: click in the user's language, KitError as a sentence."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        install_click_translation()  # before click says anything (Usage:, Error:)
        return super().main(args, prog_name, complete_var, standalone_mode, **extra)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KitError as err:
            # The message may quote a file or a board: no control characters reach the terminal.
            raise click.ClickException(printable(str(err))) from err


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        echo(_("klimakit, version {version}").format(version=__version__))
        ctx.exit()


def _warn_about_language() -> None:
    unknown = unknown_language_setting()
    if unknown is not None:
        echo(_("{variable}={value!r}: klimakit speaks da (Danish) and en (English); it "
               "speaks {language} now.").format(variable=LANGUAGE_VARIABLE, value=unknown,
                                                language=language()), err=True)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
        help=N_("Show the version and exit."))
@option("-v", "--verbose", is_flag=True, help=N_("Show diagnostic messages on stderr."))
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """klimakit: micro:bit tools for climate and technology lessons.

    Put a lesson's program on a whole class set of micro:bits, record experiments to CSV and
    graphs, run micro:bit programs on the PC (with or without a micro:bit), and publish the
    lessons.

    \b
    Start here (no micro:bit needed):
      klimakit demo
    With micro:bits plugged in:
      klimakit boards
    """
    ctx.obj = Settings(verbose=verbose)
    _warn_about_language()
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
