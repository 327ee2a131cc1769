"""Alembic migrations of the inventory (env.py, versions/), run by kit/inventory/migrate.py."""
