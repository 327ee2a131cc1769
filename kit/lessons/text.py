"""Lesson Markdown → safe HTML, and the files a lesson links to.

Lesson text is written by people, not by us, and ends up in a browser and in Meebook's editor,
so nothing in it may run: raw HTML is off (markdown-it shows it as text), every link target is
checked here instead of trusting markdown-it's defaults (only http, https, mailto and files in
the lesson folder), and a relative path may not leave the lesson folder. Problems are raised
as ExportError naming lesson.md and the line, so an author can fix them.

A file the lesson links to must also *be* the lesson's: a regular file (no pipe or device), at
most MAX_ASSET_BYTES, whose every name on the disk is inside the lesson folder (a hard link to
a file elsewhere is found in kit/lessons/assets.py; symlinks are found by resolving).
"""
from __future__ import annotations

import logging
import re
import stat
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

from kit.errors import ExportError, LessonFormatError
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.lessons.assets import IMAGE_TYPES, MAX_ASSET_BYTES, Asset, names_outside
from kit.lessons.frontmatter import MAX_LESSON_BYTES, read_lesson_file

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https", "mailto")
# The noun that starts a message about a lesson's file, image or link (Danish: "billedet").
TARGET_WORDS = {"file": N_("file"), "image": N_("image"), "link": N_("link")}
LARGE_ASSET_BYTES = 1_000_000  # Meebook's editor and school networks like images under ~1 MB
# A link's line is searched from the previous link's line, this far at most: linear time even
# for a paragraph of 10,000 links (it used to search to the end of the file for each one).
LINE_WINDOW = 200
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_DRIVE = re.compile(r"^[a-zA-Z]:")


