"""dict and set as MicroPython orders them: an open-addressing table, iterated slot by slot.

MicroPython 1.9.2 (py/map.c) keeps a dict's keys in a hash table of `alloc` slots, probed
linearly from `hash % alloc`, and grows it only when it is full, to the next size of
`hash_allocation_sizes`; iteration walks the slots in order. A str hashes with djb2 cut to
MICROPY_QSTR_BYTES_IN_HASH bytes (1 on the V1), a small int to itself. `MPDict`/`MPSet` are
CPython dicts/sets (lookups stay fast) that keep a shadow of that table for their order.
Keys that are neither str, bytes, int nor bool (tuples, floats, objects) hash by address on
the board; their order cannot be reproduced and falls back to CPython's hash.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

SIZES = (0, 2, 4, 6, 8, 10, 12, 17, 23, 29, 37, 47, 59, 73, 97, 127, 167, 223, 293, 389, 521,
         691, 919, 1223, 1627, 2161, 3229, 4831, 7243, 10861, 16273, 24407, 36607, 54907)
_EMPTY, _DELETED = object(), object()
HASH_MASK = {"v1": 0xFF, "v2": 0xFFFF}


def _alloc_at_least(n: int) -> int:
    for size in SIZES:
        if size >= n:
            return size
    return (n + n // 2) | 1


def mp_hash(key: object, mask: int = 0xFF) -> int:
    """The board's hash of a key (str: djb2 & mask, never 0; int: its value)."""
    if isinstance(key, (str, bytes)):
        data = key.encode("utf-8") if isinstance(key, str) else key
        value = 5381
        for byte in data:
            value = ((value * 33) ^ byte) & 0xFFFFFFFF
        return (value & mask) or 1
    if isinstance(key, int):
        return int(key) & 0xFFFFFFFF
    return hash(key) & 0xFFFFFFFF


class _Table:
    """The slot order of one MicroPython hash table (keys only)."""

    __slots__ = ("slots", "used", "mask")

    def __init__(self, alloc: int, mask: int) -> None:
        self.slots: list[Any] = [_EMPTY] * alloc
        self.used = 0
        self.mask = mask

    def add(self, key: Any) -> None:
        """Insert a key known not to be in the table (mp_map_lookup ADD_IF_NOT_FOUND)."""
        if not self.slots:
            self._rehash()
        while True:
            alloc = len(self.slots)
            pos = start = mp_hash(key, self.mask) % alloc
            avail = -1
            while True:
                slot = self.slots[pos]
                if slot is _EMPTY:
                    self.slots[avail if avail >= 0 else pos] = key
                    self.used += 1
                    return
                if slot is _DELETED and avail < 0:
                    avail = pos
                pos = (pos + 1) % alloc
                if pos == start:
                    break
            if avail >= 0:
                self.slots[avail] = key
                self.used += 1
                return
            self._rehash()

    def remove(self, key: Any) -> None:
        alloc = len(self.slots)
        pos = mp_hash(key, self.mask) % alloc
        for _ in range(alloc):
            slot = self.slots[pos]
            if slot is _EMPTY:
                return
            if slot is not _DELETED and (slot is key or slot == key):
                following = self.slots[(pos + 1) % alloc]
                self.slots[pos] = _EMPTY if following is _EMPTY else _DELETED
                self.used -= 1
                return
            pos = (pos + 1) % alloc

    def _rehash(self) -> None:
        old = [k for k in self.slots if k is not _EMPTY and k is not _DELETED]
        self.slots = [_EMPTY] * _alloc_at_least(len(self.slots) + 1)
        self.used = 0
        for key in old:
            self.add(key)

    def keys(self) -> list[Any]:
        return [k for k in self.slots if k is not _EMPTY and k is not _DELETED]


