"""Record: data lines from boards become a run (CSV + raw log + JSON sidecar) and a graph.

The protocol parser (kit/record/protocol.py, the grammar in docs/protocol.md), one reader per
board (reader.py), the recorder with its writer thread (recorder.py) and what the writer does
with each burst of lines (intake.py), what a run reports (states.py), its plan (plan.py), the
files of a run (files.py), reading them back and repairing an unfinished sidecar (readback.py),
the graph (plot.py), the V2 data log import (datalog.py), the field logs boards keep (collect.py:
V1 over serial; collect_v2.py: a V2's MY_DATA.HTM), the live class view (live/), and why a
board sends no readings (silence.py).
"""
from __future__ import annotations

from kit.record.appender import is_recording
from kit.record.collect import Clock, Collected, collect_board
from kit.record.collect_v2 import collect_my_data, read_v2_clock
from kit.record.datalog import import_my_data, log_notes, read_my_data
from kit.record.live import LiveAddress, LiveView
from kit.record.files import (
    EXCEL_DA, PREFIX_COLUMNS, SIDECAR_FORMAT, STANDARD, CsvStyle, RunPaths, RunWriter,
    new_stem, read_sidecar, write_sidecar,
)
from kit.record.plan import (
    FieldSpec, RecordingPlan, choose_boards, firmware_sha256, make_reopen, open_board, open_port,
    plan_recording,
)
from kit.record.plot import Graph, draw_graph, plot_run
from kit.record.protocol import (
    MAX_FIELDS, MAX_LINE_BYTES, MAX_LINE_CHARS, MAX_NUMBER_CHARS, PROTOCOL_VERSION, Data,
    GatewayData, Header, Line, Raw, check_fields, format_data, format_gateway, format_header,
    Readings, parse_burst, parse_line, parse_lines, split_lines,
)
from kit.record.readback import RunData, Series, read_run, repair_sidecar
from kit.record.reader import BoardEvent, Reopen, read_board
from kit.record.recorder import Recorder, recording_error
from kit.record.silence import (
    SILENT_AFTER_S, BoardText, Explanation, Silence, board_place, quiet_after_s,
)
from kit.record.states import (
    BoardState, BoardStatus, EndReason, EventKind, LostReason, RecordingResult, RunEvent,
)

__all__ = [
    "Clock", "Collected", "collect_board", "collect_my_data", "read_v2_clock",
    "EXCEL_DA", "MAX_FIELDS", "SILENT_AFTER_S", "BoardText", "Explanation", "Silence",
    "board_place", "quiet_after_s", "MAX_LINE_BYTES", "MAX_LINE_CHARS", "MAX_NUMBER_CHARS",
    "PREFIX_COLUMNS", "PROTOCOL_VERSION", "SIDECAR_FORMAT", "STANDARD", "BoardEvent",
    "BoardState", "BoardStatus", "CsvStyle", "Data", "EndReason", "EventKind", "FieldSpec",
    "GatewayData", "Graph", "Header", "Line", "LiveAddress", "LiveView", "LostReason", "Raw",
    "Readings", "Recorder",
    "RecordingPlan",
    "RecordingResult", "Reopen", "RunData", "RunEvent", "RunPaths", "RunWriter", "Series",
    "check_fields", "choose_boards", "draw_graph", "firmware_sha256", "format_data",
    "format_gateway", "format_header", "import_my_data", "log_notes", "is_recording", "make_reopen",
    "new_stem", "open_board", "open_port", "parse_burst", "parse_line", "parse_lines",
    "plan_recording", "plot_run", "read_board", "read_my_data", "read_run", "read_sidecar",
    "recording_error", "repair_sidecar", "split_lines", "write_sidecar",
]
