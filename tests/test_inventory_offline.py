"""Several PCs at once, and a network that goes away: nothing recorded is lost, no lesson waits.

The network is a small TCP relay on 127.0.0.1 in front of the throwaway PostgreSQL server
(tests/pgserver.py); closing it is a school's line going down, opening it again on the same
port is the line coming back.
"""
from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kit import cli
from kit.flash import VirtualFleet
from kit.inventory import (
    FlashEvent, assign_names, board_history, list_boards, record_flashes, send_pending,
)
from kit.inventory import db as inventory_db
from kit.inventory import outbox
from kit.inventory.db import close_stores
from kit.inventory.sync import forget_told

ROOT = Path(__file__).resolve().parents[1]
A, B, C = ("9900" + "a" * 44, "9904" + "b" * 44, "9903" + "c" * 44)


class Relay:
    """Forward 127.0.0.1:port to the PostgreSQL server until down(); up() opens it again."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def down(self) -> None:
        if self._listener is not None:
            try:  # wakes the accept() thread and stops listening (close alone does not)
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        for s in self._sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self._sockets.clear()


@pytest.fixture
def relayed(postgres_server, monkeypatch: pytest.MonkeyPatch):
    """KLIMAKIT_DATABASE_URL points at a new database through a relay that tests can cut."""
    url = postgres_server.new_database()
    relay = Relay(postgres_server.port)
    monkeypatch.setenv("KLIMAKIT_DATABASE_URL",
                       url.replace(":{}/".format(postgres_server.port),
                                   ":{}/".format(relay.port)))
    monkeypatch.setattr(inventory_db, "RETRY_AFTER_S", 0.5)
    close_stores()
    forget_told()
    yield relay
    relay.down()


def _back(relay: Relay) -> None:
    relay.up()
    time.sleep(0.6)  # past RETRY_AFTER_S: this process tries the store again


def _flash(uid: str, ok: bool, code: int | None = None) -> FlashEvent:
    return FlashEvent(uid, "v1", "0255", "hej", "c" * 64, ok, "Flashed and restarted." if ok
                      else "fejl", daplink_code=code)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_two_processes_naming_and_flashing_at_once_lose_nothing(store):
    """Two PCs at once: 10 boards each plus 10 they share, 3 flashes per board per PC."""
    code = """if True:
        import sys
        from kit.inventory import FlashEvent, assign_names, record_flashes
        own = ["99{}{:045x}".format(sys.argv[1], i) for i in range(10)]
        shared = ["9905{:044x}".format(i) for i in range(10)]
        for round in range(3):
            for uid in own + shared:
                assign_names([(uid, "v2", "")])
            record_flashes([FlashEvent(u, "v2", "", "p" + sys.argv[1], "0" * 64, True, "ok")
                            for u in own + shared])
    """
    procs = [subprocess.Popen([sys.executable, "-c", code, pc], cwd=ROOT, text=True,
                              stderr=subprocess.PIPE) for pc in ("01", "04")]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    boards = list_boards()
    assert len(boards) == 30 and len({b.name for b in boards}) == 30
    assert sorted(int(b.name.split("-")[1]) for b in boards) == list(range(1, 31)), "no gaps"
    flashed = [e for b in boards for e in board_history(b.unique_id) if e.kind.value == "flashed"]
    assert len(flashed) == 2 * 3 * 20


def test_when_the_network_goes_the_lesson_goes_on_and_nothing_is_lost(relayed, caplog):
    caplog.set_level(logging.INFO, logger="kit")
    assert assign_names([(A, "v1", ""), (B, "v2", "")]) == {A: "gruppe-1", B: "gruppe-2"}
    relayed.down()
    start = time.monotonic()
    names = assign_names([(A, "v1", ""), (B, "v2", ""), (C, "v2", "")])
    assert names == {A: "gruppe-1", B: "gruppe-2"}, "boards keep the names this PC knows"
    assert record_flashes([_flash(A, True), _flash(C, False, 529)]) == 0
    assert time.monotonic() - start < 2.0, "a refused connection is not waited for"
    warned = _warnings(caplog)
    assert len(warned) == 1 and "cannot be reached" in warned[0] and "kept on this PC" in warned[0]
    _back(relayed)
    assert send_pending() == 5, "3 sightings and 2 flashes"
    found = {b.name: b for b in list_boards()}
    assert set(found) == {"gruppe-1", "gruppe-2", "gruppe-3"}
    assert found["gruppe-1"].firmware == "hej"
    [failed] = [e for e in board_history(C) if e.kind.value == "flash_failed"]
    assert failed.daplink_code == 529
    assert outbox.pending(inventory_db.target().description) == []
    assert send_pending() == 0


def test_events_sent_twice_after_a_crash_are_recorded_once(relayed, monkeypatch):
    """The PC stops after the store took the events but before they left the outbox."""
    assign_names([(A, "v1", "")])
    relayed.down()
    record_flashes([_flash(A, False, 521)])
    _back(relayed)

    def crash(rows: object) -> None:
        raise OSError("the PC was switched off")

    with monkeypatch.context() as patch:
        patch.setattr("kit.inventory.sync.drop", crash)
        assert send_pending() == 1
    assert send_pending() == 0, "its uid is in the store already"
    assert [e.kind.value for e in board_history(A)].count("flash_failed") == 1


def test_a_lesson_never_waits_for_a_silent_server(monkeypatch, caplog):
    """A server that takes the connection and never answers costs CONNECT_TIMEOUT_S once."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    monkeypatch.setenv("KLIMAKIT_DATABASE_URL",
                       "postgresql://klimakit@127.0.0.1:{}/x".format(silent.getsockname()[1]))
    close_stores()
    forget_told()
    try:
        start = time.monotonic()
        assert assign_names([(A, "v1", "")]) == {}
        first = time.monotonic() - start
        start = time.monotonic()
        assert record_flashes([_flash(A, True)]) == 0
        second = time.monotonic() - start
    finally:
        silent.close()
    assert first < inventory_db.CONNECT_TIMEOUT_S + 2.0, first
    assert second < 0.5, "the same process does not wait for that store again"
    assert len(outbox.pending(inventory_db.target().description)) == 2


