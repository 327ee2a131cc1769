"""The compiled gettext catalogs shipped in the package, and translating with them.

msgids are English (the source language, so English needs no catalog); Danish is in
kit/i18n/locale/da/LC_MESSAGES/<domain>.po, compiled to the .mo beside it. The .mo files are
committed rather than built when the wheel is made: a checkout, an editable install, an sdist
and a wheel then all find the same catalogs with no build step and no Babel at run time, and
tests/test_catalogs.py fails when a committed .mo no longer says what its .po says (the fix is
`python3 tests/catalogs.py`).

Two domains: `klimakit` (our own words) and `click` (click's own words: Usage, Options,
error prefixes; extracted from the installed click, see kit/cli/translate.py).
"""
from __future__ import annotations

import gettext
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from kit.i18n.language import LANGUAGES, language_from_environment

log = logging.getLogger(__name__)

DOMAIN = "klimakit"
CLICK_DOMAIN = "click"
SOURCE_LANGUAGE = "en"
_cache: dict[tuple[str, str], gettext.NullTranslations] = {}
_cache_lock = threading.Lock()
_pinned: list[str] = []  # set_language / use_language; the last entry wins


def catalog_file(lang: str, domain: str = DOMAIN, suffix: str = ".mo") -> str:
    """The catalog's path inside the package, e.g. 'locale/da/LC_MESSAGES/klimakit.mo'."""
    return "locale/{}/LC_MESSAGES/{}{}".format(lang, domain, suffix)


def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The catalog of one language (English: the msgids themselves), loaded once."""
    key = (lang, domain)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load(lang, domain)
        return _cache[key]


def _load(lang: str, domain: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    path = resources.files("kit.i18n").joinpath(catalog_file(lang, domain))
    try:
        return gettext.GNUTranslations(io.BytesIO(path.read_bytes()))
    except (OSError, ValueError) as err:  # a broken installation: say so, speak English
        log.warning("no %s catalog for %r (%s); messages stay in English", domain, lang, err)
        return gettext.NullTranslations()


def language() -> str:
    """The language to speak now: a pinned one (set_language, use_language), else the
    user's (kit/i18n/language.py), read again on every call so a changed environment counts."""
    return _pinned[-1] if _pinned else language_from_environment()


def set_language(lang: str | None) -> None:
    """Pin the language for this process ('da' or 'en'); None goes back to the environment."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError("language must be one of {}".format(", ".join(LANGUAGES)))
    _pinned.clear()
    if lang is not None:
        _pinned.append(lang)


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block (e.g. an export in the lessons' language)."""
    if lang not in LANGUAGES:
        raise ValueError("language must be one of {}".format(", ".join(LANGUAGES)))
    _pinned.append(lang)
    try:
        yield
    finally:
        _pinned.pop()


def N_(message: str) -> str:
    """Mark `message` for the catalogs without translating it yet (translate where shown)."""
    return message


def gettext_(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    if not message:  # gettext('') is the catalog's header, never a message
        return message
    return translations(language()).gettext(message)


def ngettext_(singular: str, plural: str, count: int) -> str:
    """The singular or plural msgid for `count`, in the current language."""
    return translations(language()).ngettext(singular, plural, count)


def pgettext_(context: str, message: str) -> str:
    """`message` in the current language, where `context` tells two uses of a word apart."""
    return translations(language()).pgettext(context, message)


def npgettext_(context: str, singular: str, plural: str, count: int) -> str:
    """ngettext with a context."""
    return translations(language()).npgettext(context, singular, plural, count)


def click_gettext(message: str) -> str:
    """One of click's own strings in the current language (domain `click`)."""
    if not message:
        return message
    return translations(language(), CLICK_DOMAIN).gettext(message)


def click_ngettext(singular: str, plural: str, count: int) -> str:
    """One of click's own plural strings in the current language."""
    return translations(language(), CLICK_DOMAIN).ngettext(singular, plural, count)
