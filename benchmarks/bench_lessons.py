"""Lesson loading under hostile input (issue 19): linear sections, bounded YAML, bounded bodies.

Run: python3 benchmarks/bench_lessons.py [--repeat 3]
Prints, measured side by side in one run:
1. split_sections against the old quadratic loop (kept here as the reference) on bodies of
   0.5-2 MB, and the new one's time for 8x the input (linear: about 8x, quadratic 64x; goal
   <= 16x, as allocation and caches make large inputs a little slower per byte).
2. Loading the real library: the bounded front-matter parser (an event pass that counts
   aliases, then compose) against plain yaml.safe_load + yaml.compose as the loader did before.
3. Hostile lesson files (billion laughs, 5000-deep nesting, a 59 MB body) refused, in ms.
4. The slowest body a lesson may have (128 KB of '[', markdown-it's worst case) and one with
   about 6,700 missing images through `lessons check`'s body rules and the export's rendering,
   against a real 14 KB lesson.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.errors import ExportError, LessonError  # noqa: E402
from kit.export import FirmwareCache  # noqa: E402
from kit.export.pages import prepare  # noqa: E402
from kit.lessons import (  # noqa: E402
    MAX_LESSON_BYTES, Lesson, body_problems, lesson_paths, load_lesson, split_sections,
)
from kit.lessons.frontmatter import parse_front_matter, split_front_matter  # noqa: E402

SCALING_GOAL = 16.0  # linear: about 8x for 8x the input; quadratic: 64x
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def old_split_sections(body: str, first_line: int) -> tuple[dict[str, str], dict[str, int]]:
    """The loader before issue 19: `sections[current] += line` copies the section each time."""
    sections: dict[str, str] = {}
    lines_at: dict[str, int] = {}
    current: str | None = None
    fenced = False
    for offset, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            current = match.group(1)
            sections[current] = ""
            lines_at[current] = first_line + offset
        elif current is not None:
            sections[current] += line + "\n"
    return {k: v.strip() + "\n" for k, v in sections.items()}, lines_at


def _median(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` single runs, in seconds."""
    return statistics.median(timeit.repeat(run, number=1, repeat=repeat))


def _body(megabytes: float) -> str:
    line = "1. (10 min) Eleverne måler temperaturen i koppen hvert minut.\n"
    return "## Forløb\n" + line * int(megabytes * 1e6 / len(line.encode()))


def bench_sections(repeat: int) -> None:
    print("1. split_sections, old (quadratic) vs new, same body:")
    for megabytes in (0.5, 1.0, 2.0):
        body = _body(megabytes)
        assert split_sections(body, 1) == old_split_sections(body, 1)
        t_old = _median(lambda body=body: old_split_sections(body, 1), repeat)
        t_new = _median(lambda body=body: split_sections(body, 1), repeat)
        print("   {:>4.1f} MB: old {:>7.0f} ms, new {:>5.0f} ms, old/new {:>5.0f}x".format(
            megabytes, t_old * 1000, t_new * 1000, t_old / t_new))
    small, large = _body(2.0), _body(16.0)
    t_small = _median(lambda: split_sections(small, 1), repeat * 3)
    t_large = _median(lambda: split_sections(large, 1), repeat * 3)
    ratio = t_large / t_small
    print("   new, 16 MB vs 2 MB: {:.0f} ms vs {:.0f} ms = {:.1f}x for 8x the input (goal <= "
          "{:.0f}x: {})".format(t_large * 1000, t_small * 1000, ratio, SCALING_GOAL,
                                "met" if ratio <= SCALING_GOAL else "NOT met"))


def bench_library(repeat: int) -> None:
    texts = [(path, split_front_matter(path.read_text(encoding="utf-8"), path)[0])
             for path in lesson_paths()]

    def bounded() -> None:
        for path, front in texts:
            parse_front_matter(front, path)

    def plain() -> None:
        for _, front in texts:
            yaml.safe_load(front)
            yaml.compose(front)

    t_bounded, t_plain = _median(bounded, repeat), _median(plain, repeat)
    print("2. front matter of the {} real lessons: bounded {:.0f} ms, plain safe_load + compose "
          "{:.0f} ms, bounded/plain {:.2f}x".format(len(texts), t_bounded * 1000,
                                                     t_plain * 1000, t_bounded / t_plain))


def _refusal_ms(folder: Path, name: str, text: str) -> tuple[float, str]:
    path = folder / name / "lesson.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    try:
        load_lesson(path)
    except LessonError as err:
        return (time.perf_counter() - start) * 1000, str(err).split(": ", 1)[1][:60]
    return (time.perf_counter() - start) * 1000, "LOADED (not refused)"


def bench_hostile(folder: Path, good: str) -> None:
    bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += ["{0}: &{0} [{1}]".format(chr(98 + i), ", ".join(["*" + chr(97 + i)] * 10))
             for i in range(8)]
    cases = {
        "billion-laughs": good.replace("---\n", "---\n" + "\n".join(bomb) + "\n", 1),
        "nested-5000": good.replace("---\n", "---\ndeep: " + "[" * 5000 + "\n", 1),
        "body-59mb": good + _body(59.0),
    }
    print("3. hostile lesson files, time to refuse:")
    for name, text in cases.items():
        ms, message = _refusal_ms(folder, name, text)
        print("   {:<15} {:>7.1f} ms  {}".format(name, ms, message))


def _prepare_or_refuse(lesson: Lesson, cache: FirmwareCache) -> None:
    try:
        prepare(lesson, cache)
    except ExportError:
        pass


def bench_worst_body(folder: Path, good_path: Path) -> None:
    good = good_path.read_text(encoding="utf-8")
    worst = folder / good_path.parent.name / "lesson.md"
    worst.parent.mkdir()
    for asset in good_path.parent.iterdir():
        if asset.name != "lesson.md" and asset.is_file():
            (worst.parent / asset.name).write_bytes(asset.read_bytes())
    worst.write_text(good + "\n" + "[" * (MAX_LESSON_BYTES - len(good.encode()) - 10),
                     encoding="utf-8")
    images = folder / "images" / "lesson.md"  # each line search used to scan to the file's end
    images.parent.mkdir()
    room = MAX_LESSON_BYTES - len(good.encode()) - 10
    images.write_text(good + "\n" + "".join("![k](x{}.png)\n".format(i) for i in range(
        room // 17)), encoding="utf-8")
    print("4. body rules and export rendering, real lesson vs the slowest allowed body:")
    cache = FirmwareCache()
    for label, path in (("{} ({} KB)".format(good_path.parent.name, len(good) // 1000),
                         good_path), ("{} KB of '['".format(MAX_LESSON_BYTES // 1000), worst),
                        ("{} missing images".format(images.read_text().count("![k]")), images)):
        lesson = load_lesson(path)
        t_check = _median(lambda lesson=lesson: body_problems(lesson), 1)
        try:
            prepare(lesson, cache)  # build the firmware once: time the Markdown, not the hex
        except ExportError:
            pass  # the missing images: the export stops at the first, check lists them all
        t_export = _median(lambda lesson=lesson: _prepare_or_refuse(lesson, cache), 1)
        print("   {:<24} check {:>6.0f} ms, export {:>6.0f} ms".format(
            label, t_check * 1000, t_export * 1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    bench_sections(repeat)
    bench_library(repeat)
    paths = lesson_paths()
    biggest = max(paths, key=lambda path: path.stat().st_size)
    with tempfile.TemporaryDirectory() as tmp:
        bench_hostile(Path(tmp), biggest.read_text(encoding="utf-8"))
        bench_worst_body(Path(tmp), biggest)


if __name__ == "__main__":
    main()
