"""The modules a simulated program can import, built per board.

Each board gets its own `microbit`, `radio`, `music`, `time`/`utime`, `random`, `machine`,
... objects, and its program gets an `__import__` that resolves these names to that board's
objects (never through the global sys.modules), so many boards run in one process. Modules a
micro:bit does not have raise ImportError as on the board; V2-only names on a V1 say so.
"""
from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

import kit.sim.pins as pins
import kit.sim.firmware_v1 as firmware_v1
from kit.sim.images import Image
from kit.sim.mpbuiltins import board_builtins
from kit.sim.mptext import mp_str
from kit.sim.radio import Radio
from kit.sim.stdmodules import BoardRandom, board_module, math_module, small_modules, sys_module

if TYPE_CHECKING:
    from kit.sim.runtime import Runtime

V2_ONLY = {"microphone": "microphone", "speaker": "speaker", "pin_logo": "touch logo",
           "pin_speaker": "speaker pin", "set_volume": "volume control",
           "Sound": "built-in sounds", "SoundEvent": "sound events", "run_every": "run_every",
           "power": "power management"}
NO_SUCH_ON_V1 = {"log": "the log module (data logging) is only on micro:bit V2",
                 "power": "the power module is only on micro:bit V2"}
TICKS_PERIOD = 1 << 30


def _module(name: str, namespace: dict[str, Any], v1_missing: dict[str, str] | None = None
            ) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(namespace)
    module.__all__ = [k for k in namespace if not k.startswith("_")]  # type: ignore[attr-defined]
    if v1_missing:
        def missing(attr: str) -> object:
            if attr in v1_missing:
                raise AttributeError("micro:bit V1 has no {} ('{}.{}' needs a V2)".format(
                    v1_missing[attr], name, attr))
            raise AttributeError("module '{}' has no attribute '{}'".format(name, attr))
        module.__getattr__ = missing  # type: ignore[method-assign]
    return module


def microbit_module(rt: Runtime) -> types.ModuleType:
    """`microbit`: display, buttons, sensors, pins, sleep and running_time."""
    ns: dict[str, Any] = {
        "display": rt.display, "button_a": rt.buttons["A"], "button_b": rt.buttons["B"],
        "accelerometer": rt.accelerometer, "compass": rt.compass, "Image": Image,
        "sleep": lambda ms: rt.sleep_us(int(ms * 1000) if ms > 0 else 0),
        "running_time": rt.running_ms, "temperature": rt.temperature,
        "panic": rt.panic, "reset": rt.restart, "scale": _scale,
        "i2c": types.SimpleNamespace(init=lambda **kw: None, scan=lambda: [],
                                     read=_no_device, write=_no_device),
        "uart": types.SimpleNamespace(init=lambda *a, **kw: None, any=lambda: False,
                                      read=lambda *a: None, readline=lambda: None,
                                      write=rt.write_raw),
        "spi": types.SimpleNamespace(init=lambda *a, **kw: None, write=lambda b: None,
                                     read=lambda n: bytes(n)),
    }
    for number, pin in rt.pins.items():
        ns["pin{}".format(number)] = pin
    ns["__name__"] = "microbit"
    if not rt.v2:
        ns["audio"] = rt.audio
        module = board_module("microbit", ns)
        module.__dict__["__getattr__"] = _v1_missing
        return module
    if rt.v2:
        events = types.SimpleNamespace(LOUD="loud", QUIET="quiet")
        ns.update(microphone=pins.Microphone(rt, events), speaker=pins.Speaker(),
                  pin_logo=rt.pin_logo, pin_speaker=pins.Pin(rt, 27), SoundEvent=events,
                  set_volume=lambda v: None,
                  Sound=types.SimpleNamespace(GIGGLE="giggle", HAPPY="happy", HELLO="hello",
                                              SAD="sad", YAWN="yawn", TWINKLE="twinkle"))
    return _module("microbit", ns, None if rt.v2 else V2_ONLY)


def _v1_missing(attr: str) -> object:
    if attr in V2_ONLY:
        raise AttributeError("micro:bit V1 has no {} ('microbit.{}' needs a V2)".format(
            V2_ONLY[attr], attr))
    raise AttributeError("'module' object has no attribute '{}'".format(attr))


def _scale(value: float, from_: tuple[float, float], to: tuple[float, float]) -> float:
    (a, b), (c, d) = from_, to
    result = c + (value - a) * (d - c) / (b - a)
    # microbit.scale: an int range gives the nearest int (scale(512, (0, 1023), (0, 255)) = 128)
    return int(round(result)) if isinstance(c, int) and isinstance(d, int) else result


def _no_device(*args: object, **kwargs: object) -> None:
    raise OSError(19)  # ENODEV: nothing is connected to the simulated I2C bus


