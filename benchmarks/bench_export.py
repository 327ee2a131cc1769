"""Export speed: the whole lesson library versus one lesson, Meebook zip and static site.

Run: python3 benchmarks/bench_export.py [--repeat 5]
Prints the median wall time of each export as `klimakit export …` runs it (lessons loaded,
firmware built once per run, files written), the ratio whole library / one lesson, and where
the time goes (Markdown, hex building, zip compression). Goal: both targets for 12 lessons in
under 2 s on the project machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.export import FirmwareCache, build_meebook, export_meebook, export_site  # noqa: E402
from kit.export.pages import prepare
from kit.lessons import Lesson, load_library

GOAL_S = 2.0
GOAL_LESSONS = 12


def _median(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` single runs, in seconds."""
    return statistics.median(timeit.repeat(run, number=1, repeat=repeat))


def _both(lessons: list[Lesson], out: Path) -> None:
    """One `export meebook` and one `export site` run, as a user would start them."""
    export_meebook(lessons, out / "pakke.zip")
    export_site(lessons, out / "site")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    library = load_library()
    if not library:
        sys.exit("no lessons in the library")
    one = [next((lesson for lesson in library if lesson.id == "afkoeling"), library[0])]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _both(library, out)  # warm imports and template compilation, as one CLI run would
        rows = [
            ("meebook zip", lambda lessons: export_meebook(lessons, out / "m.zip")),
            ("meebook imscc", lambda lessons: export_meebook(lessons, out / "m.imscc", "imscc")),
            ("site", lambda lessons: export_site(lessons, out / "s")),
            ("zip + site", lambda lessons: _both(lessons, out / "b")),
        ]
        print("lessons: {} (one lesson: {}), median of {} runs".format(
            len(library), one[0].id, repeat))
        print("{:<14} {:>10} {:>12} {:>7} {:>13}".format(
            "target", "1 lesson", "library", "ratio", "per lesson"))
        whole = 0.0
        for name, run in rows:
            t_one = _median(lambda run=run: run(one), repeat)  # type: ignore[misc]
            t_all = _median(lambda run=run: run(library), repeat)  # type: ignore[misc]
            whole = t_all if name == "zip + site" else whole
            print("{:<14} {:>8.0f} ms {:>9.0f} ms {:>6.1f}x {:>10.0f} ms".format(
                name, t_one * 1000, t_all * 1000, t_all / t_one, t_all / len(library) * 1000))
        # one lesson per program, as FirmwareCache builds each program once per run
        programs = {lesson.firmware: lesson for lesson in library if lesson.firmware}
        t_hex = _median(lambda: [FirmwareCache().build(p) for p in programs.values()], repeat)
        cache = FirmwareCache()
        t_md = _median(lambda: [prepare(lesson, cache) for lesson in library], repeat)
        t_pages = _median(lambda: build_meebook(library, cache), repeat)
        bundle, _ = build_meebook(library, cache)
        t_zip = _median(lambda: bundle.write_zip(out / "z.zip"), repeat)
        print("meebook zip, library: Markdown {:.0f} ms, templates {:.0f} ms, {} hex files "
              "{:.0f} ms, zip writing {:.0f} ms".format(
                  t_md * 1000, (t_pages - t_md) * 1000, len(programs), t_hex * 1000,
                  t_zip * 1000))
        scaled = whole / len(library) * GOAL_LESSONS
        print("both targets, {} lessons: {:.2f} s (scaled to {} lessons: {:.2f} s; "
              "goal < {:.0f} s: {})".format(len(library), whole, GOAL_LESSONS, scaled, GOAL_S,
                           "met" if scaled < GOAL_S else "NOT met"))


if __name__ == "__main__":
    main()
