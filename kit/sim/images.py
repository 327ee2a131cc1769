"""The micro:bit `Image` in the simulator: the shared kit.image.Image, all 63 built-ins.

The class (constructor, methods, bitmaps read from the real firmware) is shared with the host
API; what only the simulator needs lives here as small helpers.
"""
from __future__ import annotations

from collections.abc import Iterable

from kit.image import Image

__all__ = ["Image", "as_frames"]


def as_frames(value: object) -> Iterable[Image]:
    """Images an iterable passed to display.show() yields (for animations)."""
    for item in value:  # type: ignore[attr-defined]
        if isinstance(item, Image):
            yield item
