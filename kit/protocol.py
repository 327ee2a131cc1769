"""The data-line protocol between a micro:bit program and the host (design.md §4).

One parser, used by the recorder, the gateway, the plotter and the demo. Grammar (one line,
after removing NUL bytes, the line ending and surrounding blanks; must be valid UTF-8)::

    header   = "#" SP "klimakit" SP version *(SP key "=" value)
               keys used: lesson=<id>  fields=<name>{,<name>}  units=<unit>{,<unit>}
    data     = "(" number *("," number) [","] ")"          e.g. (21.5, 130)
    gateway  = "(" sender "," seq *("," number) [","] ")"  e.g. (gruppe3, 412, 21.5)
    number   = a finite int or float as Python prints it (no nan/inf)
    sender   = letter *(letter / digit / "_" / "-"), at most 16 characters, not nan/inf
    seq      = non-negative integer (the sender's packet counter, to count lost packets)

Everything else (REPL banners, tracebacks, noise, half lines after a replug) is `Raw`: kept in a
raw log and counted by the caller, never turned into data.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

MAX_FIELDS = 32
_SENDER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,15}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_SEQ = re.compile(r"^\d{1,9}$")
_NOT_SENDERS = ("nan", "inf", "infinity")  # what MicroPython prints for broken floats


@dataclass(frozen=True)
class Header:
    """A '# klimakit' line: which lesson, which fields, which units."""

    version: str
    lesson: str = ""
    fields: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Data:
    """One reading from a board on USB."""

    values: tuple[float, ...]


@dataclass(frozen=True)
class GatewayData:
    """One reading relayed by a radio gateway: who sent it and its sequence number."""

    sender: str
    seq: int
    values: tuple[float, ...]


@dataclass(frozen=True)
class Raw:
    """A line that is not protocol: kept verbatim for the raw log."""

    text: str
    reason: str


Line = Header | Data | GatewayData | Raw


def _number(token: str) -> float | None:
    token = token.strip()
    if not _NUMBER.match(token):
        return None
    value = float(token)
    if not math.isfinite(value):
        return None
    return int(token) if token.lstrip("+-").isdigit() else value


def _parse_header(text: str) -> Line:
    parts = text[1:].split()
    if len(parts) < 2 or parts[0] != "klimakit":
        return Raw(text, "comment")
    extra: dict[str, str] = {}
    for part in parts[2:]:
        key, sep, value = part.partition("=")
        if not sep or not key:
            return Raw(text, "malformed header item {!r}".format(part))
        extra[key] = value
    fields = tuple(f for f in extra.pop("fields", "").split(",") if f)
    units = tuple(extra.pop("units", "").split(",")) if "units" in extra else ()
    if len(fields) > MAX_FIELDS:
        return Raw(text, "too many fields")
    return Header(parts[1], extra.pop("lesson", ""), fields, units, extra)


def _parse_tuple(text: str) -> Line:
    inner = text[1:-1]
    tokens = [t.strip() for t in inner.split(",")]
    if tokens and tokens[-1] == "" and len(tokens) > 1:
        tokens.pop()  # trailing comma, as in Python's (21.5,)
    if not tokens or len(tokens) > MAX_FIELDS + 2 or any(t == "" for t in tokens):
        return Raw(text, "empty or too many values")
    first = tokens[0].strip("'\"")
    if _SENDER.match(first) and first.lower() not in _NOT_SENDERS:
        if len(tokens) < 2 or not _SEQ.match(tokens[1]):
            return Raw(text, "gateway line without sequence number")
        values = [_number(t) for t in tokens[2:]]
        if any(v is None for v in values):
            return Raw(text, "value is not a finite number")
        return GatewayData(first, int(tokens[1]), tuple(v for v in values if v is not None))
    values = [_number(t) for t in tokens]
    if any(v is None for v in values):
        return Raw(text, "value is not a finite number")
    return Data(tuple(v for v in values if v is not None))


def parse_line(line: bytes | str) -> Line:
    """Classify one line from a board. Never raises."""
    if isinstance(line, bytes):
        try:
            text = line.replace(b"\x00", b"").decode("utf-8")
        except UnicodeDecodeError:
            return Raw(line.decode("utf-8", "replace"), "not UTF-8")
    else:
        text = line.replace("\x00", "")
    text = text.strip()
    if not text:
        return Raw(text, "empty")
    if text.startswith("#"):
        return _parse_header(text)
    if text.startswith("(") and text.endswith(")"):
        return _parse_tuple(text)
    return Raw(text, "not a data line")
