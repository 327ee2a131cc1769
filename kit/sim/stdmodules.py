"""The board's own versions of random, math, sys, gc, os, neopixel, audio and micropython.

Each module has exactly the board's names, in the board's order (kit/sim/firmware_v1.py).
`random` is the V1's generator: the micro:bit DAL's 32-bit LFSR (Schneier's taps), which
bbcmicrobit/micropython source/microbit/modrandom.cpp draws from one bit at a time with
rejection (`microbit_random(n)`), so a seeded program gets the board's numbers.
"""
from __future__ import annotations

import array
import collections
import math
import struct
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import kit.sim.firmware_v1 as firmware_v1

if TYPE_CHECKING:
    from kit.sim.runtime import Runtime


class NotSimulatedError(Exception):
    """A board feature the simulator cannot imitate (inline assembler, raw memory)."""


def not_simulated(what: str) -> Callable[..., Any]:
    def refuse(*args: object, **kwargs: object) -> Any:
        raise NotSimulatedError("{} is not simulated; try it on a micro:bit".format(what))
    return refuse


def board_module(name: str, namespace: dict[str, Any], order: Sequence[str] | None = None
                 ) -> types.ModuleType:
    """A module whose dir() is the board's list (missing names raise AttributeError)."""
    module = types.ModuleType(name)
    names = list(order if order is not None else firmware_v1.MODULES.get(name, namespace))
    for key in names:
        if key in namespace:
            setattr(module, key, namespace[key])
    module.__all__ = [k for k in names if k in namespace and not k.startswith("_")]  # type: ignore[attr-defined]
    module.__board_dir__ = names  # type: ignore[attr-defined]
    return module


class BoardRandom:
    """random on the V1: the DAL's LFSR, rand30() and randbelow(n) as modrandom.cpp."""

    def __init__(self, seed: int, float_cls: type) -> None:
        self.state = (seed or 0x2F6D8B3A) & 0xFFFFFFFF
        self.float_cls = float_cls

    def seed(self, value: int | None = None) -> None:
        if value is None:
            value = self.state ^ 0x5DEECE66
        self.state = int(value) & 0xFFFFFFFF

    def below(self, limit: int) -> int:
        """microbit_random(limit): bits from the LFSR until the value is below limit."""
        top = limit - 1
        while True:
            m, result = top, 0
            while True:
                r = self.state
                bit = ((r >> 31) ^ (r >> 6) ^ (r >> 4) ^ (r >> 2) ^ (r >> 1) ^ r) & 1
                r = (bit << 31) | (r >> 1)
                self.state = r
                result = ((result << 1) | (r & 1)) & 0xFFFFFFFF
                m >>= 1
                if not m:
                    break
            if result <= top:
                return result

    def getrandbits(self, n: int) -> int:
        if n > 30 or n == 0:
            raise ValueError()
        return self.below(0x40000000) & (0xFFFFFFFF >> (32 - n))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            if start > 0:
                return self.below(start)
            raise ValueError()
        if step == 1:
            if start < stop:
                return start + self.below(stop - start)
            raise ValueError()
        if step == 0:
            raise ValueError()
        span = stop - start + (step - 1 if step > 0 else step + 1)
        n = abs(span) // abs(step) * (1 if (span < 0) == (step < 0) else -1)  # C division
        if n > 0:
            return start + step * self.below(n)
        raise ValueError()

    def randint(self, a: int, b: int) -> int:
        if a <= b:
            return a + self.below(b - a + 1)
        raise ValueError()

    def choice(self, seq: Sequence[Any]) -> Any:
        if len(seq) > 0:
            return seq[self.below(len(seq))]
        raise IndexError()

    def _fraction(self) -> float:
        bits = 0x3F800000 | (self.below(0x40000000) & 0x7FFFFF)
        return float(struct.unpack("<f", struct.pack("<I", bits))[0]) - 1.0

    def random(self) -> Any:
        return self.float_cls(self._fraction())

    def uniform(self, a: float, b: float) -> Any:
        return self.float_cls(float(a) + (float(b) - float(a)) * self._fraction())

    def module(self) -> types.ModuleType:
        return board_module("random", {
            "__name__": "random", "getrandbits": self.getrandbits, "seed": self.seed,
            "randrange": self.randrange, "randint": self.randint, "choice": self.choice,
            "random": self.random, "uniform": self.uniform})


def math_module(float_cls: type) -> types.ModuleType:
    """math with the board's 28 names; results are board floats."""
    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            value = func(*args)
            if isinstance(value, tuple):
                return tuple(float_cls(v) if type(v) is float else v for v in value)
            return float_cls(value) if type(value) is float else value
        return call

    names = firmware_v1.MODULES["math"]
    namespace: dict[str, Any] = {"__name__": "math", "e": float_cls(math.e),
                                 "pi": float_cls(math.pi)}
    for name in names:
        if name not in namespace and hasattr(math, name):
            namespace[name] = wrap(getattr(math, name))
    return board_module("math", namespace)


