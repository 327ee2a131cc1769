"""The data-line protocol between a micro:bit program and the host (docs/protocol.md).

One parser, used by the recorder, the gateway, the plotter and the demo. A board prints lines
ending in CR LF (MicroPython), LF or CR; the board's reader (kit/boards/stream.py) and
`split_lines` cut at any of the three. Each line is classified after removing NUL bytes and
surrounding blanks; it must be valid UTF-8 and at most MAX_LINE_CHARS long, and before that at
most MAX_LINE_BYTES bytes as received (4 bytes for each of 4096 characters: no valid line is
longer, unless padded with thousands of NULs or blanks; a reader cuts anything longer anyway).
A too-long line is Raw "line too long", kept in the raw log by its first RAW_TEXT_CHARS
characters. Grammar (SP = one or more spaces)::

    header   = "#" [SP] "klimakit" SP version *(SP key "=" value)
    version  = 1*(digit / ".")                       the protocol version, "1" today
    key      = 1*(letter / digit / "_")              known keys below; others kept in `extra`
               lesson=<id>   fields=<name>*("," <name>)   units=<unit>*("," <unit>)
    name     = 1*32 characters except blanks "," "=" "(" ")"; the names of one header differ
    unit     = 0*16 characters except blanks "," (may be empty: "units=C,,lvl")
    data     = "(" number *("," number) [","] ")"           e.g. (21.5, 130)
    gateway  = "(" sender "," seq *("," number) [","] ")"   e.g. (gruppe3, 412, 21.5)
    number   = ["+" / "-"] (digits ["." [digits]] / "." digits) [("e" / "E") ["+" / "-"] digits]
               at most 40 characters, finite (nan and inf are rejected as Raw)
    sender   = letter *(letter / digit / "_" / "-"), at most 16 characters, optionally in
               matching quotes as Python prints a str inside a tuple: ('gruppe3', 412, 21.5);
               not nan / inf / True / False / None
    seq      = 1*9 digit: the sender's packet counter, to count lost packets by gaps

Blanks around items inside the parentheses are ignored. A header needs `fields`; when it has
`units` they must be as many as the fields. A tuple has 1 to MAX_FIELDS values.
Data lines carry no field names: which value is which comes from the header (or the lesson),
and `check_fields` tells whether a reading fits.

Everything else (REPL banners, tracebacks, noise, half lines after a replug) is `Raw`: kept in a
raw log and counted by the caller, never turned into data. `parse_line` never raises.

Speed: `parse_lines` classifies a burst of lines at once (what the recorder receives; its
writer uses `parse_burst`, the same giving runs of plain readings as their values); plain data
lines take a fast path (C-level checks, one scan by the json module's C scanner, Data built
without a Python call per line) and everything else the token-by-token `_parse_line_slow`, the
reference the property tests hold both fast paths to. `parse_line` has its own one-line fast
path (one regex, one JSON scan). benchmarks/bench_protocol.py measures them against 30 boards at
full 115200 baud.
"""
from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple, TypeVar, cast

__all__ = [
    "Data", "GatewayData", "Header", "Line", "Raw", "MAX_FIELDS", "MAX_LINE_BYTES",
    "MAX_LINE_CHARS", "MAX_NUMBER_CHARS", "PROTOCOL_VERSION", "check_fields", "format_data",
    "format_gateway", "format_header", "parse_burst", "parse_line", "parse_lines", "Readings",
    "split_lines",
]

PROTOCOL_VERSION = "1"
MAX_FIELDS = 32
MAX_LINE_CHARS = 4096  # longer "lines" are noise (a board prints short lines)
MAX_LINE_BYTES = 4 * MAX_LINE_CHARS  # as received, before NULs and blanks are removed
RAW_TEXT_CHARS = 200  # what the raw log keeps of a line that is too long
MAX_NUMBER_CHARS = 40  # also keeps int() away from Python's 4300-digit limit

_T = TypeVar("_T", bound=type)


@dataclass(frozen=True)
class Header:
    """A '# klimakit' line: which lesson, which fields, which units."""

    version: str
    lesson: str = ""
    fields: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def unit(self, name: str) -> str:
        """Return the unit of field `name` ('' if the header gives none)."""
        if name in self.fields and len(self.units) == len(self.fields):
            return self.units[self.fields.index(name)]
        return ""


def _same_class_eq(self: tuple[object, ...], other: object) -> object:
    """__eq__ for a reading: a bool, or NotImplemented for a non-tuple (so `object` typed)."""
    # Like the frozen dataclasses these were: equal only to the same class with equal fields
    # (a plain tuple, or a Raw with the same items, is not equal).
    if type(other) is type(self) and isinstance(other, tuple):
        return tuple.__eq__(self, other)
    return False if isinstance(other, tuple) else NotImplemented


