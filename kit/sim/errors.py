"""The simulator's user-facing error (kept here so kit.sim does not depend on edits elsewhere)."""
from __future__ import annotations

from kit.errors import KitError


class SimulatorError(KitError):
    """A simulated board cannot be set up as asked: unknown scenario, version or button."""
