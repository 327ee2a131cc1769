"""The micro:bit `Image` class for the simulator, with the built-in images programs use most.

Pixels are brightness 0-9, as on the board. Built-in bitmaps follow micro:bit MicroPython's
(rows of five digits); an image the simulator lacks raises AttributeError like a typo would.
"""
from __future__ import annotations

from collections.abc import Iterable

_BUILTIN = {
    "HEART": "09090:99999:99999:09990:00900", "HEART_SMALL": "00000:09090:09990:00900:00000",
    "HAPPY": "00000:09090:00000:90009:09990", "SMILE": "00000:00000:00000:90009:09990",
    "SAD": "00000:09090:00000:09990:90009", "CONFUSED": "00000:09090:00000:09090:90909",
    "ANGRY": "90009:09090:00000:99999:90909", "ASLEEP": "00000:99099:00000:09990:00000",
    "SURPRISED": "09090:00000:00900:09090:00900", "SILLY": "90009:00000:99999:00909:00999",
    "FABULOUS": "99999:99099:00000:09090:09990", "MEH": "09090:00000:00090:00900:09000",
    "YES": "00000:00009:00090:90900:09000", "NO": "90009:09090:00900:09090:90009",
    "CLOCK12": "00900:00900:00900:00000:00000", "CLOCK3": "00000:00000:00999:00000:00000",
    "CLOCK6": "00000:00000:00900:00900:00900", "CLOCK9": "00000:00000:99900:00000:00000",
    "ARROW_N": "00900:09990:90909:00900:00900", "ARROW_NE": "00999:00099:00909:09000:90000",
    "ARROW_E": "00900:00090:99999:00090:00900", "ARROW_SE": "90000:09000:00909:00099:00999",
    "ARROW_S": "00900:00900:90909:09990:00900", "ARROW_SW": "00009:00090:90900:99000:99900",
    "ARROW_W": "00900:09000:99999:09000:00900", "ARROW_NW": "99900:99000:90900:00090:00009",
    "TRIANGLE": "00000:00900:09090:99999:00000", "TRIANGLE_LEFT": "90000:99000:90900:90090:99999",
    "CHESSBOARD": "09090:90909:09090:90909:09090", "DIAMOND": "00900:09090:90009:09090:00900",
    "DIAMOND_SMALL": "00000:00900:09090:00900:00000", "SQUARE": "99999:90009:90009:90009:99999",
    "SQUARE_SMALL": "00000:09990:09090:09990:00000", "RABBIT": "90900:90900:99990:99090:99990",
    "COW": "90009:90009:99999:09990:00900", "MUSIC_CROTCHET": "00900:00900:00900:99900:99900",
    "MUSIC_QUAVER": "00900:00990:00909:99900:99900",
    "MUSIC_QUAVERS": "09999:09009:09009:99099:99099",
    "PITCHFORK": "90909:90909:99999:00900:00900", "XMAS": "00900:09990:00900:09990:99999",
    "PACMAN": "09999:99090:99900:99990:09999", "TARGET": "00900:09990:99099:09990:00900",
    "TSHIRT": "99099:99999:09990:09990:09990", "ROLLERSKATE": "00099:00099:99999:99999:09090",
    "DUCK": "09900:99900:09999:09990:00000", "HOUSE": "00900:09990:99999:09990:09090",
    "TORTOISE": "00000:09990:99999:09090:00000", "BUTTERFLY": "99099:99999:00900:99999:99099",
    "STICKFIGURE": "00900:99999:00900:09090:90009", "GHOST": "99999:90909:99999:99999:90909",
    "SWORD": "00900:00900:00900:09990:00900", "GIRAFFE": "99000:09000:09000:09990:09090",
    "SKULL": "09990:90909:99999:09990:09990", "UMBRELLA": "09990:99999:00900:90900:09900",
    "SNAKE": "99000:99099:09090:09990:00000",
}


