"""What `klimakit record`, `plot` and `import` show: the live table, the words (in the user's
language, kit/i18n) for the recorder's states and losses, the summary, and the signals that
end a recording.

Signals: while recording, Ctrl-C (SIGINT), SIGTERM and SIGHUP only ask the recorder to stop
(kit.record.Recorder.request_stop, which just sets a field); the recorder then finishes its
files and the graph is drawn. A second or third Ctrl-C changes nothing: the files are being
finished. After SIGHUP (the terminal was closed) nothing more is printed, because writing to a
closed terminal fails; the files are finished all the same.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping
from types import FrameType
from typing import Any

from rich.markup import escape
from rich.table import Table

from kit.cli.output import err_console, plain
from kit.i18n import N_, number
from kit.i18n import gettext as _
from kit.record import (
    BoardState, BoardStatus, EndReason, EventKind, Graph, Recorder, RecordingResult, RunEvent,
)

EVENTS = {EventKind.UNPLUGGED: N_("unplugged"), EventKind.REPLUGGED: N_("plugged in again"),
          EventKind.WRONG_PROGRAM: N_("wrong program"),
          EventKind.SEQUENCE_RESTARTED: N_("counter started over"),
          EventKind.SEQUENCE_JUMPED: N_("counter jumped (not counted as lost)"),
          EventKind.READER_FAILED: N_("reading failed"), EventKind.NO_HEADER: N_("no header"),
          EventKind.LOST: N_("lost"), EventKind.SILENT: N_("no readings")}
STATES = {BoardState.WAITING: N_("waiting"), BoardState.OK: N_("ok"),
          BoardState.QUIET: N_("quiet"), BoardState.UNPLUGGED: N_("unplugged"),
          BoardState.WRONG_PROGRAM: N_("wrong program"), BoardState.STOPPED: N_("stopped")}
STATE_COLOURS = {BoardState.OK: "green", BoardState.UNPLUGGED: "red",
                 BoardState.WRONG_PROGRAM: "red", BoardState.QUIET: "yellow"}
ENDED = {EndReason.INTERRUPTED: N_("stopped with Ctrl-C"), EndReason.DURATION: N_("time is up"),
         EndReason.NO_BOARDS: N_("every board is gone"), EndReason.STOP: N_("stopped"),
         EndReason.TERMINATED: N_("stopped by the system"),
         EndReason.HANGUP: N_("the terminal was closed"), EndReason.ERROR: N_("error"),
         EndReason.UNFINISHED: N_("not finished")}
LOST = {"radio gap": N_("radio packets that did not arrive (gaps in the counters)"),
        "unplugged mid-line": N_("half lines when a board was unplugged (in the raw log)"),
        "queue overflow": N_("lines the PC could not save in time"),
        "disk full": N_("readings there was no room for on the disk")}
# Why a board sends no readings (kit.record.Silence values): what it means, and what to try.
SILENCE = {
    "nothing": (N_("has sent nothing"),
                N_("Press the reset button on the back. Check that the cable is a data cable. "
                   "Flash the lesson again (`klimakit flash LESSON --board NAME`).")),
    "repl": (N_("the program is not running: the micro:bit waits at its prompt (>>>), e.g. "
                "after `klimakit run`"),
             N_("Press the reset button on the back, or flash the lesson again.")),
    "traceback": (N_("the program stopped with an error"),
                  N_("Fix the error and flash again (first try `klimakit run PROGRAM "
                     "--as-flashed`).")),
    "other lesson": (N_("runs another lesson's program"),
                     N_("Flash this lesson onto it (`klimakit flash LESSON --board NAME`).")),
    "not data": (N_("sends only things other than readings"),
                 N_("Is it the right program? See the raw log; flash the lesson again.")),
    "not yet": (N_("had no time to send anything before the recording ended"),
                N_("Record for longer: the lesson measures less often than the recording "
                   "lasted.")),
}
SKIPPED = {"wrong number of columns": N_("with a wrong number of columns"),
           "unreadable number": N_("with a number that cannot be read"),
           "unreadable time": N_("without a time that can be read"),
           "unfinished last row": N_("cut off while being written (the last row)")}


def live_table(statuses: list[BoardStatus], fields: tuple[str, ...], elapsed: float) -> Table:
    """The live view: one row per board (or radio sender).

    At 80 columns a board's name (an id to type after --board) is never cut; why a board is
    quiet is a line of its own under the table (it is a sentence), and the counts share a
    column, so the latest values have room (tests/test_language.py).
    """
    minutes, seconds = divmod(elapsed, 60)
    table = Table(title=_("Recording · {minutes:.0f}:{seconds:02.0f}  (Ctrl-C stops and "
                          "saves)").format(minutes=minutes, seconds=seconds),
                  title_justify="left", caption_justify="left")
    # Field names come from the board's header line, which allows '[' and '/': plain text.
    table.add_column(_("Board"), no_wrap=True)
    table.add_column(_("Status"))
    table.add_column(_("Latest ({fields})").format(fields=plain(", ".join(fields), 80) or "?"))
    table.add_column(_("Lines/s"), no_wrap=True)
    table.add_column(_("Saved / rejected / lost"))
    notes = []
    for s in statuses:
        state = "[{}]{}[/]".format(STATE_COLOURS.get(s.state, "white"), _(STATES[s.state]))
        if s.silence and s.state is not BoardState.UNPLUGGED:
            state = "[yellow]{}[/]".format(_(STATES[BoardState.QUIET]))
            notes.append(_("{board}: quiet: {why}").format(
                board=plain(s.name, 40), why=plain(silence_text(s.silence, s.silence_detail),
                                                   200)))
        latest = ", ".join("{:g}".format(v) for v in s.latest)
        table.add_row(plain(s.name, 40), state, latest, number(s.lines_per_s, 1),
                      "{} / {} / {}".format(s.accepted, s.rejected, s.lost))
    if notes:
        table.caption = "\n".join(notes)
    return table


def silence_text(reason: str, detail: str) -> str:
    """Why a board sends no readings, in the user's language, with its detail (error, lesson,
    last line)."""
    words = _(SILENCE[reason][0]) if reason in SILENCE else reason
    if reason == "nothing":
        return _("{words} since its last reading").format(words=words) if detail else words
    if reason == "not yet":
        return _("{words} (after {detail})").format(words=words, detail=detail) if detail \
            else words
    if not detail:
        return words
    if reason == "not data":
        return _("{words} (last: \u201c{detail}\u201d)").format(words=words, detail=detail)
    return "{}: {}".format(words, detail)


def event_line(item: RunEvent) -> str:
    """One printed line for an event of a board."""
    import time

    detail = item.detail
    if item.kind is EventKind.SILENT:
        reason, _sep, rest = detail.partition(": ")
        detail = silence_text(reason, rest)
    what = _(EVENTS[item.kind]) if item.kind in EVENTS else item.kind.value
    return "[yellow]{}[/yellow] {}: {} {}".format(
        time.strftime("%H:%M:%S", time.localtime(item.at)), plain(item.board, 40),
        what, plain(detail, 200))


def _counted(counts: Mapping[str, int], words: Mapping[str, str]) -> str:
    return ", ".join("{} {}".format(n, _(words[reason]) if reason in words else reason)
                     for reason, n in counts.items() if n)


def print_summary(result: RecordingResult) -> None:
    """What was saved, rejected and lost (with why), and where the files are."""
    how = _(ENDED[result.ended_by]) if result.ended_by else "?"
    lost = _("{count} lost").format(count=result.lost)
    if result.lost:
        lost += ": " + _counted(result.lost_by, LOST)
    err_console.print(_("[green]Done[/green] ({how}): {saved} readings saved, {rejected} lines "
                        "rejected (in the raw log), {lost}.").format(
                            how=how, saved=result.accepted, rejected=result.rejected,
                            lost=escape(lost)))
    for board in result.boards:
        if not board.accepted and not board.port.startswith("via "):  # not a radio sender
            words, advice = SILENCE.get(board.silence, (N_("no explanation"), ""))
            reason = silence_text(board.silence, board.silence_detail) if board.silence \
                else _(words)
            err_console.print(_("  [red]{board}: 0 readings[/red]: {reason}.{advice}").format(
                board=plain(board.name, 40), reason=plain(reason, 240),
                advice=" → " + escape(_(advice)) if advice else ""))
    # Paths are to copy: never wrapped (soft_wrap), however narrow the terminal.
    err_console.print("  CSV:       {}".format(escape(str(result.paths.csv))), soft_wrap=True)
    err_console.print(_("  Metadata:  {path}").format(path=escape(str(result.paths.sidecar))),
                      soft_wrap=True)
    err_console.print(_("  Raw log:   {path}").format(path=escape(str(result.paths.raw))),
                      soft_wrap=True)
    if not result.sidecar_saved:
        err_console.print(_("[red]The metadata file could not be saved completely[/red] (is "
                            "the disk full?). Run `klimakit plot` on the CSV file when there "
                            "is room: it repairs it."))


def print_graph_notes(graph: Graph) -> None:
    """Say what a graph left out, and that an unfinished sidecar was repaired."""
    if graph.repaired:
        err_console.print(_("[yellow]The metadata file (.json) was not finished[/yellow]: the "
                            "recorder was stopped before it had saved everything. It is now "
                            "repaired from the CSV file ({readings} readings).").format(
                                readings=graph.readings))
    if graph.skipped:
        err_console.print(_("[yellow]{count} rows skipped[/yellow]: {why}.").format(
            count=sum(graph.skipped.values()), why=escape(_counted(graph.skipped, SKIPPED))))
    cells = sum(graph.blank_cells.values())
    if cells:
        err_console.print(_("[yellow]{count} values are not finite numbers[/yellow] (inf or "
                            "nan) and show as gaps in the curve.").format(count=cells))


class Screen:
    """The terminal while recording: stops printing when the terminal is gone (SIGHUP)."""

    def __init__(self) -> None:
        self.gone = False

    def show(self, action: Callable[[], object]) -> None:
        """Run a printing action unless the terminal is gone; a closed terminal ends output."""
        if self.gone:
            return
        try:
            action()
        except OSError:  # EIO: the terminal was closed
            self.gone = True


def stop_on_signals(recorder: Recorder, screen: Screen) -> Callable[[], None]:
    """Make SIGINT, SIGTERM and SIGHUP ask `recorder` to stop; returns a function that puts
    the old handlers back. Off the main thread (signals go to the main thread only) it does
    nothing and Ctrl-C arrives as KeyboardInterrupt, which the recorder handles too."""
    reasons = {signal.SIGINT: EndReason.INTERRUPTED, signal.SIGTERM: EndReason.TERMINATED}
    hangup = getattr(signal, "SIGHUP", None)  # not on Windows
    if hangup is not None:
        reasons[hangup] = EndReason.HANGUP
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        if signum == hangup:
            screen.gone = True
        recorder.request_stop(reasons[signal.Signals(signum)])

    old: dict[signal.Signals, Any] = {sig: signal.signal(sig, handler) for sig in reasons}

    def restore() -> None:
        for sig, previous in old.items():
            signal.signal(sig, previous)

    return restore
