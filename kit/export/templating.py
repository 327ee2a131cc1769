"""The jinja2 environment for every export: templates from kit/export/templates, autoescape on.

Templates are package data (pyproject: "kit.export" = ["templates/**/*"]), loaded through
PackageLoader so an installed klimakit finds them as well as a checkout does.

Their words are msgids of the catalogs (jinja2's i18n extension, `_()` and `{% trans %}`),
rendered in EXPORT_LANGUAGE, the lessons' language: the lessons in lessons/ are Danish, a
Meebook forløb has Danish field names, and a page that framed a Danish lesson in English
words would read in two languages. So an export is Danish whatever the language of the person
who makes it; only its messages on the terminal follow the user (kit/i18n).
"""
from __future__ import annotations

import functools
from typing import Any

import jinja2

from kit.i18n import gettext, ngettext, use_language

EXPORT_LANGUAGE = "da"  # the lessons' language (see the module docstring)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the shared environment (autoescape for every template, undefined is an error)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kit.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def render(name: str, **context: Any) -> str:
    """Render a template to text, in the lessons' language."""
    with use_language(EXPORT_LANGUAGE):
        return environment().get_template(name).render(lang=EXPORT_LANGUAGE, **context)


def static_text(name: str) -> str:
    """Return a template file as it is (CSS, JavaScript), without rendering it."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]