def test_flash_goes_on_when_the_store_is_away_and_records_later(relayed, tmp_path, caplog,
                                                                monkeypatch):
    with VirtualFleet(tmp_path / "drives", 2, remount_s=0.2, boot=False) as fleet:
        monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(fleet.root))
        monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
        # The drives stand for real boards: a fleet's own boards never reach the school's store.
        monkeypatch.setattr("kit.boards.discover.read_registries", lambda roots: {})
        program = tmp_path / "hej.py"
        program.write_text("print('hej')\n")
        relayed.down()
        result = CliRunner().invoke(cli.cli, ["flash", str(program), "--all", "--timeout", "20"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 flashed" in result.output
    assert len([w for w in _warnings(caplog) if "cannot be reached" in w]) == 1, "said once"
    _back(relayed)
    listing = CliRunner().invoke(cli.cli, ["inventory", "--json"])
    assert listing.exit_code == 0, listing.output
    assert "now sent to the inventory" in listing.stderr
    assert [b.firmware for b in list_boards()] == ["hej", "hej"]


def test_a_recorder_polling_for_a_board_costs_the_store_nothing(relayed, caplog):
    """`record` asks for boards every second while one is unplugged: names come from memory
    for a minute, and offline one sighting per board is kept, not one per poll."""
    caplog.set_level(logging.INFO, logger="kit")
    assert assign_names([(A, "v1", "")]) == {A: "gruppe-1"}
    relayed.down()
    for _ in range(20):
        assert assign_names([(A, "v1", "")]) == {A: "gruppe-1"}
    assert _warnings(caplog) == [], "the store was not asked, so nothing to warn about"
    for _ in range(20):
        assign_names([(A, "v1", ""), (B, "v2", "")])
    assert len(outbox.pending(inventory_db.target().description)) == 2
    assert len(_warnings(caplog)) == 1
