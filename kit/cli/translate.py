"""click in the user's language: our help texts and click's own words, translated when shown.

click evaluates help texts when the commands are defined (at import), but the language is
known only when a command runs, and a test renders both languages in one process. So the
commands keep English msgids and these classes translate them each time they are read:

- a command's help (its docstring) is translated per paragraph: each ordinary paragraph is one
  msgid (its line breaks do not count, click rewraps it); in a `\\b` block (printed as written)
  each line that starts at the margin is a msgid ("Examples:") and each indented line is kept
  as it is, because those are commands to copy;
- option help and metavars (explicit ones, and the names of click's types: TEXT, PATH, ...);
- the usage line's [OPTIONS] and COMMAND [ARGS]..., and the --help option itself.

click's own strings (Usage:, Options:, Error:, "No such option") are marked with the stdlib's
gettext in each click module (`from gettext import gettext as _`), which reads the process's
global text domain and the LANGUAGE/LC_*/LANG variables. That cannot follow KLIMAKIT_LANG,
Windows' UI language or "C means Danish", so install_click_translation() points those module
names at kit.i18n's `click` catalog instead (extracted from the installed click by
tests/catalogs.py; tests/test_catalogs.py fails when click gains a string we lack).
"""
from __future__ import annotations

import gettext as stdlib_gettext
import importlib
import inspect
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kit.i18n import N_, click_gettext, click_ngettext
from kit.i18n import gettext as _

F = TypeVar("F", bound=Callable[..., Any])

# The names click gives its types, shown as metavars: marked here for the catalogs.
# (Paths are named by KitPath, in click's own words: file, directory, path.)
TYPE_METAVARS = (N_("TEXT"), N_("INTEGER"), N_("FLOAT"), N_("INTEGER RANGE"), N_("FLOAT RANGE"),
                 N_("BOOLEAN"))
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
_CLICK_HELP = "Show this message and exit."  # click's own msgid (domain `click`)


def help_pieces(doc: str) -> list[tuple[str, bool]]:
    """A help text cut into (text, is a msgid) pieces that join back into the help."""
    pieces: list[tuple[str, bool]] = []
    for number, paragraph in enumerate(inspect.cleandoc(doc).split("\n\n")):
        if number:
            pieces.append(("\n\n", False))
        if paragraph.split("\n")[0] == "\b":
            pieces.append(("\b", False))
            for line in paragraph.split("\n")[1:]:
                is_message = bool(line) and not line[0].isspace() and line != "\b"
                pieces += [("\n", False), (line, is_message)]
        else:
            pieces.append((" ".join(paragraph.split()), True))
    return pieces


def help_messages(doc: str) -> list[str]:
    """The msgids of a help text (what tests/catalogs.py extracts from docstrings)."""
    return [text for text, is_message in help_pieces(doc) if is_message]


def translate_help(doc: str) -> str:
    """A help text in the current language."""
    return "".join(_(text) if is_message else text for text, is_message in help_pieces(doc))


class _Translated:
    """Command help, short help, epilog and usage metavars, translated on every read."""

    _help: str | None
    _short_help: str | None
    _epilog: str | None
    _options_metavar: str | None

    @property
    def help(self) -> str | None:
        return translate_help(self._help) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    @property
    def short_help(self) -> str | None:
        return _(self._short_help) if self._short_help else self._short_help

    @short_help.setter
    def short_help(self, value: str | None) -> None:
        self._short_help = value

    @property
    def epilog(self) -> str | None:
        return translate_help(self._epilog) if self._epilog else self._epilog

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        self._epilog = value

    @property
    def options_metavar(self) -> str | None:
        return _(self._options_metavar) if self._options_metavar else self._options_metavar

    @options_metavar.setter
    def options_metavar(self, value: str | None) -> None:
        self._options_metavar = value

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the --help option once, with its help in the language of that moment.
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = click_gettext(_CLICK_HELP)
        return option  # type: ignore[no-any-return]


class KitCommand(_Translated, click.Command):
    """A click command whose help is translated when shown."""


class KitGroup(_Translated, click.Group):
    """A click group whose help is translated when shown; its commands are KitCommands."""

    command_class = KitCommand
    group_class = type  # subgroups are of this group's class

    _subcommand_metavar: str

    @property
    def subcommand_metavar(self) -> str:
        return _(self._subcommand_metavar)

    @subcommand_metavar.setter
    def subcommand_metavar(self, value: str) -> None:
        self._subcommand_metavar = value  # click's default is SUBCOMMAND_METAVAR


class KitOption(click.Option):
    """An option whose help and metavar are translated when shown."""

    _help: str | None

    @property
    def help(self) -> str | None:
        return _(self._help) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return _(self.metavar)
        return _(super().make_metavar(ctx))


class KitArgument(click.Argument):
    """An argument whose metavar (given explicitly, e.g. N_("LESSON")) is translated."""

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None:
            return _(self.metavar)
        return super().make_metavar(ctx)


class KitPath(click.Path):
    """click.Path whose name (in messages and as the metavar FILE/DIRECTORY/PATH) is
    translated when shown; click.Path translates it once, when the command is defined."""

    @property
    def name(self) -> str:
        if self.file_okay and not self.dir_okay:
            return click_gettext("file")
        if self.dir_okay and not self.file_okay:
            return click_gettext("directory")
        return click_gettext("path")

    @name.setter
    def name(self, value: str) -> None:
        pass  # click.Path sets its translated name in __init__; the getter decides


def command(name: str | None = None, **attrs: Any) -> Callable[[F], KitCommand]:
    """click.command with translated help."""
    return click.command(name, cls=KitCommand, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[F], KitGroup]:
    """click.group with translated help."""
    return click.group(name, cls=KitGroup, **attrs)


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """click.option with translated help and metavar."""
    return click.option(*decls, cls=KitOption, **attrs)


def argument(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """click.argument with a translated metavar."""
    return click.argument(*decls, cls=KitArgument, **attrs)


def install_click_translation() -> None:
    """Make click's own strings come from kit.i18n's `click` catalog (see the docstring)."""
    for optional in ("click.shell_completion", "click._termui_impl"):
        try:
            importlib.import_module(optional)
        except ImportError:  # pragma: no cover - part of every click 8
            pass
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is stdlib_gettext.gettext:
            module._ = click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is stdlib_gettext.ngettext:
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
