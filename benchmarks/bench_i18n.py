"""What speaking Danish costs: start-up, every command's help, and one message, Danish vs English.

Run: python3 benchmarks/bench_i18n.py [--repeat 15] [--baseline /path/to/a/main/checkout]
Measures, side by side in one run (median of --repeat):
- `python3 cli.py --help` in a new process (interpreter start, imports, the catalogs, click's
  words), CPU seconds of the child, with KLIMAKIT_LANG=da and =en, interleaved; with
  --baseline also a checkout from before the catalogs, the same command;
- rendering the --help of every command in one process (what tests/test_language.py does);
- one translated message (`_("Lessons")`) against the English msgid returned as it is.
Goal: Danish start-up and help at most 1.1x English (the catalogs are read once, from a .mo);
the cost of one message is printed in µs (a catalog lookup against none), with no goal.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from kit import cli  # noqa: E402
from kit.i18n import gettext as _  # noqa: E402
from kit.i18n import use_language  # noqa: E402

GOAL_RATIO = 1.1


def median_s(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def startups(runs: dict[str, tuple[Path, str]], repeat: int) -> dict[str, float]:
    """Median CPU seconds (user + system) of `cli.py --help` per run, the runs interleaved
    so that a busy moment of the shared machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _round in range(repeat):
        for name, (checkout, lang) in runs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, str(checkout / "cli.py"), "--help"],
                           env={**os.environ, "KLIMAKIT_LANG": lang}, capture_output=True,
                           check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(after.ru_utime - before.ru_utime + after.ru_stime
                               - before.ru_stime)
    return {name: statistics.median(found) for name, found in times.items()}


def all_help(lang: str) -> None:
    runner = CliRunner()
    groups = [((), cli.cli)]
    while groups:
        path, group = groups.pop()
        for name, command in group.commands.items():
            runner.invoke(cli.cli, [*path, name, "--help"], env={"KLIMAKIT_LANG": lang})
            if hasattr(command, "commands"):
                groups.append(((*path, name), command))


def one_message(lang: str, count: int = 100_000) -> float:
    with use_language(lang):
        started = time.perf_counter()
        for _i in range(count):
            _("Lessons")
        return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="a checkout without the catalogs")
    args = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    runs = {"da": (ROOT, "da"), "en": (ROOT, "en")}
    if args.baseline:
        runs["before"] = (args.baseline, "da")
    cpu = startups(runs, args.repeat)
    rows.append(("klimakit --help, new process (CPU)", cpu["da"], cpu["en"]))
    all_help("da")  # warm: the first call loads the catalogs
    da_help = median_s(lambda: all_help("da"), max(3, args.repeat // 3))
    en_help = median_s(lambda: all_help("en"), max(3, args.repeat // 3))
    rows.append(("--help of every command, one process", da_help, en_help))
    print("{:<44} {:>12} {:>12} {:>8} {:>6}".format("", "Danish", "English", "da/en", "goal"))
    for name, da_s, en_s in rows:
        ratio = da_s / en_s
        print("{:<44} {:>10.4f} s {:>10.4f} s {:>8.2f} {:>6}".format(
            name, da_s, en_s, ratio, "ok" if ratio <= GOAL_RATIO else "over"))
    da_one, en_one = one_message("da"), one_message("en")
    print("{:<44} {:>9.2f} µs {:>9.2f} µs {:>8.2f} {:>6}".format(
        "one message, _('Lessons')", da_one * 1e6, en_one * 1e6, da_one / en_one, "-"))
    if args.baseline:
        print("{:<44} {:>10.4f} s before the catalogs, {:.4f} s in Danish now: {:.2f}x".format(
            "klimakit --help, new process (CPU)", cpu["before"], cpu["da"],
            cpu["da"] / cpu["before"]))


if __name__ == "__main__":
    main()
