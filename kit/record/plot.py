"""Graphs of a recording: one line per board and field, one panel per unit, Danish labels.

Reads a run CSV (either style) and its sidecar for the title, units, labels and events
(kit/record/readback.py, which trusts neither file). Fields that share a unit share a panel; a
field whose unit differs gets its own. The time axis is seconds since the start, or minutes for
runs longer than two minutes. A break in a board's line (longer than 5 × its usual interval,
e.g. while unplugged) is drawn as a gap, and the sidecar's unplugged/replugged events as dotted
vertical lines, so a replug is visible. Before drawing, the sidecar of a recording whose recorder
died is repaired (readback.repair_sidecar). `draw_graph` says what it skipped and why, so the
CLI can tell the user; matplotlib runs with the Agg backend: no window, works on a server.
"""
from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.i18n import gettext as _
from kit.i18n import ngettext, os_reason
from kit.errors import RecordingError
from kit.record.readback import RunData, Series, read_run, repair_sidecar
from kit.text import one_line

log = logging.getLogger(__name__)

MAX_PANELS = 6
MAX_BOARDS = 60  # lines per panel; a class is at most ~30 boards
GAP_FACTOR = 5.0
EVENT_KINDS = ("unplugged", "replugged")


@dataclass(frozen=True)
class Graph:
    """A drawn graph: where, how many readings, what was skipped (reason -> count)."""

    path: Path
    readings: int
    skipped: dict[str, int]
    blank_cells: dict[str, int]
    repaired: bool = False  # the sidecar was unfinished (recorder killed) and was completed


def _meta_fields(meta: dict[str, Any]) -> list[dict[str, Any]]:
    fields = meta.get("fields")
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


def _panels(run: RunData) -> list[tuple[str, list[str]]]:
    """Group fields by unit, in field order: [(unit, [field, ...]), ...]."""
    units = {str(f.get("name")): one_line(str(f.get("unit") or ""), 20)
             for f in _meta_fields(run.meta)}
    groups: dict[str, list[str]] = {}
    for name in run.fields:
        groups.setdefault(str(units.get(name, "") or ""), []).append(name)
    panels = list(groups.items())
    if len(panels) > MAX_PANELS:  # too many units for one figure: keep it readable
        panels = panels[: MAX_PANELS - 1] + [("", [f for _unit, fs in panels[MAX_PANELS - 1:]
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
    return {str(f.get("name")): one_line(str(f.get("label") or f.get("name")), 60)
            for f in _meta_fields(meta)}


def _text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return one_line(value, 120) if isinstance(value, str) else ""


def plot_run(csv_path: Path, out_path: Path | None = None, *, title: str = "") -> Path:
    """Draw the recording in `csv_path` to PNG or SVG (by suffix; default: beside the CSV)."""
    return draw_graph(csv_path, out_path, title=title).path


def draw_graph(csv_path: Path, out_path: Path | None = None, *, title: str = "") -> Graph:
    """Draw the recording in `csv_path` (see plot_run) and say what was skipped and why."""
    out_path = out_path or csv_path.with_suffix(".png")
    if out_path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise RecordingError(_("{path}: a graph must end in .png, .svg or .pdf").format(
            path=out_path))
    repaired = repair_sidecar(csv_path)
    run = read_run(csv_path)
    readings = sum(len(s.seconds) for s in run.boards.values())
    if not readings:
        why = _("only a header row") if not run.skipped_rows else ngettext(
            "{count} unreadable row", "{count} unreadable rows", run.skipped_rows).format(
                count=run.skipped_rows)
        raise RecordingError(_("{path} has no readings to draw ({why}). Was the board running "
                               "the lesson's program?").format(path=csv_path, why=why))
    if len(run.boards) > MAX_BOARDS:
        raise RecordingError(_("{path} has readings from {count} boards; a graph shows at most "
                               "{most}.").format(path=csv_path, count=len(run.boards),
                                                 most=MAX_BOARDS))
    try:
        _draw_figure(run, csv_path, out_path, title)
    except (ValueError, OverflowError) as err:  # numbers matplotlib cannot place on an axis
        raise RecordingError(_("cannot draw {path}: {problem}. Are there absurdly large numbers "
                               "in it?").format(path=csv_path, problem=err)) from err
    return Graph(out_path, readings, run.skipped, run.blank_cells, repaired)


def _draw_figure(run: RunData, csv_path: Path, out_path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    # Names and titles come from boards and files: '$x$' is text, never TeX math.
    with matplotlib.rc_context({"text.parse_math": False}):
        _draw_panels(run, csv_path, out_path, title)


def _draw_panels(run: RunData, csv_path: Path, out_path: Path, title: str) -> None:
    import matplotlib.pyplot as plt

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
    axes[-1, 0].set_xlabel(_("Time since the start ({unit})").format(unit=unit_name))
    heading = title or _text(run.meta, "title") or _text(run.meta, "lesson") or csv_path.stem
    started = _text(run.meta, "started")[:16].replace("T", " ")
    fig.suptitle("{}{}".format(heading, "  ·  " + started if started else ""))
    try:
        fig.tight_layout()
        fig.savefig(out_path, dpi=100)
    except OSError as err:
        raise RecordingError(_("cannot write the graph {path}: {reason}").format(
            path=out_path, reason=os_reason(err))) from err
    finally:
        plt.close(fig)


def _draw(ax: Any, board: str, series: Series, names: list[str], labels: dict[str, str],
          scale: float, many_boards: bool) -> None:
    for name in names:
        times, values = _with_gaps([t / scale for t in series.seconds], series.values[name])
        label = labels.get(name, name)
        if many_boards:
            label = "{}: {}".format(board, label) if len(names) > 1 else board
        # Counters and levels (whole numbers) change in steps; measurements are lines.
        stepped = all(v == int(v) for v in values if math.isfinite(v))
        ax.plot(times, values, label=label, linewidth=1.4, drawstyle="steps-post" if stepped
                else "default", marker="." if len(times) < 60 else None)


def _draw_events(ax: Any, meta: dict[str, Any], scale: float) -> None:
    events = meta.get("events")
    for event in events if isinstance(events, list) else []:
        if isinstance(event, dict) and event.get("event") in EVENT_KINDS:
            try:
                at = float(event["seconds"]) / scale
            except (KeyError, TypeError, ValueError, OverflowError):
                continue
            if math.isfinite(at):
                ax.axvline(at, color="grey", linestyle=":", linewidth=1)
