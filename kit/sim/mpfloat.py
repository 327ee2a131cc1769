"""micro:bit V1 floats in CPython: 30-bit single precision, printed as the board prints them.

MicroPython on the V1 stores a float inside the object word (MICROPY_OBJ_REPR_C,
inc/microbit/mpconfigport.h of bbcmicrobit/micropython): an IEEE single whose two lowest
mantissa bits are cut off. Every operation is done in single precision and its result boxed the
same way, and `print`/`str`/`repr` show 6 significant digits with MicroPython's own
`mp_format_float` (py/formatfloat.c), which is not C's %g. `MPFloat` is a CPython float that
holds exactly that value and formats exactly that way; the simulator turns every float a board
program makes into one (kit.sim.transform). Checked against the board by tests/fidelity.
"""
from __future__ import annotations

import math
import struct
from typing import Any

_PACK = struct.Struct("<f")
_BITS = struct.Struct("<I")
REPR_PRECISION = 6  # float_print in py/objfloat.c with MICROPY_OBJ_REPR_C
_POS_POW = [1e32, 1e16, 1e8, 1e4, 1e2, 1e1]
_NEG_POW = [1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1]
_BUF_SIZE = 16  # float_print's buffer: long %f output switches to e, as on the board


def f32(value: float) -> float:
    """Round a double to the nearest IEEE single (what C's float arithmetic yields)."""
    try:
        return float(_PACK.unpack(_PACK.pack(value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def box(value: float) -> float:
    """The value a V1 keeps of a float: single precision with the 2 lowest bits cleared."""
    single = f32(value)
    if math.isnan(single) or math.isinf(single):
        return single
    bits = _BITS.unpack(_PACK.pack(single))[0] & ~3
    return float(_PACK.unpack(_BITS.pack(bits))[0])


ROUND_TO_ONE = f32(0.9999995)


def _fmul(a: float, b: float) -> float:
    return f32(a * b)


def _scale(f: float, less1: bool) -> tuple[float, int]:
    """Bring f into [1, 10) as formatfloat.c does (in single precision); return (f, e)."""
    e, e1 = 0, 32
    for pos, neg in zip(_POS_POW, _NEG_POW):
        if less1 and f32(neg) > f:
            e += e1
            f = _fmul(f, f32(pos))
        elif not less1 and f32(pos) <= f:
            e += e1
            f = _fmul(f, f32(neg))
        e1 >>= 1
    return f, e


def format_float(value: float, fmt: str = "g", prec: int = REPR_PRECISION, sign: str = "",
                 buf_size: int = _BUF_SIZE) -> str:
    """mp_format_float of py/formatfloat.c for MICROPY_FLOAT_IMPL_FLOAT, digit for digit.

    Kept as one function in the order of the C source (longer than our usual 40 lines) so a
    reader can check it against formatfloat.c branch by branch; tests/fidelity and
    tests/test_sim_floats.py hold it to the board's output.
    """
    f = f32(value)
    out: list[str] = []
    if math.copysign(1.0, f) < 0:
        out.append("-")
        f = -f
    elif sign:
        out.append(sign)
    remaining = buf_size - 1 - len(out)
    upper = fmt.isupper()
    if math.isinf(f) or math.isnan(f):
        word = "inf" if math.isinf(f) else "nan"
        return "".join(out) + (word.upper() if upper else word)
    if prec < 0:
        prec = 6
    e_char = "E" if upper else "e"
    fmt = fmt.lower()
    org_fmt = fmt
    if fmt == "g" and prec == 0:
        prec = 1
    e = dec = num_digits = 0
    e_sign = ""
    if f == 0:
        if fmt == "f":
            prec = min(prec, remaining - 2)
            num_digits = prec + 1
        else:
            prec = min(prec, remaining - 6)
            if fmt == "e":
                e_sign = "+"
    elif f < 1.0:
        first_dig = "1" if f >= ROUND_TO_ONE else "0"
        f, e = _scale(f, True)
        e_sign_char = "-"
        if f < 1.0 and f >= ROUND_TO_ONE:
            f = 1.0
            if e == 0:
                e_sign_char = "+"
        elif f < 1.0:
            e += 1
            f = _fmul(f, 10.0)
        if fmt == "f" or (fmt == "g" and e <= 4):
            fmt = "f"
            dec = -1
            out.append(first_dig)
            if org_fmt == "g":
                prec += e - 1
            prec = min(prec, remaining - 2)
            num_digits = prec
            if num_digits:
                out.append(".")
                e -= 1
                while e and num_digits:
                    out.append("0")
                    num_digits -= 1
                    e -= 1
        else:
            e_sign = e_sign_char
            dec = 0
            if prec > remaining - 6:
                prec = remaining - 6 + (1 if fmt == "g" else 0)
    else:
        f, e = _scale(f, False)
        if f >= 10.0:
            e += 1
            f = _fmul(f, f32(0.1))
        if fmt == "f":
            if e >= remaining:
                fmt = "e"
            elif e + prec + 2 > remaining:
                prec = remaining - e - 2
                if prec < 0:
                    prec += 1
        if fmt == "e" and prec > remaining - 6:
            prec = remaining - 6
        if fmt == "g" and prec + 5 > remaining:
            prec = remaining - 5
        if fmt == "g" and e < prec:
            fmt = "f"
            prec -= e + 1
        if fmt == "f":
            dec = e
            num_digits = prec + e + 1
        else:
            e_sign = "+"
    prec = max(prec, 0)
    if fmt == "e":
        num_digits = prec + 1
    elif fmt == "g":
        prec = prec or 1
        num_digits = prec
    for _ in range(num_digits):
        d = int(f)
        out.append(chr(48 + d))
        if dec == 0 and prec > 0:
            out.append(".")
        f = f32(f - d)
        f = _fmul(f, 10.0)
        dec -= 1
    if (org_fmt != "f" or e <= 1) and f >= 5.0:
        e, e_sign = _round_up(out, fmt, e, e_sign)
    text = "".join(out)
    if org_fmt == "g" and prec > 0:
        text = text.rstrip("0")  # as formatfloat.c: also zeros before a missing '.'
        text = text[:-1] if text.endswith(".") else text
    if e_sign:
        text += "{}{}{:02d}".format(e_char, e_sign, e)
    return text


def _round_up(out: list[str], fmt: str, e: int, e_sign: str) -> tuple[int, str]:
    """Round the printed digits up by one in the last place ('Round' in formatfloat.c)."""
    rs = len(out) - 1
    while True:
        c = out[rs]
        if c == ".":
            rs -= 1
            continue
        if not "0" <= c <= "9":
            rs += 1  # a sign: sit on the digit to its right
            break
        if c < "9":
            out[rs] = chr(ord(c) + 1)
            break
        out[rs] = "0"
        if rs == 0:
            break
        rs -= 1
    if out[rs] == "0":
        if rs + 1 < len(out) and out[rs + 1] == "." and fmt != "f":
            out[rs], out[rs + 1] = ".", "0"  # 9.99 becomes 1.00 and the exponent moves
            if e_sign == "-":
                e -= 1
                e_sign = "+" if e == 0 else e_sign
            else:
                e += 1
            out.insert(rs, "1")
            out.pop()
        else:
            out.insert(rs, "1")
    return e, e_sign


def float_repr(value: float, precision: int = REPR_PRECISION) -> str:
    """repr()/str() of a float on the V1: 6 significant digits, always a '.' or exponent."""
    text = format_float(value, "g", precision)
    if "." not in text and "e" not in text and "n" not in text:
        text += ".0"
    return text


class MPFloat(float):
    """A float as the micro:bit V1 holds it; arithmetic stays in 30-bit single precision."""

    __slots__ = ()
    precision = REPR_PRECISION

    def _w(self, value: Any) -> Any:
        return type(self)(value) if type(value) is float else value

    def __new__(cls, value: Any = 0.0) -> MPFloat:
        if isinstance(value, str):
            value = _parse(value)
        return float.__new__(cls, box(float(value)))

    def __repr__(self) -> str:
        return float_repr(self, self.precision)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        from kit.sim.mptext import format_spec

        return format_spec(self, spec)

    def __add__(self, other: Any) -> Any:
        return self._w(float.__add__(self, other))

    def __radd__(self, other: Any) -> Any:
        return self._w(float.__radd__(self, other))

    def __sub__(self, other: Any) -> Any:
        return self._w(float.__sub__(self, other))

    def __rsub__(self, other: Any) -> Any:
        return self._w(float.__rsub__(self, other))

    def __mul__(self, other: Any) -> Any:
        return self._w(float.__mul__(self, other))

    def __rmul__(self, other: Any) -> Any:
        return self._w(float.__rmul__(self, other))

    def __truediv__(self, other: Any) -> Any:
        return self._w(float.__truediv__(self, other))

    def __rtruediv__(self, other: Any) -> Any:
        return self._w(float.__rtruediv__(self, other))

    def __floordiv__(self, other: Any) -> Any:
        return self._w(float.__floordiv__(self, other))

    def __rfloordiv__(self, other: Any) -> Any:
        return self._w(float.__rfloordiv__(self, other))

    def __mod__(self, other: Any) -> Any:
        return self._w(float.__mod__(self, other))

    def __rmod__(self, other: Any) -> Any:
        return self._w(float.__rmod__(self, other))

    def __pow__(self, other: Any, mod: Any = None) -> Any:
        return self._w(float.__pow__(self, other))

    def __rpow__(self, other: Any, mod: Any = None) -> Any:
        return self._w(float.__rpow__(self, other))

    def __neg__(self) -> MPFloat:
        return type(self)(-float(self))

    def __pos__(self) -> MPFloat:
        return self

    def __abs__(self) -> MPFloat:
        return type(self)(abs(float(self)))

    def __divmod__(self, other: Any) -> Any:
        q, r = float.__divmod__(self, other)
        return type(self)(q), type(self)(r)

    def __round__(self, ndigits: Any = None) -> Any:
        if ndigits is None:
            return round(float(self))
        return type(self)(round(float(self), ndigits))


def _parse(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError("invalid syntax for number") from None


class V2Float(MPFloat):
    """A V2 float (MicroPython 1.18 on the nRF52): a full single, 7 digits when printed.

    From py/objfloat.c (MICROPY_OBJ_REPR_A); not checked against a board: QEMU has no V2.
    """

    __slots__ = ()
    precision = 7

    def __new__(cls, value: Any = 0.0) -> V2Float:
        if isinstance(value, str):
            value = _parse(value)
        return float.__new__(cls, f32(float(value)))
