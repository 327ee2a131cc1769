"""`klimakit export meebook|site`: publish the lesson library for Meebook and as a web site."""
from __future__ import annotations

from pathlib import Path

import click

from kit.cli.output import echo, err_console, plain
from kit.cli.translate import KitPath, group, option
from kit.export import FORMATS, ExportResult, export_meebook, export_site
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.lessons import Lesson, get_lesson, load_library


def _lessons(ids: tuple[str, ...]) -> list[Lesson]:
    return [get_lesson(i) for i in dict.fromkeys(ids)] if ids else load_library()


def _progress(done: int, total: int, lesson_id: str) -> None:
    err_console.print("  [{}/{}] {}".format(done, total, plain(lesson_id)))


def _report(result: ExportResult, what: str) -> None:
    err_console.print(ngettext(
        "[green]Done.[/green] {lessons} lesson, {files} files, {mb:.1f} MB: {what}",
        "[green]Done.[/green] {lessons} lessons, {files} files, {mb:.1f} MB: {what}",
        len(result.lessons)).format(lessons=len(result.lessons), files=result.files,
                                    mb=result.bytes / 1e6, what=plain(what)))
    echo(str(result.path))


@group()
def export() -> None:
    """Publish the lessons: a package for Meebook, or a web site.

    \b
    Examples:
      klimakit export meebook -o klimakit-meebook.zip
      klimakit export site -o klimakit-site
    """


@export.command()
@option("--lesson", "lesson_ids", multiple=True, metavar=N_("ID"),
        help=N_("Export only this lesson (repeat for more). Default: all lessons."))
@option("-o", "--out", type=KitPath(dir_okay=False, path_type=Path), default=None,
        help=N_("The file to write. Default: klimakit-meebook.zip (or .imscc)."))
@option("--format", "fmt", type=click.Choice(FORMATS), default="zip", show_default=True,
        help=N_("zip: pages to paste into Meebook. imscc: IMS Common Cartridge 1.1."))
def meebook(lesson_ids: tuple[str, ...], out: Path | None, fmt: str) -> None:
    """Make a package for Meebook: per lesson a page, copy blocks, worksheet and program.

    Meebook cannot import lessons, so the package is made for pasting: open a lesson's
    copy-blocks.html, copy one box at a time into the matching field of a Meebook course, and
    attach elevark.html, the .hex and the .py. index.html in the package explains the steps;
    manifest.json lists every lesson and file with a checksum. The same input always gives
    a byte-identical file.

    \b
    Examples:
      klimakit export meebook
      klimakit export meebook --lesson afkoeling -o afkoeling-meebook.zip
      klimakit export meebook --format imscc
    """
    out = out or Path("klimakit-meebook.{}".format("imscc" if fmt == "imscc" else "zip"))
    result = export_meebook(_lessons(lesson_ids), out, fmt=fmt, on_progress=_progress)
    _report(result, _("a package for Meebook") if fmt == "zip" else "IMS Common Cartridge")


@export.command()
@option("-o", "--out", type=KitPath(file_okay=False, path_type=Path),
        default=Path("klimakit-site"), show_default=True,
        help=N_("The folder to write (new, empty, or an earlier export)."))
def site(out: Path) -> None:
    """Make a web site of all lessons: search, filters, worksheets to print, programs.

    The site needs no internet and no server: open index.html from the folder or a USB
    stick, or copy the folder to any web host. Exporting again into the same folder
    updates it; a folder with other files in it is refused.

    \b
    Example:
      klimakit export site -o klimakit-site
    """
    result = export_site(_lessons(()), out, on_progress=_progress)
    _report(result, _("open {page}").format(page=result.path / "index.html"))


COMMANDS = [export]
