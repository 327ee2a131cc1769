"""Build: a program becomes a checked hex file a micro:bit (or QEMU) runs.

One function builds a lesson's program for every caller (`lesson_program`: flash, lesson check,
export, simulator, recording hash, demo); `build_target` turns what a teacher names (a lesson
id, a .py file, a .hex file) into a checked, cached hex; `inspect_hex` decodes a hex as DAPLink
would and says which micro:bit versions it is for. See docs/firmware.md.

Names load their module on first use (kit/lazy.py): the hex checker alone loads no
MicroPython runtime.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kit.lazy import lazy_exports

if TYPE_CHECKING:
    from kit.build.hexfile import DAPLINK_CHECKSUM, DAPLINK_PARSER, HexInfo, inspect_hex
    from kit.build.program import (
        MAX_SCRIPT_BYTES, V1_CODE_WARN_BYTES, Program, assemble, build_universal_hex, build_v1_hex,
        check_size, check_v1_syntax, file_program, firmware_file, lesson_program, universal_to_v1,
        v1_code_bytes, v1_memory_warning,
    )
    from kit.build.targets import BuiltHex, build_program, build_target, load_hex_file

_WHERE = {
    "kit.build.hexfile": ("DAPLINK_CHECKSUM", "DAPLINK_PARSER", "HexInfo", "inspect_hex"),
    "kit.build.program": ("MAX_SCRIPT_BYTES", "V1_CODE_WARN_BYTES", "Program", "assemble",
                          "build_universal_hex", "build_v1_hex", "check_size", "check_v1_syntax",
                          "file_program", "firmware_file", "lesson_program", "universal_to_v1",
                          "v1_code_bytes", "v1_memory_warning"),
    "kit.build.targets": ("BuiltHex", "build_program", "build_target", "load_hex_file"),
}
__all__ = [
    "DAPLINK_CHECKSUM", "DAPLINK_PARSER", "MAX_SCRIPT_BYTES", "V1_CODE_WARN_BYTES", "BuiltHex",
    "HexInfo", "Program", "assemble", "build_program", "build_target", "build_universal_hex",
    "build_v1_hex", "check_size", "check_v1_syntax", "file_program", "firmware_file",
    "inspect_hex", "lesson_program", "load_hex_file", "universal_to_v1", "v1_code_bytes",
    "v1_memory_warning",
]

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
