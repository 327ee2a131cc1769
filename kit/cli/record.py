"""`klimakit record`, `klimakit plot`, `klimakit import`: experiments to CSV files and graphs.

What they show (live table, summary, the words in the user's language) and how signals end a
recording are in kit/cli/record_screen.py.
"""
from __future__ import annotations

import contextlib
import math
import re
import time
from pathlib import Path
from typing import Any

import click
from rich.live import Live
from rich.markup import escape

from kit.boards import Board, find_boards
from kit.cli.output import err_console
from kit.cli.record_screen import (
    Screen, event_line, live_table, print_graph_notes, print_summary, stop_on_signals,
)
from kit.cli.translate import KitPath, argument, command, option
from kit.errors import KitError, RecordingError
from kit.i18n import N_, ngettext
from kit.i18n import gettext as _
from kit.record import (
    BoardStatus, EndReason, LiveView, Recorder, RecordingResult, RunEvent, choose_boards,
    draw_graph, import_my_data, log_notes, make_reopen, open_board, open_port, plan_recording,
    read_my_data, recording_error,
)

MAX_DURATION_S = 7 * 24 * 3600.0  # a week: longer is a typing error, not an experiment
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$")


class Duration(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """'20m', '90s', '1h30m' or a plain number of minutes → seconds (finite, positive)."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> float:
        if isinstance(value, (int, float)):
            seconds = float(value)
        else:
            seconds = self._parse(str(value), param, ctx)
        if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_DURATION_S:
            self.fail(_("{value!r} is not a duration klimakit can record: give a time above 0 "
                        "and at most a week, e.g. 20m, 90s or 1h30m").format(value=value),
                      param, ctx)
        return seconds

    def _parse(self, value: str, param: click.Parameter | None, ctx: click.Context | None
               ) -> float:
        text = value.strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(\.\d+)?", text):  # plain minutes; not "nan", "inf" or "1e400"
            return float(text) * 60
        match = _DURATION.match(text)
        if not text or match is None:
            self.fail(_("{value!r} is not a duration: write e.g. 20m, 90s or 1h30m").format(
                value=value), param, ctx)
        hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds


def _open_boards(names: tuple[str, ...], all_boards: bool, ports: tuple[str, ...]
                 ) -> tuple[list[Board], dict[str, dict[str, Any]]]:
    """The boards to record, and what the sidecar says about virtual ones (their engine)."""
    if ports:
        return [open_port(url) for url in ports], {}
    boards: list[Board] = []
    notes: dict[str, dict[str, Any]] = {}
    try:
        for info in choose_boards(find_boards(), names, all_boards):
            boards.append(open_board(info))
            if info.virtual:
                notes[info.unique_id] = {"virtual": True, "engine": info.engine,
                                         "engine_reason": info.engine_reason}
    except KitError:
        for board in boards:
            board.close()
        raise
    return boards, notes


def _record_live(recorder: Recorder, boards: list[Board], screen: Screen,
                 view: LiveView | None) -> RecordingResult:
    """Run the recording with the live table (and the live page); the callbacks run on this
    thread, never on the recorder's writer thread."""
    reopen = make_reopen(names={b.unique_id: b.name for b in boards})
    started = time.monotonic()
    live = Live(console=err_console, refresh_per_second=4, transient=False)
    screen.show(live.start)

    def update(statuses: list[BoardStatus]) -> None:
        screen.show(lambda: live.update(live_table(statuses, recorder.fields,
                                                   time.monotonic() - started)))
        if view is not None:
            view.update(statuses, recorder.fields, recorder.intake.units)

    def event(item: RunEvent) -> None:
        if view is not None:
            view.event(item)
        if item.board:
            screen.show(lambda: live.console.print(event_line(item)))

    result: RecordingResult | None = None
    try:
        result = recorder.run(boards, reopen=reopen, on_update=update, on_event=event)
    finally:
        screen.show(lambda: live.update(live_table(recorder.snapshot(), recorder.fields,
                                                   time.monotonic() - started)))
        screen.show(live.stop)
        if live.is_started:  # the terminal went away: still end its refresh thread and hook
            with contextlib.suppress(OSError):
                live.stop()
        if view is not None:
            view.finish(result)
    return result


def _start_view(recorder: Recorder, share: bool, port: int | None, browser: bool
                ) -> LiveView:
    """Serve the live page and say where it is (and open it, unless --no-browser)."""
    view = LiveView(recorder.plan, share=share, port=port or 0)
    address = view.start()
    err_console.print(_("Live view: [bold]{url}[/bold]").format(url=escape(address.url)))
    for url in address.share_urls:
        err_console.print(_("  Pupils' computers on the school network: [bold]{url}[/bold]"
                            ).format(url=escape(url)))
    if share and not address.share_urls:
        err_console.print(_("  (Pupils' computers: use this computer's network address "
                            "instead of 127.0.0.1)"))
    if browser:
        import webbrowser

        try:
            webbrowser.open(address.url)
        except webbrowser.Error:
            pass  # the address is printed above
    return view


def _draw_at_end(result: RecordingResult, screen: Screen) -> None:
    """The graph of a finished recording; a graph that cannot be drawn is a warning only:
    the data is saved, so `record` still succeeds."""
    try:
        graph = draw_graph(result.paths.csv, result.paths.plot)
    except RecordingError as err:
        message = _("[yellow]The graph could not be drawn[/yellow]: {error}").format(
            error=escape(str(err)))
        screen.show(lambda: err_console.print(message))
        return
    line = _("  Graph:     {path}").format(path=escape(str(graph.path)))
    screen.show(lambda: err_console.print(line, soft_wrap=True))


@command()
@argument("lesson", required=False, default="", metavar=N_("[LESSON]"))
@option("--board", "names", multiple=True, metavar=N_("NAME"),
        help=N_("Record this board (repeat for more). See `klimakit boards`."))
@option("--all", "all_boards", is_flag=True, help=N_("Record every plugged-in board."))
@option("--port", "ports", multiple=True, metavar=N_("URL"),
        help=N_("Record this serial port or pyserial URL, e.g. socket://127.0.0.1:4000."))
@option("--duration", type=Duration(), default=None, metavar=N_("DURATION"),
        help=N_("Stop after this long: 20m, 90s, 1h30m. Default: until Ctrl-C."))
@option("-o", "--out", "out_dir", type=KitPath(file_okay=False, path_type=Path),
        default=Path("klimakit-data"), show_default=True, help=N_("Folder for the files."))
@option("--excel-da", is_flag=True, help=N_("Danish Excel: ';' and decimal comma."))
@option("--plot/--no-plot", "make_plot", default=True, show_default=True,
        help=N_("Draw a graph (PNG) at the end."))
@option("--live", "--live-plot", "live", is_flag=True,
        help=N_("Show every board's curves in the browser while recording (for the "
                "projector); the address is printed. --live-plot is the old name."))
@option("--share", is_flag=True,
        help=N_("With --live: pupils' computers on the school network may open the page "
                "too (its address has a secret code)."))
@option("--no-browser", is_flag=True, help=N_("With --live: do not open the browser."))
@option("--live-port", type=click.IntRange(1, 65535), default=None, metavar="PORT",
        help=N_("With --live: serve the page on this port (default 8716, or any free one)."))
def record(lesson: str, names: tuple[str, ...], all_boards: bool, ports: tuple[str, ...],
           duration: float | None, out_dir: Path, excel_da: bool, make_plot: bool,
           live: bool, share: bool, no_browser: bool, live_port: int | None) -> None:
    """Record an experiment from one or many micro:bits to a CSV file and a graph.

    Every reading is stamped with the PC's clock and saved at once, line by line; Ctrl-C
    stops and keeps everything. With a LESSON the columns, units and title come from the
    lesson; without one, from the board's own header line. Boards that are unplugged are
    picked up again when they come back.

    \b
    Examples:
      klimakit record afkoeling --all --duration 20m
      klimakit record afkoeling --all --live
      klimakit record --board gruppe-3 --excel-da
      klimakit record --port socket://127.0.0.1:4000
    """
    plan = plan_recording(out_dir, lesson, duration_s=duration, excel_da=excel_da)
    recorder = Recorder(plan)  # creates the files now: an unwritable folder fails before boards
    try:
        boards, recorder.board_notes = _open_boards(names, all_boards, ports)
    except KitError:
        recorder.abandon()
        raise
    err_console.print(ngettext("Recording from {count} board to {path}",
                               "Recording from {count} boards to {path}", len(boards)).format(
                                   count=len(boards), path=escape(str(plan.paths.csv))),
                      soft_wrap=True)
    try:
        view = _start_view(recorder, share, live_port, not no_browser) if live or share \
            else None
    except KitError:
        for board in boards:
            board.close()
        recorder.abandon()
        raise
    screen = Screen()
    restore = stop_on_signals(recorder, screen)
    try:
        result = _record_live(recorder, boards, screen, view)
        if not err_console.is_terminal:
            screen.show(err_console.print)  # a terminal ends the live table with a line break
        screen.show(lambda: print_summary(result))
        if make_plot and result.accepted:
            _draw_at_end(result, screen)
    finally:
        restore()
    if result.ended_by is EndReason.ERROR:
        raise recording_error(result)
    screen.show(lambda: click.echo(str(plan.paths.csv)))


@command()
@argument("csv_path", type=KitPath(exists=True, dir_okay=False, path_type=Path),
          metavar=N_("CSV_FILE"))
@option("-o", "--out", "out_path", type=KitPath(dir_okay=False, path_type=Path),
        default=None, help=N_("Graph file: .png or .svg (default: beside the CSV)."))
@option("--title", default="", help=N_("Title above the graph (default: the lesson's)."))
def plot(csv_path: Path, out_path: Path | None, title: str) -> None:
    """Draw a graph of a recording: one line per board and field.

    Reads CSV files from `klimakit record` and `klimakit import` (both the normal and the
    Danish Excel style); units and the title come from the .json file beside it.

    \b
    Example:
      klimakit plot klimakit-data/afkoeling-20261125-101500.csv -o graf.svg
    """
    graph = draw_graph(csv_path, out_path, title=title)
    print_graph_notes(graph)
    click.echo(str(graph.path))


@command(name="import")
@argument("source", type=KitPath(exists=True, dir_okay=False, path_type=Path),
          metavar=N_("SOURCE"))
@option("-o", "--out", "out_dir", type=KitPath(file_okay=False, path_type=Path),
        default=Path("klimakit-data"), show_default=True, help=N_("Folder for the files."))
@option("--board", "board", default="v2-log", show_default=True, metavar=N_("NAME"),
        help=N_("Name for the board column."))
@option("--excel-da", is_flag=True, help=N_("Danish Excel: ';' and decimal comma."))
@option("--plot/--no-plot", "make_plot", default=True, show_default=True,
        help=N_("Draw a graph (PNG) too."))
def import_log(source: Path, out_dir: Path, board: str, excel_da: bool, make_plot: bool) -> None:
    """Import a micro:bit V2 data log (MY_DATA.HTM) as a CSV file and a graph.

    Copy MY_DATA.HTM from the MICROBIT drive of a V2 whose program used the `log` module
    (or MakeCode's data logger) and import it here. A CSV saved with the page's Download
    button works too.

    \b
    Example:
      klimakit import /media/$USER/MICROBIT/MY_DATA.HTM -o data
    """
    paths = import_my_data(source, out_dir, board=board, excel_da=excel_da)
    err_console.print(_("[green]Imported[/green]: {path}").format(path=escape(str(paths.csv))),
                      soft_wrap=True)
    for note in log_notes(read_my_data(source)):  # full, cut off: said, the rows are kept
        err_console.print("  " + escape(note))
    if make_plot:
        try:
            graph = draw_graph(paths.csv, paths.plot)
        except RecordingError as err:
            err_console.print(_("[yellow]The graph could not be drawn[/yellow]: {error}").format(
                error=escape(str(err))))
        else:
            print_graph_notes(graph)
            err_console.print(_("  Graph:     {path}").format(path=escape(str(graph.path))),
                              soft_wrap=True)
    click.echo(str(paths.csv))


COMMANDS = [record, plot, import_log]
