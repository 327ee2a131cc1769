"""Read a lesson file, its YAML front matter and its sections without trusting any of them.

A lesson folder may hold anything: a 60 MB file, a pipe or a device named lesson.md, a YAML
"billion laughs" (9 levels of 10 aliases expand one short line into 10^9 values), values nested
thousands of levels deep, or tags PyYAML cannot construct (`2024-13-45`, `!!int abc`). Each is
refused here as a LessonFormatError naming the file and line, before anything is expanded, so
one bad lesson never blocks the rest of the library (`klimakit lessons list` skips it and
`klimakit lessons check` reports it). The limits are far above any real lesson: the largest in
lessons/ is 14 KB with about 150 front-matter values.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kit.errors import LessonFormatError
from kit.i18n import gettext as _
from kit.i18n import os_reason

# A lesson is text (data and pictures are files beside it): 9x the largest lesson. Parsing
# Markdown costs up to 10-30 µs a character (markdown-it on a body of '['), so this also keeps
# `lessons check` or an export of the slowest possible lesson to seconds, not minutes.
MAX_LESSON_BYTES = 128_000
MAX_FRONT_MATTER_BYTES = 100_000
MAX_YAML_VALUES = 10_000  # after expanding aliases (*name)
MAX_YAML_DEPTH = 32
# A YAML node's place in the front matter: ("curriculum", 1, "subject") -> line in lesson.md.
NodePath = tuple[str | int, ...]
# The front matter starts on line 2 of lesson.md (line 1 is '---'); YAML marks count from 0.
FIRST_LINE = 2
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter: values, the line of every node, keys given twice."""

    meta: dict[Any, Any]
    node_lines: dict[NodePath, int]
    duplicate_keys: tuple[tuple[NodePath, int], ...]


def read_lesson_file(path: Path, max_bytes: int = MAX_LESSON_BYTES) -> str:
    """Read a UTF-8 text file of the lesson library: regular files only, at most max_bytes.

    The file is opened without blocking and checked with fstat, so a pipe named lesson.md
    cannot hang a command and a device cannot feed it endless bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise LessonFormatError(str(path), 1, _("cannot read: {reason}").format(
            reason=os_reason(err))) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise LessonFormatError(str(path), 1, _("not a regular file (a folder, pipe or "
                                                    "device?); a lesson's files are ordinary "
                                                    "text files"))
        try:
            data = file.read(max_bytes + 1)
        except OSError as err:
            raise LessonFormatError(str(path), 1, _("cannot read: {reason}").format(
                reason=os_reason(err))) from None
    if len(data) > max_bytes:
        raise LessonFormatError(str(path), 1, _(
            "the file is larger than {most} KB; a lesson is text (the largest lesson in the "
            "library is 14 KB): put data and pictures in their own files beside it").format(
                most=max_bytes // 1000))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LessonFormatError(str(path), line, _(
            "not UTF-8 text (byte {byte} at position {position}); save the file as UTF-8")
            .format(byte=hex(data[err.start]), position=err.start)) from None


class _Loader(yaml.SafeLoader):
    """SafeLoader whose value errors (`2024-13-45`, `!!int abc`) are YAML errors with a line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, OverflowError) as err:
            raise yaml.constructor.ConstructorError(
                None, None, _("cannot read the value {value!r} ({reason})").format(
                    value=str(node.value)[:40] if isinstance(node, yaml.ScalarNode)
                    else node.tag, reason=err), node.start_mark) from None


def _refuse(path: Path, mark: Any, message: str) -> LessonFormatError:
    line = mark.line + FIRST_LINE if mark is not None else FIRST_LINE
    return LessonFormatError(str(path), line, message)


