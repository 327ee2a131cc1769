"""Ask a plugged-in board which MicroPython it runs, over its serial port.

The only way to know is to ask the firmware: `os.uname().version` through the raw REPL
(e.g. "micro:bit v1.1.1+58405de on 2022-11-10; MicroPython v1.9.2-34-gd64154c73 on
2017-09-01"). That stops the board's program, so the program is restarted afterwards (a soft
reboot runs main.py again from its start). A board whose port does not answer (busy in another
program such as a recorder, MakeCode firmware, unplugged) is reported as unknown, never an error.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from kit.boards.discover import BoardInfo
from kit.boards.serial_board import SerialBoard
from kit.errors import KitError

log = logging.getLogger(__name__)

ASK_TIMEOUT_S = 5.0
_RELEASE = re.compile(r"micro:bit v(\d+\.\d+\.\d+[\w.-]*?)(?:\+|\s|;|$)")


def micropython_release(version_text: str) -> str:
    """'1.1.1' from a MicroPython version text, or '' if it names no micro:bit release."""
    found = _RELEASE.search(version_text)
    return found.group(1) if found else ""


def ask_micropython(info: BoardInfo, timeout_s: float = ASK_TIMEOUT_S) -> str:
    """The board's MicroPython version text, or '' if its port does not answer.

    Stops the running program to ask, then restarts it (main.py runs again from its start).
    """
    if not info.port:
        return ""
    try:
        board = SerialBoard.from_info(info)
    except KitError as err:
        log.info("%s: port not opened: %s", info.label, err)
        return ""
    try:
        text = board.exec("import os\nprint(os.uname().version)", timeout=timeout_s).strip()
        board.run_main()
        return text
    except KitError as err:
        log.info("%s: no answer from MicroPython: %s", info.label, err)
        return ""
    finally:
        board.close()


def ask_all(boards: Iterable[BoardInfo], timeout_s: float = ASK_TIMEOUT_S) -> dict[str, str]:
    """Ask every board with a port at once: {unique id: version text ('' if no answer)}."""
    boards = [b for b in boards if b.port]
    if not boards:
        return {}
    with ThreadPoolExecutor(max_workers=min(16, len(boards)),
                            thread_name_prefix="ask") as pool:
        answers = list(pool.map(lambda b: ask_micropython(b, timeout_s), boards))
    return {b.unique_id or (b.port or ""): answer for b, answer in zip(boards, answers)}
