"""Inventory at municipal scale: `inventory overview` and `inventory report`, SQLite vs PostgreSQL.

Run: python3 benchmarks/bench_inventory.py [--schools 10] [--boards 500] [--events 100000]
Fills one SQLite file and one database on a throwaway PostgreSQL server (tests/pgserver.py;
skipped without Debian's postgresql package) with the same municipality: 10 schools × 500
boards, 2 pool kits on loan, 100,000 events over a year (sightings, flashes, some boards failing
again and again, some marked defect). Then measures, side by side in one run, the median of
--repeat runs of:
- the library calls the commands make (overview(); write_report() with every board on the page),
- the commands as a coordinator runs them (`python3 cli.py inventory overview` / `report`, a
  new process each time: interpreter start, imports, connect, query, render), and for
  scale `python3 cli.py --help`, which pays the interpreter and imports alone.
Goal: each under 1 s on both stores; the last column is time / goal (below 1 is met).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import insert  # noqa: E402

from kit.inventory import overview, write_report  # noqa: E402
from kit.inventory.db import target, transaction  # noqa: E402
from kit.inventory.schema import boards, events, kit_items, kits, loans, schools  # noqa: E402

GOAL_S = 1.0
START = datetime(2025, 8, 1, tzinfo=timezone.utc)


def fill(store: str, n_schools: int, per_school: int, n_events: int) -> None:
    """Write the municipality into an empty store in a few bulk transactions."""
    rng = random.Random(17)
    with transaction(store, write=True) as conn:
        # A new store numbers rows from 1 in insertion order: school i + 1, kits 1 and 2.
        conn.execute(insert(schools), [{"name": "Skole {:02d}".format(i + 1)}
                                       for i in range(n_schools)])
        conn.execute(insert(kits), [{"name": "Klimakasse {}".format(k), "home_school_id": 1,
                                     "note": "", "created_at": START} for k in (1, 2)])
        conn.execute(insert(kit_items), [{"kit_id": k, "item": "batteripakke", "quantity": 15}
                                         for k in (1, 2)])
        conn.execute(insert(loans), [{"kit_id": k, "school_id": k + 1, "lent_at": START,
                                      "due": None, "returned_at": None} for k in (1, 2)])
        rows, ids = [], []
        for s in range(n_schools):
            for b in range(per_school):
                number = s * per_school + b + 1
                uid = "99{:02d}{:044x}".format(rng.choice((0, 3, 4)), number)
                ids.append(uid)
                defect = rng.random() < 0.01
                rows.append({
                    "unique_id": uid, "name": "gruppe-{}".format(number), "number": number,
                    "version": "v1" if uid.startswith("9900") else "v2",
                    "daplink_version": "0255", "school_id": s + 1,
                    "kit_id": (1 if b < 15 else 2 if b < 30 else None) if s == 0 else None,
                    "status": "defect" if defect else ("on_loan" if s == 0 and b < 30
                                                       else "in_use"),
                    "note": "USB-stik knækket" if defect else "", "first_seen": START,
                    "last_seen": START + timedelta(days=300), "firmware": "afkoeling",
                    "firmware_hash": "ab" * 32, "flashed_at": START + timedelta(days=200),
                    "last_result": "Flashet og genstartet."})
        conn.execute(insert(boards), rows)
    _fill_events(store, ids, n_events, rng)


def _fill_events(store: str, ids: list[str], n_events: int, rng: random.Random) -> None:
    batch: list[dict[str, object]] = []
    failing = set(rng.sample(ids, len(ids) // 50))
    for i in range(n_events):
        uid = ids[i % len(ids)]
        at = START + timedelta(minutes=i * 5)
        kind = rng.choice(("seen", "seen", "flashed", "flashed", "flash_failed"))
        if uid in failing and i >= n_events - 4 * len(ids):
            kind = "flash_failed"  # the last flashes of these boards all failed
        batch.append({"board_id": uid, "kind": kind, "at": at, "program": "afkoeling",
                      "program_hash": "ab" * 32, "detail": "",
                      "daplink_code": 521 if kind == "flash_failed" else None})
        if len(batch) == 10_000:
            with transaction(store, write=True) as conn:
                conn.execute(insert(events), batch)
            batch = []
    if batch:
        with transaction(store, write=True) as conn:
            conn.execute(insert(events), batch)


def median_s(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` single runs, in seconds."""
    return statistics.median(timeit.repeat(run, number=1, repeat=repeat))


def cli_run(store: str, args: list[str], folder: Path) -> None:
    env = dict(os.environ, KLIMAKIT_DATABASE_URL=store, KLIMAKIT_DATA_DIR=str(folder))
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "inventory", *args], check=True,
                   env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(name: str, store: str, folder: Path, repeat: int) -> list[str]:
    view = overview(store)
    lib_overview = median_s(lambda: overview(store), repeat)
    lib_report = median_s(lambda: write_report(folder / "overblik.html", store), repeat)
    cli_overview = median_s(lambda: cli_run(store, ["overview"], folder), repeat)
    cli_report = median_s(lambda: cli_run(store, ["report", "-o", "overblik.html"], folder),
                          repeat)
    worst = max(lib_overview, lib_report, cli_overview, cli_report)
    return [name, str(view.boards), str(view.events), str(len(view.replacements)),
            "{:.3f}".format(lib_overview), "{:.3f}".format(lib_report),
            "{:.3f}".format(cli_overview), "{:.3f}".format(cli_report),
            "{:.2f}".format(worst / GOAL_S)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--boards", type=int, default=500, help="per school")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-inventory-"))
    stores = [("SQLite", "sqlite:///{}".format(folder / "klimakit.sqlite3"))]
    server = None
    from pgserver import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is not None:
        server = PostgresServer(bin_dir).start()
        stores.append(("PostgreSQL", server.new_database("bench")))
    else:
        print("PostgreSQL: not installed (apt-get install postgresql), measured SQLite only")
    startup = median_s(lambda: subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "--help"], check=True,
        stdout=subprocess.DEVNULL), args.repeat)
    try:
        rows = []
        for name, url in stores:
            start = time.perf_counter()
            fill(url, args.schools, args.boards, args.events)
            print("{}: filled in {:.1f} s".format(name, time.perf_counter() - start))
            target(url).engine.dispose()
            rows.append(measure(name, url, folder, args.repeat))
    finally:
        if server is not None:
            server.stop()
    header = ["store", "boards", "events", "to replace", "overview lib s", "report lib s",
              "overview CLI s", "report CLI s", "worst/goal"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    print("goal: every column under {:.0f} s on both stores (worst/goal < 1)".format(GOAL_S))
    print("for scale, `python3 cli.py --help` (interpreter and every command's imports, no "
          "store): {:.3f} s".format(startup))


if __name__ == "__main__":
    main()