def _same_class_ne(self: tuple[object, ...], other: object) -> object:
    equal = _same_class_eq(self, other)
    return equal if equal is NotImplemented else not equal


def _unordered(self: tuple[object, ...], other: object) -> object:
    return NotImplemented  # readings have no order, as with the dataclasses


def _compare_as_readings(cls: _T) -> _T:
    """Give a reading named tuple the comparisons above.

    Set after the class is made because NamedTuple bodies may hold only fields as far as type
    checkers are concerned; at run time this is the same as assigning them in the body.
    """
    for name, method in (("__eq__", _same_class_eq), ("__ne__", _same_class_ne),
                         ("__hash__", tuple.__hash__), ("__lt__", _unordered),
                         ("__le__", _unordered), ("__gt__", _unordered), ("__ge__", _unordered)):
        setattr(cls, name, method)
    return cls


# Data, GatewayData and Raw are made per line, so they are immutable named tuples rather than
# frozen dataclasses: the fast path builds them with C-level calls (tuple.__new__), several
# times faster. Their fields, repr, hash, isinstance checks and equality are as before.
@_compare_as_readings
class Data(NamedTuple):
    """One reading from a board on USB."""

    values: tuple[float, ...]


@_compare_as_readings
class GatewayData(NamedTuple):
    """One reading relayed by a radio gateway: who sent it and its sequence number."""

    sender: str
    seq: int
    values: tuple[float, ...]


@_compare_as_readings
class Raw(NamedTuple):
    """A line that is not protocol: kept verbatim for the raw log."""

    text: str
    reason: str


Line = Header | Data | GatewayData | Raw

_SENDER = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,15}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_SEQ = re.compile(r"\d{1,9}", re.ASCII)
_KEY = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
_VERSION = re.compile(r"[0-9.]{1,8}", re.ASCII)
_NAME = re.compile(r"[^\s,=()]{1,32}")
_UNIT = re.compile(r"[^\s,]{0,16}")
_NOT_SENDERS = ("nan", "inf", "infinity", "true", "false", "none")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# Fast paths: a batch made only of plain data lines (or one such line) is checked by C-level
# scans and converted by the json module's C scanner; anything unusual goes the slow way.
_FAST_CHARS = b"0123456789.,-+eE \t()\n"
# parse_line's: "(" tokens of at most 40 number characters, separated by blanks and commas ")"
_fast_one = re.compile(rb"\([ \t,]*(?:[-+.eE0-9]{1,40}[ \t,]+)*[-+.eE0-9]{0,40}\)").fullmatch
_FAST_EXPONENT = re.compile(rb"[eE][+-]?[0-9]{3}")
_FAST_LONG = re.compile(rb"[-+.eE0-9]{41}")
_FAST_TRAILING_COMMA = re.compile(rb"(?<=[0-9])[ \t]*,[ \t]*\)")


def _number(token: str) -> float | None:
    if len(token) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(token):
        return None
    if _INTEGER.fullmatch(token):
        return int(token)
    value = float(token)
    return value if math.isfinite(value) else None


@lru_cache(maxsize=256)  # a board repeats the same header every 10 s
def _parse_header(text: str) -> Line:
    parts = text[1:].split()
    if len(parts) < 2 or parts[0] != "klimakit":
        return Raw(text, "comment")
    if not _VERSION.fullmatch(parts[1]):
        return Raw(text, "malformed header version {!r}".format(parts[1][:20]))
    extra: dict[str, str] = {}
    for part in parts[2:]:
        key, sep, value = part.partition("=")
        if not sep or not _KEY.fullmatch(key) or key in extra:
            return Raw(text, "malformed header item {!r}".format(part[:40]))
        extra[key] = value
    fields = tuple(extra.pop("fields", "").split(","))
    if not fields or len(fields) > MAX_FIELDS or not all(_NAME.fullmatch(f) for f in fields):
        return Raw(text, "header without valid fields=")
    if len(set(fields)) != len(fields):  # a CSV column and a graph line need a name of its own
        return Raw(text, "header fields= names repeat")
    units: tuple[str, ...] = ()
    if "units" in extra:
        units = tuple(extra.pop("units").split(","))
        if len(units) != len(fields) or not all(_UNIT.fullmatch(u) for u in units):
            return Raw(text, "header units= do not match fields=")
    return Header(parts[1], extra.pop("lesson", ""), fields, units, extra)


def _sender(token: str) -> str | None:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        token = token[1:-1]
    if _SENDER.fullmatch(token) and token.lower() not in _NOT_SENDERS:
        return token
    return None


