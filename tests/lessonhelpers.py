"""Helpers for the tests that run lesson firmware (QEMU or simulator) and read what it prints."""
from __future__ import annotations

from kit.lessons import get_lesson
from kit.record import Data, Header, parse_line


def field_names(lesson_id: str) -> tuple[str, ...]:
    """The experiment fields the lesson's front matter promises, in order."""
    return tuple(field.name for field in get_lesson(lesson_id).experiment.fields)


def data_rows(board: object, count: int, timeout: float = 60.0) -> list[tuple[float, ...]]:
    """The next `count` data lines; headers are skipped, anything else fails the test.

    `timeout` is per line and generous: on the shared machine QEMU can stall for seconds.
    """
    rows: list[tuple[float, ...]] = []
    while len(rows) < count:
        line = board.readline(timeout=timeout)  # type: ignore[attr-defined]
        assert line is not None, "board stopped printing"
        parsed = parse_line(line)
        assert isinstance(parsed, (Data, Header)), parsed
        if isinstance(parsed, Data):
            rows.append(parsed.values)
    return rows


def read_header(board: object, lesson_id: str) -> Header:
    """Wait for the klimakit header; check it names the lesson, its exact fields, one unit each."""
    header = parse_line(board.wait_for("# klimakit", timeout=20))  # type: ignore[attr-defined]
    assert isinstance(header, Header)
    assert header.lesson == lesson_id
    assert header.fields == field_names(lesson_id)
    assert len(header.units) == len(header.fields)
    return header
