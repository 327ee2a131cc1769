"""One language per screen: Danish by default, English when the locale is English.

- the rule that picks the language (KLIMAKIT_LANG, LC_ALL/LC_MESSAGES/LANG with GNU's
  LANGUAGE, Windows' UI language, else Danish);
- every command's --help, rendered under a Danish, an undetermined (C) and an English locale,
  reads in one language: every help text, option help and metavar is a catalog msgid, and no
  word of the other language is left (click's own words included);
- the common messages (click's errors, KitErrors from the library, tables) likewise;
- lines to copy stay whole at 80 columns; a lesson id is never cut in `lessons list`.
"""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from kit import cli
from kit.cli.translate import KitArgument, KitCommand, KitGroup, KitOption, help_pieces
from kit.errors import LessonError
from kit.i18n import (
    DEFAULT_LANGUAGE, language, language_from_environment, language_of_windows_langid,
    set_language, translations, use_language,
)
from kit.i18n import gettext as _

LOCALES = {"da": ("da_DK.UTF-8", "C", "POSIX", ""), "en": ("en_US.UTF-8", "en_GB")}
# Words only one of the two languages has (short, common ones a leftover sentence would hold).
ENGLISH_ONLY = {
    "the", "and", "of", "with", "is", "are", "this", "that", "from", "show", "shows", "usage",
    "options", "commands", "or", "on", "not", "your", "you", "its", "which", "when", "each",
    "every", "only", "all", "print", "write", "file", "folder", "lesson", "lessons", "help",
    "exit", "message", "default", "board", "boards", "plugged", "into", "one", "no", "a", "an",
    "be", "as", "by", "it", "use", "run", "runs", "make", "makes", "error", "invalid", "value",
    "such", "try", "missing", "command", "what", "how", "does", "there",
}
DANISH_ONLY = {
    "og", "til", "med", "ikke", "er", "et", "der", "som", "af", "på", "vis", "brug",
    "tilvalg", "kommandoer", "hjælp", "afslut", "forløb", "fil", "mappe", "skriv", "alle",
    "hvis", "kun", "eller", "fra", "den", "det", "de", "kan", "skal", "uden", "standard", "fejl",
    "ugyldig", "værdi", "findes", "også", "når", "fx", "hvad", "ingen", "lav", "kør", "læg",
    "sæt", "én", "ét", "mellem", "efter", "hver", "hvert", "dens", "sin", "sit", "sine",
}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


COMMANDS = list(_commands(cli.cli))
IDS = [" ".join(path) or "klimakit" for path, _command in COMMANDS]


@pytest.fixture
def locale_env(monkeypatch: pytest.MonkeyPatch):
    """Set a locale the way a user's shell does (no KLIMAKIT_LANG)."""
    def setup(value: str) -> None:
        for name in ("KLIMAKIT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", value)
    return setup


