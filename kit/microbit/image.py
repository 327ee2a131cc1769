"""The micro:bit `Image` on the PC: the shared kit.image.Image plus what the serial line needs.

Images live on the host; only when one is shown is it sent, as `Image.HEART` for an unchanged
built-in or `Image('09090:...')` otherwise. The class itself (constructor, methods, the 63
built-ins read from the real firmware) is kit.image's, shared with the simulator.
"""
from __future__ import annotations

from collections.abc import Iterable

from kit import image as mbimage
from kit.image import ARROW_ORDER, BUILTIN_IMAGES, CLOCK_ORDER

__all__ = ["ARROW_ORDER", "BUILTIN_IMAGES", "CLOCK_ORDER", "STD_IMAGE_NAMES", "Image",
           "images_source"]


# whaleygeek/bitio's Image.STD_IMAGE_NAMES, in its order (src/microbit/api.py): programs
# written for bitio loop over Image.STD_IMAGES, so the host API has both names too.
STD_IMAGE_NAMES = [
    "HEART", "HEART_SMALL", "HAPPY", "SMILE", "SAD", "CONFUSED", "ANGRY", "ASLEEP", "SURPRISED",
    "SILLY", "FABULOUS", "MEH", "YES", "NO", "TRIANGLE", "TRIANGLE_LEFT", "CHESSBOARD",
    "DIAMOND", "DIAMOND_SMALL", "SQUARE", "SQUARE_SMALL", "RABBIT", "COW", "MUSIC_CROTCHET",
    "MUSIC_QUAVER", "MUSIC_QUAVERS", "PITCHFORK", "XMAS", "PACMAN", "TARGET", "TSHIRT",
    "ROLLERSKATE", "DUCK", "HOUSE", "TORTOISE", "BUTTERFLY", "STICKFIGURE", "GHOST", "SWORD",
    "GIRAFFE", "SKULL", "UMBRELLA", "SNAKE", "CLOCK12", "CLOCK11", "CLOCK10", "CLOCK9",
    "CLOCK8", "CLOCK7", "CLOCK6", "CLOCK5", "CLOCK4", "CLOCK3", "CLOCK2", "CLOCK1", "ARROW_N",
    "ARROW_NE", "ARROW_E", "ARROW_SE", "ARROW_S", "ARROW_SW", "ARROW_W", "ARROW_NW",
]


class Image(mbimage.Image):
    """A micro:bit Image that can be sent to a board (board_source) and read back (from_board).

    Besides the board's names it has bitio's STD_IMAGE_NAMES and STD_IMAGES (host programs).
    """

    HEART: Image
    ALL_CLOCKS: tuple[Image, ...]
    ALL_ARROWS: tuple[Image, ...]
    STD_IMAGE_NAMES: list[str] = STD_IMAGE_NAMES
    STD_IMAGES: list[Image] = []

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


Image.STD_IMAGES = [getattr(Image, name) for name in STD_IMAGE_NAMES]
