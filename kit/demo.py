"""The whole flow with no hardware: build a lesson's firmware, run it on a virtual board,
record its data lines to CSV and draw a graph.

QEMU runs the real micro:bit V1 MicroPython, so the demo proves the same path a classroom uses
(hex build → board → serial lines → parser → CSV → graph). Buttons A and B are pressed during
the run, as a pupil marking events would.
"""
from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.boards import Board, QemuBoard, qemu_binary
from kit.errors import QemuNotAvailable
from kit.firmware import Program, assemble
from kit.protocol import Data, Header, parse_line
from kit.resources import firmware_path

log = logging.getLogger(__name__)

DEFAULT_FIRMWARE = "sensortjek"


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced and on what."""

    out_dir: Path
    csv_path: Path
    png_path: Path
    rows: int
    rejected: int
    backend: str
    fields: tuple[str, ...]


def record_rows(
    board: Board,
    csv_path: Path,
    seconds: float,
    actions: dict[float, Callable[[], None]] | None = None,
) -> tuple[Header | None, int, int]:
    """Record data lines from `board` for `seconds`, writing and flushing each CSV row."""
    header: Header | None = None
    rows = rejected = 0
    pending = sorted((actions or {}).items())
    start = time.monotonic()
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        while (elapsed := time.monotonic() - start) < seconds:
            while pending and pending[0][0] <= elapsed:
                pending.pop(0)[1]()
            parsed = parse_line(board.readline(0.5) or b"")
            if isinstance(parsed, Header):
                if header is None:
                    writer.writerow(("time", "board") + parsed.fields)
                header = parsed
            elif isinstance(parsed, Data) and header is not None:
                if len(parsed.values) == len(header.fields):
                    writer.writerow(("{:.3f}".format(time.time()), board.name) + parsed.values)
                    handle.flush()
                    rows += 1
                else:
                    rejected += 1
            elif parsed.__class__.__name__ == "Raw" and getattr(parsed, "reason", "") != "empty":
                rejected += 1
    return header, rows, rejected


def plot_csv(csv_path: Path, png_path: Path, title: str) -> None:
    """Draw one line per numeric field against seconds since start."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:]
    t0 = float(data[0][0]) if data else 0.0
    times = [float(r[0]) - t0 for r in data]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, name in enumerate(header[2:], start=2):
        ax.plot(times, [float(r[i]) for r in data], label=name)
    ax.set_xlabel("Tid (s)")
    ax.set_title(title)
    ax.legend(loc="best")
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)


def _open_board(
    program: Program, seconds: float, on_status: Callable[[str], None]
) -> tuple[Board, dict[float, Callable[[], None]]]:
    """Start the virtual board the demo runs on, and the button presses to make during it."""
    on_status("Bygger {} ({} bytes) og starter en virtuel micro:bit i QEMU…".format(
        program.name, program.size_bytes))
    qemu = QemuBoard.from_program(program, name="virtuel-1")
    return qemu, {seconds / 3: lambda: qemu.press("A"), 2 * seconds / 3: lambda: qemu.press("B")}


def run_demo(
    out_dir: Path,
    *,
    seconds: float = 6.0,
    firmware: str = DEFAULT_FIRMWARE,
    on_status: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Run `firmware` on a virtual board, write demo.csv and demo.png into `out_dir`."""
    if qemu_binary() is None:
        raise QemuNotAvailable(
            "qemu-system-arm is not installed, so the demo has no virtual micro:bit. "
            "Install it with: sudo apt-get install qemu-system-arm"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out_dir / "demo.csv", out_dir / "demo.png"
    program = assemble(firmware_path(firmware))
    board, actions = _open_board(program, seconds, on_status)
    with board:
        on_status("Optager i {:.0f} sekunder (trykker på A og B undervejs)…".format(seconds))
        header, rows, rejected = record_rows(board, csv_path, seconds, actions)
    plot_csv(csv_path, png_path, "klimakit demo: {}".format(program.name))
    return DemoResult(out_dir, csv_path, png_path, rows, rejected, "qemu",
                      header.fields if header else ())
