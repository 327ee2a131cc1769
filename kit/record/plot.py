"""Graphs of a recording: one line per board and field, one panel per unit, Danish labels.

Reads a run CSV (either style) and its sidecar for the title, units, labels and events.
Fields that share a unit share a panel; a field whose unit differs gets its own. The time axis
is seconds since the start, or minutes for runs longer than two minutes. A break in a board's
line (longer than 5 × its usual interval, e.g. while unplugged) is drawn as a gap, and the
sidecar's unplugged/replugged events as dotted vertical lines, so a replug is visible.
matplotlib runs with the Agg backend: no window, works on a server and in tests.
"""
from __future__ import annotations

import logging
import statistics
from pathlib import Path
from typing import Any

from kit.errors import RecordingError
from kit.record.files import RunData, Series, read_run

log = logging.getLogger(__name__)

MAX_PANELS = 6
GAP_FACTOR = 5.0
EVENT_KINDS = ("unplugged", "replugged")


def _panels(run: RunData) -> list[tuple[str, list[str]]]:
    """Group fields by unit, in field order: [(unit, [field, ...]), ...]."""
    units = {f.get("name"): f.get("unit", "") for f in run.meta.get("fields", [])
             if isinstance(f, dict)}
    groups: dict[str, list[str]] = {}
    for name in run.fields:
        groups.setdefault(str(units.get(name, "") or ""), []).append(name)
    panels = list(groups.items())
    if len(panels) > MAX_PANELS:  # too many units for one figure: keep it readable
        panels = panels[: MAX_PANELS - 1] + [("", [f for _, fs in panels[MAX_PANELS - 1:]
                                                   for f in fs])]
    return panels


def _with_gaps(times: list[float], values: list[float]) -> tuple[list[float], list[float]]:
    """Insert NaN where the time step is far above the usual one, so the line breaks."""
    if len(times) < 3:
        return times, values
    steps = [b - a for a, b in zip(times, times[1:]) if b > a]
    usual = statistics.median(steps) if steps else 0.0
    if usual <= 0:
        return times, values
    out_t, out_v = [times[0]], [values[0]]
    for (t0, t1), v in zip(zip(times, times[1:]), values[1:]):
        if t1 - t0 > GAP_FACTOR * usual and t1 - t0 > 2.0:
            out_t.append((t0 + t1) / 2)
            out_v.append(float("nan"))
        out_t.append(t1)
        out_v.append(v)
    return out_t, out_v


def _labels(meta: dict[str, Any]) -> dict[str, str]:
    return {str(f.get("name")): str(f.get("label") or f.get("name")) for f in
            meta.get("fields", []) if isinstance(f, dict)}


def plot_run(csv_path: Path, out_path: Path | None = None, *, title: str = "") -> Path:
    """Draw the recording in `csv_path` to PNG or SVG (by suffix; default: beside the CSV)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = read_run(csv_path)
    out_path = out_path or csv_path.with_suffix(".png")
    if out_path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise RecordingError("{}: a graph must end in .png, .svg or .pdf".format(out_path))
    if not run.boards:
        raise RecordingError("{} has no readings to draw (only a header row). Was the board "
                             "running the lesson's program?".format(csv_path))
    panels = _panels(run)
    end = max(max(s.seconds, default=0.0) for s in run.boards.values())
    scale, unit_name = (60.0, "min") if end > 120 else (1.0, "s")
    labels = _labels(run.meta)
    fig, axes = plt.subplots(len(panels), 1, sharex=True, squeeze=False,
                             figsize=(9, 2.2 + 2.3 * len(panels)))
    for ax, (unit, names) in zip(axes[:, 0], panels):
        for board, series in sorted(run.boards.items()):
            _draw(ax, board, series, names, labels, scale, len(run.boards) > 1)
        # One field: its label and unit; several: the unit (the legend names the fields).
        pretty = labels.get(names[0], names[0]) if len(names) == 1 else ""
        ax.set_ylabel("{} ({})".format(pretty, unit).strip() if unit and pretty else
                      unit or pretty or ", ".join(names))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
        _draw_events(ax, run.meta, scale)
    axes[-1, 0].set_xlabel("Tid siden start ({})".format(unit_name))
    heading = title or run.meta.get("title") or run.meta.get("lesson") or csv_path.stem
    started = str(run.meta.get("started") or "")[:16].replace("T", " ")
    fig.suptitle("{}{}".format(heading, "  ·  " + started if started else ""))
    fig.tight_layout()
    try:
        fig.savefig(out_path, dpi=100)
    except OSError as err:
        raise RecordingError("cannot write the graph {}: {}".format(out_path, err)) from err
    finally:
        plt.close(fig)
    return out_path


def _draw(ax: Any, board: str, series: Series, names: list[str], labels: dict[str, str],
          scale: float, many_boards: bool) -> None:
    for name in names:
        times, values = _with_gaps([t / scale for t in series.seconds], series.values[name])
        label = labels.get(name, name)
        if many_boards:
            label = "{}: {}".format(board, label) if len(names) > 1 else board
        # Counters and levels (whole numbers) change in steps; measurements are lines.
        stepped = all(v == int(v) for v in values if v == v)
        ax.plot(times, values, label=label, linewidth=1.4, drawstyle="steps-post" if stepped
                else "default", marker="." if len(times) < 60 else None)


def _draw_events(ax: Any, meta: dict[str, Any], scale: float) -> None:
    for event in meta.get("events", []):
        if isinstance(event, dict) and event.get("event") in EVENT_KINDS:
            try:
                ax.axvline(float(event["seconds"]) / scale, color="grey", linestyle=":",
                           linewidth=1)
            except (KeyError, TypeError, ValueError):
                continue
