"""A recording with its live page, as `klimakit record --live` runs it, for tests and benchmarks.

The recorder runs in a thread here (the CLI runs it on the main thread); the wiring of the
live view to the recorder's callbacks is the CLI's (kit/cli/record.py `_record_live`).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kit.boards import Board
from kit.record import LiveView, Recorder, RecordingResult, plan_recording

CUP_HEADER = b"# klimakit 1 lesson=afkoeling fields=temp units=C"


def cup_readings(start: float, count: int, per_s: float, step: float = 0.1
                 ) -> list[tuple[float, bytes]]:
    """A fake board running afkoeling: its header, then `count` falling temperatures."""
    return [(0.0, CUP_HEADER + b"\r\n")] + [
        (1.0 / per_s, b"(%.1f,)\r\n" % (start - step * k)) for k in range(count)]


class LiveRecording:
    """Record `boards` with the live page until finish(); the result is in `result`."""

    def __init__(self, folder: Path, boards: Sequence[Board], *, lesson: str = "afkoeling",
                 reopen: Callable[[str], Board | None] | None = None,
                 duration_s: float | None = None, live: bool = True, share: bool = False,
                 stem: str = "live") -> None:
        self.plan = plan_recording(folder, lesson, stem="{}-{}".format(stem, time.time_ns()),
                                   duration_s=duration_s)
        self.recorder = Recorder(self.plan)
        self.view = LiveView(self.plan, share=share) if live else None
        self.address = self.view.start() if self.view is not None else None
        self.stop = threading.Event()
        self.result: RecordingResult | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(list(boards), reopen),
                                        daemon=True, name="live-recording")
        self._thread.start()

    @property
    def url(self) -> str:
        assert self.address is not None
        return self.address.url

    def _run(self, boards: list[Board], reopen: Any) -> None:
        view, recorder = self.view, self.recorder
        try:
            self.result = recorder.run(
                boards, reopen=reopen, stop=self.stop,
                on_update=(lambda st: view.update(st, recorder.fields, recorder.intake.units))
                if view is not None else None,
                on_event=view.event if view is not None else None)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            self.error = err
        finally:
            if view is not None:
                view.finish(self.result)

    def finish(self, timeout: float = 30.0) -> RecordingResult:
        """Stop the recording (and the page's server); return the result."""
        self.stop.set()
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the recording did not stop"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result
