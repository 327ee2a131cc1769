"""Validate lessons against lessons/README.md and report every problem as file:line.

A lesson writer fixes problems one line at a time, so every problem names the exact line: the
front-matter key (or list item) from the loader's node lines, the `##` heading, the image line
in the body, or the firmware file and line. Checks are static (no board, no QEMU); booting the
firmware in QEMU is kit/check/boot.py.
"""
from __future__ import annotations

import ast
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from kit.i18n import gettext as _
from kit.build import firmware_file, lesson_program, v1_memory_warning
from kit.errors import FirmwareError, LessonError, LessonFormatError
from kit.hardware import V1
from kit.lessons import (
    LESSON_FILE, Lesson, body_problems, front_matter_problems, lesson_paths, load_lesson,
)
from kit.resources import lessons_dir
from kit.build import parse_python

log = logging.getLogger(__name__)

_FILE_LINE = re.compile(r"^(.+?):(\d+): (.*)$", re.S)
# printable ASCII without space or comma: the header splits on them
_UNIT = re.compile(r"^[!-+\--~]*$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to fix, at one line of one file. Warnings do not fail a check unless --strict."""

    path: Path
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        if self.warning:
            return _("{path}:{line}: warning: {message}").format(
                path=self.path, line=self.line, message=self.message)
        return "{}:{}: {}".format(self.path, self.line, self.message)


def check_lesson(lesson_or_path: Lesson | Path, firmware_root: Path | None = None) -> list[Problem]:
    """Check one lesson (a Lesson, its lesson.md or its folder); return problems sorted by line."""
    if isinstance(lesson_or_path, Lesson):
        lesson = lesson_or_path
    else:
        try:
            lesson = load_lesson(Path(lesson_or_path))
        except LessonFormatError as err:
            return [Problem(Path(err.path), err.line, err.message)]
        except LessonError as err:
            return [Problem(Path(lesson_or_path), 1, str(err))]
    problems = [
        Problem(lesson.path, lesson.line_of(*where), message)
        for where, message in front_matter_problems(lesson)
    ]
    problems += [Problem(path, line, message) for path, line, message in body_problems(lesson)]
    problems += check_firmware(lesson, firmware_root)
    return sorted(set(problems))


def check_library(root: Path | None = None, firmware_root: Path | None = None) -> list[Problem]:
    """Check every lesson under `root` (default: the installed library)."""
    root = Path(root) if root is not None else lessons_dir()
    problems: list[Problem] = []
    if not root.is_dir():
        return [Problem(root, 1, _("lesson folder not found"))]
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not folder.name.startswith((".", "_")) and not (folder / LESSON_FILE).is_file():
            problems.append(Problem(folder, 1, _("folder has no {file}").format(file=LESSON_FILE)))
    paths = lesson_paths(root)
    if not paths:
        problems.append(Problem(root, 1, _("no lessons found (expected <id>/{file})").format(
            file=LESSON_FILE)))
    for path in paths:
        problems += check_lesson(path, firmware_root)
    return problems


def check_paths(
    paths: list[Path], firmware_root: Path | None = None
) -> tuple[list[Path], list[Problem]]:
    """Check files and folders as a user names them: a lesson.md, a lesson folder, a library.

    Returns the lesson.md files found and the problems.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        path = Path(path)
        if path.is_dir() and not (path / LESSON_FILE).is_file():
            found += lesson_paths(path)
            problems += check_library(path, firmware_root)
        else:
            found.append(path / LESSON_FILE if path.is_dir() else path)
            problems += check_lesson(path, firmware_root)
    return found, problems


def check_firmware(lesson: Lesson, firmware_root: Path | None = None) -> list[Problem]:
    """Check the lesson's firmware: exists, compiles for its boards, begin(...) matches, fits.

    Every file (main program and modules) is compiled with the compiler of each micro:bit
    version the lesson runs on, and must fit each version's filesystem.
    """
    name = lesson.meta.get("firmware")
    if not isinstance(name, str):
        return []  # reported by the front-matter rules
    key_line = lesson.line_of("firmware")
    path = firmware_file(name, firmware_root)
    if path is None:
        return [Problem(lesson.path, key_line,
                        _("firmware must be a program name in firmware/, e.g. 'afkoeling' "
                          "(letters, digits, '_', '-'; no folders), not {name!r}").format(
                              name=name))]
    if not path.is_file():
        return [Problem(lesson.path, key_line, _("firmware file {path} not found").format(
            path=path))]
    try:
        program = lesson_program(lesson, firmware_root)
    except FirmwareError as err:
        return [_firmware_problem(err, path)]
    problems = _check_begin(lesson, path)
    # lesson_program compiled every file with each board's compiler and checked the sizes
    # against each filesystem: what building the hex would refuse is refused there.
    problems += [_firmware_problem(note, path, warning=True) for note in program.notes]
    warning = v1_memory_warning(program) if lesson.runs_on(V1) else ""
    if warning:
        problems.append(Problem(path, 1, warning, warning=True))
    return problems


def _firmware_problem(err: FirmwareError | str, path: Path, warning: bool = False) -> Problem:
    match = _FILE_LINE.match(str(err))
    if match:
        return Problem(Path(match.group(1)), int(match.group(2)), match.group(3), warning)
    return Problem(path, 1, str(err), warning)


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)  # an AST node: no source is parsed
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _is_begin(node: ast.AST) -> TypeGuard[ast.Call]:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "begin") or (
        isinstance(func, ast.Attribute) and func.attr == "begin"
    )


def _parse(path: Path) -> ast.Module | None:
    try:
        return parse_python(path.read_text(encoding="utf-8-sig"), filename=str(path))
    except (SyntaxError, ValueError):
        return None


def _check_begin(lesson: Lesson, path: Path) -> list[Problem]:
    """Read begin("<id>", (<names>), (<units>)) statically and compare it with lesson.md."""
    tree = _parse(path)
    if tree is None:  # the board compiles it, CPython does not (e.g. tabs and spaces mixed)
        return [Problem(path, 1, _("begin(...) cannot be checked: Python on a PC cannot read "
                                   "this file"), warning=True)]
    problems: list[Problem] = []
    if ast.get_docstring(tree) is None:
        problems.append(Problem(path, 1, _("the program must start with a docstring saying "
                                           "what it measures and prints")))
    calls = [node for node in ast.walk(tree) if _is_begin(node)]
    if not calls:
        problems.append(Problem(path, 1, _(
            "the program never calls begin({lesson!r}, (<field names>), (<units>)) from klima, "
            "so no '# klimakit' header line is printed").format(lesson=lesson.id)))
    expected = tuple(field.name for field in lesson.experiment.fields)
    fields_line = lesson.line_of("experiment", "fields")
    for call in calls:
        args: list[ast.expr] = list(call.args)
        args += [kw.value for kw in call.keywords]
        values = [_literal(arg) for arg in args]
        if len(values) != 3 or not isinstance(values[0], str) or not all(
            isinstance(v, (tuple, list)) and all(isinstance(x, str) for x in v) for v in values[1:]
        ):
            problems.append(Problem(path, call.lineno, _(
                'write begin("{lesson}", ("name", ...), ("unit", ...)) with the lesson id, '
                "field names and units spelled out, so they can be checked against lesson.md"
            ).format(lesson=lesson.id)))
            continue
        lesson_id, names, units = values[0], tuple(values[1]), tuple(values[2])
        if lesson_id != lesson.id:
            problems.append(Problem(path, call.lineno, _(
                "begin() names lesson {named!r} but {path} has id {lesson!r}").format(
                    named=lesson_id, path=lesson.path, lesson=lesson.id)))
        if names != expected:
            problems.append(Problem(path, call.lineno, _(
                "begin() declares fields ({names}) but {path}:{line} experiment.fields are "
                "({expected}); they must be the same names in the same order").format(
                    names=", ".join(names), path=lesson.path, line=fields_line,
                    expected=", ".join(expected))))
        if len(units) != len(names):
            problems.append(Problem(path, call.lineno, _(
                "begin() has {names} field names but {units} units").format(
                    names=len(names), units=len(units))))
        bad = [unit for unit in units if not _UNIT.match(unit)]
        if bad:
            problems.append(Problem(path, call.lineno, _(
                "units {units} must be plain ASCII without spaces or commas (the header line "
                "splits on them), e.g. 'C' for °C").format(units=", ".join(repr(u) for u in bad))))
    return problems

