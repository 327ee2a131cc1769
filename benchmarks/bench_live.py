"""The live class view under a class's load: latency to the page, and what it costs the recorder.

Run: python3 benchmarks/bench_live.py [--boards 30] [--per-s 10] [--seconds 60] [--flood 300000]

1. A class: 30 fake boards (tests/fakeboards.py, each in its own process so the senders do not
   share the recorder's interpreter lock) send 10 numbered readings/s for 60 s to the real
   recorder, once without the live page and once with `--live` and the page open in headless
   Chromium (Debian's, through playwright). Latency: from the moment a fake board wrote a
   reading to the moment the page drew it (the page's klimakit:drawn event; both clocks are
   this PC's wall clock). Goal: p95 < 1 s. Throughput: readings in the CSV per second of the
   run, with --live against without (goal >= 90 %); every reading must be in the CSV.
2. A flood: 1 board sending as fast as the socket takes it (bench_record.py's throughput case),
   without and with the live page open: the recorder's readings/s side by side (the most the
   page can cost the recorder; far more than 30 boards at full baud send).

Prints one table; --json prints the figures as JSON (tests/test_live_bench.py runs a short run
in CI). Exit code 1 if a goal is missed.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))

import fakeboards as fb  # noqa: E402

from kit.record import LiveView, Recorder, open_port, plan_recording  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INIT = ("window.__seen = []; window.addEventListener('klimakit:drawn', e => {"
        " for (const r of e.detail.rows)"
        "   if (r[2] !== null) window.__seen.push([r[2], e.detail.at]); });")
Q_CONTEXT = multiprocessing.get_context("fork")


def _serve(board: fb._Sender, sent: Any) -> None:
    board._run()  # noqa: SLF001 - the sender loop, in this child process
    sent.put(list(board.sent_at))


class Senders:
    """Fake boards, each sending from a child process; their send times come back at the end."""

    def __init__(self, scripts: list[list[fb.Piece]]) -> None:
        self.boards = [fb.TcpBoard([script]) for script in scripts]
        self.queues = [Q_CONTEXT.Queue() for _ in self.boards]
        self.children = [Q_CONTEXT.Process(target=_serve, args=(b, q), daemon=True)
                         for b, q in zip(self.boards, self.queues)]
        for child in self.children:
            child.start()

    def sent_times(self, timeout: float = 30.0) -> list[list[float]]:
        return [q.get(timeout=timeout) for q in self.queues]

    def close(self) -> None:
        for child in self.children:
            child.terminate()
            child.join(5)
        for board in self.boards:
            board.close()


def _record(folder: Path, urls: list[str], total: int, timeout: float, live: bool,
            page_open: Any = None) -> dict[str, Any]:
    """Record until `total` readings are in; with live, the page is served (and opened)."""
    plan = plan_recording(folder, stem="bench-{}-{}".format("live" if live else "plain",
                                                          time.time_ns()))
    recorder = Recorder(plan)
    view = LiveView(plan) if live else None
    address = view.start() if view is not None else None
    if address is not None and page_open is not None:
        page_open(address.url)
    stop = threading.Event()
    started = time.perf_counter()
    done_at = [0.0]

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not stop.is_set() and time.monotonic() < deadline:
            if recorder.result().accepted >= total:
                done_at[0] = time.perf_counter()
                break
            time.sleep(0.005)
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    cpu = time.process_time()
    result = recorder.run(
        [open_port(u) for u in urls], stop=stop,
        on_update=(lambda st: view.update(st, recorder.fields, recorder.intake.units))
        if view is not None else None,
        on_event=view.event if view is not None else None)
    cpu = time.process_time() - cpu
    elapsed = (done_at[0] or time.perf_counter()) - started
    if view is not None:
        view.finish(result)
    return {"accepted": result.accepted, "lost": result.lost, "seconds": elapsed,
            "rate": result.accepted / elapsed if elapsed else 0.0, "cpu_s": cpu}


class Browser:
    """Headless Chromium with one page of the live view, collecting what it drew."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        self._playwright = self._manager.start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM,
                                                         args=CHROMIUM_ARGS)
        self.page: Any = None

    def open(self, url: str) -> None:
        self.page = self._browser.new_page(viewport={"width": 1600, "height": 1000})
        self.page.add_init_script(INIT)
        self.page.goto(url)

    def seen(self) -> list[list[float]]:
        return list(self.page.evaluate("window.__seen"))

    def close(self) -> None:
        self._browser.close()
        self._manager.__exit__(None, None, None)


