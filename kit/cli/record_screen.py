"""What `klimakit record`, `plot` and `import` show: the live table, Danish words for the
recorder's states and losses, the summary, and the signals that end a recording.

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
from kit.record import (
    BoardState, BoardStatus, EndReason, EventKind, Graph, Recorder, RecordingResult, RunEvent,
)

EVENTS_DA = {EventKind.UNPLUGGED: "frakoblet", EventKind.REPLUGGED: "tilsluttet igen",
             EventKind.WRONG_PROGRAM: "forkert program",
             EventKind.SEQUENCE_RESTARTED: "tæller startet forfra",
             EventKind.SEQUENCE_JUMPED: "tæller sprang (ikke talt som tabt)",
             EventKind.READER_FAILED: "læsningen fejlede", EventKind.NO_HEADER: "ingen overskrift",
             EventKind.LOST: "tabt", EventKind.SILENT: "ingen målinger"}
STATES_DA = {BoardState.WAITING: "venter", BoardState.OK: "ok", BoardState.QUIET: "stille",
             BoardState.UNPLUGGED: "frakoblet", BoardState.WRONG_PROGRAM: "forkert program",
             BoardState.STOPPED: "stoppet"}
STATE_COLOURS = {BoardState.OK: "green", BoardState.UNPLUGGED: "red",
                 BoardState.WRONG_PROGRAM: "red", BoardState.QUIET: "yellow"}
ENDED_DA = {EndReason.INTERRUPTED: "stoppet med Ctrl-C", EndReason.DURATION: "tiden er gået",
            EndReason.NO_BOARDS: "alle boards er væk", EndReason.STOP: "stoppet",
            EndReason.TERMINATED: "stoppet af systemet", EndReason.HANGUP: "terminalen blev lukket",
            EndReason.ERROR: "fejl", EndReason.UNFINISHED: "ikke afsluttet"}
LOST_DA = {"radio gap": "radiopakker der ikke nåede frem (huller i tællerne)",
           "unplugged mid-line": "halve linjer da et board blev frakoblet (i rå-loggen)",
           "queue overflow": "linjer som PC'en ikke kunne nå at gemme",
           "disk full": "målinger der ikke var plads til på disken"}
# Why a board sends no readings (kit.record.Silence values): what it means, and what to try.
SILENCE_DA = {
    "nothing": ("har ikke sendt noget",
                "Tryk på reset-knappen på bagsiden. Tjek at kablet er et datakabel. Flash "
                "lektionen igen (`klimakit flash LEKTION --board NAVN`)."),
    "repl": ("programmet kører ikke: micro:bit'en venter ved sin prompt (>>>), f.eks. efter "
             "`klimakit run`",
             "Tryk på reset-knappen på bagsiden, eller flash lektionen igen."),
    "traceback": ("programmet stoppede med en fejl", "Ret fejlen og flash igen (prøv først "
                  "`klimakit run PROGRAM --as-flashed`)."),
    "other lesson": ("kører en anden lektions program", "Flash denne lektion på den "
                     "(`klimakit flash LEKTION --board NAVN`)."),
    "not data": ("sender kun andet end målinger", "Er det det rigtige program? Se rå-loggen; "
                 "flash lektionen igen."),
    "not yet": ("nåede ikke at sende noget, før optagelsen sluttede",
                "Optag længere: lektionen måler sjældnere, end optagelsen varede."),
}
SKIPPED_DA = {"wrong number of columns": "med forkert antal kolonner",
              "unreadable number": "med et tal der ikke kan læses",
              "unreadable time": "uden en tid der kan læses",
              "unfinished last row": "afbrudt midt i skrivningen (den sidste række)"}


def live_table(statuses: list[BoardStatus], fields: tuple[str, ...], elapsed: float) -> Table:
    """The live view: one row per board (or radio sender)."""
    table = Table(title="Optager · {:.0f}:{:02.0f}  (Ctrl-C stopper og gemmer)".format(
        *divmod(elapsed, 60)), title_justify="left")
    # Field names come from the board's header line, which allows '[' and '/': plain text.
    for column in ("Board", "Status", "Seneste ({})".format(plain(", ".join(fields), 80) or "?"),
                   "Linjer/s", "Gemt", "Afvist", "Tabt"):
        table.add_column(column)
    for s in statuses:
        state = "[{}]{}[/]".format(STATE_COLOURS.get(s.state, "white"), STATES_DA[s.state])
        if s.silence and s.state is not BoardState.UNPLUGGED:
            state = "[yellow]stille[/]: " + plain(silence_text(s.silence, s.silence_detail), 80)
        latest = ", ".join("{:g}".format(v) for v in s.latest)
        table.add_row(plain(s.name, 40), state, latest, "{:.1f}".format(s.lines_per_s),
                      str(s.accepted), str(s.rejected), str(s.lost))
    return table


def silence_text(reason: str, detail: str) -> str:
    """Why a board sends no readings, in Danish, with its detail (error, lesson, last line)."""
    words = SILENCE_DA.get(reason, (reason, ""))[0]
    if reason == "nothing":
        return words + (" siden sin seneste måling" if detail else "")
    if reason == "not yet":
        return "{} (efter {})".format(words, detail) if detail else words
    if not detail:
        return words
    return "{}: {}".format(words, detail) if reason != "not data" else "{} (senest: »{}«)".format(
        words, detail)


def event_line(item: RunEvent) -> str:
    """One printed line for an event of a board."""
    import time

    detail = item.detail
    if item.kind is EventKind.SILENT:
        reason, _, rest = detail.partition(": ")
        detail = silence_text(reason, rest)
    return "[yellow]{}[/yellow] {}: {} {}".format(
        time.strftime("%H:%M:%S", time.localtime(item.at)), plain(item.board, 40),
        EVENTS_DA.get(item.kind, item.kind.value), plain(detail, 200))


def _counted(counts: Mapping[str, int], words: Mapping[str, str]) -> str:
    return ", ".join("{} {}".format(n, words.get(reason, reason))
                     for reason, n in counts.items() if n)


def print_summary(result: RecordingResult) -> None:
    """What was saved, rejected and lost (with why), and where the files are."""
    how = ENDED_DA[result.ended_by] if result.ended_by else "?"
    lost = "{} tabt".format(result.lost)
    if result.lost:
        lost += ": " + _counted(result.lost_by, LOST_DA)
    err_console.print("[green]Færdig[/green] ({}): {} målinger gemt, {} linjer afvist (i "
                      "rå-loggen), {}.".format(how, result.accepted, result.rejected,
                                               escape(lost)))
    for board in result.boards:
        if not board.accepted and not board.port.startswith("via "):  # not a radio sender
            words, advice = SILENCE_DA.get(board.silence, ("ingen forklaring", ""))
            reason = silence_text(board.silence, board.silence_detail) if board.silence \
                else words
            err_console.print("  [red]{}: 0 målinger[/red]: {}.{}".format(
                plain(board.name, 40), plain(reason, 240), " → " + escape(advice)
                if advice else ""))
    err_console.print("  CSV:       {}".format(escape(str(result.paths.csv))))
    err_console.print("  Metadata:  {}".format(escape(str(result.paths.sidecar))))
    err_console.print("  Rå-log:    {}".format(escape(str(result.paths.raw))))
    if not result.sidecar_saved:
        err_console.print("[red]Metadata-filen kunne ikke gemmes færdig[/red] (disken er fuld?). "
                          "Kør `klimakit plot` på CSV-filen, når der er plads: den retter den.")


def print_graph_notes(graph: Graph) -> None:
    """Say what a graph left out, and that an unfinished sidecar was repaired."""
    if graph.repaired:
        err_console.print("[yellow]Metadata-filen (.json) var ikke afsluttet[/yellow]: "
                          "optageren blev stoppet uden at gemme færdigt. Den er nu rettet ud "
                          "fra CSV-filen ({} målinger).".format(graph.readings))
    if graph.skipped:
        err_console.print("[yellow]{} rækker sprunget over[/yellow]: {}.".format(
            sum(graph.skipped.values()), escape(_counted(graph.skipped, SKIPPED_DA))))
    cells = sum(graph.blank_cells.values())
    if cells:
        err_console.print("[yellow]{} værdier er ikke endelige tal[/yellow] (inf eller nan) og "
                          "vises som huller i kurven.".format(cells))


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
