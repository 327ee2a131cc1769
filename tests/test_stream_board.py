"""StreamBoard's line reading and raw-REPL handshake against an in-memory fake device,
and SerialBoard over pyserial's loop:// URL (no hardware)."""
from __future__ import annotations

import os

import pytest
from fakes import FakeRawReplDevice

from kit.boards import BoardIdentity, SerialBoard, StreamBoard
from kit.errors import BoardCodeError, BoardNotFound, TransportError


def _board(device: FakeRawReplDevice) -> StreamBoard:
    return StreamBoard(BoardIdentity("fake", "9900abc", "v1"), device)


def test_lines_split_across_reads_are_reassembled():
    device = FakeRawReplDevice([b"(1, 2)", b"(3, 4)"], chunk=3)
    board = _board(device)
    assert board.readline(1) == b"\x00(1, 2)"
    assert board.readline(1) == b"(3, 4)"
    assert board.readline(0.05) is None


def test_partial_line_is_kept_until_the_rest_arrives():
    device = FakeRawReplDevice()
    board = _board(device)
    device._out += b"(21."
    assert board.readline(0.05) is None
    device._out += b"5,)\r\n"
    assert board.readline(1) == b"\x00(21.5,)"


def test_exec_eval_and_errors_through_the_raw_repl():
    device = FakeRawReplDevice([b"(1,)"] * 3)
    board = _board(device)
    assert board.exec("print(6 * 7)") == "42\n"
    assert board.eval("{'a': [1, 2]}") == {"a": [1, 2]}
    assert board.eval(repr("quote \" and \\ backslash\n")) == "quote \" and \\ backslash\n"
    with pytest.raises(BoardCodeError, match="ZeroDivisionError") as info:
        board.exec("1/0")
    assert info.value.board == "fake"
    # The handshake entered the raw REPL with a soft reset (clears a pending Ctrl-C).
    assert b"\r\x01\x04" in device.written


def test_unanswerable_eval_is_a_transport_error():
    board = _board(FakeRawReplDevice())
    with pytest.raises(TransportError, match="could not read"):
        board.eval("object()")


def test_silent_board_times_out_with_a_clear_message():
    class Silent(FakeRawReplDevice):
        def _feed(self, byte: bytes) -> None:
            pass

    board = _board(Silent())
    with pytest.raises(TransportError, match="no answer from the board"):
        board.enter_raw_repl(timeout=0.3)


def test_run_main_leaves_raw_repl_and_soft_reboots():
    device = FakeRawReplDevice()
    board = _board(device)
    board.exec("x = 1")
    board.run_main()
    assert device._mode == "program"
    assert device.written.endswith(b"\x02\x04")


def test_serial_board_over_pyserial_loopback():
    board = SerialBoard("loop://", name="loop")
    board.write(b"(1, 2)\r\n(3")
    assert board.readline(1) == b"(1, 2)"
    assert board.readline(0.05) is None
    board.write(b", 4)\n")
    assert board.readline(1) == b"(3, 4)"
    board.close()
    board.close()
    with pytest.raises(TransportError, match="not connected"):
        board.readline(0.1)


def test_serial_board_missing_port_says_what_to_do():
    with pytest.raises(BoardNotFound, match="data cable"):
        SerialBoard("/dev/does-not-exist-ttyACM9")


@pytest.mark.hardware
@pytest.mark.skipif(os.environ.get("KLIMAKIT_HARDWARE") != "1", reason="needs a USB micro:bit")
def test_real_board_raw_repl():  # pragma: no cover - hardware smoke test
    from kit.boards import find_boards

    info = next(b for b in find_boards() if b.port)
    with SerialBoard(info.port, name=info.label, unique_id=info.unique_id) as board:
        assert board.eval("1 + 1") == 2


class _LossyDevice(FakeRawReplDevice):
    """Drops bytes of the first `lose` pastes, as a starved board's ring buffer does."""

    def __init__(self, lose: int, what: str) -> None:
        super().__init__()
        self.lose, self.what, self._seen = lose, what, 0

    def write(self, data: bytes) -> int:
        if self._mode == "raw" and self.lose and len(data) > 1:
            self.lose -= 1
            if self.what == "ctrl-d":
                data = data.replace(b"\x04", b"")
            else:
                data = data.replace(b"(", b"", 1)
        return super().write(data)

    def _feed(self, byte: bytes) -> None:
        if byte == b"\x03" and self._mode == "raw":
            self._code.clear()  # raw REPL: Ctrl-C clears the half-received line
            return
        super()._feed(byte)


@pytest.mark.parametrize("what", ["ctrl-d", "byte"])
def test_a_paste_that_loses_bytes_is_sent_again(what, monkeypatch):
    """A lost Ctrl-D (no "OK") or a lost byte (SyntaxError for valid code) is retried."""
    monkeypatch.setattr("kit.boards.stream.PASTE_ACK_S", 0.3)
    device = _LossyDevice(lose=1, what=what)
    board = _board(device)
    board.enter_raw_repl()
    assert board.exec("print(len('abc'))") == "3\n"


def test_a_real_syntax_error_is_not_retried():
    device = FakeRawReplDevice()
    board = _board(device)
    with pytest.raises(BoardCodeError, match="SyntaxError"):
        board.exec("def (:")
    assert device.written.count(b"def (:") == 1