def _class_scripts(boards: int, per_s: float, seconds: float) -> list[list[fb.Piece]]:
    count = int(per_s * seconds)
    return [fb.paced(i * 1_000_000, count, per_s) for i in range(boards)]


def class_load(folder: Path, boards: int, per_s: float, seconds: float) -> dict[str, Any]:
    total = boards * int(per_s * seconds)
    figures: dict[str, Any] = {"boards": boards, "per_s": per_s, "seconds": seconds,
                               "sent": total}
    senders = Senders(_class_scripts(boards, per_s, seconds))
    try:
        figures["plain"] = _record(folder, [b.url for b in senders.boards], total,
                                   seconds + 30, live=False)
    finally:
        senders.close()
    browser = Browser()
    senders = Senders(_class_scripts(boards, per_s, seconds))
    try:
        figures["live"] = _record(folder, [b.url for b in senders.boards], total,
                                  seconds + 30, live=True, page_open=browser.open)
        sent = senders.sent_times()
        time.sleep(1.0)  # the page's last redraw
        seen = browser.seen()
    finally:
        senders.close()
        browser.close()
    latencies = []
    for value, at_ms in seen:
        board, k = divmod(int(value), 1_000_000)
        latencies.append(at_ms / 1000 - sent[board][k + 1])  # piece 0 is the header
    latencies.sort()
    figures["in_page"] = len(latencies)
    if latencies:
        figures["latency_p50_s"] = statistics.median(latencies)
        figures["latency_p95_s"] = latencies[int(0.95 * (len(latencies) - 1))]
        figures["latency_max_s"] = latencies[-1]
    figures["throughput_ratio"] = figures["live"]["rate"] / figures["plain"]["rate"]
    return figures


def flood(folder: Path, count: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"sent": count}
    for mode in ("plain", "live"):
        browser = Browser() if mode == "live" else None
        senders = Senders([fb.at_once(0, count)])
        try:
            figures[mode] = _record(folder, [senders.boards[0].url], count, 120,
                                    live=mode == "live",
                                    page_open=browser.open if browser else None)
        finally:
            senders.close()
            if browser is not None:
                browser.close()
    figures["throughput_ratio"] = figures["live"]["rate"] / figures["plain"]["rate"]
    return figures


def _print(figures: dict[str, Any]) -> None:
    c, f = figures["class"], figures.get("flood")
    print("live class view: {} boards x {:.0f} readings/s for {:.0f} s".format(
        c["boards"], c["per_s"], c["seconds"]))
    print("{:<44}{:>14}{:>14}".format("", "without --live", "with --live"))
    for label, key in (("readings in the CSV", "accepted"), ("lost", "lost"),
                       ("readings/s", "rate"), ("CPU s of the recorder's process", "cpu_s")):
        print("{:<44}{:>14.1f}{:>14.1f}".format(label, c["plain"][key], c["live"][key]))
    print("throughput with --live / without: {:.3f} (goal >= 0.90)".format(
        c["throughput_ratio"]))
    print("readings drawn in the page: {} of {}".format(c["in_page"], c["sent"]))
    if "latency_p95_s" in c:
        print("line written by the board -> drawn in the page: p50 {:.0f} ms, p95 {:.0f} ms "
              "(goal < 1000), max {:.0f} ms".format(c["latency_p50_s"] * 1000,
                                                    c["latency_p95_s"] * 1000,
                                                    c["latency_max_s"] * 1000))
    if f:
        print("flood, 1 board as fast as the socket takes it, {} readings: {:.0f}/s without, "
              "{:.0f}/s with the page open: ratio {:.3f}".format(
                  f["sent"], f["plain"]["rate"], f["live"]["rate"], f["throughput_ratio"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=int, default=30)
    parser.add_argument("--per-s", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--flood", type=int, default=300_000, help="0: skip the flood")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print("needs Debian's chromium at " + CHROMIUM, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        figures = {"class": class_load(Path(tmp), args.boards, args.per_s, args.seconds)}
        if args.flood:
            figures["flood"] = flood(Path(tmp), args.flood)
    print(json.dumps(figures, indent=2) if args.json else "", end="\n" if args.json else "")
    if not args.json:
        _print(figures)
    c = figures["class"]
    ok = (c.get("latency_p95_s", 99) < 1.0 and c["throughput_ratio"] >= 0.9
          and c["live"]["accepted"] == c["sent"] and c["in_page"] == c["sent"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