class MPDict(dict):  # type: ignore[type-arg]
    """A dict that iterates, prints and pops in MicroPython's slot order."""

    _mask = 0xFF

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._table = _Table(0, self._mask)
        if args or kwargs:
            self.update(*args, **kwargs)

    @classmethod
    def display(cls, items: dict[Any, Any], alloc: int) -> MPDict:
        """A dict display `{k: v, ...}`: the board sizes its table to the number of items."""
        new = cls()
        new._table = _Table(alloc, cls._mask)
        for key, value in items.items():
            new[key] = value
        return new

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self:
            self._table.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._table.remove(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._table.keys())

    def keys(self) -> Any:
        return _View("dict_keys", self._table.keys())

    def values(self) -> Any:
        return _View("dict_values", [dict.__getitem__(self, k) for k in self._table.keys()])

    def items(self) -> Any:
        return _View("dict_items", [(k, dict.__getitem__(self, k)) for k in self._table.keys()])

    def __repr__(self) -> str:
        return "{" + ", ".join("{!r}: {!r}".format(k, dict.__getitem__(self, k))
                               for k in self._table.keys()) + "}"

    def update(self, *args: Any, **kwargs: Any) -> None:
        for source in args:
            pairs = source.items() if hasattr(source, "items") else source
            for key, value in pairs:
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def pop(self, key: Any, *default: Any) -> Any:
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = dict.__getitem__(self, key)
        del self[key]
        return value

    def popitem(self) -> tuple[Any, Any]:
        keys = self._table.keys()
        if not keys:
            raise KeyError("popitem(): dictionary is empty")
        return keys[0], self.pop(keys[0])

    def clear(self) -> None:
        super().clear()
        self._table = _Table(0, self._mask)

    def copy(self) -> MPDict:
        new = type(self)()
        dict.update(new, self)
        new._table = _Table(0, self._mask)
        new._table.slots = list(self._table.slots)
        new._table.used = self._table.used
        return new

    @classmethod
    def fromkeys(cls, keys: Iterable[Any], value: Any = None) -> MPDict:
        new = cls()
        for key in keys:
            new[key] = value
        return new


class _View(list):  # type: ignore[type-arg]
    """dict_keys([...]) / dict_values / dict_items, printed as on the board."""

    def __init__(self, kind: str, items: list[Any]) -> None:
        super().__init__(items)
        self._kind = kind

    def __repr__(self) -> str:
        return "{}({})".format(self._kind, list.__repr__(self))


class MPSet(set):  # type: ignore[type-arg]
    """A set that iterates and prints in MicroPython's slot order."""

    _mask = 0xFF

    def __init__(self, items: Iterable[Any] = (), alloc: int = 0) -> None:
        super().__init__()
        self._table = _Table(alloc, self._mask)
        for item in items:
            self.add(item)

    def add(self, item: Any) -> None:
        if item not in self:
            self._table.add(item)
            super().add(item)

    def discard(self, item: Any) -> None:
        if item in self:
            super().discard(item)
            self._table.remove(item)

    def remove(self, item: Any) -> None:
        if item not in self:
            raise KeyError(item)
        self.discard(item)

    def pop(self) -> Any:
        keys = self._table.keys()
        if not keys:
            raise KeyError("pop from an empty set")
        self.discard(keys[0])
        return keys[0]

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for item in other:
                self.add(item)

    def clear(self) -> None:
        super().clear()
        self._table = _Table(0, self._mask)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._table.keys())

    def __repr__(self) -> str:
        keys = self._table.keys()
        return "{" + ", ".join(repr(k) for k in keys) + "}" if keys else "set()"

    def _new(self, items: Iterable[Any]) -> MPSet:
        return type(self)(items)

    def union(self, *others: Iterable[Any]) -> MPSet:
        new = self._new(self)
        new.update(*others)
        return new

    def intersection(self, *others: Iterable[Any]) -> MPSet:
        keep = set.intersection(set(self), *others)
        return self._new(k for k in self if k in keep)

    def difference(self, *others: Iterable[Any]) -> MPSet:
        drop = set().union(*others)
        return self._new(k for k in self if k not in drop)

    def copy(self) -> MPSet:
        return self._new(self)

    __or__ = union
    __and__ = intersection
    __sub__ = difference


def version_types(version: str) -> tuple[type[MPDict], type[MPSet]]:
    """MPDict/MPSet with the str hash width of a board version."""
    mask = HASH_MASK.get(version, 0xFF)
    return (type("dict", (MPDict,), {"_mask": mask}),
            type("set", (MPSet,), {"_mask": mask}))