@pytest.mark.parametrize("environ, expected", [
    ({}, "da"), ({"LANG": "C"}, "da"), ({"LANG": "C.UTF-8"}, "da"), ({"LANG": "POSIX"}, "da"),
    ({"LANG": "da_DK.UTF-8"}, "da"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "en_GB"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "da"), ({"LANG": "nb_NO.UTF-8"}, "da"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
    ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, "da"),
    ({"LC_ALL": "da_DK.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "da"),
    ({"LANG": "da_DK.UTF-8", "LANGUAGE": "en_US:en"}, "en"),
    ({"LANG": "de_DE.UTF-8", "LANGUAGE": "de:en"}, "en"),
    ({"LANG": "C", "LANGUAGE": "en"}, "da"),  # GNU: LANGUAGE counts only with a real locale
    ({"KLIMAKIT_LANG": "en", "LANG": "da_DK.UTF-8"}, "en"),
    ({"KLIMAKIT_LANG": "da", "LC_ALL": "en_US.UTF-8"}, "da"),
    ({"KLIMAKIT_LANG": "EN"}, "en"),
    ({"KLIMAKIT_LANG": "fr", "LANG": "en_US.UTF-8"}, "en"),  # unknown: the locale decides
])
def test_the_language_rule(environ: dict[str, str], expected: str):
    assert language_from_environment(environ, windows_langid=lambda: None) == expected


@pytest.mark.parametrize("langid, expected", [
    (0x0406, "da"), (0x0409, "en"), (0x0809, "en"), (0x0407, "da"), (0x0414, "da"),
])
def test_windows_ui_language(langid: int, expected: str):
    """Without locale variables (as on Windows) the UI language decides; a locale wins."""
    assert language_of_windows_langid(langid) == expected
    assert language_from_environment({}, windows_langid=lambda: langid) == expected
    assert language_from_environment({"LANG": "da_DK.UTF-8"}, windows_langid=lambda: langid) \
        == "da"


def test_danish_is_the_default_and_english_is_the_msgids(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KLIMAKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C")
    assert language() == DEFAULT_LANGUAGE == "da"
    assert _("Lessons") == "Forløb"
    with use_language("en"):
        assert _("Lessons") == "Lessons"
    set_language("en")
    try:
        assert language() == "en"
    finally:
        set_language(None)
    assert _("") == "", "the empty msgid is the catalog's header, never a message"
    assert translations("da").gettext("not a msgid") == "not a msgid"


def test_a_library_error_is_in_the_language_of_the_moment_it_is_raised():
    """KitErrors are translated where they are raised (the library never prints)."""
    from kit.lessons import get_lesson

    for lang, words in (("da", "intet forløb"), ("en", "no lesson")):
        with use_language(lang), pytest.raises(LessonError, match=words):
            get_lesson("findes-ikke")


def _verbatim_lines(command: click.Command) -> set[str]:
    """The lines of a help text kept as written (commands and code to copy)."""
    raw = getattr(command, "_help", None) or ""
    return {text.strip() for text, is_message in help_pieces(raw)
            if not is_message and text.strip() and text not in ("\b",)}


def _words(screen: str, skip_lines: set[str] = frozenset()) -> list[str]:
    """The words of a screen, without what is never translated: commands and options
    (klimakit …, --json, `…`), metavars, choices [a|b], quoted examples, paths and URLs."""
    kept = []
    in_commands = False
    for line in screen.splitlines():
        stripped = line.strip()
        if stripped in skip_lines:
            continue
        if stripped in ("Commands:", "Kommandoer:"):
            in_commands = True
            continue
        if in_commands and stripped:
            stripped = stripped.split(None, 1)[1] if " " in stripped else ""
        kept.append(stripped)
    text = "\n".join(kept)
    text = re.sub(r"(Usage|Brug): \S+( [a-z][\w-]*)*", r"\1:", text)
    text = re.sub(r"[\w.]+\(\w*\)", " ", text)  # print(), sys.exit(3)
    text = re.sub(r"\[[^\]]*\|[^\]]*\]|`[^`]*`|'[^']*'|\"[^\"]*\"|--?[\w-]+|\S*[/\\:]\S*|"
                  r"\b[A-ZÆØÅ_]{2,}\b(\.\.\.)?|\S+\.\w{2,4}\b|klimakit \w[\w-]*", " ", text)
    return re.findall(r"[^\W\d_]+", text.lower())


def _other_language(words: list[str], lang: str) -> list[str]:
    other = ENGLISH_ONLY if lang == "da" else DANISH_ONLY
    return sorted({w for w in words if w in other})


@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_every_help_text_is_a_catalog_entry(path: tuple[str, ...], command: click.Command):
    """Each paragraph, option help and metavar is a msgid with a Danish entry, and the
    command and its options are the classes that translate them when shown."""
    catalog = translations("da")._catalog  # type: ignore[attr-defined]
    assert isinstance(command, (KitCommand, KitGroup)), "use kit.cli.translate's command/group"
    missing = [m for m, is_message in help_pieces(command._help or "")  # type: ignore[union-attr]
               if is_message and m not in catalog]
    for param in command.params:
        if isinstance(param, click.Option):
            assert isinstance(param, KitOption), "{}: use kit.cli.translate.option".format(
                param.name)
            missing += [m for m in (param._help, param.metavar) if m and m not in catalog]
        else:
            assert isinstance(param, KitArgument) and param.metavar, \
                "{}: use kit.cli.translate.argument with metavar=N_(...)".format(param.name)
            missing += [param.metavar] if param.metavar not in catalog else []
    assert not missing, "not in the catalog (run tests/catalogs.py): {}".format(missing)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("path, command", COMMANDS, ids=IDS)
def test_help_reads_in_one_language(path: tuple[str, ...], command: click.Command, lang: str,
                                    locale_env):
    for locale in LOCALES[lang]:
        locale_env(locale)
        result = CliRunner().invoke(cli.cli, list(path) + ["--help"], terminal_width=80)
        assert result.exit_code == 0, result.output
        heading = {"da": ("Brug:", "Tilvalg:"), "en": ("Usage:", "Options:")}[lang]
        assert all(word in result.output for word in heading), (locale, result.output)
        left = _other_language(_words(result.output, _verbatim_lines(command)), lang)
        assert not left, "{} words in the {} help ({}): {}\n{}".format(
            "English" if lang == "da" else "Danish", lang, locale or "unset", left,
            result.output)


# Commands whose output is what a teacher meets most (errors included); none needs hardware.
COMMON = [
    ["nosuchcommand"],
    ["lessons", "list", "--grade", "99"],
    ["lessons", "list", "--band", "nope"],
    ["lessons", "list"],
    ["lessons", "list", "--grade", "0", "--sensor", "speaker"],
    ["run", "findes-ikke.py"],
    ["flash"],
    ["build", "findes-ikke"],
    ["inventory"],
    ["inventory", "kit", "list"],
    ["inventory", "history", "gruppe-99"],
    ["export", "meebook", "--lesson", "findes-ikke"],
    ["record", "--duration", "0"],
    ["boards"],
    ["virtual", "up", "-n", "1", "--v2", "2"],
    ["plot", "findes-ikke.csv"],
]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("args", COMMON, ids=" ".join)
def test_common_messages_read_in_one_language(args: list[str], lang: str, locale_env,
                                              tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(tmp_path))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    locale_env(LOCALES[lang][0])
    result = CliRunner().invoke(cli.cli, args, terminal_width=80)
    assert "Traceback" not in result.output
    text = result.output
    if args[:2] == ["lessons", "list"] and result.exit_code == 0:
        text = "\n".join(text.splitlines()[:4])  # the table's title and headers, not lessons
    left = _other_language(_words(text), lang)
    assert not left, "{}: {}\n{}".format(lang, left, result.output)


def test_an_unknown_language_setting_is_named(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KLIMAKIT_LANG", "fr")
    monkeypatch.setenv("LANG", "C")
    result = CliRunner().invoke(cli.cli, ["lessons", "list", "--json"])
    assert result.exit_code == 0
    assert "KLIMAKIT_LANG='fr'" in result.output and "da (dansk)" in result.output


def test_lesson_ids_are_whole_at_80_columns(monkeypatch: pytest.MonkeyPatch):
    """`lessons list` on an 80-column terminal: every id on one line, uncut."""
    from kit.lessons import load_library

    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(cli.cli, ["lessons", "list"], terminal_width=80)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    firsts = {line.split()[0] for line in lines if line.strip()}
    ids = [lesson.id for lesson in load_library()]
    assert max(map(len, ids)) >= 12, "the library has a long id to test with"
    assert all(lesson_id in firsts for lesson_id in ids), (ids, result.output)
    assert "…" not in result.output


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_report_page_is_in_one_language(lang: str, locale_env, tmp_path):
    """The coordinator's page follows the user's language, like the CLI."""
    from kit.inventory import write_report

    locale_env(LOCALES[lang][0])
    page = tmp_path / "overblik.html"
    write_report(page)
    html = page.read_text(encoding="utf-8")
    assert '<html lang="{}">'.format(lang) in html
    heading = {"da": "Overblik over micro:bits og udstyrspuljen",
               "en": "Overview of micro:bits and the pool"}[lang]
    assert heading in html
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    left = _other_language(_words(text), lang)
    assert not left, left


def test_lines_to_copy_are_whole_at_80_columns(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """`boards` without a board: the dialout command and the udev rule are each one line of
    their own, uncut and unwrapped, in both languages (the prose around them is translated)."""
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(tmp_path))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    rule = 'SUBSYSTEM=="tty", ATTRS{idVendor}=="0d28", ATTRS{idProduct}=="0204", MODE="0666"'
    for lang in ("da", "en"):
        monkeypatch.setenv("KLIMAKIT_LANG", lang)
        result = CliRunner().invoke(cli.cli, ["boards"], terminal_width=80)
        lines = [line.strip() for line in result.output.splitlines()]
        assert rule in lines and "sudo usermod -aG dialout $USER" in lines, result.output
        assert len(rule) + 4 > 80, "the rule is longer than the terminal: a real test of wrapping"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_flash_table_is_in_one_language(lang: str, monkeypatch: pytest.MonkeyPatch):
    """The flash result table with what the library says (a FAIL.TXT explained, a virtual
    board's engine and why, the check after flashing) reads in one language."""
    from pathlib import Path

    from rich.console import Console

    from kit.boards import BoardInfo
    from kit.build import Program
    from kit.cli.flash import _table
    from kit.flash import FlashResult, FlashStatus, choose_engine, parse_fail_txt

    monkeypatch.setenv("KLIMAKIT_LANG", lang)
    program = Program("main", "from microbit import *\nprint(temperature())\n")
    engine = choose_engine(program, "v1", qemu_installed=True)
    board = BoardInfo("9904", "v1", Path("/media/MICROBIT"), "/dev/ttyACM0", name="gruppe-1",
                      virtual=True, engine=engine.kind.value, engine_reason=engine.reason)
    report = parse_fail_txt("error: The transfer timed out.\ntype: transient\n")
    results = [FlashResult(board, FlashStatus.FAILED, report.sentence, report.advice, 3.2),
               FlashResult(board, FlashStatus.OK, "x", running=False, seconds=1.5),
               FlashResult(board, FlashStatus.SKIPPED, "")]
    console = Console(width=80, record=True)
    console.print(_table(results))
    text = console.export_text()
    assert ("Resultat" if lang == "da" else "Result") in text and "gruppe-1" in text, text
    assert max(map(len, text.splitlines())) <= 80
    left = _other_language(_words(text.replace("gruppe-1", "")), lang)
    assert not left, "{}: {}\n{}".format(lang, left, text)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_live_table_keeps_board_names_whole_in_one_language(
        lang: str, monkeypatch: pytest.MonkeyPatch):
    """The recording's live table at 80 columns: a board's name is never cut (it is what
    --board takes), a silent board's reason (the library's words) is in the same language."""
    from rich.console import Console

    from kit.cli.record_screen import live_table
    from kit.record import BoardState, BoardStatus

    monkeypatch.setenv("KLIMAKIT_LANG", lang)
    fields = ("tid", "lys", "x", "y", "z", "knap")
    statuses = [
        BoardStatus("socket://127.0.0.1:40000", state=BoardState.OK,
                    latest=(4.624, 255, -736, -736, 736, 0), lines_per_s=1.9, accepted=19),
        BoardStatus("gruppe-12", state=BoardState.QUIET, silence="repl"),
        BoardStatus("gruppe-13", state=BoardState.QUIET, silence="traceback",
                    silence_detail="ValueError: x at main.py:12")]
    console = Console(width=80, record=True)
    console.print(live_table(statuses, fields, 65.0))
    text = console.export_text()
    assert max(map(len, text.splitlines())) <= 80
    for name in ("socket://127.0.0.1:40000", "gruppe-12", "gruppe-13"):
        assert name in text, text
    cleaned = text.replace("socket://127.0.0.1:40000", "").replace("ValueError: x at", "")
    left = _other_language(_words(cleaned), lang)
    assert not left, "{}: {}\n{}".format(lang, left, text)
