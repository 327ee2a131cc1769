"""Which language klimakit speaks: Danish first, English when the user's locale is English.

The rule, in order (docs/glossary.md has the words):

1. KLIMAKIT_LANG=da or KLIMAKIT_LANG=en decides.
2. The POSIX locale of messages: the first of LC_ALL, LC_MESSAGES, LANG that is set. When it
   names a real locale (not C or POSIX), GNU's LANGUAGE priority list is read first (as GNU
   gettext does: Ubuntu keeps the desktop's chosen language there), then the locale itself;
   the first entry that is Danish or English decides.
3. On Windows, where those variables are usually unset, the user's UI language.
4. Otherwise, Danish: an undetermined locale (C, POSIX, unset) and every other language get
   Danish, the language of the schools klimakit is made for.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_VARIABLE = "KLIMAKIT_LANG"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence, strongest first
_UNDETERMINED = ("", "c", "posix")
# Windows LANGIDs: the low 10 bits are the primary language (winnt.h LANG_DANISH, LANG_ENGLISH).
_WINDOWS_PRIMARY = {0x06: "da", 0x09: "en"}


def language_code(name: str) -> str:
    """'da_DK.UTF-8@euro' -> 'da', 'en-GB' -> 'en', 'C.UTF-8' -> 'c'."""
    return name.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def language_of_windows_langid(langid: int) -> str:
    """A Windows UI language id (GetUserDefaultUILanguage) -> 'da' or 'en'; others Danish."""
    return _WINDOWS_PRIMARY.get(langid & 0x3FF, DEFAULT_LANGUAGE)


def _windows_ui_langid() -> int | None:
    """The user's Windows UI language id, or None off Windows."""
    if sys.platform != "win32":
        return None
    import ctypes

    return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())


def language_from_environment(environ: Mapping[str, str] | None = None,
                              windows_langid: Callable[[], int | None] = _windows_ui_langid
                              ) -> str:
    """The language the rule in this module's docstring picks: 'da' or 'en'."""
    env = os.environ if environ is None else environ
    chosen = env.get(LANGUAGE_VARIABLE, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    locale_name = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), "")
    if language_code(locale_name) not in _UNDETERMINED:
        for name in env.get("LANGUAGE", "").split(":") + [locale_name]:
            if language_code(name) in LANGUAGES:
                return language_code(name)
        return DEFAULT_LANGUAGE
    langid = windows_langid()
    if langid is not None:
        return language_of_windows_langid(langid)
    return DEFAULT_LANGUAGE


def unknown_language_setting(environ: Mapping[str, str] | None = None) -> str | None:
    """KLIMAKIT_LANG's value when it is set but names no language klimakit speaks."""
    env = os.environ if environ is None else environ
    value = env.get(LANGUAGE_VARIABLE, "").strip()
    return value if value and value.lower() not in LANGUAGES else None
