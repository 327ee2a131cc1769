"""The live page in the user's language: its HTML and the words its script shows.

The page (kit/record/live/index.html.j2) is rendered once per language with the catalogs
(jinja2's i18n extension), and carries the words live.js needs (board states, events, how a
recording ended, the decimal mark) as JSON in a data block, `<script type="application/json">`,
which the page's content security policy allows because it never runs. live.js reads the
recorder's English identifiers (`unplugged`, `wrong program`) and shows these words.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kit.i18n import N_, language, ngettext, translations, use_language
from kit.i18n import gettext as _

TEMPLATE = Path(__file__).parent / "index.html.j2"
STATES = {"waiting": N_("waiting"), "ok": N_("running"), "quiet": N_("quiet"),
          "unplugged": N_("unplugged"), "wrong_program": N_("wrong program"),
          "stopped": N_("stopped")}
EVENTS = {"start": N_("recording started"), "end": N_("recording ended"),
          "unplugged": N_("unplugged"), "replugged": N_("plugged in again"),
          "wrong program": N_("wrong program"), "reader failed": N_("reading failed"),
          "sequence restarted": N_("counter started again"),
          "sequence jumped": N_("counter jumped"), "no header": N_("no header line"),
          "lost": N_("readings lost")}
ENDED = {"stop": N_("stopped"), "duration": N_("the time is up"),
         "interrupted": N_("stopped with Ctrl-C"), "terminated": N_("stopped by the system"),
         "hangup": N_("the terminal was closed"), "no boards left": N_("all micro:bits are gone"),
         "error": N_("error")}
MESSAGES = {
    "ended": N_("The recording has ended"),
    "ended_because": N_("The recording has ended ({reason})"),
    "recording": N_("Recording"),
    "recording_to": N_("Recording to {csv}"),
    "broken": N_("The connection to the recorder is broken – trying again …"),
    "time": N_("Time"), "minutes": N_("Minutes"),
    "rejected": N_("{count} rejected"), "lost": N_("{count} lost"),
}

DECIMAL_MARK = {"da": ",", "en": "."}


def page_words() -> dict[str, Any]:
    """The words live.js shows, in the current language."""
    def words(table: dict[str, str]) -> dict[str, str]:
        return {key: _(value) for key, value in table.items()}

    # Both plural forms: Danish and English use the first for 1 only (Plural-Forms n != 1).
    plurals = {"readings": [ngettext("{count} reading", "{count} readings", count)
                            for count in (1, 2)]}
    return {"states": words(STATES), "events": words(EVENTS), "ended": words(ENDED),
            "messages": words(MESSAGES), "plurals": plurals,
            "decimal": DECIMAL_MARK.get(language(), ".")}


@functools.lru_cache(maxsize=4)
def render_page(lang: str) -> str:
    """The page's HTML in `lang` (made once per language)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    with use_language(lang):
        return template.render(lang=lang, words=page_words())
