"""The data-line protocol: exact grammar, garbage never raises, round trips, stream reassembly."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.boards import BoardIdentity, StreamBoard
from kit.record import (
    MAX_FIELDS, MAX_LINE_BYTES, Data, GatewayData, Header, Raw, check_fields, format_data,
    Readings, format_gateway, format_header, parse_burst, parse_line, parse_lines, split_lines,
)
from kit.record.protocol import _parse_line_slow

finite = st.floats(allow_nan=False, allow_infinity=False, width=32) | st.integers(-10**9, 10**9)
values = st.lists(finite, min_size=1, max_size=MAX_FIELDS)
names = st.from_regex(r"\A[a-z][a-z0-9_]{0,11}\Z")
senders = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,15}\Z").filter(
    lambda s: s.lower() not in ("nan", "inf", "infinity", "true", "false", "none"))


@pytest.mark.parametrize("line, expected", [
    (b"(21.5, 130)", Data((21.5, 130))),
    (b"(21.5,)", Data((21.5,))),
    (b"\x00(1, -2, +3)\r", Data((1, -2, 3))),
    (b"  ( 1.5e3 ,.5 , 7. )  ", Data((1500.0, 0.5, 7.0))),
    (b"(gruppe3, 412, 21.5)", GatewayData("gruppe3", 412, (21.5,))),
    (b"('gruppe-3', 0, 1, 2)", GatewayData("gruppe-3", 0, (1, 2))),
    (b"# klimakit 1 lesson=afkoeling fields=temp,lys units=C,lvl",
     Header("1", "afkoeling", ("temp", "lys"), ("C", "lvl"))),
    (b"#klimakit 1 fields=t", Header("1", "", ("t",))),
    (b"# klimakit 1 fields=t,x units=,mg rate=5", Header("1", "", ("t", "x"), ("", "mg"),
                                                         {"rate": "5"})),
])
def test_valid_lines(line: bytes, expected: object) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize("line", [
    b"", b"   ", b"\x00\x00", b"MicroPython v1.9.2 on 2017", b">>> ",
    b"Traceback (most recent call last):",
    b"(nan, 1)", b"(inf,)", b"(-inf, 2)", b"(1, nan)", b"()", b"(,)", b"(1,,2)", b"(1, 2",
    b"1, 2)", b"((1, 2))", b"(1 2)", b"(0x10,)", b"(1e999,)", b"(True, 1, 2)", b"(gruppe3, 1)",
    b"(gruppe3, -1, 2)", b"(gruppe3, x, 2)", b"('gruppe3, 1, 2)", b"(abcdefghijklmnopq, 1, 2)",
    b"(" + b"1" * 5000 + b",)", b"(\xff\xfe, 1)", b"\xc3(1, 2)", b"# klimakit", b"# hello",
    b"# klimakit 1 lesson=x", b"# klimakit 1 fields=a,b units=C", b"# klimakit x! fields=a",
    b"# klimakit 1 fields=a fields=b", b"# klimakit 1 fields=a,,b", b"# klimakit 1 =x fields=a",
    b"(" + b"1, " * (MAX_FIELDS + 3) + b"1)", b"(\xd9\xa3,)", b"(" + b"1," * 3000 + b")",
])
def test_garbage_is_raw_with_a_reason(line: bytes) -> None:
    parsed = parse_line(line)
    assert isinstance(parsed, Raw), parsed
    assert parsed.reason


@given(st.binary(max_size=300))
def test_binary_noise_never_raises(noise: bytes) -> None:
    assert isinstance(parse_line(noise), (Header, Data, GatewayData, Raw))


@given(st.text(max_size=300))
def test_any_text_never_raises(text: str) -> None:
    assert isinstance(parse_line(text), (Header, Data, GatewayData, Raw))


@given(st.binary(max_size=50), st.integers(5000, 70000))
@settings(max_examples=20)
def test_very_long_lines_are_raw(noise: bytes, repeat: int) -> None:
    line = b"(" + (noise + b"1, ") * (repeat // (len(noise) + 3) + 1) + b"1)"
    assert isinstance(parse_line(line), Raw)


@given(values)
def test_round_trip_data(numbers: list[float]) -> None:
    assert parse_line(format_data(numbers).encode()) == Data(tuple(numbers))


@given(senders, st.integers(0, 10**9 - 1), values.filter(lambda v: len(v) <= MAX_FIELDS))
def test_round_trip_gateway(sender: str, seq: int, numbers: list[float]) -> None:
    assert parse_line(format_gateway(sender, seq, numbers)) == GatewayData(
        sender, seq, tuple(numbers))


@given(names, st.lists(names, min_size=1, max_size=MAX_FIELDS, unique=True), st.data())
def test_round_trip_header(lesson: str, fields: list[str], data: st.DataObject) -> None:
    units = data.draw(st.lists(st.from_regex(r"\A[A-Za-z%/°]{0,5}\Z"),
                               min_size=len(fields), max_size=len(fields)))
    parsed = parse_line(format_header(lesson, fields, units))
    assert parsed == Header("1", lesson, tuple(fields), tuple(units))


@given(values, st.sampled_from(["nan", "inf", "-inf"]), st.data())
def test_nan_or_inf_anywhere_makes_the_line_raw(numbers: list[float], bad: str,
                                                data: st.DataObject) -> None:
    tokens = [repr(v) for v in numbers]
    tokens.insert(data.draw(st.integers(0, len(tokens))), bad)
    assert isinstance(parse_line("(" + ", ".join(tokens) + ")"), Raw)


@given(values, st.integers(1, 200))
def test_truncated_data_lines_are_raw_or_shorter_data(numbers: list[float], cut: int) -> None:
    """A line cut short (board unplugged mid-print) is never taken for the full reading."""
    line = format_data(numbers).encode()
    truncated = line[: max(0, len(line) - cut)]
    parsed = parse_line(truncated)
    assert parsed != Data(tuple(numbers))
    assert isinstance(parsed, Raw) or not truncated.endswith(b")") or isinstance(parsed, Data)


@given(values, st.integers(0, MAX_FIELDS))
def test_check_fields_counts_values(numbers: list[float], count: int) -> None:
    fields = ["f{}".format(i) for i in range(count)]
    reason = check_fields(Data(tuple(numbers)), fields)
    assert (reason is None) == (count == len(numbers) and count > 0)


@given(st.lists(values, min_size=1, max_size=20), st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_split_lines_handles_cr_lf_crlf(rows: list[list[float]], ending: bytes) -> None:
    blob = b"".join(format_data(r).encode() + ending for r in rows)
    assert [parse_line(p) for p in split_lines(blob)] == [Data(tuple(r)) for r in rows]


class ChunkStream:
    """A pyserial-like stream that hands out a byte string in the given chunk sizes."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.chunks: list[bytes] = []
        position = 0
        for size in sizes:
            if position >= len(data):
                break
            self.chunks.append(data[position: position + size])
            position += size
        if position < len(data):
            self.chunks.append(data[position:])
        self.timeout: float | None = 0

    @property
    def in_waiting(self) -> int:
        return len(self.chunks[0]) if self.chunks else 0

    def read(self, size: int = 1) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""

    def write(self, data: bytes) -> int:
        return len(data)

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        return b""

    def reset_input_buffer(self) -> None:
        self.chunks.clear()

    def close(self) -> None:
        pass


