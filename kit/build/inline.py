"""One-file views of a program, for tools that take a single file, and V1 hex for old callers.

On the board a program's modules are files of their own (kit/build/program.py). An editor that
takes one .py file (pasting into python.microbit.org, the Meebook package's .py) needs them
pasted into main.py instead: `inline_source` does that for modules imported as
`from <module> import ...`, the way every lesson program imports klima.
"""
from __future__ import annotations

import re

from kit.i18n import gettext as _
from kit.build.firmware import split_universal
from kit.build.program import Program
from kit.errors import FirmwareError
from kit.hardware import V1

_FROM_IMPORT = re.compile(r"^from\s+(\w+)\s+import\s+.+$")


def inline_source(program: Program) -> str:
    """main.py with each module pasted in where it is first imported (`from m import ...`).

    Raises FirmwareError if a module is imported any other way (`import m` would need its
    name to stay a module), since pasting it in would change what the program means.
    """
    modules = program.module_sources()
    out: list[str] = []
    pasted: set[str] = set()

    def paste(text: str) -> None:
        for line in text.splitlines():
            match = _FROM_IMPORT.match(line.strip())
            name = match.group(1) if match else ""
            if name in modules and line == line.lstrip():
                if name not in pasted:
                    pasted.add(name)
                    out.append("# --- {}.py ---".format(name))
                    paste(modules[name])
                    out.append("# --- end of {}.py ---".format(name))
                continue
            out.append(line)

    paste(program.source)
    missing = sorted(set(modules) - pasted)
    if missing:
        raise FirmwareError(_("{program}: {modules} cannot be pasted into one file (imported "
                              "other than as `from {first} import ...` at the top level); use "
                              "the .hex file, which has every file.").format(
                                  program=program.name, modules=", ".join(missing),
                                  first=missing[0]))
    return "\n".join(out) + "\n"


def universal_to_v1(universal_hex: str) -> str:
    """The V1 part of a universal hex as plain Intel hex (what QEMU loads), via universal-hex."""
    parts = split_universal(universal_hex)
    if V1 not in parts:
        raise FirmwareError(_("the hex has no micro:bit V1 part"))
    return parts[V1]