def _parse_tuple(text: str) -> Line:
    tokens = [t.strip() for t in text[1:-1].split(",")]
    if len(tokens) > 1 and tokens[-1] == "":
        tokens.pop()  # trailing comma, as Python prints a 1-tuple: (21.5,)
    if not tokens or len(tokens) > MAX_FIELDS + 2 or "" in tokens:
        return Raw(text, "empty or too many values")
    sender = _sender(tokens[0])
    if sender is not None:
        if len(tokens) < 3 or not _SEQ.fullmatch(tokens[1]):
            return Raw(text, "gateway line without sequence number or values")
        values = [_number(t) for t in tokens[2:]]
        if None in values or len(values) > MAX_FIELDS:
            return Raw(text, "value is not a finite number")
        return GatewayData(sender, int(tokens[1]), tuple(v for v in values if v is not None))
    numbers = [_number(t) for t in tokens]
    if None in numbers or len(numbers) > MAX_FIELDS:
        return Raw(text, "value is not a finite number")
    return Data(tuple(v for v in numbers if v is not None))


def parse_line(line: bytes | str) -> Line:
    """Classify one line from a board. Never raises: anything unexpected becomes Raw."""
    if (type(line) is bytes and len(line) <= MAX_LINE_CHARS and _fast_one(line) is not None
            and not ((b"e" in line or b"E" in line) and _FAST_EXPONENT.search(line))):
        # A plain data line: the same result as _parse_line_slow, several times faster.
        text = line.translate(_TO_JSON).decode("ascii")
        try:
            row, end = _scan_json(text, 0)
        except (StopIteration, ValueError, RecursionError):
            row, end = None, -1
        if end == len(text) and row and len(row) <= MAX_FIELDS:
            return _tuple_new(Data, (tuple(row),))
        fast = _parse_fast((line,))  # e.g. a trailing comma: (21.5,)
        if fast is not None:
            return fast[0]
    return _parse_line_slow(line)


def _parse_line_slow(line: bytes | str) -> Line:
    """The grammar, token by token: the reference the fast path is tested against."""
    if isinstance(line, bytes):
        if len(line) > MAX_LINE_BYTES:
            return _too_long(line)
        try:
            text = line.replace(b"\x00", b"").decode("utf-8")
        except UnicodeDecodeError:
            return Raw(line.decode("utf-8", "replace"), "not UTF-8")
    else:
        text = line.replace("\x00", "")
    text = text.strip()
    if not text:
        return Raw(text, "empty")
    if len(text) > MAX_LINE_CHARS:
        return _too_long(text)
    if text.startswith("#"):
        return _parse_header(text)
    if text.startswith("(") and text.endswith(")"):
        return _parse_tuple(text)
    return Raw(text, "not a data line")


def _too_long(line: bytes | str) -> Raw:
    head = line[:RAW_TEXT_CHARS * 4]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    return Raw(text[:RAW_TEXT_CHARS] + "…", "line too long")


def parse_lines(lines: Sequence[bytes]) -> list[Line]:
    """Classify many lines at once: the same result as [parse_line(l) for l in lines], faster.

    A recorder gets lines in bursts (30 boards, or one fast board). Each run of lines that
    look like tuples is checked by C-level scans and converted by one JSON scan, several
    times faster than line by line; a run with anything unusual, and every other line (headers,
    noise), goes through parse_line.
    """
    fast = _parse_fast(lines)  # the common case: a burst of data lines only
    if fast is not None:
        return fast
    parsed: list[Line] = []
    start = 0
    for other in _NOT_TUPLE.finditer(_first_bytes(lines)):  # headers, noise: rare
        parsed += _parse_run(lines[start:other.start()])
        parsed.append(_parse_line_slow(lines[other.start()]))
        start = other.start() + 1
    return parsed + _parse_run(lines[start:])


def _parse_run(lines: Sequence[bytes]) -> list[Line]:
    fast = _parse_fast(lines) if len(lines) > 1 else None
    return [parse_line(line) for line in lines] if fast is None else fast


class Readings(NamedTuple):
    """A run of plain data lines in a burst: lines[start:start + len(rows)], as values."""

    start: int
    rows: list[list[float]]


def parse_burst(lines: Sequence[bytes]) -> list[Readings | Line]:
    """Classify a burst as parse_lines does, but give each run of plain readings as Readings.

    The recorder's hot path: the same checks and the same numbers as parse_lines, without
    building a Data per reading (that took as long as the parsing itself), so a run can be
    written as it is. Headers, gateway lines and anything unusual come as their Line.
    """
    if len(lines) == 1:  # one line per read is common (QEMU, slow boards): the one-line path
        parsed = parse_line(lines[0])
        return [Readings(0, [list(parsed.values)]) if type(parsed) is Data else parsed]
    rows = _fast_rows(lines)
    if rows is not None:
        return [Readings(0, rows)]
    out: list[Readings | Line] = []
    start = 0
    for other in _NOT_TUPLE.finditer(_first_bytes(lines)):  # headers, noise: rare
        out += _run(lines, start, other.start())
        out.append(_parse_line_slow(lines[other.start()]))
        start = other.start() + 1
    return out + _run(lines, start, len(lines))