@given(st.lists(values, min_size=1, max_size=15),
       st.lists(st.integers(1, 40), min_size=1, max_size=200),
       st.sampled_from([b"\n", b"\r\n"]))
@settings(max_examples=60)
def test_stream_board_reassembles_lines_split_across_reads(
        rows: list[list[float]], sizes: list[int], ending: bytes) -> None:
    header = format_header("x", ["v"]).encode()
    blob = b"\x00" + header + ending + b"".join(format_data(r).encode() + ending for r in rows)
    stream = ChunkStream(blob, sizes)
    board = StreamBoard(BoardIdentity("fake", "id"), stream)  # type: ignore[arg-type]
    received: list[object] = []
    while (line := board.readline(0.05)) is not None:
        received.extend(parse_line(piece) for piece in split_lines(line))
    assert received[0] == Header("1", "x", ("v",))
    assert received[1:] == [Data(tuple(r)) for r in rows]


def test_float_printing_of_micropython_parses() -> None:
    """V1 MicroPython prints single-precision floats like these."""
    parsed = parse_line(b"(0.333333, 1e+10, -2.5e-05, 0.0, -0.0)")
    assert isinstance(parsed, Data)
    assert parsed.values[:3] == (0.333333, 1e10, -2.5e-05)
    assert all(math.isfinite(v) for v in parsed.values)


