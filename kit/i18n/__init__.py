"""The language klimakit speaks to its user: gettext catalogs, Danish first, English on request.

Every user-facing string is an English msgid, translated when it is shown (or when a KitError
is raised, so a library error is already in the user's language without the library printing):

    from kit.i18n import gettext as _
    raise LessonError(_("no lesson {lesson!r}. See `klimakit lessons list`.").format(lesson=x))

Strings that must exist before the language is known (module constants, click help) are
marked with N_() and translated where they are shown. Which language: kit/i18n/language.py
(KLIMAKIT_LANG, the locale, Windows' UI language, else Danish). The catalogs: kit/i18n/catalog.py;
updating them: `python3 tests/catalogs.py`; the words: docs/glossary.md.
"""
from __future__ import annotations

from kit.i18n.catalog import (
    CLICK_DOMAIN, DOMAIN, N_, SOURCE_LANGUAGE, catalog_file, click_gettext, click_ngettext,
    language, set_language, translations, use_language,
)
from kit.i18n.catalog import gettext_ as gettext
from kit.i18n.catalog import ngettext_ as ngettext
from kit.i18n.catalog import npgettext_ as npgettext
from kit.i18n.catalog import pgettext_ as pgettext
from kit.i18n.language import (
    DEFAULT_LANGUAGE, LANGUAGE_VARIABLE, LANGUAGES, language_code, language_from_environment,
    language_of_windows_langid, unknown_language_setting,
)
from kit.i18n.numbers import number
from kit.i18n.oserrors import os_reason

__all__ = [
    "CLICK_DOMAIN", "DEFAULT_LANGUAGE", "DOMAIN", "LANGUAGES", "LANGUAGE_VARIABLE", "N_",
    "SOURCE_LANGUAGE", "catalog_file", "click_gettext", "click_ngettext", "gettext", "language",
    "language_code", "language_from_environment", "language_of_windows_langid", "ngettext",
    "npgettext", "number", "os_reason", "pgettext", "set_language", "translations",
    "unknown_language_setting", "use_language",
]
