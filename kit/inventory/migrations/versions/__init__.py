"""One module per schema revision, oldest first (r0001 is the store before Alembic)."""