class Image:
    """A grid of LED brightness values 0-9 (default 5×5)."""

    def __init__(self, *args: object) -> None:
        if not args:
            args = (5, 5)
        if isinstance(args[0], str):
            rows = args[0].rstrip(":").split(":")
            width = max(len(r) for r in rows)
            self._w, self._h = width, len(rows)
            self._px = [[int(c) for c in row.ljust(width, "0")] for row in rows]
            return
        width, height = int(args[0]), int(args[1])  # type: ignore[call-overload]
        if width < 0 or height < 0:
            raise ValueError("image size must be positive")
        buffer = args[2] if len(args) > 2 else None
        values = list(buffer) if buffer is not None else [0] * (width * height)  # type: ignore[call-overload]
        if len(values) != width * height:
            raise ValueError("image data is incorrect size")
        self._w, self._h = width, height
        self._px = [[int(values[y * width + x]) for x in range(width)] for y in range(height)]

    def width(self) -> int:
        return self._w

    def height(self) -> int:
        return self._h

    def get_pixel(self, x: int, y: int) -> int:
        if not (0 <= x < self._w and 0 <= y < self._h):
            raise ValueError("index out of bounds")
        return self._px[y][x]

    def set_pixel(self, x: int, y: int, value: int) -> None:
        if getattr(self, "_readonly", False):
            raise TypeError("this image cannot be modified (try copying first)")
        if not (0 <= x < self._w and 0 <= y < self._h):
            raise ValueError("index out of bounds")
        if not 0 <= value <= 9:
            raise ValueError("brightness out of bounds")
        self._px[y][x] = int(value)

    def fill(self, value: int) -> None:
        for y in range(self._h):
            for x in range(self._w):
                self.set_pixel(x, y, value)

    def copy(self) -> Image:
        return Image(self._w, self._h, [v for row in self._px for v in row])

    def invert(self) -> Image:
        return Image(self._w, self._h, [9 - v for row in self._px for v in row])

    def crop(self, x: int, y: int, w: int, h: int) -> Image:
        out = Image(w, h)
        for j in range(h):
            for i in range(w):
                if 0 <= x + i < self._w and 0 <= y + j < self._h:
                    out._px[j][i] = self._px[y + j][x + i]
        return out

    def shift_left(self, n: int) -> Image:
        return self.crop(n, 0, self._w, self._h)

    def shift_right(self, n: int) -> Image:
        return self.crop(-n, 0, self._w, self._h)

    def shift_up(self, n: int) -> Image:
        return self.crop(0, n, self._w, self._h)

    def shift_down(self, n: int) -> Image:
        return self.crop(0, -n, self._w, self._h)

    def __add__(self, other: Image) -> Image:
        return Image(self._w, self._h, [min(9, a + b) for ra, rb in zip(self._px, other._px)
                                        for a, b in zip(ra, rb)])

    def __mul__(self, factor: float) -> Image:
        return Image(self._w, self._h, [min(9, int(v * factor)) for row in self._px for v in row])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and self._px == other._px

    def rows(self) -> list[list[int]]:
        """The brightness rows (host side: for rendering)."""
        return [list(r) for r in self._px]

    def __repr__(self) -> str:
        return "Image('{}')".format(":".join("".join(str(v) for v in r) for r in self._px) + ":")

    __str__ = __repr__

    ALL_CLOCKS: list[Image]
    ALL_ARROWS: list[Image]


def _builtin(name: str) -> Image:
    image = Image(_BUILTIN[name])
    image._readonly = True  # type: ignore[attr-defined]
    return image


for _name in _BUILTIN:
    setattr(Image, _name, _builtin(_name))
Image.ALL_CLOCKS = [getattr(Image, n) for n in ("CLOCK12", "CLOCK3", "CLOCK6", "CLOCK9")]
Image.ALL_ARROWS = [getattr(Image, "ARROW_" + d)
                    for d in ("N", "NE", "E", "SE", "S", "SW", "W", "NW")]


def as_frames(value: object) -> Iterable[Image]:
    """Images an iterable passed to display.show() yields (for animations)."""
    for item in value:  # type: ignore[attr-defined]
        if isinstance(item, Image):
            yield item