def _check_size(yaml_text: str, path: Path) -> None:
    """Refuse front matter that is too deep or expands (through aliases) to too many values.

    Works on the parser's events, which PyYAML produces without recursion and without
    expanding anything: each anchor's expanded size is counted once, and an alias adds it.
    """
    sizes: dict[str, int] = {}
    open_nodes: list[tuple[int, str | None]] = []  # (values counted before it, its anchor)
    values = 0
    for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_YAML_DEPTH:
                raise _refuse(path, event.start_mark, _(
                    "the front matter is nested more than {most} levels deep; write it as "
                    "plain lists and mappings").format(most=MAX_YAML_DEPTH))
            open_nodes.append((values, event.anchor))
            values += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            before, anchor = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = values - before
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for _count, anchor in open_nodes):
                raise _refuse(path, event.start_mark, _(
                    "the alias *{alias} is inside the value it names, so it never ends; write "
                    "the value out").format(alias=event.anchor))
            values += sizes.get(event.anchor or "", 0)  # an unknown one: compose reports it
        if values > MAX_YAML_VALUES:
            raise _refuse(path, event.start_mark, _(
                "the front matter expands to more than {most} values (YAML aliases '*name' "
                "repeat other values); write the values out").format(most=MAX_YAML_VALUES))


def parse_front_matter(yaml_text: str, path: Path) -> FrontMatter:
    """Parse the YAML between the '---' lines, within the limits of this module.

    Raises LessonFormatError (file:line) for YAML errors, values that cannot be read, and
    front matter too large, too deep or expanding too far.
    """
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise LessonFormatError(str(path), FIRST_LINE, _(
            "the front matter is larger than {most} KB; keep long texts in the Markdown body")
            .format(most=MAX_FRONT_MATTER_BYTES // 1000))
    try:
        _check_size(yaml_text, path)
        loader = _Loader(yaml_text)
        try:
            root = loader.get_single_node()
            meta = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + FIRST_LINE if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err)
        raise LessonFormatError(str(path), line, _("invalid YAML: {problem}").format(
            problem=problem)) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise LessonFormatError(str(path), FIRST_LINE,
                                _("the front matter must be a mapping of 'key: value'"))
    lines, duplicates = _node_lines(root)
    return FrontMatter(meta, lines, tuple(duplicates))


def _node_lines(root: yaml.Node | None
                ) -> tuple[dict[NodePath, int], list[tuple[NodePath, int]]]:
    """Map every front-matter node to its line in lesson.md, and list duplicated mapping keys
    (YAML silently keeps the last one, hiding a mistake). Bounded by _check_size."""
    lines: dict[NodePath, int] = {}
    duplicates: list[tuple[NodePath, int]] = []
    todo: list[tuple[yaml.Node, NodePath]] = [(root, ())] if root is not None else []
    while todo:
        node, path = todo.pop()
        children: list[tuple[yaml.Node, NodePath]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = path + (str(key.value),)
                if child in lines:
                    duplicates.append((child, key.start_mark.line + FIRST_LINE))
                lines[child] = key.start_mark.line + FIRST_LINE
                children.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[path + (index,)] = item.start_mark.line + FIRST_LINE
                children.append((item, path + (index,)))
        todo.extend(reversed(children))  # depth first, in file order, as a reader goes
    return lines, duplicates


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (yaml text, body text, line number where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise LessonFormatError(str(path), 1,
                                _("a lesson must start with '---' and YAML front matter"))
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "".join(lines[1 : number - 1]), "".join(lines[number:]), number + 1
    raise LessonFormatError(str(path), 1, _("the front matter has no closing '---'"))


def split_sections(body: str, first_line: int) -> tuple[dict[str, str], dict[str, int]]:
    """Split a Markdown body at '## ' headings (outside code fences), in time linear in its size.

    (Each section's lines are collected and joined once: adding to a str held in a dict copies
    it every time, which took 15 s for a 4.5 MB body.)
    """
    parts: dict[str, list[str]] = {}
    lines_at: dict[str, int] = {}
    current: list[str] | None = None
    fenced = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            current = parts[match.group(1)] = []
            lines_at[match.group(1)] = first_line + offset
        elif current is not None:
            current.append(line)
    return {k: "\n".join(v).strip() + "\n" for k, v in parts.items()}, lines_at
