"""The recording fault suite's figures: readings lost per fault, and readings/s end to end.

Run: python3 benchmarks/bench_record.py [--readings 300000] [--before /work/main]

Fake boards (tests/fakeboards.py) send numbered readings on each transport the recorder reads:
`socket://` (QEMU and virtual boards) and a pty (how pyserial sees a USB serial port). For each
scenario the CSV is counted: sent, in the CSV, reported lost by the recorder, and unaccounted
(sent - in CSV - reported lost: readings that vanished without a word; must be 0).

Throughput: 1 board sending as fast as the transport takes it (from a separate process, so the
sender does not share the recorder's interpreter lock); readings/s is the count divided by the
time from the start of the recording until the last reading is in the CSV, with 0 lost, as a
ratio to the need: 30 boards at full 115200 baud (11,520 bytes/s each) with sensortjek's 39-byte
line = 8,862 lines/s. Goals: end to end >= 10x; the parser alone >= 100x (on a busy machine: the
CPU-time figure is the one that holds under load, the wall-clock one is printed beside it).

With --before DIR the same scenarios run a second time against the klimakit checkout in DIR
(e.g. the main branch) in a child process, and both columns are printed side by side.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if os.environ.get("KLIMAKIT_BENCH_KIT"):  # --before: import that checkout's kit
    sys.path.insert(0, os.environ["KLIMAKIT_BENCH_KIT"])
else:
    sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))

import fakeboards as fb  # noqa: E402

import kit.record  # noqa: E402
from kit.record import Recorder, format_header, open_port, parse_lines, plan_recording  # noqa: E402

# As benchmarks/bench_protocol.py defines the need (not imported: it needs this checkout's kit,
# and --before runs these scenarios against another one).
BAUD_BYTES_PER_S = 115_200 / 10
SAMPLE_LINE = b"(12.345, 255, -736, -736, 736, 3, 2)"  # sensortjek: the longest lesson line
LINE_BYTES = len(SAMPLE_LINE) + 2  # + CR LF
NEED = 30 * BAUD_BYTES_PER_S / LINE_BYTES
KIT_DIR = Path(os.environ.get("KLIMAKIT_BENCH_KIT", ROOT))
Row = dict[str, Any]
_runs: list[str] = []


def _csv_numbers(path: Path) -> list[int]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))[1:]
    except OSError:
        return []
    out = []
    for row in rows:
        try:
            out.append(int(row[3]))
        except (IndexError, ValueError):
            pass
    return out


def _record(folder: Path, name: str, urls: list[str], until: Callable[[Recorder], bool],
            timeout: float, reopen: object = None) -> tuple[Recorder, Any, float]:
    """Record `urls` until `until(recorder)` holds (checked every 5 ms) or `timeout` passes."""
    _runs.append(name)
    recorder = Recorder(plan_recording(folder, stem="{}-{}".format(name, len(_runs))))
    stop = threading.Event()
    started = time.perf_counter()
    done_at = [0.0]

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not stop.is_set() and time.monotonic() < deadline:
            if until(recorder):
                done_at[0] = time.perf_counter()
                break
            time.sleep(0.005)
        stop.set()

    boards = [open_port(url) for url in urls]
    threading.Thread(target=watch, daemon=True).start()
    kwargs: dict[str, Any] = {"stop": stop}
    if reopen is not None:
        kwargs["reopen"] = reopen
    result = recorder.run(boards, **kwargs)
    elapsed = (done_at[0] or time.perf_counter()) - started
    return recorder, result, elapsed


def _row(name: str, sent: int, result: Any, numbers: list[int], **extra: Any) -> Row:
    csv_count = len(numbers)
    lost = int(result.lost) if result is not None else 0
    return {"scenario": name, "sent": sent, "csv": csv_count, "lost_reported": lost,
            "unaccounted": sent - csv_count - lost,
            "duplicates": csv_count - len(set(numbers)), **extra}


def _accepted(recorder: Recorder) -> int:
    return int(recorder.result().accepted)


# ----- throughput --------------------------------------------------------------------------
def _serve_in_child(board: fb._Sender) -> multiprocessing.Process:
    context = multiprocessing.get_context("fork")
    child = context.Process(target=board._run, daemon=True)  # noqa: SLF001 - the sender loop
    child.start()
    return child


def throughput(folder: Path, transport: str, count: int, timeout: float) -> Row:
    script = [fb.at_once(0, count)]
    board: fb._Sender = fb.TcpBoard(script) if transport == "socket" else fb.PtyBoard(script)
    child = _serve_in_child(board)
    try:
        _, result, elapsed = _record(folder, "max-" + transport, [board.url],
                                     lambda r: _accepted(r) >= count, timeout)
    finally:
        child.terminate()
        child.join(5)
        board.close()
    numbers = _csv_numbers(result.paths.csv)
    rate = len(numbers) / elapsed if elapsed > 0 else 0.0
    return _row("1 board, max rate, " + transport, count, result, numbers,
                rate=rate, ratio=rate / NEED, seconds=elapsed)


def thirty_boards(folder: Path, transport: str, per_board: int, per_s: float) -> Row:
    boards: list[fb._Sender] = []
    for i in range(30):
        script = [fb.paced(i * 100_000, per_board, per_s)]
        boards.append(fb.TcpBoard(script) if transport == "socket" else fb.PtyBoard(script))
    children = [_serve_in_child(b) for b in boards]
    total = 30 * per_board
    try:
        _, result, elapsed = _record(folder, "thirty-" + transport, [b.url for b in boards],
                                     lambda r: _accepted(r) >= total,
                                     per_board / per_s + 20)
    finally:
        for child in children:
            child.terminate()
            child.join(5)
        for b in boards:
            b.close()
    return _row("30 boards at {:.0f}/s, {}".format(per_s, transport), total, result,
                _csv_numbers(result.paths.csv), seconds=elapsed)


# ----- faults --------------------------------------------------------------------------------
def cr_only(folder: Path) -> Row:
    count = 2000
    board = fb.TcpBoard([[(0.0, fb.HEADER + b"\r" + fb.numbered(0, count, b"\r"))]])
    board.start()
    try:
        _, result, _ = _record(folder, "cr", [board.url], lambda r: _accepted(r) >= count, 8)
    finally:
        board.close()
    return _row("CR-only line ends", count, result, _csv_numbers(result.paths.csv))


def long_line(folder: Path) -> Row:
    """A 1 MB line without a line end, then 20 readings 50 ms apart: how late is each one's
    timestamp (CSV time - the time the fake board sent it)?"""
    count = 20
    pieces = [(0.0, fb.HEADER + b"\r\n"), (0.0, b"x" * (1 << 20) + b"\r\n")]
    board = fb.TcpBoard([pieces + [(0.05, fb.reading(n) + b"\r\n") for n in range(count)]])
    board.start()
    try:
        _, result, elapsed = _record(folder, "long", [board.url],
                                     lambda r: _accepted(r) >= count, 40)
    finally:
        board.close()
    lags = []
    with open(result.paths.csv, newline="") as handle:
        for row, sent in zip(list(csv.reader(handle))[1:], board.sent_at[2:]):
            lags.append(datetime.fromisoformat(row[0]).timestamp() - sent)
    row = _row("1 MB line, then readings", count, result, _csv_numbers(result.paths.csv),
               seconds=elapsed)
    if lags:
        row["note"] = "{}/{} in CSV; their stamps {:.0f}-{:.0f} ms after sending".format(
            row["csv"], count, min(lags) * 1000, max(lags) * 1000)
    return row


def unplug_mid_line(folder: Path) -> Row:
    """The cable is pulled in the middle of reading 50, and the board comes back."""
    first = fb.HEADER + b"\r\n" + fb.numbered(0, 50) + fb.reading(50)[:9]
    second = fb.HEADER + b"\r\n" + fb.numbered(51, 49)
    board = fb.TcpBoard([[(0.0, first)], [(0.3, second)]])
    board.start()

    def reopen(uid: str) -> object:
        try:
            return open_port(uid)
        except Exception:  # noqa: BLE001 - not back yet
            return None

    try:
        _, result, _ = _record(folder, "unplug", [board.url],
                               lambda r: _accepted(r) >= 99 and board.done.is_set(), 15,
                               reopen=reopen)
    finally:
        board.close()
    return _row("unplug mid-line, replug", 100, result, _csv_numbers(result.paths.csv))


def sequence_jump(folder: Path) -> Row:
    """A gateway relays 28 packets of one sender, then one line with seq 999999999."""
    lines = [b"# klimakit 1 lesson=gw fields=temp"] + [b"(gruppe1, %d, 20.5)" % i
                                                      for i in range(1, 29)]
    lines.append(b"(gruppe1, 999999999, 20.5)")
    board = fb.TcpBoard([[(0.0, b"\r\n".join(lines) + b"\r\n")]])
    board.start()
    try:
        _, result, _ = _record(folder, "seq", [board.url], lambda r: _accepted(r) >= 29, 8)
    finally:
        board.close()
    row = _row("gateway seq 28 -> 999999999", 29, result, [0] * int(result.accepted))
    row["note"] = "reported lost {}".format(result.lost)
    return row


def _cli(args: list[str]) -> list[str]:
    return [sys.executable, str(KIT_DIR / "cli.py"), *args]


def signal_end(folder: Path, how: str) -> Row:
    """`klimakit record` ended by a signal: is the sidecar final, do its counts match the CSV?"""
    count = 200
    board = fb.TcpBoard([fb.paced(0, count, 400) + [(30.0, b"")]])
    board.start()
    out = folder / ("sig-" + how)
    proc = subprocess.Popen(_cli(["record", "--port", board.url, "-o", str(out)]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(_csv_numbers(next(iter(out.glob("*.csv")), out / "x"))) >= count:
                break
            time.sleep(0.05)
        sig = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}.get(how, signal.SIGINT)
        proc.send_signal(sig)
        if how == "double Ctrl-C":
            time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    finally:
        board.close()
    csv_path = next(iter(out.glob("*.csv")), out / "none.csv")
    numbers = _csv_numbers(csv_path)
    try:
        meta = json.loads(csv_path.with_suffix(".json").read_text())
    except (OSError, ValueError):
        meta = {}
    counts = meta.get("counts") or {}
    final = bool(meta.get("ended")) and counts.get("accepted") == len(numbers)
    row = {"scenario": "record ended by " + how, "sent": count, "csv": len(numbers),
           "lost_reported": counts.get("lost", 0), "unaccounted": count - len(numbers),
           "duplicates": 0, "sidecar_final": final, "graph": csv_path.with_suffix(".png").exists(),
           "rc": proc.returncode}
    row["note"] = "sidecar final: {}, graph: {}, rc {}".format(
        "yes" if final else "NO (ended {}, accepted {})".format(meta.get("ended"),
                                                                 counts.get("accepted")),
        "yes" if row["graph"] else "no", proc.returncode)
    return row


def duration_nan() -> Row:
    proc = subprocess.run(_cli(["record", "--duration", "nan", "--port", "socket://127.0.0.1:1",
                                "-o", tempfile.mkdtemp()]),
                          capture_output=True, text=True, timeout=60)
    refused = proc.returncode == 2 and "duration" in proc.stderr
    return {"scenario": "--duration nan", "note": "refused" if refused else
            "accepted (rc {})".format(proc.returncode)}


def parser_alone() -> list[Row]:
    """The parser on bench_protocol's workload (sensortjek lines, a header every 50), bursts of
    100: parse_lines, and what the recorder's writer runs (parse_burst; before it existed,
    parse_lines)."""
    header = format_header("sensortjek", ["tid", "lys", "x", "y", "z", "a", "b"]).encode()
    lines = [header if i % 50 == 0 else b"(%d.%03d, 255, -736, -736, 736, %d, %d)" % (
        i // 5, i % 1000, i % 7, i % 3) for i in range(30_000)]  # bench_protocol's workload
    bursts = [lines[i:i + 100] for i in range(0, len(lines), 100)]
    recorder_parse = getattr(kit.record, "parse_burst", parse_lines)  # before: parse_lines

    def recorder_path() -> None:
        for burst in bursts:
            recorder_parse(burst)

    def lines_path() -> None:
        for burst in bursts:
            parse_lines(burst)

    rows = []
    for name, run in (("parser alone: parse_lines", lines_path),
                      ("parser alone: the recorder's path", recorder_path)):
        wall = cpu = float("inf")
        for _ in range(7):  # best of 7, by the wall clock and by this process's CPU time
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        wall, cpu = len(lines) / wall, len(lines) / cpu
        rows.append({"scenario": name + " (bursts of 100)", "rate": wall, "ratio": wall / NEED,
                     "cpu_ratio": cpu / NEED})
    return rows


def run_all(readings: int) -> list[Row]:
    rows: list[Row] = [_progress(row) for row in parser_alone()]
    with tempfile.TemporaryDirectory(prefix="klimakit-bench-record-") as tmp:
        folder = Path(tmp)
        for transport in ("socket", "pty"):
            rows.append(_progress(throughput(folder, transport, readings, timeout=40)))
        for transport in ("socket", "pty"):
            rows.append(_progress(thirty_boards(folder, transport, 200, 20)))
            # 30 boards at full 115200 baud each:
            rows.append(_progress(thirty_boards(folder, transport, 600, 295)))
        for scenario in (cr_only, long_line, unplug_mid_line, sequence_jump):
            rows.append(_progress(scenario(folder)))
        for how in ("SIGTERM", "SIGHUP", "double Ctrl-C"):
            rows.append(_progress(signal_end(folder, how)))
    rows.append(_progress(duration_nan()))
    return rows


def _progress(row: Row) -> Row:
    print("  {}: {}".format(row["scenario"], _cell(row)), file=sys.stderr, flush=True)
    return row


def _cell(row: Row | None) -> str:
    if row is None:
        return "-"
    if "ratio" in row:
        text = "{:,.0f}/s = {:.1f}x".format(row["rate"], row["ratio"])
        if "cpu_ratio" in row:
            text += " (CPU {:.0f}x)".format(row["cpu_ratio"])
        if "sent" in row:
            text += ", lost {}/{}".format(row["sent"] - row["csv"], row["sent"])
            if row["unaccounted"]:
                text += " ({} silent)".format(row["unaccounted"])
        return text
    if "sent" in row:
        text = "{}/{} in CSV, reported lost {}".format(row["csv"], row["sent"],
                                                       row["lost_reported"])
        if row["unaccounted"]:
            text += ", {} silent".format(row["unaccounted"])
        if row.get("note") and "sidecar" in row["note"]:
            text += "; " + row["note"]
        elif row.get("note"):
            text = row["note"]
        return text
    return str(row.get("note", ""))


def _print(columns: dict[str, list[Row]]) -> None:
    names = [r["scenario"] for r in next(iter(columns.values()))]
    width = max(map(len, names)) + 2
    print("need: 30 boards x {:,.0f} B/s / {} B per line = {:,.0f} readings/s".format(
        BAUD_BYTES_PER_S, LINE_BYTES, NEED))
    print("python {}, {} cores, load {:.1f}".format(sys.version.split()[0], os.cpu_count(),
                                                    os.getloadavg()[0]))
    print("{:<{w}}".format("scenario", w=width) + "".join("| {:<58}".format(c)
                                                          for c in columns))
    for name in names:
        cells = []
        for rows in columns.values():
            match = next((r for r in rows if r["scenario"] == name), None)
            cells.append("| {:<58}".format(_cell(match)))
        print("{:<{w}}".format(name, w=width) + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=300_000,
                        help="readings for the 1-board maximum-rate runs")
    parser.add_argument("--before", type=Path, default=None,
                        help="another klimakit checkout to run side by side (e.g. main)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(run_all(args.readings)))
        return
    columns: dict[str, list[Row]] = {}
    if args.before is not None:
        env = dict(os.environ, KLIMAKIT_BENCH_KIT=str(args.before.resolve()))
        child = subprocess.run([sys.executable, __file__, "--json", "--readings",
                                str(args.readings)], env=env, capture_output=True, text=True,
                               timeout=1800)
        if child.returncode:
            sys.exit("the run against {} failed:\n{}".format(args.before, child.stderr[-3000:]))
        columns["before ({})".format(args.before)] = json.loads(child.stdout.splitlines()[-1])
    columns["this checkout"] = run_all(args.readings)
    _print(columns)


if __name__ == "__main__":
    main()
