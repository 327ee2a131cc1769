"""The catalogs: every Danish entry translated, and every user-facing string goes through them.

- the Danish catalogs (kit/i18n/locale/da/LC_MESSAGES/*.po) have every msgid that kit/, its
  templates, its command docstrings and the installed click mark, none empty or fuzzy, with
  the same placeholders, and the committed .mo files say what the .po files say
  (tests/catalogs.py; `python3 tests/catalogs.py` fixes all but the translating);
- no message is written as a bare literal where it is shown or raised: in a KitError, in
  anything kit/cli prints (echo, consoles, tables, click's errors), or as option help. Words
  that are the same in every language (CSV, JSON, QEMU, micro:bit) may stay literals.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from catalogs import TEMPLATES, TRANSLATED, problems

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "kit"
# MicroPython's own messages (the simulator must print what the board prints) and the
# micro:bit's Image errors stay as the firmware words them: English, in both languages.
EXEMPT = ("kit/image.py", "kit/i18n/")
TRANSLATORS = {"_", "N_", "gettext", "ngettext", "pgettext", "npgettext"}
# Words that read the same in Danish and English, so a literal made only of them is fine.
NEUTRAL = {
    "csv", "json", "qemu", "micro", "bit", "bits", "v1", "v2", "micropython", "daplink", "ok",
    "hex", "ctrl", "c", "id", "usb", "png", "svg", "pdf", "html", "py", "mb", "kb", "b", "s",
    "ms", "klimakit", "meebook", "imscc", "fail", "txt", "details", "microbit", "udev", "red",
    "green", "yellow", "bold", "dim", "cyan", "white", "magenta", "blue", "x", "pid", "url",
    "export", "klimakit_drive_roots", "my_data", "htm", "v",
}
# An error line as MicroPython prints it ("SyntaxError: ..."): the board's words, as they are.
_BOARD_ERROR = re.compile(r"^[A-Z]\w*Error: ")
CLI_SINKS = {"echo", "click.echo", "err_console.print", "out_console.print", "console.print",
             "print_table", "make_table", "click.UsageError", "click.BadParameter",
             "click.ClickException", "self.fail", "Table", "add_column", "add_task",
             "print_to_copy"}


def _error_classes() -> set[str]:
    names = {"KitError"}
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in KIT.rglob("*.py")]
    while True:
        more = {node.name for tree in trees for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id in names for b in node.bases)}
        if more <= names:
            return names
        names |= more


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        inner = _name(func.value)
        return "{}.{}".format(inner, func.attr) if inner else func.attr
    return ""


def _literal_text(node: ast.expr) -> str | None:
    """The words of a literal message (a str, an f-string, "...".format(), "a" + b)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp):
        parts = [_literal_text(node.left), _literal_text(node.right)]
        found = [p for p in parts if p is not None]
        return " ".join(found) if found else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":
            return _literal_text(node.func.value)
        if node.func.attr in ("strip", "rstrip", "lstrip", "upper", "capitalize"):
            return _literal_text(node.func.value)
    if isinstance(node, ast.IfExp):
        parts = [_literal_text(node.body), _literal_text(node.orelse)]
        found = [p for p in parts if p is not None]
        return " ".join(found) if found else None
    return None


def _words(text: str) -> list[str]:
    text = re.sub(r"\[/?[a-z ]*\]", " ", text)  # rich markup such as [green]
    text = re.sub(r"`[^`]*`|--[\w-]+|\{[^{}]*\}", " ", text)  # commands, options, fields
    return [w for w in re.findall(r"[^\W\d_]+(?:[_'][^\W\d_]+)*", text.lower())
            if w not in NEUTRAL]


def _untranslated(node: ast.expr) -> str | None:
    text = _literal_text(node)
    if text is None or not _words(text) or _BOARD_ERROR.match(text):
        return None
    return text


def _problems_in(path: Path, errors: set[str]) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_cli = relative.startswith("kit/cli/")
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        short = name.split(".")[-1]
        checked: list[ast.expr] = []
        if short in errors:
            checked = list(node.args[:1]) + [k.value for k in node.keywords
                                             if k.arg in ("message", "daplink_message")]
        elif in_cli and (name in CLI_SINKS or short in CLI_SINKS):
            checked = list(node.args) + [k.value for k in node.keywords
                                         if k.arg in ("title", "description", "message")]
        if in_cli or short in ("option", "command", "group"):
            checked += [k.value for k in node.keywords if k.arg == "help"]
        for arg in checked:
            text = _untranslated(arg)
            if text is not None:
                found.append("{}:{}: {!r}".format(relative, arg.lineno, text[:70]))
    return found


def test_no_message_is_a_bare_literal():
    errors = _error_classes()
    found = []
    for path in sorted(KIT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "_content" in path.parts or relative.startswith(EXEMPT):
            continue
        found += _problems_in(path, errors)
    assert not found, "wrap these in _() (or N_() where they are defined):\n" + "\n".join(found)


def test_the_literal_check_can_fail(tmp_path: Path):
    """The check above finds a raised KitError and a printed line written as literals."""
    sample = tmp_path / "sample.py"
    sample.write_text('raise LessonError("no lesson {}".format(x))\n'
                      'raise LessonError(_("no lesson {x}").format(x=x))\n'
                      'raise LessonError(str(err))\n', encoding="utf-8")
    sample = sample.rename(KIT.parent / "tests" / "_literal_sample.py")
    try:
        found = _problems_in(sample, {"LessonError"})
    finally:
        sample.unlink()
    assert len(found) == 1 and "no lesson" in found[0]


@pytest.mark.parametrize("domain", sorted(TEMPLATES))
@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_is_complete(lang: str, domain: str):
    """Missing, empty or fuzzy entries, placeholders that differ, or a stale .mo fail."""
    found = problems(lang, domain)
    assert not found, "\n".join(found) + "\n(run `python3 tests/catalogs.py`, then translate)"


def test_the_translator_is_never_overwritten():
    """`_` is gettext wherever kit.i18n's is imported: `for _ in ...` or `x, _ = ...` there
    would turn every later message into a crash."""
    found = []
    for path in sorted(KIT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = any(isinstance(node, ast.ImportFrom) and node.module == "kit.i18n"
                      and any(a.asname == "_" for a in node.names) for node in ast.walk(tree))
        if imports:
            found += ["{}:{}".format(path.relative_to(ROOT), node.lineno)
                      for node in ast.walk(tree)
                      if isinstance(node, ast.Name) and node.id == "_"
                      and isinstance(node.ctx, ast.Store)]
    assert not found, "`_` is assigned (use another name): " + ", ".join(found)
