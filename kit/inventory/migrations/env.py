"""Alembic's environment for the inventory: always run on a connection klimakit opened.

kit/inventory/migrate.py passes the connection (inside its write lock) in
config.attributes["connection"]; there is no alembic.ini and no offline (SQL script) mode.
"""
from __future__ import annotations

from alembic import context

from kit.inventory.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
