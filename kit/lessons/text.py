"""Lesson Markdown → safe HTML, and the files a lesson links to.

Lesson text is written by people, not by us, and ends up in a browser and in Meebook's editor,
so nothing in it may run: raw HTML is off (markdown-it shows it as text), every link target is
checked here instead of trusting markdown-it's defaults (only http, https, mailto and files in
the lesson folder), and a relative path may not leave the lesson folder. Problems are raised
as ExportError naming lesson.md and the line, so an author can fix them.
"""
from __future__ import annotations

import base64
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

from kit.errors import ExportError

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https", "mailto")
IMAGE_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml",
}
LARGE_ASSET_BYTES = 1_000_000  # Meebook's editor and school networks like images under ~1 MB
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


class TargetRefused(ExportError):
    """A link or image target the export refuses, with its line, so a checker can list them all."""

    def __init__(self, lesson_file: Path, line: int, message: str) -> None:
        super().__init__("{}:{}: {}".format(lesson_file, line, message))
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Asset:
    """A file in the lesson folder that the lesson links to, exported beside its pages."""

    name: str  # posix path relative to the lesson folder, e.g. "img/kurve.png"
    source: Path

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.name).suffix.lower() in IMAGE_TYPES

    def data_uri(self) -> str:
        """The file as a data: URI, so a page works on its own (attached or pasted)."""
        mime = IMAGE_TYPES[PurePosixPath(self.name).suffix.lower()]
        return "data:{};base64,{}".format(mime, base64.b64encode(self.source.read_bytes()).decode())


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
        try:
            self._lines = lesson_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self._lines = []

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

    def link_problems(self, text: str, line: int = 1) -> list[tuple[int, str]]:
        """(line, message) for every link in Markdown `text` that the export would refuse.

        For `klimakit lessons check`, so an author learns before exporting, by the very rules
        the export applies. Images are left to kit.lessons.rules (its wording is about the
        offline library).
        """
        problems: list[tuple[int, str]] = []
        for token in _MD.parse(text, {}):
            line_here = line + token.map[0] if token.map else line
            for child in token.children or ():
                if child.type == "link_open":
                    try:
                        self._target(str(child.attrGet("href") or ""), line_here, image=False)
                    except TargetRefused as err:
                        problems.append((err.line, err.message))
        return problems

    def _check_targets(self, tokens: Sequence[Token], line: int) -> None:
        for token in tokens:
            if token.map:
                line_here = line + token.map[0]
            else:
                line_here = line
            for child in token.children or ():
                if child.type == "image":
                    child.attrSet("src", self._target(str(child.attrGet("src") or ""), line_here,
                                                      image=True))
                elif child.type == "link_open":
                    child.attrSet("href", self._target(str(child.attrGet("href") or ""),
                                                       line_here, image=False))

    def _target(self, url: str, line: int, image: bool) -> str:
        """Return the URL to put in the page, or raise if the lesson may not link there."""
        raw = unquote(url)
        what = "image" if image else "link"
        where = self._line_of(raw, line)
        if url.startswith("#") and not image:
            return url
        scheme = _SCHEME.match(raw)
        if scheme and not _DRIVE.match(raw):
            if scheme.group(1).lower() in ALLOWED_SCHEMES and not image:
                return url
            if image:
                self._fail(where, "{} {!r} is not a file in the lesson folder; images must be "
                                  "files beside lesson.md (schools filter the network)"
                                  .format(what, raw))
            self._fail(where, "{} {!r} uses '{}:', which a lesson may not use; use an http(s) "
                              "address or a file in the lesson folder"
                              .format(what, raw, scheme.group(1)))
        if url.startswith("//"):
            self._fail(where, "{} {!r} has no scheme; write it as https://…".format(what, raw))
        asset = self.resolve(raw.split("#", 1)[0].split("?", 1)[0], where, what)
        if image and not asset.is_image:
            self._fail(where, "image {!r} is not a picture ({})".format(
                raw, ", ".join(sorted(IMAGE_TYPES))))
        self.assets[asset.name] = asset
        if image and self.embed_images:
            return asset.data_uri()
        fragment = "#" + raw.split("#", 1)[1] if "#" in raw else ""
        return quote(asset.name) + fragment

    def resolve(self, relative: str, line: int, what: str = "file") -> Asset:
        """Check a relative path stays inside the lesson folder and exists."""
        parts = PurePosixPath(relative).parts
        if (not relative or relative.startswith(("/", "\\")) or _DRIVE.match(relative)
                or "\\" in relative or ".." in parts or "\x00" in relative):
            self._fail(line, "{} {!r} leaves the lesson folder; put the file in {}/ and link it "
                             "by its name, e.g. 'billede.png'".format(what, relative,
                                                                       self.folder.name))
        source = self.folder.joinpath(*parts)
        try:
            inside = self.folder.resolve() in source.resolve().parents
        except OSError:
            inside = False
        if not inside:
            self._fail(line, "{} {!r} leaves the lesson folder (a link points outside {}/)"
                             .format(what, relative, self.folder.name))
        if not source.is_file():
            self._fail(line, "{} {!r} not found: add it to {}/ or fix the name".format(
                what, relative, self.folder.name))
        size = source.stat().st_size
        if size > LARGE_ASSET_BYTES:
            log.warning("%s:%d: %s is %d KB; keep files under 1 MB", self.lesson_file, line,
                        relative, size // 1000)
        return Asset(PurePosixPath(*parts).as_posix(), source)

    def _line_of(self, target: str, start: int) -> int:
        """The line of lesson.md at or after `start` that contains the link target.

        Markdown may have changed the target (escapes, entities), so the file name alone is
        tried next.
        """
        for needle in (target, re.split(r"[/\\]", target)[-1]):
            for number in range(max(start, 1), len(self._lines) + 1):
                if needle and needle in self._lines[number - 1]:
                    return number
        return start

    def _fail(self, line: int, message: str) -> NoReturn:
        raise TargetRefused(self.lesson_file, line, message)
