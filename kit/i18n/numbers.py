"""Numbers in a sentence as the reader's language writes them: 28.672 and 1,5 in Danish.

Only numbers inside messages (sizes, megabytes, seconds) are written this way; data (CSV
cells, JSON, the values in the live table) keep the form the protocol and files use.
"""
from __future__ import annotations

from kit.i18n.catalog import language

_SEPARATORS = {"da": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def number(value: float, places: int = 0) -> str:
    """`value` with `places` decimals and thousands grouped: 28.672 / 28,672; 1,5 / 1.5."""
    thousands, decimal = _SEPARATORS.get(language(), _SEPARATORS["en"])
    text = "{:,.{}f}".format(value, places)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
