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


# ----- line ends, long lines, fast reads, nothing thrown away at open -----------------------
class _Chunks(FakeRawReplDevice):
    """Hands out the given byte chunks one read at a time (as a serial driver does)."""

    def __init__(self, chunks: list[bytes]) -> None:
        super().__init__()
        self._out.clear()
        self.chunks = list(chunks)

    @property
    def in_waiting(self) -> int:
        return len(self.chunks[0]) if self.chunks else 0

    def read(self, size: int = 1) -> bytes:
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if len(chunk) > size:
            self.chunks.insert(0, chunk[size:])
        return chunk[:size]


def _all_lines(board: StreamBoard) -> list[bytes]:
    lines: list[bytes] = []
    while True:
        got = board.read_lines(0.5)
        if not got:
            return lines
        lines += got


@pytest.mark.parametrize("chunks", [
    [b"(1,)\r\n(2,)\n(3,)\r(4,)\r\n"],
    [b"(1,)\r", b"\n(2,)\n", b"(3,)\r", b"(4,)\r", b"\n"],  # CR LF split between two reads
    [b"(", b"1", b",)", b"\r", b"\n", b"(2,)", b"\n(3,)\r(4,)", b"\r\n"],
])
def test_cr_lf_and_cr_lf_each_end_a_line(chunks: list[bytes]) -> None:
    """README: lines end in CR LF, LF or CR. A CR LF cut between two reads is one line end,
    not an extra empty line; CR-only lines are not glued together."""
    assert _all_lines(_board(_Chunks(chunks))) == [b"(1,)", b"(2,)", b"(3,)", b"(4,)"]
    board = _board(_Chunks(chunks))
    assert [board.readline(0.5) for _ in range(5)] == [b"(1,)", b"(2,)", b"(3,)", b"(4,)", None]


def test_a_line_over_the_limit_is_cut_once_and_delays_nothing() -> None:
    """A 1 MB 'line' without an end: handed out once, cut at MAX_LINE_BYTES; the rest is
    dropped as it arrives and the readings after it come out as usual."""
    from kit.boards.stream import MAX_LINE_BYTES

    noise = [b"x" * 65536] * 16 + [b"x" * 100 + b"\r\n(1, 2)\r\n(3, 4)\r\n"]
    board = _board(_Chunks(noise))
    lines = _all_lines(board)
    assert [len(line) for line in lines] == [MAX_LINE_BYTES, 6, 6]
    assert lines[1:] == [b"(1, 2)", b"(3, 4)"]
    board = _board(_Chunks(noise))
    assert len(board.readline(1) or b"") == MAX_LINE_BYTES
    assert board.readline(1) == b"(1, 2)"


def test_take_partial_line_hands_over_the_start_of_a_line() -> None:
    board = _board(_Chunks([b"(1, 2)\r\n(3,"]))
    assert board.read_lines(0.5) == [b"(1, 2)"]
    assert board.take_partial_line() == b"(3,"
    assert board.take_partial_line() == b""


def _tcp_server(payload: bytes, delay_s: float = 0.0):
    """A one-connection TCP server that sends `payload` (after delay_s) and then closes."""
    import socket
    import threading
    import time

    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            time.sleep(delay_s)
            conn.sendall(payload)
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(5)
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                pass
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return "socket://127.0.0.1:{}".format(server.getsockname()[1])


def test_socket_reads_take_all_that_arrived_in_one_call() -> None:
    """pyserial's socket handler says in_waiting is 0 or 1, which made one byte per read
    (~5,000 lines/s). A read now takes what has arrived: thousands of lines per call."""
    import time

    url = _tcp_server(b"".join(b"(%d, 1)\r\n" % i for i in range(20000)))
    board = SerialBoard(url)
    time.sleep(0.3)  # everything is in the socket buffer by now
    first = board.read_lines(1)
    assert len(first) > 1000, len(first)
    lines = first
    while len(lines) < 20000:
        lines += board.read_lines(1)
    assert lines == [b"(%d, 1)" % i for i in range(20000)]
    with pytest.raises(TransportError, match="connection was lost"):
        board.read_lines(1)
    board.close()


def test_socket_open_keeps_what_arrived_at_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyserial's socket open() reads and drops whatever is already there. The connection is
    made slow here, so the board's first bytes are waiting when open() ends (as 1 run in 9 on
    QEMU): they must be the first line read."""
    import time

    import serial.urlhandler.protocol_socket as protocol_socket

    real = protocol_socket.socket.create_connection

    def slow_connect(*args: object, **kwargs: object) -> object:
        sock = real(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.3)  # the board talks at once; its bytes arrive before open() is done
        return sock

    monkeypatch.setattr(protocol_socket.socket, "create_connection", slow_connect)
    board = SerialBoard(_tcp_server(b"# klimakit 1 fields=a\r\n(1,)\r\n"))
    assert board.read_lines(1) == [b"# klimakit 1 fields=a", b"(1,)"]
    board.close()


def test_pty_open_keeps_what_the_board_sent_before() -> None:
    """pyserial's POSIX open() flushes the terminal's input (tcflush): lines a board sent
    before the port was opened were lost. A pty stands in for the USB serial port."""
    import tty

    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        os.write(master, b"# klimakit 1 fields=a\r\n(1,)\r\n(2,)\r")
        board = SerialBoard(os.ttyname(slave))
        assert _all_lines(board) == [b"# klimakit 1 fields=a", b"(1,)", b"(2,)"]
        board.close()
    finally:
        os.close(master)
        os.close(slave)


def test_pty_reads_many_lines_per_call_and_a_closed_pty_is_a_lost_connection() -> None:
    import threading
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    board = SerialBoard(os.ttyname(slave))
    os.close(slave)
    data = b"".join(b"(%d, 1)\n" % i for i in range(5000))
    writer = threading.Thread(target=lambda: os.write(master, data))
    writer.start()
    lines = []
    while len(lines) < 5000:
        lines += board.read_lines(2)
    writer.join()
    assert lines == [b"(%d, 1)" % i for i in range(5000)]
    os.close(master)
    with pytest.raises(TransportError):
        board.read_lines(1)
    board.close()
