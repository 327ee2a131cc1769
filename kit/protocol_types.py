"""What kit.protocol's parser returns for a line: Header, Data, GatewayData or Raw.

Apart from the parser so that kit/protocol.py stays about the grammar. Import them from
kit.protocol (which re-exports them), as every user does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

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