def sys_module(rt: Runtime) -> types.ModuleType:
    implementation = collections.namedtuple("implementation", ["name", "version"])

    def print_exception(err: BaseException, file: object = None) -> None:
        rt.write_text(rt.format_error(err))

    def board_exit(code: object = None) -> None:
        raise SystemExit(code)

    return board_module("sys", {
        "__name__": "sys", "version": "3.4.0", "version_info": (3, 4, 0),
        "implementation": implementation("micropython", (1, 9, 2)), "platform": "microbit",
        "byteorder": "little", "exit": board_exit, "print_exception": print_exception})


class NeoPixel:
    """neopixel.NeoPixel: remembers colours; show() costs the time the strip takes."""

    def __init__(self, pin: object, n: int) -> None:
        self._pixels = [(0, 0, 0)] * int(n)

    def __len__(self) -> int:
        return len(self._pixels)

    def __getitem__(self, index: int) -> tuple[int, int, int]:
        return self._pixels[index]

    def __setitem__(self, index: int, colour: tuple[int, int, int]) -> None:
        r, g, b = (int(c) for c in colour)
        if not all(0 <= c <= 255 for c in (r, g, b)):
            raise ValueError("invalid colour")
        self._pixels[index] = (r, g, b)

    def clear(self) -> None:
        self._pixels = [(0, 0, 0)] * len(self._pixels)

    def show(self) -> None:
        pass

    def __dir__(self) -> list[str]:
        return list(firmware_v1.OBJECTS["neopixel.NeoPixel"])


class AudioFrame:
    """audio.AudioFrame: 32 samples 0..255 (V1 1.1.1 refuses others: 'value out of range')."""

    def __init__(self) -> None:
        self._samples = bytearray(32)

    def __len__(self) -> int:
        return 32

    def __getitem__(self, index: int) -> int:
        return self._samples[index]

    def __setitem__(self, index: int, value: int) -> None:
        if not 0 <= int(value) <= 255:
            raise ValueError("value out of range")
        self._samples[index] = int(value)

    def copyfrom(self, other: AudioFrame) -> None:
        self._samples[:] = other._samples

    def __dir__(self) -> list[str]:
        return list(firmware_v1.OBJECTS["audio.AudioFrame"])


def audio_module(rt: Runtime) -> types.ModuleType:
    def play(source: object, wait: bool = True, pin: object = None,
             return_pin: object = None) -> None:
        frames = len(list(source))  # type: ignore[call-overload]
        if wait:
            rt.sleep_us(frames * 4000)  # 32 samples at 7812.5 Hz per frame

    return board_module("audio", {"__name__": "audio", "stop": lambda: None, "play": play,
                                  "is_playing": lambda: False, "AudioFrame": AudioFrame})


def small_modules(rt: Runtime) -> dict[str, types.ModuleType]:
    """gc, micropython, os, neopixel, audio, array, collections, struct."""
    micro = board_module("micropython", {
        "__name__": "micropython", "const": lambda x: x, "opt_level": lambda *a: 0,
        "mem_info": lambda *a: None, "qstr_info": lambda *a: None, "stack_use": lambda: 0,
        "heap_lock": lambda: None, "heap_unlock": lambda: None, "kbd_intr": lambda c: None})
    micro.asm_thumb = not_simulated("micropython.asm_thumb (inline assembler)")  # type: ignore[attr-defined]
    gc_state = {"enabled": True}
    modules = {
        "gc": board_module("gc", {
            "__name__": "gc", "collect": lambda: None, "mem_free": rt.mem_free,
            "mem_alloc": lambda: rt.heap_bytes - rt.mem_free(),
            "enable": lambda: gc_state.update(enabled=True),
            "disable": lambda: gc_state.update(enabled=False),
            "isenabled": lambda: gc_state["enabled"], "threshold": lambda *a: -1}),
        "micropython": micro,
        "os": board_module("os", {
            "__name__": "os", "remove": rt.remove_file, "listdir": rt.list_files,
            "size": rt.file_size, "uname": rt.uname}),
        "neopixel": board_module("neopixel", {"__name__": "neopixel", "NeoPixel": NeoPixel}),
        "audio": rt.audio,
        "builtins": board_module("builtins", dict(vars(__import__("builtins")),
                                                  __name__="builtins")),
        "array": board_module("array", {"__name__": "array", "array": array.array}),
        "collections": board_module("collections", {
            "__name__": "collections", "namedtuple": collections.namedtuple,
            "OrderedDict": collections.OrderedDict}),
    }
    for name in ("struct", "ustruct"):
        modules[name] = board_module(name, {"__name__": name, **{
            k: getattr(struct, k) for k in firmware_v1.MODULES[name] if hasattr(struct, k)}})
    modules["ucollections"] = modules["collections"]
    return modules
