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
from kit.cli.translate import KitPath, argument, group, option
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.lessons import (
    BANDS, BOARD_VERSIONS, SENSORS, SUBJECTS, Lesson, LessonFilter, lesson_paths, load_lessons,
    sensor_label,
)
from kit.resources import firmware_dir, lessons_dir


@group()
def lessons() -> None:
    """Check and list the lessons (lessons/<id>/lesson.md and their programs).

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
            progress.update(task, advance=1, description=(
                _("QEMU: {lesson} ok") if result.ok else _("QEMU: {lesson} FAILED")).format(
                    lesson=plain(result.lesson_id)))

        return boot_check(targets, firmware_root, timeout_s=timeout, on_done=done)


@lessons.command()
@argument("paths", nargs=-1, type=KitPath(exists=True, path_type=Path), metavar=N_("[PATHS]..."))
@option("--no-qemu", is_flag=True,
        help=N_("Do not start the programs on a virtual micro:bit V1 (QEMU)."))
@option("--firmware", "firmware_root", type=KitPath(exists=True, file_okay=False,
        path_type=Path), help=N_("Folder with the programs (default: the library's)."))
@option("--timeout", type=click.FloatRange(1, 120), default=BOOT_TIMEOUT_S,
        show_default=True, metavar=N_("SECONDS"),
        help=N_("Seconds to wait for each program's header line in QEMU."))
@option("--strict", is_flag=True, help=N_("Fail on warnings too (e.g. V1 program size)."))
def check(paths: tuple[Path, ...], no_qemu: bool, firmware_root: Path | None, timeout: float,
          strict: bool) -> None:
    """Check lessons against lessons/README.md and start their programs in QEMU.

    Prints one `file:line: message` per problem on stdout (editors jump to these), a summary
    on stderr, and exits with 1 if anything must be fixed. Without PATHS every lesson is
    checked; PATHS may be lesson.md files, lesson folders or folders of lessons.

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
    found, _failed = load_lessons(found_paths)  # those that fail to load are reported by the check
    note = _("QEMU skipped (--no-qemu).")
    booted: list[BootResult] = []
    if not no_qemu and qemu_binary() is None:
        note = _("QEMU skipped: qemu-system-arm is not installed "
                 "(sudo apt-get install qemu-system-arm).")
    elif not no_qemu:
        booted = _boot(lessons_to_boot(found, problems), firmware_root, timeout)
        for result in booted:
            problems += list(result.problems)
        note = ngettext(
            "QEMU: {ok} of {count} V1 program started and printed its header line, {data} "
            "also readings.",
            "QEMU: {ok} of {count} V1 programs started and printed their header line, {data} "
            "also readings.", len(booted)).format(
                ok=sum(r.ok for r in booted), count=len(booted),
                data=sum(r.ok and r.data_lines > 0 for r in booted))
    for problem in sorted(set(problems)):
        echo(_shown(problem))
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    echo(" ".join((
        ngettext("{count} lesson checked:", "{count} lessons checked:", len(found_paths)).format(
            count=len(found_paths)),
        ngettext("{count} problem,", "{count} problems,", errors).format(count=errors),
        ngettext("{count} warning.", "{count} warnings.", warnings).format(count=warnings),
        note)), err=True)
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
@option("--json", "as_json", is_flag=True, help=N_("Print the lessons as JSON on stdout."))
@option("--grade", type=click.IntRange(0, 10), metavar=N_("GRADE"),
        help=N_("Only lessons for this grade (0-10)."))
@option("--band", type=click.Choice([name for name, _first, _last in BANDS]),
        help=N_("Only lessons reaching this band of grades."))
@option("--subject", type=click.Choice(SUBJECTS, case_sensitive=False),
        help=N_("Only lessons in this subject."))
@option("--sensor", type=click.Choice(SENSORS), help=N_("Only lessons using this sensor."))
@option("--board", type=click.Choice(BOARD_VERSIONS),
        help=N_("Only lessons whose program runs on this micro:bit version."))
def list_lessons(as_json: bool, grade: int | None, band: str | None, subject: str | None,
                 sensor: str | None, board: str | None) -> None:
    """List the lessons: title, grades, number of 45-minute lessons, subjects, sensors.

    Filters combine: `--grade 5 --sensor temperature` shows lessons for 5th grade that
    measure temperature. Lessons that cannot be loaded are named on stderr (run
    `klimakit lessons check`). KLIMAKIT_LESSONS points at another folder of lessons.

    \b
    Examples:
      klimakit lessons list --grade 5
      klimakit lessons list --board v1 --json
    """
    loaded, errors = load_lessons(lesson_paths(lessons_dir()))
    for err in errors:
        echo(_("skipped: {problem} (run klimakit lessons check)").format(problem=err), err=True)
    wanted = LessonFilter(grade, band, subject, sensor, board)
    shown = [lesson for lesson in loaded if wanted.matches(lesson)]
    if as_json:
        click.echo(json_text([_row(lesson) for lesson in shown]))
        return
    if not shown:
        echo(_("No lessons match. `klimakit lessons list` shows all of them."), err=True)
        return
    print_table(_("Lessons"), (_("Id"), _("Title"), _("Grades"), _("Subjects"), _("Sensors"),
                               "micro:bit"),
                [[lesson.id,
                  [lesson.title, ngettext("{count} lesson of 45 min", "{count} lessons of 45 min",
                                          lesson.lesson_count).format(count=lesson.lesson_count)],
                  "{}-{}".format(*lesson.grades), lesson.subjects,
                  [sensor_label(sensor) for sensor in lesson.sensors],
                  " ".join(board.upper() for board in lesson.boards)] for lesson in shown])


COMMANDS = [lessons]