def time_module(rt: Runtime, name: str) -> types.ModuleType:
    """`time` / `utime` with the MicroPython ticks functions."""
    return _module(name, {
        "sleep": lambda s: rt.sleep_us(int(s * 1_000_000)),
        "sleep_ms": lambda ms: rt.sleep_us(int(ms * 1000)),
        "sleep_us": lambda us: rt.sleep_us(int(us)),
        "ticks_ms": lambda: rt.running_ms() % TICKS_PERIOD,
        "ticks_us": lambda: rt.running_us() % TICKS_PERIOD,
        "ticks_add": lambda t, d: (t + d) % TICKS_PERIOD,
        "ticks_diff": lambda a, b: ((a - b + TICKS_PERIOD // 2) % TICKS_PERIOD) - TICKS_PERIOD // 2,
        "time": lambda: rt.running_ms() // 1000,
    })


def music_module(rt: Runtime) -> types.ModuleType:
    """`music`: takes the time the tune would take; no sound on the PC."""
    state = {"bpm": 120, "ticks": 4}

    def note_ms(note: str, last: list[int]) -> int:
        if ":" in note:
            last[0] = int(note.split(":")[1] or last[0])
        return 60000 * last[0] // state["bpm"] // state["ticks"]

    def play(music: object, pin: object = None, wait: bool = True, loop: bool = False) -> None:
        notes = [music] if isinstance(music, str) else list(music)  # type: ignore[call-overload]
        last = [4]
        total = sum(note_ms(str(n), last) for n in notes)
        if wait and not loop:
            rt.sleep_us(total * 1000)

    def pitch(frequency: int, duration: int = -1, pin: object = None, wait: bool = True) -> None:
        if wait and duration > 0:
            rt.sleep_us(duration * 1000)

    def set_tempo(ticks: int | None = None, bpm: int | None = None) -> None:
        state.update(ticks=state["ticks"] if ticks is None else ticks,
                     bpm=state["bpm"] if bpm is None else bpm)

    return board_module("music", dict(
        firmware_v1.MELODIES, __name__="music", play=play, pitch=pitch,
        stop=lambda pin=None: None, reset=lambda: state.update(bpm=120, ticks=4),
        set_tempo=set_tempo, get_tempo=lambda: (state["bpm"], state["ticks"])))


def speech_module(rt: Runtime) -> types.ModuleType:
    def speak(words: str, *args: object, **kwargs: object) -> None:
        rt.sleep_us(70_000 * len(str(words)))  # roughly how long the board talks
    return _module("speech", {"say": speak, "pronounce": speak, "sing": speak,
                              "translate": lambda words: str(words)})


def log_module(rt: Runtime) -> types.ModuleType:
    """`log` (V2 data logging): rows kept on the board object as Python values (log_rows) and
    in CODAL's layout (rt.log_store, kit/sim/datalog.py: what MY_DATA.HTM shows); mirroring
    prints them. A full log raises OSError 28 as MicroPython 2.1.2 does (modlog.c)."""
    units = {"MILLISECONDS": 1, "SECONDS": 1000, "MINUTES": 60000, "HOURS": 3600000,
             "DAYS": 86400000}
    state: dict[str, Any] = {"labels": [], "timestamp": 1000, "mirror": False}

    def set_labels(*labels: str, timestamp: int | None = 1000) -> None:
        state.update(labels=list(labels), timestamp=timestamp)
        rt.log_store.set_timestamp(timestamp)
        if labels:
            rt.log_store.add({str(label): "" for label in labels}, rt.running_ms())

    def add(data: dict[str, object] | None = None, **kwargs: object) -> None:
        row = dict(data or {}, **kwargs)
        rt.log_store.add({str(k): mp_str(v) for k, v in row.items()}, rt.running_ms())
        if state["timestamp"]:
            row = dict({"Time": rt.running_ms() / state["timestamp"]}, **row)
        for key in row:
            if key not in state["labels"] and key != "Time":
                state["labels"].append(key)
        rt.log_rows.append(row)
        if state["mirror"]:
            rt.write_text(",".join(str(v) for v in row.values()) + "\n")

    def delete(full: bool = False) -> None:
        rt.log_rows.clear()
        rt.log_store.delete()

    return _module("log", dict(units, set_labels=set_labels, add=add, delete=delete,
                               set_mirroring=lambda on: state.update(mirror=bool(on))))


def machine_module(rt: Runtime) -> types.ModuleType:
    return _module("machine", {
        "unique_id": lambda: bytes.fromhex(rt.unique_id[-16:]),
        "reset": rt.restart, "freq": lambda: 64_000_000 if rt.v2 else 16_000_000,
        "disable_irq": lambda: 0, "enable_irq": lambda state=0: None,
        "time_pulse_us": lambda pin, level, timeout_us=1_000_000: -1,
    })


def build_modules(rt: Runtime, radio: Radio, seed: int) -> dict[str, types.ModuleType]:
    """Every module the board has, bound to this board (V1: the board's names only)."""
    rng = BoardRandom(seed, rt.float_cls)
    modules: dict[str, types.ModuleType] = {
        "microbit": microbit_module(rt), "radio": _module("radio", radio.module_namespace()),
        "music": music_module(rt), "speech": speech_module(rt), "machine": machine_module(rt),
        "time": time_module(rt, "time"), "utime": time_module(rt, "utime"),
        "random": rng.module(), "math": math_module(rt.float_cls), "sys": sys_module(rt),
        **small_modules(rt),
    }
    for name, module in modules.items():
        if name in firmware_v1.MODULES and name not in ("radio", "microbit"):
            module.__board_dir__ = list(firmware_v1.MODULES[name])  # type: ignore[attr-defined]
    if rt.v2:
        modules["urandom"] = modules["random"]
        modules["log"] = log_module(rt)
        modules["power"] = _module("power", {"deep_sleep": lambda *a, **kw: None,
                                             "off": lambda: None})
    return modules


def surfaces_of(rt: Runtime, modules: dict[str, types.ModuleType]) -> dict[int, list[str]]:
    """dir() of the board's modules and objects, by object id (kit.sim.mpbuiltins.make_dir)."""
    found: dict[int, list[str]] = {}
    for module in modules.values():
        names = getattr(module, "__board_dir__", None)
        found[id(module)] = list(names) if names else [
            n for n in vars(module) if not n.startswith("_")]
    microbit = modules["microbit"]
    for key, names in firmware_v1.OBJECTS.items():
        owner, _, attr = key.partition(".")
        target = getattr(microbit, attr, None) if owner == "microbit" else None
        if target is not None:
            found[id(target)] = list(names)
    return found


def make_builtins(rt: Runtime, modules: dict[str, types.ModuleType],
                  local_modules: dict[str, str]) -> dict[str, Any]:
    """The board's builtins, whose __import__, print, input and open belong to this board."""
    from kit.sim.transform import compile_board_program
    from kit.sim.mpbuiltins import MISSING_METHODS

    loaded: dict[str, types.ModuleType] = {}
    namespace: dict[str, Any] = {}

    def sim_import(name: str, globals: object = None, locals: object = None,
                   fromlist: object = (), level: int = 0) -> types.ModuleType:
        top = name.split(".")[0]
        if top in modules:
            return modules[top]
        if top in local_modules:  # another .py file on the board, e.g. a lib module
            if top not in loaded:
                module = types.ModuleType(top)
                module.__dict__["__builtins__"] = namespace
                loaded[top] = module
                code = compile_board_program(local_modules[top], top + ".py", MISSING_METHODS)
                exec(code, module.__dict__)
            return loaded[top]
        raise ImportError("no module named '{}'".format(top))

    namespace.update(board_builtins(rt, sim_import, surfaces_of(rt, modules)))
    return namespace


HOST_MODULES = ("microbit", "radio", "music", "speech", "neopixel", "audio", "micropython")


def _host_time(utime: types.ModuleType) -> types.ModuleType:
    """CPython's time, plus MicroPython's sleep_ms/ticks_* on the simulated clock."""
    import time

    module = types.ModuleType("time")
    module.__dict__.update(vars(time))
    for name in ("sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_add", "ticks_diff"):
        setattr(module, name, getattr(utime, name))
    return module


def make_host_builtins(rt: Runtime, modules: dict[str, types.ModuleType],
                       host_names: dict[str, Any]) -> dict[str, Any]:
    """CPython's builtins for a host program; `import microbit` etc. give the simulated board.

    A host program (whaleygeek/bitio style) is CPython on the PC driving a board: `queue`,
    `threading`, `time.sleep` and files on the PC work as in CPython; only the micro:bit
    modules come from the simulator. `host_names` adds the host API's names to `microbit`
    (its Image with bitio's STD_IMAGES), and `microbit.radio` is there as in bitio.
    """
    import builtins

    microbit = types.ModuleType("microbit")
    microbit.__dict__.update({k: v for k, v in vars(modules["microbit"]).items()
                              if k != "__getattr__"})
    microbit.__dict__.update(host_names, radio=modules["radio"])
    microbit.__all__ = [k for k in vars(microbit) if not k.startswith("_")]  # type: ignore[attr-defined]
    own = {name: modules[name] for name in HOST_MODULES if name in modules}
    own["microbit"] = microbit
    own["utime"] = modules["utime"]
    own["time"] = _host_time(modules["utime"])
    real_import = builtins.__import__

    def host_import(name: str, globals: Any = None, locals: Any = None,
                    fromlist: Any = (), level: int = 0) -> types.ModuleType:
        top = name.split(".")[0]
        if level == 0 and top in own:
            return own[top]
        return real_import(name, globals, locals, fromlist, level)

    def host_print(*args: object, sep: str | None = " ", end: str | None = "\n",
                   file: Any = None, flush: bool = False) -> None:
        if file is not None:
            builtins.print(*args, sep=sep, end=end, file=file, flush=flush)
            return
        rt.write_text((" " if sep is None else sep).join(str(a) for a in args)
                      + ("\n" if end is None else end))

    from kit.sim.stdmodules import NotSimulatedError

    namespace = dict(vars(builtins))
    namespace.update(__import__=host_import, print=host_print,
                     _mp_not_simulated=NotSimulatedError)
    return namespace
