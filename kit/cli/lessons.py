"""`klimakit lessons check` and `klimakit lessons list`: the lesson library for advisors."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kit.boards import qemu_binary
from kit.check import (
    BOOT_TIMEOUT_S, BootResult, Problem, boot_check, check_library, check_paths, lessons_to_boot,
)
from kit.cli.output import echo, err_console, json_text, plain, print_table
from kit.lessons import (
    BANDS, BOARD_VERSIONS, SENSORS, SUBJECTS, Lesson, LessonFilter, lesson_paths, load_lessons,
)
from kit.resources import firmware_dir, lessons_dir


@click.group()
def lessons() -> None:
    """Check and list the lesson library (lessons/<id>/lesson.md and their firmware).

    \b
    Examples:
      klimakit lessons list --grade 5
      klimakit lessons check
    """


def _shown(problem: Problem) -> str:
    """file:line: message, with the file relative to the current folder when it is inside."""
    path = problem.path
    try:
        path = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return str(Problem(path, problem.line, problem.message, problem.warning))


def _boot(targets: list[Lesson], firmware_root: Path, timeout: float) -> list[BootResult]:
    if not targets:
        return []
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=False) as progress:
        task = progress.add_task("QEMU (micro:bit V1)", total=len(targets))

        def done(result: BootResult) -> None:
            progress.update(task, advance=1, description="QEMU: {} {}".format(
                plain(result.lesson_id), "ok" if result.ok else "FAIL"))

        return boot_check(targets, firmware_root, timeout_s=timeout, on_done=done)


@lessons.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-qemu", is_flag=True, help="Skip booting the firmware on a virtual V1 board.")
@click.option("--firmware", "firmware_root", type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="Folder with the firmware programs (default: the library's).")
@click.option("--timeout", type=click.FloatRange(1, 120), default=BOOT_TIMEOUT_S,
              show_default=True, help="Seconds to wait for each program's header in QEMU.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. V1 code size).")
def check(paths: tuple[Path, ...], no_qemu: bool, firmware_root: Path | None, timeout: float,
          strict: bool) -> None:
    """Check lessons against lessons/README.md and boot their firmware in QEMU.

    Prints one `file:line: message` per problem on stdout (editors jump to these), a summary
    on stderr, and exits with 1 if anything must be fixed. Without PATHS the whole library is
    checked; PATHS may be lesson.md files, lesson folders or library folders.

    \b
    Examples:
      klimakit lessons check
      klimakit lessons check lessons/afkoeling --no-qemu
    """
    firmware_root = firmware_root or firmware_dir()
    if paths:
        found_paths, problems = check_paths(list(paths), firmware_root)
    else:
        found_paths, problems = lesson_paths(lessons_dir()), check_library(None, firmware_root)
    found, _ = load_lessons(found_paths)  # those that fail to load are reported by the check
    note = "QEMU skipped (--no-qemu)"
    booted: list[BootResult] = []
    if not no_qemu and qemu_binary() is None:
        note = ("QEMU skipped: qemu-system-arm is not installed "
                "(sudo apt-get install qemu-system-arm)")
    elif not no_qemu:
        booted = _boot(lessons_to_boot(found, problems), firmware_root, timeout)
        for result in booted:
            problems += list(result.problems)
        note = ("QEMU: {} of {} V1 programs booted and printed their header, {} also "
                "readings").format(sum(r.ok for r in booted), len(booted),
                                   sum(r.ok and r.data_lines > 0 for r in booted))
    for problem in sorted(set(problems)):
        echo(_shown(problem))
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    click.echo("{} lesson{} checked: {} problem{}, {} warning{}. {}.".format(
        len(found_paths), "" if len(found_paths) == 1 else "s", errors,
        "" if errors == 1 else "s", warnings, "" if warnings == 1 else "s", note), err=True)
    if errors or (strict and warnings):
        sys.exit(1)


def _row(lesson: Lesson) -> dict[str, object]:
    return {
        "id": lesson.id, "title": lesson.title, "summary": lesson.summary,
        "grades": list(lesson.grades), "bands": list(lesson.bands),
        "lessons": lesson.lesson_count, "subjects": list(lesson.subjects),
        "sensors": list(lesson.sensors), "boards": list(lesson.boards),
        "firmware": lesson.firmware, "path": str(lesson.path),
    }


@lessons.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the lessons as JSON on stdout.")
@click.option("--grade", type=click.IntRange(0, 10), help="Only lessons for this grade (0-10).")
@click.option("--band", type=click.Choice([name for name, _, _ in BANDS]),
              help="Only lessons reaching this band.")
@click.option("--subject", type=click.Choice(SUBJECTS, case_sensitive=False),
              help="Only lessons in this subject.")
@click.option("--sensor", type=click.Choice(SENSORS), help="Only lessons using this sensor.")
@click.option("--board", type=click.Choice(BOARD_VERSIONS),
              help="Only lessons whose firmware runs on this micro:bit version.")
def list_lessons(as_json: bool, grade: int | None, band: str | None, subject: str | None,
                 sensor: str | None, board: str | None) -> None:
    """List the lessons: title, grades, number of lessons, subjects, sensors, boards.

    Filters combine: `--grade 5 --sensor temperature` shows lessons for 5th grade that
    measure temperature. Lessons that cannot be loaded are named on stderr (run
    `klimakit lessons check`). KLIMAKIT_LESSONS points at another lesson folder.

    \b
    Examples:
      klimakit lessons list --grade 5
      klimakit lessons list --board v1 --json
    """
    loaded, errors = load_lessons(lesson_paths(lessons_dir()))
    for err in errors:
        echo("skipped: {} (run klimakit lessons check)".format(err), err=True)
    wanted = LessonFilter(grade, band, subject, sensor, board)
    shown = [lesson for lesson in loaded if wanted.matches(lesson)]
    if as_json:
        click.echo(json_text([_row(lesson) for lesson in shown]))
        return
    if not shown:
        err_console.print("No lessons match. `klimakit lessons list` shows all of them.")
        return
    print_table("Lektioner", ("Id", "Titel", "Klasse", "Lektioner", "Fag", "Sensorer", "micro:bit"),
                [[lesson.id, lesson.title,
                  "{}-{} {}".format(*lesson.grades, "/".join(lesson.bands)),
                  str(lesson.lesson_count), ", ".join(lesson.subjects),
                  ", ".join(lesson.sensors), ", ".join(lesson.boards)] for lesson in shown])


COMMANDS = [lessons]
