"""The micro:bit `Image`, backend-independent: the same constructor, methods and built-in images
as on the board, used by both the host API (kit.microbit) and the simulator (kit.sim).

Pure data, no board and no I/O: importing it connects to nothing. Each backend subclasses
`Image` for what only it needs (kit.microbit.image adds the board source it sends over the
serial line); a subclass gets its own built-in constants (`Image.HEART` of its own type) so
those helpers work on them too. The built-in bitmaps were read from the real V1 firmware (repr
of each Image.* constant in QEMU), so they match the board pixel for pixel.
"""
from __future__ import annotations

import struct

# name -> rows of brightness digits, as micro:bit MicroPython 1.9.2 prints them
BUILTIN_IMAGES = {
    "HEART": "09090:99999:99999:09990:00900",
    "HEART_SMALL": "00000:09090:09990:00900:00000",
    "HAPPY": "00000:09090:00000:90009:09990",
    "SMILE": "00000:00000:00000:90009:09990",
    "SAD": "00000:09090:00000:09990:90009",
    "CONFUSED": "00000:09090:00000:09090:90909",
    "ANGRY": "90009:09090:00000:99999:90909",
    "ASLEEP": "00000:99099:00000:09990:00000",
    "SURPRISED": "09090:00000:00900:09090:00900",
    "SILLY": "90009:00000:99999:00909:00999",
    "FABULOUS": "99999:99099:00000:09090:09990",
    "MEH": "09090:00000:00090:00900:09000",
    "YES": "00000:00009:00090:90900:09000",
    "NO": "90009:09090:00900:09090:90009",
    "CLOCK12": "00900:00900:00900:00000:00000",
    "CLOCK1": "00090:00090:00900:00000:00000",
    "CLOCK2": "00000:00099:00900:00000:00000",
    "CLOCK3": "00000:00000:00999:00000:00000",
    "CLOCK4": "00000:00000:00900:00099:00000",
    "CLOCK5": "00000:00000:00900:00090:00090",
    "CLOCK6": "00000:00000:00900:00900:00900",
    "CLOCK7": "00000:00000:00900:09000:09000",
    "CLOCK8": "00000:00000:00900:99000:00000",
    "CLOCK9": "00000:00000:99900:00000:00000",
    "CLOCK10": "00000:99000:00900:00000:00000",
    "CLOCK11": "09000:09000:00900:00000:00000",
    "ARROW_N": "00900:09990:90909:00900:00900",
    "ARROW_NE": "00999:00099:00909:09000:90000",
    "ARROW_E": "00900:00090:99999:00090:00900",
    "ARROW_SE": "90000:09000:00909:00099:00999",
    "ARROW_S": "00900:00900:90909:09990:00900",
    "ARROW_SW": "00009:00090:90900:99000:99900",
    "ARROW_W": "00900:09000:99999:09000:00900",
    "ARROW_NW": "99900:99000:90900:00090:00009",
    "TRIANGLE": "00000:00900:09090:99999:00000",
    "TRIANGLE_LEFT": "90000:99000:90900:90090:99999",
    "CHESSBOARD": "09090:90909:09090:90909:09090",
    "DIAMOND": "00900:09090:90009:09090:00900",
    "DIAMOND_SMALL": "00000:00900:09090:00900:00000",
    "SQUARE": "99999:90009:90009:90009:99999",
    "SQUARE_SMALL": "00000:09990:09090:09990:00000",
    "RABBIT": "90900:90900:99990:99090:99990",
    "COW": "90009:90009:99999:09990:00900",
    "MUSIC_CROTCHET": "00900:00900:00900:99900:99900",
    "MUSIC_QUAVER": "00900:00990:00909:99900:99900",
    "MUSIC_QUAVERS": "09999:09009:09009:99099:99099",
    "PITCHFORK": "90909:90909:99999:00900:00900",
    "XMAS": "00900:09990:00900:09990:99999",
    "PACMAN": "09999:99090:99900:99990:09999",
    "TARGET": "00900:09990:99099:09990:00900",
    "TSHIRT": "99099:99999:09990:09990:09990",
    "ROLLERSKATE": "00099:00099:99999:99999:09090",
    "DUCK": "09900:99900:09999:09990:00000",
    "HOUSE": "00900:09990:99999:09990:09090",
    "TORTOISE": "00000:09990:99999:09090:00000",
    "BUTTERFLY": "99099:99999:00900:99999:99099",
    "STICKFIGURE": "00900:99999:00900:09090:90009",
    "GHOST": "99999:90909:99999:99999:90909",
    "SWORD": "00900:00900:00900:09990:00900",
    "GIRAFFE": "99000:09000:09000:09990:09090",
    "SKULL": "09990:90909:99999:09990:09990",
    "UMBRELLA": "09990:99999:00900:90900:09900",
    "SNAKE": "99000:99099:09090:09990:00000",
    "SCISSORS": "99009:99090:00900:99090:99009",
}
CLOCK_ORDER = ("CLOCK12", "CLOCK1", "CLOCK2", "CLOCK3", "CLOCK4", "CLOCK5", "CLOCK6", "CLOCK7",
               "CLOCK8", "CLOCK9", "CLOCK10", "CLOCK11")
