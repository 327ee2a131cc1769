"""Inventory: the store of every board a school has, its stable name, school and last program.

One SQLite file in the user data folder (kit/inventory/store.py); names `gruppe-1`, ... are
kept per DAPLink unique id (kit/inventory/naming.py). No pupil data: a board is a school's
device, not a person's.
"""
from __future__ import annotations

from kit.inventory.naming import NAME_PREFIX, assign_names, rename
from kit.inventory.store import (
    COLUMNS, InventoryRecord, db_path, export_csv, list_boards, record_flash, set_school,
)

__all__ = [
    "COLUMNS", "NAME_PREFIX", "InventoryRecord", "assign_names", "db_path", "export_csv",
    "list_boards", "record_flash", "rename", "set_school",
]
