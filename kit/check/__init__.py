"""Check: `klimakit lessons check`, every lesson against its format and against real firmware.

Static checks (front matter, body, firmware compiled with the board's rules, begin() matching
the lesson) are kit/check/lesson.py; booting each V1 lesson's program in QEMU and reading its
header is kit/check/boot.py. Every problem is reported as file:line.
"""
from __future__ import annotations

from kit.check.boot import (
    BOOT_TIMEOUT_S, BootResult, boot_check, boot_lesson, boot_targets, lessons_to_boot,
)
from kit.check.lesson import Problem, check_firmware, check_lesson, check_library, check_paths

__all__ = [
    "BOOT_TIMEOUT_S", "BootResult", "Problem", "boot_check", "boot_lesson", "boot_targets",
    "check_firmware", "check_lesson", "check_library", "check_paths", "lessons_to_boot",
]
