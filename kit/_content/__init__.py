"""Installed copies of lessons/ and firmware/ land here (see pyproject.toml); see kit.resources."""
