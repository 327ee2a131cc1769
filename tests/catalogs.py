"""The gettext catalogs of klimakit: extract the msgids, update the .po files, compile the .mo.

    python3 tests/catalogs.py          # after changing a user-facing string: update + compile
    python3 tests/catalogs.py --check  # what tests/test_catalogs.py checks (exit 1 on problems)

Two domains (kit/i18n/catalog.py): `klimakit`, extracted from kit/ with Babel (calls to _, N_,
gettext, ngettext, pgettext, npgettext), from the jinja2 templates (jinja2's Babel extractor),
and from the docstrings of click commands (cut into msgids by kit.cli.translate.help_messages);
and `click`, extracted from the installed click's own source. A new msgid lands in
kit/i18n/locale/da/LC_MESSAGES/<domain>.po with an empty msgstr (or a fuzzy guess); the check
fails until someone has translated it. The .po files are sorted and carry no line numbers, so
two branches that add strings rarely touch the same lines.
"""
from __future__ import annotations

import argparse
import ast
import io
import re
import string
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import click
import jinja2.ext
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.cli.translate import help_messages  # noqa: E402
from kit.i18n import CLICK_DOMAIN, DOMAIN, LANGUAGES, SOURCE_LANGUAGE, catalog_file  # noqa: E402

KIT = ROOT / "kit"
LOCALE_ROOT = KIT / "i18n"
TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
FIXED_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)  # no churn in the .po headers
_PERCENT = re.compile(r"%\((\w+)\)[sdrif]")
_COMMAND_DECORATORS = ("command", "group")


