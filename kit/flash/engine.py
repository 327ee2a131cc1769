"""Which engine runs a virtual board's program: the real V1 firmware in QEMU, or the simulator.

The one rule, asked by the virtual boards (kit/flash/virtual.py), `klimakit boards`, the flash
table, the recording's sidecar (through the fleet's registry) and `klimakit run`.

QEMU runs the real micro:bit V1 MicroPython, so it is the first choice. But QEMU 7.2 has no
micro:bit V2, and on the V1 it emulates, some calls never return (docs/qemu.md §10-11,
measured): `temperature()`, the compass, `import radio` (V1 1.1.1 waits for a radio QEMU does
not have), `speech` and `music.play()`. A program that uses any of them would print its header
and then nothing, so it runs in the simulator instead (kit.sim, real time, the lesson's sensor
scenario), behind the same kind of serial port (kit/flash/bridge.py). The decision is made from
the program the board was flashed with, read back from its hex: the names its files use.
QEMU's stand-in values are said too: its light level is always 255, the accelerometer always
(-736, -736, 736) and analog pins 0, so such a program runs but draws flat lines.
"""
from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from kit.build import Program, parse_python
from kit.errors import KitError
from kit.hardware import V1
from kit.i18n import N_
from kit.i18n import gettext as _

log = logging.getLogger(__name__)


class EngineKind(str, Enum):
    """What runs a virtual board's program."""

    QEMU = "qemu"  # the real V1 MicroPython in qemu-system-arm
    SIM = "sim"  # klimakit's simulator on the real clock
    NONE = "none"  # nothing (not flashed yet, or nothing either engine can run)
    OFF = "off"  # a drive only: the fleet runs no programs (tests, benchmarks: boot=False)


ENGINE_CHOICES = ("auto", "qemu", "sim")  # `klimakit virtual up --engine`

# Names whose calls never return in QEMU 7.2 (docs/qemu.md §10-11), and how to say so:
# temperature() and the compass wait for sensors QEMU lacks, V1 1.1.1 waits for a radio at
# `import radio`, speech and music.play() never finish.
QEMU_HANGS = {
    "temperature": "temperature()", "compass": N_("the compass"), "radio": N_("the radio"),
    "speech": "speech", "play": "music.play()", "pitch": "music.pitch()",
}
# Names QEMU runs with a stand-in value (docs/qemu.md §10).
_STILL = N_("accelerometer at rest")
QEMU_FIXED = {
    "read_light_level": N_("light always 255"), "get_values": _STILL, "get_x": _STILL,
    "get_y": _STILL, "get_z": _STILL, "current_gesture": N_("no gestures"),
    "read_analog": N_("analog pins always 0"),
}
_MUSIC_CALLS = frozenset({"play", "pitch"})


@dataclass(frozen=True)
class Engine:
    """The engine for one program on one board version, and why (for the teacher, in the
    language of the moment it was chosen: it travels through the fleet's registry)."""

    kind: EngineKind
    reason: str
    scenario: str = "calm"  # the simulator's sensors (kit.sim.SCENARIOS)
    lesson: str = ""  # the lesson whose program this is, when it is one

    @property
    def label(self) -> str:
        """Short name for tables: 'QEMU (V1 firmware)', 'simulator', 'nothing'."""
        return {EngineKind.QEMU: _("QEMU (V1 firmware)"), EngineKind.SIM: _("simulator"),
                EngineKind.NONE: _("nothing"), EngineKind.OFF: _("drive only")}[self.kind]


NOT_FLASHED = Engine(EngineKind.NONE, N_("not flashed yet"))  # shown through _() by reason_text