ARROW_ORDER = ("ARROW_N", "ARROW_NE", "ARROW_E", "ARROW_SE", "ARROW_S", "ARROW_SW", "ARROW_W",
               "ARROW_NW")


def _single(value: float) -> float:
    """A value as IEEE single precision (the board's float arithmetic)."""
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return float("inf")


def _brightness(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 9:
        raise ValueError("brightness out of bounds")
    return value


class Image:
    """A grid of LED brightness values 0-9, by default 5x5 (same API as on the board)."""

    HEART: Image
    ALL_CLOCKS: tuple[Image, ...]
    ALL_ARROWS: tuple[Image, ...]

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Give every subclass built-ins of its own type (Image.HEART.board_source() works)."""
        super().__init_subclass__(**kwargs)
        _install_builtins(cls)

    def __init__(self, *args: object) -> None:
        """Image(), Image("09090:99999:..."), Image(width, height) or Image(w, h, buffer)."""
        self._name: str | None = None
        if not args:
            args = (5, 5)
        if isinstance(args[0], str) and len(args) == 1:
            rows = args[0].replace("\n", ":").rstrip(":").split(":") if args[0] else [""]
            self._width = max(len(row) for row in rows)
            self._height = len(rows)
            self._pixels = [0 if ch == " " else self._digit(ch) for row in rows
                            for ch in row.ljust(self._width, "0")]
            return
        if len(args) not in (2, 3) or not all(isinstance(a, int) for a in args[:2]):
            raise TypeError("Image() takes a string, or width, height and an optional buffer")
        width, height = int(args[0]), int(args[1])  # type: ignore[call-overload]
        if width < 0 or height < 0:
            raise ValueError("image size must be positive")
        self._width, self._height = width, height
        if len(args) == 3:
            values = list(args[2])  # type: ignore[call-overload]
            if len(values) != width * height:
                raise ValueError("image data is incorrect size")
            self._pixels = [_brightness(v) for v in values]
        else:
            self._pixels = [0] * (width * height)

    @staticmethod
    def _digit(ch: str) -> int:
        if not ch.isdigit():
            raise ValueError("unexpected character in Image definition")
        return int(ch)

    @classmethod
    def _builtin(cls, name: str) -> Image:
        image = cls(BUILTIN_IMAGES[name])
        image._name = name
        return image

    def _new(self, width: int, height: int, pixels: list[int] | None = None) -> Image:
        """A fresh, modifiable image of the same class (so backend helpers stay available)."""
        return type(self)(width, height) if pixels is None else type(self)(width, height, pixels)

    def _check_writable(self) -> None:
        if self._name is not None:
            raise TypeError("image cannot be modified (try copying first)")

    def width(self) -> int:
        return self._width

    def height(self) -> int:
        return self._height

    def _index(self, x: int, y: int) -> int:
        if not (0 <= x < self._width and 0 <= y < self._height):
            raise ValueError("index out of bounds")
        return y * self._width + x

    def get_pixel(self, x: int, y: int) -> int:
        return self._pixels[self._index(x, y)]

    def set_pixel(self, x: int, y: int, value: int) -> None:
        self._check_writable()
        if not (0 <= x < self._width and 0 <= y < self._height):
            raise ValueError("index too large")
        self._pixels[self._index(x, y)] = _brightness(value)

    def fill(self, value: int) -> None:
        self._check_writable()
        self._pixels = [_brightness(value)] * len(self._pixels)

    def copy(self) -> Image:
        return self._new(self._width, self._height, list(self._pixels))

    def invert(self) -> Image:
        return self._new(self._width, self._height, [9 - p for p in self._pixels])

    def crop(self, x: int, y: int, width: int, height: int) -> Image:
        out = self._new(width, height)
        for j in range(height):
            for i in range(width):
                if 0 <= x + i < self._width and 0 <= y + j < self._height:
                    out._pixels[j * width + i] = self.get_pixel(x + i, y + j)
        return out

    def blit(self, src: Image, x: int, y: int, w: int, h: int, xdest: int = 0,
             ydest: int = 0) -> None:
        self._check_writable()
        for j in range(h):
            for i in range(w):
                sx, sy, dx, dy = x + i, y + j, xdest + i, ydest + j
                if 0 <= dx < self._width and 0 <= dy < self._height:
                    inside = 0 <= sx < src._width and 0 <= sy < src._height
                    self._pixels[dy * self._width + dx] = src.get_pixel(sx, sy) if inside else 0

    def shift_left(self, n: int) -> Image:
        return self.crop(n, 0, self._width, self._height)

    def shift_right(self, n: int) -> Image:
        return self.crop(-n, 0, self._width, self._height)

    def shift_up(self, n: int) -> Image:
        return self.crop(0, n, self._width, self._height)

    def shift_down(self, n: int) -> Image:
        return self.crop(0, -n, self._width, self._height)

    def __add__(self, other: Image) -> Image:
        if (other._width, other._height) != (self._width, self._height):
            raise ValueError("images must be the same size")
        return self._new(self._width, self._height,
                         [min(9, a + b) for a, b in zip(self._pixels, other._pixels)])

    def __sub__(self, other: Image) -> Image:
        if (other._width, other._height) != (self._width, self._height):
            raise ValueError("images must be the same size")
        return self._new(self._width, self._height,
                         [max(0, a - b) for a, b in zip(self._pixels, other._pixels)])

    def __mul__(self, factor: float) -> Image:
        if factor < 0:
            raise ValueError("brightness multiplier must not be negative")
        # microbitimage.c: int(pixel * factor + 0.5) in single precision, at most 9.
        factor = _single(factor)
        return self._new(self._width, self._height,
                         [min(9, int(_single(_single(p * factor) + 0.5)))
                          for p in self._pixels])

    def __truediv__(self, divisor: float) -> Image:
        return self * _single(1 / divisor)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and (self._width, self._height, self._pixels) == (
            other._width, other._height, other._pixels)

    def __hash__(self) -> int:
        return hash((self._width, self._height, tuple(self._pixels)))

    def rows(self) -> str:
        """Return the image as the board writes it: '09090:99999:...:'."""
        w = self._width
        return "".join(
            "".join(str(p) for p in self._pixels[y * w:(y + 1) * w]) + ":"
            for y in range(self._height))

    def pixel_rows(self) -> list[list[int]]:
        """The brightness values row by row (for a host that draws the image)."""
        w = self._width
        return [self._pixels[y * w:(y + 1) * w] for y in range(self._height)]

    def __repr__(self) -> str:
        return "Image({!r})".format(self.rows())

    def __str__(self) -> str:
        """str() on the board: one quoted row per line (repr() is one line)."""
        if not self._height:
            return "Image('')"
        w = self._width
        rows = ["    '{}:'".format("".join(str(p) for p in self._pixels[y * w:(y + 1) * w]))
                for y in range(self._height)]
        return "Image(\n" + "\n".join(rows) + "\n)"


def _install_builtins(cls: type[Image]) -> None:
    """Set Image.HEART ... and ALL_CLOCKS/ALL_ARROWS on cls, as read-only instances of cls."""
    for name in BUILTIN_IMAGES:
        setattr(cls, name, cls._builtin(name))
    cls.ALL_CLOCKS = tuple(getattr(cls, n) for n in CLOCK_ORDER)
    cls.ALL_ARROWS = tuple(getattr(cls, n) for n in ARROW_ORDER)


_install_builtins(Image)