def _location(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _add(catalog: Catalog, msgid: str | tuple[str, str], where: str,
         context: str | None = None) -> None:
    message = catalog.get(msgid if isinstance(msgid, str) else msgid[0], context)
    if message is None:
        catalog.add(msgid, locations=[(where, None)], context=context)
    elif (where, None) not in message.locations:
        message.locations.append((where, None))


def _is_command(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
        if name in _COMMAND_DECORATORS:
            return True
    return False


def command_docstrings(path: Path) -> Iterator[str]:
    """The docstring of every click command and group defined in a CLI module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield doc


def _extract_python(catalog: Catalog, path: Path, keywords: dict[str, object]) -> None:
    with path.open("rb") as file:
        for _line, msgid, _comments, context in extract(
                "python", file, keywords=keywords, strip_comment_tags=True):
            _add(catalog, msgid, _location(path), context)


def extract_klimakit() -> Catalog:
    """Every msgid of the `klimakit` domain, from kit/."""
    catalog = Catalog(domain=DOMAIN, project="klimakit", creation_date=FIXED_DATE)
    for path in sorted(KIT.rglob("*.py")):
        if "_content" in path.parts:
            continue
        _extract_python(catalog, path, dict(DEFAULT_KEYWORDS))
        if "cli" in path.relative_to(KIT).parts:
            for doc in command_docstrings(path):
                for msgid in help_messages(doc):
                    _add(catalog, msgid, _location(path))
    for path in sorted(KIT.rglob("*.j2")):
        with path.open("rb") as file:
            for _line, _func, msgid, _comments in jinja2.ext.babel_extract(
                    file, list(DEFAULT_KEYWORDS), [], {}):
                ids = msgid if isinstance(msgid, tuple) else (msgid,)
                ids = tuple(m for m in ids if m)
                if ids:
                    _add(catalog, ids if len(ids) > 1 else ids[0], _location(path))
    return catalog


def extract_click() -> Catalog:
    """Every msgid click marks in its own source (the installed click)."""
    catalog = Catalog(domain=CLICK_DOMAIN, project="click", creation_date=FIXED_DATE)
    folder = Path(click.__file__).parent
    for path in sorted(folder.glob("*.py")):
        with path.open("rb") as file:
            for _line, msgid, _comments, context in extract(
                    "python", file, keywords={"_": None, "ngettext": (1, 2)}):
                _add(catalog, msgid, "click/" + path.name, context)
    return catalog


TEMPLATES = {DOMAIN: extract_klimakit, CLICK_DOMAIN: extract_click}


def po_path(lang: str, domain: str) -> Path:
    return LOCALE_ROOT / catalog_file(lang, domain, ".po")


def read_catalog(lang: str, domain: str) -> Catalog:
    path = po_path(lang, domain)
    if not path.is_file():
        return Catalog(locale=lang, domain=domain, project="klimakit",
                       creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    with path.open("rb") as file:
        return read_po(file, locale=lang, domain=domain)


def update(lang: str, domain: str, template: Catalog) -> Catalog:
    """Bring one .po up to date with the template and compile its .mo."""
    catalog = read_catalog(lang, domain)
    catalog.update(template)
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False  # the header: Babel marks a new catalog's header fuzzy
    catalog.project, catalog.version = "klimakit", ""
    catalog.copyright_holder = "klimakit developers"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "klimakit developers"
    catalog.language_team = "Danish"
    path = po_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, sort_output=True, ignore_obsolete=True,
                 include_lineno=False)
    with path.with_suffix(".mo").open("wb") as file:
        write_mo(file, catalog, use_fuzzy=False)
    return catalog


def _fields(text: str) -> list[str]:
    """The placeholders a msgid or msgstr formats: {name}, {} and %(name)s."""
    try:
        names = ["{" + (name or "") + (("!" + conv) if conv else "") + "}"
                 for _lit, name, _spec, conv in string.Formatter().parse(text)
                 if name is not None]
    except ValueError:  # a brace that is not a placeholder: compare the braces themselves
        names = re.findall(r"\{[^{}]*\}", text)
    return sorted(names + _PERCENT.findall(text))


def _message_problems(message: Message, exact: bool) -> list[str]:
    """Untranslated, fuzzy, or placeholders that differ: a translation that names a
    placeholder the msgid lacks would raise KeyError when shown. With exact (our own
    messages), it must keep every one too; click's may drop one (its `{number_type}` is an
    untranslated English word)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    shown = ids[0][:60].replace("\n", "\\n")
    if message.fuzzy:
        return ["fuzzy (check it, then remove the fuzzy flag): {!r}".format(shown)]
    if not all(strings):
        return ["not translated: {!r}".format(shown)]
    problems = []
    wanted = sorted(set(_fields(ids[0]) + _fields(ids[-1])))
    for text in strings:
        got = _fields(text)
        if (sorted(set(got)) != wanted) if exact and len(ids) == 1 else not set(got) <= set(wanted):
            problems.append("placeholders {} in the translation of {!r}, the msgid has {}"
                            .format(got, shown, wanted))
        for end, check in (("line break at the end", str.endswith),
                           ("line break at the start", str.startswith)):
            if check(ids[0], "\n") != check(text, "\n"):
                problems.append("{} differs in the translation of {!r}".format(end, shown))
    return problems


def _compiled(lang: str, domain: str) -> dict[object, object]:
    import gettext

    path = LOCALE_ROOT / catalog_file(lang, domain)
    if not path.is_file():
        return {}
    found = gettext.GNUTranslations(io.BytesIO(path.read_bytes()))
    return {key: value for key, value in found._catalog.items() if key != ""}  # type: ignore[attr-defined]


def _expected_mo(catalog: Catalog) -> dict[object, object]:
    import gettext

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    found = gettext.GNUTranslations(buffer)
    return {key: value for key, value in found._catalog.items() if key != ""}  # type: ignore[attr-defined]


def problems(lang: str, domain: str, template: Catalog | None = None) -> list[str]:
    """What is wrong with one catalog: missing, fuzzy, untranslated, extra, stale .mo."""
    template = template if template is not None else TEMPLATES[domain]()
    catalog = read_catalog(lang, domain)
    where = _location(po_path(lang, domain))
    found: list[str] = []
    for message in template:
        if not message.id:
            continue
        ours = catalog.get(message.id, message.context)
        if ours is None:
            found.append("{}: missing {!r} (from {})".format(
                where, message.id if isinstance(message.id, str) else message.id[0],
                message.locations[0][0] if message.locations else "?"))
            continue
        found += ["{}: {}".format(where, p) for p in _message_problems(ours, domain == DOMAIN)]
    extra = [m.id for m in catalog if m.id and template.get(m.id, m.context) is None]
    found += ["{}: no longer used: {!r}".format(where, msgid) for msgid in extra]
    if _compiled(lang, domain) != _expected_mo(catalog):
        found.append("{}: the .mo beside it is not compiled from it".format(where))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report problems")
    args = parser.parse_args()
    found: list[str] = []
    for domain, make in TEMPLATES.items():
        template = make()
        for lang in TRANSLATED:
            if not args.check:
                update(lang, domain, template)
            found += problems(lang, domain, template)
    for problem in found:
        print(problem)
    print("{} problem(s)".format(len(found)), file=sys.stderr)
    return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
