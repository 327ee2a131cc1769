"""A lesson's program built "for the field": every reading is kept on the board as well.

The lesson's own program does not change. The field build adds two files beside it:
firmware/lib/feltlog.py (the board-side log: V2's `log` module, V1 files; it runs on V1 1.1.1
and V2 2.1.2) and klimafelt.py, written here from the lesson's front matter (its id, field
names and units, what marks an event, how often to keep a reading, whether to print too).
firmware/lib/klima.py imports klimafelt inside try/except ImportError, so a program without it
is exactly the program it was. The settings are written with repr(), never pasted as text.

The V1 heap rule (kit/build/limits.py) does not count feltv2.py (a V1 never loads it) nor
feltlog.py: its figure is measured instead, on V1 1.1.1 in QEMU with the lesson's program
around it (tests/test_fieldlog_qemu.py: about 5 KB of heap stay free while it logs).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kit.build.imports import imported_modules
from kit.build.program import Program, ProgramFile, check_program
from kit.build.source import read_source
from kit.errors import FirmwareError
from kit.i18n import gettext as _

if TYPE_CHECKING:
    from kit.lessons import FieldLog, Lesson

FIELD_MODULE = "feltlog"  # firmware/lib/feltlog.py
V2_STORE = "feltv2"  # V2's log store: feltlog imports it only where `log` exists
STORE_MODULES = (FIELD_MODULE, V2_STORE)
SETTINGS_MODULE = "klimafelt"  # written per lesson
DATA_MODULE = "klima"  # the data-line helpers every lesson uses; they pick up the settings


def field_settings_source(lesson: Lesson, settings: FieldLog) -> str:
    """klimafelt.py for a lesson: (lesson, names, units, event, interval in ms, print too)."""
    fields = lesson.experiment.fields
    config = (lesson.id, tuple(f.name for f in fields), tuple(f.unit for f in fields),
              settings.event, int(round(settings.interval_s * 1000)), settings.serial)
    return ("# Field log settings of lesson {}, written by klimakit (flash --log-on-board).\n"
            "CONFIG = {!r}\n").format(lesson.id, config)


def field_program(program: Program, lesson: Lesson, settings: FieldLog,
                  lib_dir: Path) -> Program:
    """The lesson's program with feltlog.py and klimafelt.py beside it, checked again.

    Raises FirmwareError if the program does not send its readings through klima (nothing
    would be logged) or if the files no longer fit a board's filesystem.
    """
    names = {f.name for f in program.modules}
    if DATA_MODULE + ".py" not in names:
        raise FirmwareError(_("lesson {lesson!r}: its program does not use klima's begin/send, "
                              "so nothing could be logged on the board. Send readings with "
                              "klima.send, or flash without --log-on-board.").format(
                                  lesson=lesson.id))
    added: tuple[ProgramFile, ...] = ()
    for name in STORE_MODULES:
        added += _lib_files(lib_dir, name, names | {f.name for f in added})
    modules = program.modules + added + (
        ProgramFile(SETTINGS_MODULE + ".py", field_settings_source(lesson, settings)),)
    built = replace(program, files=program.files + tuple(f.path for f in added if f.path),
                    modules=modules, notes=(),
                    v1_uncounted=(FIELD_MODULE + ".py", V2_STORE + ".py"))
    notes = program.notes + check_program(built)
    return replace(built, notes=notes)


def _lib_files(lib_dir: Path, first: str, present: set[str]) -> tuple[ProgramFile, ...]:
    """firmware/lib/<first>.py and the lib modules it imports (feltv1, feltv2), in order."""
    found: list[ProgramFile] = []
    queue = [first]
    while queue:
        name = queue.pop(0)
        path = lib_dir / (name + ".py")
        if path.name in present or any(f.name == path.name for f in found):
            continue
        if not path.is_file():
            if name == first:
                raise FirmwareError(_("{file} is missing: klimakit's installation is "
                                      "incomplete; reinstall klimakit").format(file=path))
            continue
        found.append(ProgramFile(path.name, read_source(path), path))
        queue += [module for module, _line, _guarded in imported_modules(found[-1].text)]
    return tuple(found)