fast_alphabet = st.sampled_from(list(b"0123456789.,-+eE \t()") + [0, 10, 13, 0xFF, ord("x")])
fastish_lines = st.lists(fast_alphabet, max_size=60).map(bytes)
data_lines = values.map(lambda v: format_data(v).encode())


@given(st.lists(data_lines | fastish_lines, min_size=1, max_size=30))
@settings(max_examples=500)
def test_parse_lines_equals_parse_line_on_near_miss_input(lines: list[bytes]) -> None:
    """The batch fast path never disagrees with the line-by-line parser."""
    assert parse_lines(lines) == [_parse_line_slow(line) for line in lines]
    assert [parse_line(line) for line in lines] == [_parse_line_slow(line) for line in lines]


@given(st.lists(data_lines, min_size=1, max_size=50))
def test_parse_lines_on_plain_data(lines: list[bytes]) -> None:
    assert parse_lines(lines) == [_parse_line_slow(line) for line in lines]


@pytest.mark.parametrize("line", [
    b"(1,)", b"(1 ,)", b"(1,,)", b"(1, 2,  )", b"(01, 2)", b"(+1, 2)", b"(.5, 1.)", b"(1e999,)",
    b"(1e-999,)", b"(1E5, -0, -0.0)", b"(" + b"1" * 41 + b",)", b"(" + b"1" * 40 + b",)",
    b"(1" + b" " * 5000 + b")", b"((1, 2))", b"()", b"(1)(2)", b"(1 2)", b"(-, 1)", b"(1e5e5,)",
])
def test_parse_lines_edge_cases(line: bytes) -> None:
    lines = [b"(1, 2)", line, b"(3.5, 4)"]
    assert parse_lines(lines) == [_parse_line_slow(x) for x in lines]
    assert parse_lines([line]) == [parse_line(line)] == [_parse_line_slow(line)]


def _burst_agrees(lines: list[bytes]) -> None:
    """parse_burst is parse_lines with runs of readings as their values (ints stay ints)."""
    flat: list[object] = []
    for item in parse_burst(lines):
        if isinstance(item, Readings):
            assert item.start == len(flat)
            flat += [Data(tuple(values)) for values in item.rows]
            assert all(type(v) in (int, float) for values in item.rows for v in values)
        else:
            flat.append(item)
    assert flat == [_parse_line_slow(line) for line in lines]


@given(st.lists(data_lines | fastish_lines, min_size=1, max_size=30))
@settings(max_examples=500)
def test_parse_burst_is_parse_lines_with_runs_of_values(lines: list[bytes]) -> None:
    """The recorder's hot path gives what parse_lines gives."""
    _burst_agrees(lines)


@given(st.lists(data_lines, min_size=2, max_size=50), st.integers(0, 49))
def test_parse_burst_keeps_runs_around_a_header(lines: list[bytes], at: int) -> None:
    header = format_header("x", ["v"]).encode()
    burst = lines[:at] + [header] + lines[at:]
    _burst_agrees(burst)
    if not any(b"e" in line for line in lines):
        assert sum(isinstance(i, Readings) for i in parse_burst(burst)) == (
            (1 if lines[:at] else 0) + (1 if lines[at:] else 0)), "runs stay runs"


def test_parse_burst_of_odd_bursts() -> None:
    for burst in ([b"(1, 2)", b"# klimakit 1 fields=a,b"], [b"(1, 2)", b""], [b"(g1, 1, 2)"],
                  [b"(1, nan)"], [b"(7, 8)\r(9, 10)"], [b"(1,)"], [b"", b"(1, 2)", b"x"]):
        _burst_agrees(burst)
    assert parse_burst([b"(1, 2)"]) == [Readings(0, [[1, 2]])]


def test_repeated_header_names_and_lines_too_long_in_bytes() -> None:
    assert parse_line(b"# klimakit 1 fields=a,a") == Raw("# klimakit 1 fields=a,a",
                                                        "header fields= names repeat")
    padded = b"\x00" * (MAX_LINE_BYTES + 1) + b"(1, 2)"  # NULs are ignored, but not 16 KB of them
    parsed = parse_line(padded)
    assert isinstance(parsed, Raw) and parsed.reason == "line too long"
    assert len(parsed.text) <= 201, "the raw log keeps the start of a long line"
    assert parse_line(b"\x00" * 100 + b"(1, 2)") == Data((1, 2))
