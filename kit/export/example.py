"""What a lesson's graph may look like, and its program in colour: for the exported pages.

The example graph ("Sådan kan jeres graf se ud") is the lesson's own firmware run on a
simulated board (kit.sim, on a virtual clock) with the lesson's scenario for the lesson's
duration, every line read by the recorder's parser, and drawn by the recorder's plotter
(kit.record.draw_graph), so it looks like the graph the class gets from `klimakit record`.
The seed is fixed, so the same lesson always gives the same PNG (the Meebook package is
byte-identical from run to run). A lesson whose program prints no readings in the simulator
gets no example graph.

The program is highlighted by Pygments into HTML with class names only (styles in the export's
stylesheet, `code_css`), so the pages need no inline style.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kit import __version__
from kit.build import lesson_program
from kit.errors import KitError
from kit.export.templating import EXPORT_LANGUAGE
from kit.i18n import gettext as _
from kit.i18n import use_language
from kit.lessons import Lesson
from kit.resources import cache_dir
from kit.record import Data, RunPaths, RunWriter, draw_graph, parse_line, write_sidecar
from kit.sim import SimBoard, Simulation

log = logging.getLogger(__name__)

CODE_CLASS = "kode"
SEED = 1
MAX_EXAMPLE_S = 3 * 3600.0  # a day-long lesson is shown over its first three hours
WAIT_S = 20.0  # wall seconds for a program that never prints again


def _pygments(name: str) -> Any:
    # Loaded by name: Pygments ships no type information (types-Pygments is optional).
    return importlib.import_module(name)


def highlight_python(source: str) -> Markup:
    """The program as highlighted HTML (Pygments escapes every character of it)."""
    formatter = _pygments("pygments.formatters").HtmlFormatter(cssclass=CODE_CLASS)
    lexer = _pygments("pygments.lexers").PythonLexer()
    return Markup(str(_pygments("pygments").highlight(source, lexer, formatter)))


def code_css() -> str:
    """The stylesheet rules for highlighted programs."""
    formatter = _pygments("pygments.formatters").HtmlFormatter(cssclass=CODE_CLASS)
    return "\n/* Programs, highlighted by Pygments */\n" + str(
        formatter.get_style_defs("." + CODE_CLASS)) + "\n"


def _readings(lesson: Lesson, seconds: float) -> list[tuple[float, tuple[float, ...]]]:
    board = SimBoard.from_lesson(lesson, seed=SEED, sim=Simulation(seed=SEED, end_s=seconds))
    rows: list[tuple[float, tuple[float, ...]]] = []
    try:
        while True:
            lines = board.read_lines(0 if board.sim.finished else WAIT_S)
            if not lines:
                break
            at = board.printed_at_s() or 0.0
            for line in lines:
                parsed = parse_line(line)
                if isinstance(parsed, Data) and len(parsed.values) == len(
                        lesson.experiment.fields):
                    rows.append((at, tuple(parsed.values)))
    finally:
        board.close()
    return rows


def cached_example_graph(lesson: Lesson) -> bytes | None:
    """example_graph, kept in the user's cache folder by everything it depends on (program,
    scenario, duration, fields, klimakit and matplotlib versions): an export of an unchanged
    library draws nothing again."""
    import matplotlib

    try:
        program = lesson_program(lesson).sha256
    except KitError:
        return None
    experiment = lesson.experiment
    key = hashlib.sha256(json.dumps([
        __version__, matplotlib.__version__, program, experiment.scenario,
        experiment.duration_min, [[f.name, f.unit, f.label] for f in experiment.fields],
        lesson.title, sorted(lesson.boards)]).encode()).hexdigest()[:32]
    path = cache_dir() / "examples" / (key + ".png")
    try:
        return path.read_bytes()
    except OSError:
        pass
    png = example_graph(lesson)
    if png is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name("{}.{}.tmp".format(path.name, os.getpid()))
            tmp.write_bytes(png)
            os.replace(tmp, path)
        except OSError as err:
            log.info("cannot cache %s: %s", path, err)
    return png


def example_graph(lesson: Lesson) -> bytes | None:
    """The lesson's example graph as PNG, or None if its program gives no readings there."""
    fields = lesson.experiment.fields
    if not lesson.firmware or not fields:
        return None
    seconds = min(lesson.experiment.duration_min * 60.0, MAX_EXAMPLE_S)
    try:
        rows = _readings(lesson, seconds)
    except KitError as err:
        log.info("%s: no example graph: %s", lesson.id, err)
        return None
    if not rows:
        return None
    with tempfile.TemporaryDirectory(prefix="klimakit-example-") as tmp, \
            use_language(EXPORT_LANGUAGE):  # the graph's words are the page's
        paths = RunPaths.for_stem(Path(tmp), lesson.id)
        writer = RunWriter(paths)
        writer.set_fields(tuple(f.name for f in fields))
        for at, values in rows:
            writer.write_row(None, at, _("simulated"), values, flush=False)
        writer.close()
        write_sidecar(paths.sidecar, {"title": lesson.title, "fields": [
            {"name": f.name, "unit": f.unit, "label": f.label} for f in fields]})
        draw_graph(paths.csv, paths.plot, title=_("What your graph may look like (simulated)"))
        return paths.plot.read_bytes()
