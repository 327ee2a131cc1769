"""Inventory: every micro:bit of the municipality, its school, status, program and history.

One store for all of it (kit/inventory/db.py): SQLite in the user data folder by default,
PostgreSQL when KLIMAKIT_DATABASE_URL=postgresql://… is set, or any store passed as `store=`
(a URL or an SQLite path). Alembic migrations (kit/inventory/migrate.py) upgrade older stores
without losing a row. Schools, boards with stable names (naming.py), pool kits and loans
(pool.py), events (events.py), the coordinator's overview (overview.py) and report page
(report.py). The writes a lesson makes never stop it (sync.py, outbox.py). No pupil data:
a board is a school's device, not a person's.
"""
from __future__ import annotations

from kit.inventory.db import ENV_URL, StoreChoice, StoreUnavailable, default_sqlite_path, store_url
from kit.inventory.events import (
    FlashEvent, HistoryEntry, board_history, mark_defect, mark_repaired, set_school,
)
from kit.inventory.naming import ENV_SCHOOL, NAME_PREFIX
from kit.inventory.overview import (
    FAILURES_FOR_REPLACEMENT, Overview, Replacement, SchoolSummary, overview,
)
from kit.inventory.pool import KitRecord, add_to_kit, create_kit, lend_kit, list_kits, return_kit
from kit.inventory.report import render_report, write_report
from kit.inventory.schema import InventoryEvent, InventoryStatus
from kit.inventory.store import (
    COLUMNS, STATUS_LABELS, BoardRecord, InventoryRecord, export_csv, list_boards, status_label,
)
from kit.inventory.sync import assign_names, record_flashes, rename, send_pending

db_path = default_sqlite_path  # the name before the municipal inventory

__all__ = [
    "COLUMNS", "ENV_SCHOOL", "ENV_URL", "FAILURES_FOR_REPLACEMENT", "NAME_PREFIX",
    "STATUS_LABELS", "BoardRecord", "FlashEvent", "HistoryEntry", "InventoryEvent",
    "InventoryRecord", "InventoryStatus", "KitRecord", "Overview", "Replacement",
    "SchoolSummary", "StoreChoice",
    "StoreUnavailable", "add_to_kit", "assign_names", "board_history", "create_kit", "db_path",
    "default_sqlite_path", "export_csv", "lend_kit", "list_boards", "list_kits", "mark_defect",
    "mark_repaired", "overview", "record_flashes", "render_report", "rename", "return_kit",
    "send_pending", "set_school", "status_label", "store_url", "write_report",
]
