"""The micro:bit `Image` on the PC: the shared kit.image.Image plus what the serial line needs.

Images live on the host; only when one is shown is it sent, as `Image.HEART` for an unchanged
built-in or `Image('09090:...')` otherwise. The class itself (constructor, methods, the 63
built-ins read from the real firmware) is kit.image's, shared with the simulator.
"""
from __future__ import annotations

from collections.abc import Iterable

from kit import image as mbimage
from kit.image import ARROW_ORDER, BUILTIN_IMAGES, CLOCK_ORDER

__all__ = ["ARROW_ORDER", "BUILTIN_IMAGES", "CLOCK_ORDER", "Image", "images_source"]


class Image(mbimage.Image):
    """A micro:bit Image that can be sent to a board (board_source) and read back (from_board)."""

    HEART: Image
    ALL_CLOCKS: tuple[Image, ...]
    ALL_ARROWS: tuple[Image, ...]

    def board_source(self) -> str:
        """Python source that builds this image on the board (`m` is the microbit module)."""
        if self._name is not None:
            return "m.Image." + self._name
        if (self._width, self._height) == (0, 0):
            return "m.Image(0,0)"
        return "m.Image({!r})".format(self.rows())

    @classmethod
    def from_board(cls, text: str) -> Image:
        """Parse the board's repr of an Image ("Image('09090:...:')")."""
        inner = text.strip()
        if not (inner.startswith("Image('") and inner.endswith("')")):
            raise ValueError("not an Image: {!r}".format(text[:40]))
        return cls(inner[7:-2])


def images_source(images: Iterable[Image]) -> str:
    """Source for a list of images (display.show of an animation)."""
    return "[" + ",".join(i.board_source() for i in images) + "]"