def used_names(program: Program) -> frozenset[str]:
    """Every name, attribute and imported module any file of `program` mentions."""
    found: set[str] = set()
    for file in program.board_files:
        try:
            tree = parse_python(file.text)
        except SyntaxError:
            continue  # the board reports it when it runs; nothing to choose from here
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.Attribute):
                found.add(node.attr)
                if isinstance(node.value, ast.Name) and node.value.id == "music" \
                        and node.attr in _MUSIC_CALLS:
                    found.add("music." + node.attr)
            elif isinstance(node, ast.alias):
                found.update(node.name.split("."))
    return frozenset(found)


def qemu_cannot(program: Program) -> list[str]:
    """What in `program` QEMU cannot run (phrases in the user's language, in a fixed order)."""
    names = used_names(program)
    hangs = [_(word) for key, word in QEMU_HANGS.items()
             if (key in names and key not in _MUSIC_CALLS) or "music." + key in names]
    return hangs


def _stand_ins(program: Program) -> list[str]:
    names = used_names(program)
    return list(dict.fromkeys(_(word) for key, word in QEMU_FIXED.items() if key in names))


def choose_engine(program: Program | None, version: str, *, qemu_installed: bool,
                  forced: str = "auto") -> Engine:
    """Pick the engine for `program` on a virtual board of `version` ("v1"/"v2").

    `program` is None when the hex holds no MicroPython program (a MakeCode hex): QEMU can
    still boot it on a V1; the simulator runs only MicroPython. `forced` is "auto", "qemu" or
    "sim" (`klimakit virtual up --engine`); "qemu" falls back to the simulator where QEMU
    cannot run at all (a V2, or no QEMU installed).
    """
    lesson, scenario = lesson_of(program) if program is not None else ("", "calm")
    if version != V1:
        if program is None:
            return Engine(EngineKind.NONE, _("the hex file has no MicroPython program, and the "
                                             "simulator runs only MicroPython"))
        return Engine(EngineKind.SIM, _("QEMU has no micro:bit V2"), scenario, lesson)
    if program is None:
        if qemu_installed:
            return Engine(EngineKind.QEMU, _("real V1 firmware; the hex file is not MicroPython"))
        return Engine(EngineKind.NONE, _("QEMU is not installed, and the simulator runs only "
                                         "MicroPython"))
    if not qemu_installed:
        return Engine(EngineKind.SIM, _("QEMU is not installed"), scenario, lesson)
    if forced == "sim":
        return Engine(EngineKind.SIM, _("chosen with --engine sim"), scenario, lesson)
    cannot = qemu_cannot(program)
    if cannot and forced != "qemu":
        return Engine(EngineKind.SIM, _("QEMU lacks {parts}").format(parts=", ".join(cannot)),
                      scenario, lesson)
    fixed = _stand_ins(program)
    reason = (_("real V1 firmware (in QEMU: {stand_ins})").format(stand_ins=", ".join(fixed))
              if fixed else _("real V1 firmware"))
    if cannot:
        reason = _("{reason}; chosen with --engine qemu: {parts} hang").format(
            reason=reason, parts=", ".join(cannot))
    return Engine(EngineKind.QEMU, reason, scenario, lesson)


def lesson_of(program: Program) -> tuple[str, str]:
    """(lesson id, scenario) of the lesson whose program this is; ('', 'calm') if none.

    A lesson's program is recognised by its main.py exactly (a pupil's changed copy is not
    that lesson's program any more, so it gets the calm scenario).
    """
    return _lesson_sources().get(program.source, ("", "calm"))


@lru_cache(maxsize=1)
def _lesson_sources() -> dict[str, tuple[str, str]]:
    from kit.build import lesson_program
    from kit.lessons import lesson_paths, load_lessons

    found: dict[str, tuple[str, str]] = {}
    lessons, errors = load_lessons(lesson_paths())
    for error in errors:
        log.info("a lesson to recognise programs by cannot be loaded: %s", error)
    for lesson in lessons:
        try:
            source = lesson_program(lesson).source
        except KitError as err:
            log.info("lesson %s: %s", lesson.id, err)
            continue
        found.setdefault(source, (lesson.id, lesson.experiment.scenario or "calm"))
    return found
