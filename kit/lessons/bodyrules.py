"""The rules of lessons/README.md for a lesson's Markdown body and its worksheet (elevark.md).

The Markdown is read with the export's own parser (kit/lessons/text.py: headings, images and
links outside code blocks), once per file, and the files it names are judged by the export's
own rules, so `klimakit lessons check` reports what the export would refuse, as (file, line,
message).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from kit.i18n import gettext as _
from kit.lessons.library import REQUIRED_SECTIONS, WORKSHEET_FILE, Lesson
from kit.lessons.text import LessonText, TargetRefused, block_line, find_line, parse_markdown

_TIMED = re.compile(r"\d+\s*min", re.I)


def _headings(tokens: list[Token], first_line: int) -> list[tuple[str, int]]:
    return [(tokens[i + 1].content.strip(), first_line + (tok.map or [0])[0])
            for i, tok in enumerate(tokens[:-1]) if tok.type == "heading_open" and tok.tag == "h2"]


def _section_problems(lesson: Lesson, headings: list[tuple[str, int]]
                      ) -> list[tuple[Path, int, str]]:
    """Required `##` sections present, once, in order, not empty; timed activities."""
    end_line = lesson.body_line + lesson.body.count("\n")
    found: dict[str, int] = {}
    problems: list[tuple[Path, int, str]] = []
    for title, line in headings:
        if title in found:
            problems.append((lesson.path, line, _("section '## {title}' appears twice (also "
                                                  "line {line})").format(title=title,
                                                                         line=found[title])))
        else:
            found[title] = line
    last_title, last_line = "", 0
    for index, title in enumerate(REQUIRED_SECTIONS):
        if title not in found:
            after = [found[t] for t in REQUIRED_SECTIONS[index + 1:] if t in found]
            problems.append((lesson.path, min(after) if after else end_line, _(
                "missing section '## {title}' (required, in this order: {sections})").format(
                    title=title, sections=", ".join(REQUIRED_SECTIONS))))
            continue
        line = found[title]
        if line < last_line:
            problems.append((lesson.path, line, _(
                "section '## {title}' must come after '## {before}' (line {line})").format(
                    title=title, before=last_title, line=last_line)))
        else:
            last_title, last_line = title, line
        text = lesson.sections.get(title, "").strip()
        if not text:
            problems.append((lesson.path, line, _("section '## {title}' is empty").format(
                title=title)))
        elif title == "Forløb" and not _TIMED.search(text):
            problems.append((lesson.path, line, _("'## Forløb' needs times for the activities, "
                                                  "e.g. '1. (10 min) ...'")))
    return problems


def body_problems(lesson: Lesson) -> list[tuple[Path, int, str]]:
    """Sections (see _section_problems), images and links of the body and of elevark.md.

    The Markdown is parsed once per file (a 1 MB body of '[' takes seconds to parse).
    """
    tokens = parse_markdown(lesson.body)
    problems = _section_problems(lesson, _headings(tokens, lesson.body_line))
    text = LessonText(lesson.path)
    problems += image_problems(text, tokens, lesson.body_line)
    problems += link_problems(text, tokens, lesson.body_line)
    if (lesson.folder / WORKSHEET_FILE).exists():
        try:
            sheet_text = text.read_own_file(WORKSHEET_FILE)
        except TargetRefused as err:
            return problems + [(lesson.folder / WORKSHEET_FILE, 1, err.message)]
        worksheet = LessonText(lesson.folder / WORKSHEET_FILE)
        sheet = parse_markdown(sheet_text)
        problems += image_problems(worksheet, sheet, 1)
        problems += link_problems(worksheet, sheet, 1)
    return problems


def link_problems(text: LessonText, tokens: list[Token], first_line: int
                  ) -> list[tuple[Path, int, str]]:
    """Links the export would refuse (javascript:, file:, `../`, missing files), found now.

    The rules are the export's own (kit.lessons.LessonText), so check and export agree.
    """
    refused = text.link_problems(tokens, first_line)
    return [(text.lesson_file, line, message) for line, message in refused]


def image_problems(text: LessonText, tokens: list[Token], first_line: int
                   ) -> list[tuple[Path, int, str]]:
    """Images must be files inside the lesson folder: no URL, `../` or `/`, and then the
    export's rules for files (LessonText.resolve): exists, no link outside, not a hard link to
    a file elsewhere."""
    path, folder = text.lesson_file, text.folder
    problems: list[tuple[Path, int, str]] = []
    lines = text.lines
    for block in tokens:
        cursor = block_line(block, first_line)
        for child in block.children or []:
            if child.type != "image":
                continue
            src = str(child.attrs.get("src", ""))
            cursor = find_line(lines, (src, unquote(src)), cursor) or cursor
            line, shown = cursor, unquote(src)  # as the author wrote it (markdown %-encodes)
            target = unquote(src.split("#")[0].split("?")[0])
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
                problems.append((path, line, _("image {target} must be a file in the lesson "
                                               "folder (the library works offline)").format(
                                                   target=shown)))
            elif target.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", target):
                problems.append((path, line, _("image {target} leaves the lesson folder; put the "
                                               "image in {folder} and link it by name").format(
                                                   target=shown, folder=folder)))
            else:  # the export's own rules for a file: exists, inside, regular, not shared
                try:
                    text.resolve(target, line, "image")
                except TargetRefused as err:
                    problems.append((path, line, err.message))
    return problems
