"""The jinja2 environment for every export: templates from kit/export/templates, autoescape on.

Templates are package data (pyproject: "kit.export" = ["templates/**/*"]), loaded through
PackageLoader so an installed klimakit finds them as well as a checkout does.
"""
from __future__ import annotations

import functools
from typing import Any

import jinja2


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the shared environment (autoescape for every template, undefined is an error)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kit.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """Render a template to text."""
    return environment().get_template(name).render(**context)


def static_text(name: str) -> str:
    """Return a template file as it is (CSS, JavaScript), without rendering it."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]