def _fence(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Code blocks without the language class: copy blocks must be plain HTML."""
    return "<pre><code>" + escapeHtml(tokens[idx].content) + "</code></pre>\n"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Every target reaches _check_targets, which decides; markdown-it's own filter would turn a
    # javascript: link silently into text, and the author would never learn why.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.add_render_rule("fence", _fence)
    return md


_MD = _markdown()


def parse_markdown(text: str) -> list[Token]:
    """Parse lesson Markdown as the export does (so a check sees the tokens the export sees)."""
    return _MD.parse(text, {})


def find_line(lines: Sequence[str], needles: Sequence[str], start: int) -> int | None:
    """The first line number from `start` on (1-based, at most LINE_WINDOW lines) containing
    one of the needles, tried in order; None if none does.

    The window reaches past the token's own block on purpose: a section is rendered from its
    stripped text, so its line numbers may be a few lines early.
    """
    stop = min(start + LINE_WINDOW, len(lines))
    for needle in needles:
        if needle:
            for number in range(max(start, 1), stop + 1):
                if needle in lines[number - 1]:
                    return number
    return None


def block_line(token: Token, first_line: int) -> int:
    """The first line of a block token in the file whose text starts at first_line."""
    return first_line + token.map[0] if token.map else first_line


class TargetRefused(ExportError):
    """A link or image target the export refuses, with its line, so a checker can list them all."""

    def __init__(self, lesson_file: Path, line: int, message: str) -> None:
        super().__init__("{}:{}: {}".format(lesson_file, line, message))
        self.line = line
        self.message = message


class LessonText:
    """Renders one lesson's Markdown and collects the assets it uses.

    `embed_images` puts images into the HTML as data: URIs (Meebook package: a page can be
    attached or pasted on its own); otherwise images are linked by relative name (site).
    """

    def __init__(self, lesson_file: Path, embed_images: bool = False) -> None:
        self.lesson_file = lesson_file
        self.folder = lesson_file.parent
        self.embed_images = embed_images
        self.assets: dict[str, Asset] = {}
        self._inodes: dict[tuple[int, int], int] = {}
        try:
            self.lines = read_lesson_file(lesson_file).splitlines()
        except LessonFormatError:
            self.lines = []

    def block(self, text: str, line: int = 1) -> Markup:
        """Render Markdown blocks (a body section) to HTML."""
        env: dict[str, Any] = {}
        tokens = _MD.parse(text, env)
        self._check_targets(tokens, line)
        return Markup(_MD.renderer.render(tokens, _MD.options, env))

    def inline(self, text: str, line: int = 1) -> Markup:
        """Render one front-matter value (inline Markdown, no paragraphs) to HTML."""
        env: dict[str, Any] = {}
        tokens = _MD.parseInline(text, env)
        self._check_targets(tokens, line)
        return Markup(_MD.renderer.render(tokens, _MD.options, env))

    def link_problems(self, tokens: Sequence[Token], line: int = 1) -> list[tuple[int, str]]:
        """(line, message) for every link in parsed Markdown (parse_markdown) that the export
        would refuse.

        For `klimakit lessons check`, so an author learns before exporting, by the very rules
        the export applies. Images are left to kit.lessons.rules (its wording is about the
        offline library).
        """
        problems: list[tuple[int, str]] = []
        for child, where in self._targets(tokens, line):
            if child.type == "link_open":
                try:
                    self._target(str(child.attrGet("href") or ""), where, image=False)
                except TargetRefused as err:
                    problems.append((err.line, err.message))
        return problems

    def _targets(self, tokens: Sequence[Token], line: int) -> list[tuple[Token, int]]:
        """Every link and image token with its line: searched forward from the previous one."""
        found: list[tuple[Token, int]] = []
        for token in tokens:
            cursor = block_line(token, line)
            for child in token.children or ():
                if child.type in ("image", "link_open"):
                    target = unquote(str(child.attrGet("src" if child.type == "image" else
                                                       "href") or ""))
                    cursor = find_line(self.lines, (target, re.split(r"[/\\]", target)[-1]),
                                       cursor) or cursor
                    found.append((child, cursor))
        return found

    def _check_targets(self, tokens: Sequence[Token], line: int) -> None:
        for child, where in self._targets(tokens, line):
            if child.type == "image":
                child.attrSet("src", self._target(str(child.attrGet("src") or ""), where,
                                                  image=True))
            else:
                child.attrSet("href", self._target(str(child.attrGet("href") or ""), where,
                                                   image=False))

    def _target(self, url: str, where: int, image: bool) -> str:
        """Return the URL to put in the page, or raise if the lesson may not link there."""
        raw = unquote(url)
        what = _(TARGET_WORDS["image" if image else "link"])
        if url.startswith("#") and not image:
            return url
        scheme = _SCHEME.match(raw)
        if scheme and not _DRIVE.match(raw):
            if scheme.group(1).lower() in ALLOWED_SCHEMES and not image:
                return url
            if image:
                self._fail(where, _("image {target!r} is not a file in the lesson folder; "
                                    "images must be files beside lesson.md (schools filter the "
                                    "network)").format(target=raw))
            self._fail(where, _("{what} {target!r} uses '{scheme}:', which a lesson may not use; "
                                "use an http(s) address or a file in the lesson folder").format(
                                    what=what, target=raw, scheme=scheme.group(1)))
        if url.startswith("//"):
            self._fail(where, _("{what} {target!r} has no scheme; write it as https://…").format(
                what=what, target=raw))
        asset = self.resolve(raw.split("#", 1)[0].split("?", 1)[0], where,
                             "image" if image else "link")
        if image and not asset.is_image:
            self._fail(where, _("image {target!r} is not a picture ({types})").format(
                target=raw, types=", ".join(sorted(IMAGE_TYPES))))
        self.assets[asset.name] = asset
        if image and self.embed_images:
            return asset.data_uri()
        fragment = "#" + raw.split("#", 1)[1] if "#" in raw else ""
        return quote(asset.name) + fragment

    def resolve(self, relative: str, line: int, what: str = "file") -> Asset:
        """Check a relative path stays inside the lesson folder and exists.

        `what` ("file", "image", "link") names it in the message (TARGET_WORDS)."""
        parts = PurePosixPath(relative).parts
        words = {"what": _(TARGET_WORDS.get(what, what)), "target": relative,
                 "folder": self.folder.name}
        if (not relative or relative.startswith(("/", "\\")) or _DRIVE.match(relative)
                or "\\" in relative or ".." in parts or "\x00" in relative):
            self._fail(line, _("{what} {target!r} leaves the lesson folder; put the file in "
                               "{folder}/ and link it by its name, e.g. 'billede.png'")
                       .format(**words))
        source = self.folder.joinpath(*parts)
        try:
            inside = self.folder.resolve() in source.resolve().parents
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            self._fail(line, _("{what} {target!r} is a link that goes round in a circle; put "
                               "the file itself in {folder}/").format(**words))
        if not inside:
            self._fail(line, _("{what} {target!r} leaves the lesson folder (a link points "
                               "outside {folder}/)").format(**words))
        try:
            info = source.stat()
        except OSError:
            self._fail(line, _("{what} {target!r} not found: add it to {folder}/ or fix the "
                               "name").format(**words))
        if not stat.S_ISREG(info.st_mode):
            self._fail(line, _("{what} {target!r} is not an ordinary file (a folder, pipe or "
                               "device); link a file in {folder}/").format(**words))
        if info.st_size > MAX_ASSET_BYTES:
            self._fail(line, _("{what} {target!r} is {size} MB; a lesson's files may be at most "
                               "{most} MB: make it smaller or link to it on the web").format(
                                   size=info.st_size // 1_000_000,
                                   most=MAX_ASSET_BYTES // 1_000_000, **words))
        outside = names_outside(source, self.folder, self._inodes)
        if outside:
            self._fail(line, ngettext(
                "{what} {target!r} is a hard link: the same file also has {count} name outside "
                "{folder}/, so it may be someone else's file; the export copies only the "
                "lesson's own files: replace it with a copy (cp --remove-destination ORIGINAL "
                "{target})",
                "{what} {target!r} is a hard link: the same file also has {count} names outside "
                "{folder}/, so it may be someone else's file; the export copies only the "
                "lesson's own files: replace it with a copy (cp --remove-destination ORIGINAL "
                "{target})", outside).format(count=outside, **words))
        if info.st_size > LARGE_ASSET_BYTES:
            log.warning("%s:%d: %s is %d KB; keep files under 1 MB", self.lesson_file, line,
                        relative, info.st_size // 1000)
        return Asset(PurePosixPath(*parts).as_posix(), source, (info.st_dev, info.st_ino))

    def read_own_file(self, relative: str) -> str:
        """Read a Markdown file of the lesson (elevark.md) by the rules for linked files."""
        asset = self.resolve(relative, 1)
        if asset.source.stat().st_size > MAX_LESSON_BYTES:
            self._fail(1, _("{file} is larger than {most} KB; keep the worksheet short and put "
                            "data in its own file").format(file=relative,
                                                           most=MAX_LESSON_BYTES // 1000))
        try:
            return asset.read().decode("utf-8")
        except UnicodeDecodeError:
            self._fail(1, _("{file} is not UTF-8 text; save it as UTF-8").format(file=relative))

    def _fail(self, line: int, message: str) -> NoReturn:
        raise TargetRefused(self.lesson_file, line, message)