def _run(lines: Sequence[bytes], start: int, end: int) -> list[Readings | Line]:
    rows = _fast_rows(lines[start:end]) if end - start > 1 else None
    if rows is not None:
        return [Readings(start, rows)]
    return [parse_line(line) for line in lines[start:end]]


def _first_bytes(lines: Sequence[bytes]) -> bytes:
    try:
        return bytes(map(_first_byte, lines))  # C speed, no Python loop
    except IndexError:  # an empty line
        return b"".join([line[:1] or b" " for line in lines])


def _parse_fast(lines: Sequence[bytes]) -> list[Line] | None:
    rows = _fast_rows(lines)
    if rows is None:
        return None
    # Data(tuple(row)) for each row, all in C: no Python-level call per line.
    return list(map(_tuple_new, repeat(Data), zip(map(tuple, rows))))


def _fast_rows(lines: Sequence[bytes]) -> list[list[float]] | None:
    count = len(lines)
    if not count:
        return None
    blob = b"\n".join(lines)
    if blob.translate(None, _FAST_CHARS):
        return None
    longest = max(map(len, lines))
    if (longest > MAX_LINE_CHARS
            # Each line is "(" + no parentheses or line breaks + ")": n lines joined by n-1
            # line breaks, each between ")" and "(", and n of each parenthesis in all.
            # (Four C-level counts: 3x faster than a regex over the blob.)
            or blob[:1] != b"(" or blob[-1:] != b")" or blob.count(b"\n") != count - 1
            or blob.count(b")\n(") != count - 1 or blob.count(b"(") != count
            or blob.count(b")") != count
            # a token over 40 characters needs a line over 42; exponents of 3 digits may be inf
            or (longest > MAX_NUMBER_CHARS + 2 and _FAST_LONG.search(blob))
            or ((b"e" in blob or b"E" in blob) and _FAST_EXPONENT.search(blob))):
        return None
    rows = _scan_rows(blob)
    if rows is None and (b",)" in blob or b", )" in blob):
        rows = _scan_rows(_FAST_TRAILING_COMMA.sub(b")", blob))  # (21.5,) as Python prints it
    if rows is None:
        return None
    # Each line gave one flat list (by the shape checks); none may be empty or too long. A
    # line of 33 values has at least 67 characters.
    if (len(rows) != count or [] in rows
            or (longest > 2 * MAX_FIELDS + 2 and max(map(len, rows)) > MAX_FIELDS)):
        return None
    return cast("list[list[float]]", rows)


def _scan_rows(blob: bytes) -> list[Any] | None:
    """The rows of a blob of tuple lines (checked to be ASCII), or None if it is not JSON."""
    # The json module's C scanner on a str: json.loads on bytes detects the encoding and
    # decodes with "surrogatepass", which took 40 % of its time.
    text = "[" + blob.translate(_TO_JSON).decode("ascii") + "]"
    try:
        rows, end = _scan_json(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    return rows if end == len(text) else None


_tuple_new = tuple.__new__
_first_byte = operator.itemgetter(0)
_NOT_TUPLE = re.compile(rb"[^(]")
# The C scanner without json.loads' wrapping (a real attribute that typeshed does not list).
_scan_json: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")
_TO_JSON = bytes.maketrans(b"()\n", b"[],")


def split_lines(chunk: bytes) -> list[bytes]:
    """Cut bytes at CR LF, CR or LF; drop the empty pieces between line endings."""
    return [piece for piece in _LINE_BREAK.split(chunk) if piece]


def check_fields(reading: Data | GatewayData, fields: Sequence[str]) -> str | None:
    """Return why `reading` does not fit the known fields, or None when it fits."""
    if not fields:
        return "no header yet: the fields are unknown"
    if len(reading.values) != len(fields):
        return "{} values, expected {} ({})".format(
            len(reading.values), len(fields), ",".join(fields))
    return None


def format_header(lesson: str, fields: Sequence[str], units: Sequence[str] = ()) -> str:
    """Return the header line exactly as firmware/lib/klima.py prints it."""
    line = "# klimakit {} lesson={} fields={}".format(PROTOCOL_VERSION, lesson, ",".join(fields))
    return line + (" units=" + ",".join(units) if units else "")


def format_data(values: Sequence[float]) -> str:
    """Return a data line as MicroPython's print(tuple(values)) writes it."""
    return str(tuple(values))


def format_gateway(sender: str, seq: int, values: Sequence[float]) -> str:
    """Return a gateway line as a gateway's print((sender, seq) + values) writes it."""
    return str((sender, seq) + tuple(values))
