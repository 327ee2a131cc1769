"""Publish the lesson library: a Meebook package (zip or IMS Common Cartridge) and a static site.

    from kit.export import export_meebook, export_site
    export_meebook(load_library(), Path("klimakit-meebook.zip"))

Everything is built in memory first (kit.export.bundle), then written in one go, so a failed
export leaves no half-written package. See docs/publishing.md.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.i18n import gettext as _
from kit.errors import ExportError
from kit.export.bundle import Bundle
from kit.export.imscc import add_imsmanifest
from kit.export.lessonfiles import Progress
from kit.export.meebook import build_meebook
from kit.export.pages import FirmwareCache
from kit.export.site import build_site
from kit.lessons import Lesson

FORMATS = ("zip", "imscc")
__all__ = ["FORMATS", "ExportResult", "FirmwareCache", "export_meebook", "export_site"]


@dataclass(frozen=True)
class ExportResult:
    """Where an export went and what it holds."""

    path: Path
    lessons: tuple[str, ...]
    files: int
    bytes: int


def _check(lessons: Sequence[Lesson]) -> None:
    if not lessons:
        raise ExportError(_("no lessons to export. Add lessons/<id>/lesson.md or set "
                            "KLIMAKIT_LESSONS to a folder of lessons."))


def export_meebook(lessons: Sequence[Lesson], out: Path, fmt: str = "zip",
                   cache: FirmwareCache | None = None,
                   on_progress: Progress | None = None) -> ExportResult:
    """Write the Meebook package as a zip, or (fmt="imscc") as an IMS Common Cartridge."""
    _check(lessons)
    if fmt not in FORMATS:
        raise ExportError(_("unknown format {format!r}; use one of {known}").format(
            format=fmt, known=", ".join(FORMATS)))
    bundle, pages = build_meebook(lessons, cache, on_progress)
    if fmt == "imscc":
        add_imsmanifest(bundle, pages)
    size = bundle.write_zip(out)
    return ExportResult(Path(out), tuple(p.id for p in pages), len(bundle.files), size)


def export_site(lessons: Sequence[Lesson], out_dir: Path, cache: FirmwareCache | None = None,
                on_progress: Progress | None = None) -> ExportResult:
    """Write the static site into a new, empty or previously exported folder."""
    _check(lessons)
    bundle: Bundle
    bundle, pages = build_site(lessons, cache, on_progress)
    bundle.write_dir(out_dir)
    size = sum(len(data) for data in bundle.files.values())
    return ExportResult(Path(out_dir), tuple(p.id for p in pages), len(bundle.files), size)
