"""Shared fixtures: QEMU boards that always shut down, fake MICROBIT drives and port listings."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kit.boards import QemuBoard, qemu_binary, qemu_version
from kit.boards.qemu import close_all_qemu_boards
from kit.build import Program, assemble
from kit.resources import firmware_path

DATA = Path(__file__).parent / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_report_header(config: pytest.Config) -> str:
    return "qemu: {} (CI={})".format(qemu_version(), IN_CI)


def require_qemu() -> None:
    """Skip without QEMU on a laptop; fail in CI, where .ci/run installs it."""
    if qemu_binary() is None:
        message = "qemu-system-arm is not installed (apt-get install qemu-system-arm)"
        if IN_CI:
            pytest.fail(message + " -- CI must run the QEMU tests")
        pytest.skip(message)


@pytest.fixture
def export_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/export (lessons + firmware) in tmp_path that tests may change.

    KLIMAKIT_LESSONS/KLIMAKIT_FIRMWARE point at the copy; returns its lessons folder.
    """
    shutil.copytree(DATA / "export", tmp_path / "lib")
    monkeypatch.setenv("KLIMAKIT_FIRMWARE", str(tmp_path / "lib" / "firmware"))
    monkeypatch.setenv("KLIMAKIT_LESSONS", str(tmp_path / "lib" / "lessons"))
    return tmp_path / "lib" / "lessons"


def require_chromium() -> str:
    """Return the Chromium binary; skip on a laptop without it, fail in CI."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "chromium is not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message + " -- CI must run the browser tests")
        pytest.skip(message)
    return path


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through playwright (never a downloaded browser), one per test module."""
    path = require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Board names, inventory and hex cache go to a temp folder, never the real home; the
    language is English.

    A KLIMAKIT_DATABASE_URL or KLIMAKIT_SCHOOL of the person running the tests is ignored, so
    no test writes into a real shared inventory.
    """
    base = tmp_path_factory.mktemp("userdirs")
    # Tests read the English msgids whatever the locale of the person running them; the
    # Danish screens are tested on purpose (tests/test_language.py, tests/test_catalogs.py).
    monkeypatch.setenv("KLIMAKIT_LANG", "en")
    monkeypatch.setenv("KLIMAKIT_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("KLIMAKIT_CACHE_DIR", str(base / "cache"))
    monkeypatch.delenv("KLIMAKIT_DATABASE_URL", raising=False)
    monkeypatch.delenv("KLIMAKIT_SCHOOL", raising=False)


def require_postgres() -> Path:
    """Return PostgreSQL's bin folder; skip on a laptop without it, fail in CI."""
    from pgserver import find_bin_dir

    found = find_bin_dir()
    if found is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if IN_CI:
            pytest.fail(message + " -- CI must run the PostgreSQL tests")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A throwaway PostgreSQL server for the whole test run (tests/pgserver.py)."""
    from pgserver import PostgresServer

    server = PostgresServer(require_postgres()).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The inventory store a test runs on, chosen as a user would (KLIMAKIT_DATABASE_URL).

    'sqlite' is the default file in the private data folder; 'postgresql' a new empty
    database on the throwaway server. Returns the backend's name.
    """
    return use_store(request, monkeypatch, str(request.param))


def use_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
              backend: str) -> str:
    """Make `backend` ('sqlite' or 'postgresql') this test's inventory store; return it."""
    from kit.inventory.db import close_stores
    from kit.inventory.sync import forget_told

    close_stores()  # no connections left open to the previous test's database
    forget_told()
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        monkeypatch.setenv("KLIMAKIT_DATABASE_URL", server.new_database())  # type: ignore
    return backend


@pytest.fixture
def qemu_boot() -> Iterator[Callable[..., QemuBoard]]:
    """Boot firmware (a firmware name, a Program or source text) in QEMU; always shut down."""
    require_qemu()
    started: list[QemuBoard] = []

    def boot(firmware: str | Program, *, source: bool = False, **kwargs: object) -> QemuBoard:
        if isinstance(firmware, Program):
            program = firmware
        elif source:
            program = Program("test", firmware, ())
        else:
            program = assemble(firmware_path(firmware))
        board = QemuBoard.from_program(program, **kwargs)
        started.append(board)
        return board

    yield boot
    for board in started:
        board.close()


def child_pids(parent: int, name: bytes = b"qemu-system-arm") -> list[int]:
    """PIDs of processes whose parent is `parent` and whose command line contains `name`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and name in cmd:
            found.append(int(proc.name))
    return found


def csv_disk_fills_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    """The disk fills up once `room` bytes of CSV are written: a short write and ENOSPC, the
    same as a full disk (only .csv files; raw logs and sidecars still fit, as the reserve file
    of kit/record/files.py makes sure in a real run)."""
    import errno

    import kit.record.appender

    real = kit.record.appender._write_all
    budget = {"csv": room}

    def write_all(fd: int, data: bytes) -> tuple[int, OSError | None]:
        if os.readlink("/proc/self/fd/{}".format(fd)).endswith(".csv"):
            fits = max(0, min(len(data), budget["csv"]))
            budget["csv"] -= fits
            done, _ = real(fd, data[:fits])
            if fits < len(data):
                return done, OSError(errno.ENOSPC, "No space left on device")
            return done, None
        return real(fd, data)

    monkeypatch.setattr(kit.record.appender, "_write_all", write_all)


def _qemu_children() -> list[int]:
    """PIDs of qemu-system-arm processes whose parent is this test process."""
    return child_pids(os.getpid())


def _fleet_state_left() -> list[Path]:
    """State folders of virtual fleets this test process started and did not remove."""
    import tempfile

    found = []
    for folder in Path(tempfile.gettempdir()).glob("klimakit-virtual-*"):
        try:
            if int((folder / "owner").read_text()) == os.getpid():
                found.append(folder)
        except (OSError, ValueError):
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No QEMU and no virtual fleet's folder may outlive the test run: close leftovers and
    fail the run if there were any."""
    leftovers = _qemu_children()
    close_all_qemu_boards()
    if leftovers and os.name == "posix":
        session.exitstatus = 1
        print("\nERROR: QEMU processes survived their tests: {}".format(leftovers))
    folders = _fleet_state_left()
    if folders:
        session.exitstatus = 1
        print("\nERROR: virtual fleets left their folders behind: {}".format(folders))
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fake_drive(tmp_path: Path) -> Callable[..., Path]:
    """Make a fake MICROBIT drive folder with DETAILS.TXT under tmp_path/media."""
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)

    def make(label: str = "MICROBIT", unique_id: str | None = None, details: bool = True) -> Path:
        drive = root / label
        drive.mkdir()
        if details:
            text = (DATA / "MICROBIT" / "DETAILS.TXT").read_text()
            if unique_id:
                text = text.replace("9904360259434e450030900d0000005c0000000097969901", unique_id)
            (drive / "DETAILS.TXT").write_text(text)
        return drive

    return make


def fake_port(device: str, serial_number: str, vid: int = 0x0D28, pid: int = 0x0204) -> object:
    """A stand-in for a pyserial ListPortInfo."""
    return SimpleNamespace(device=device, serial_number=serial_number, vid=vid, pid=pid,
                           description="BBC micro:bit CMSIS-DAP")


@pytest.fixture(autouse=True)
def _no_live_display_left() -> Iterator[None]:
    """A command run in-process must stop its rich live display (table, progress bar): one left
    running keeps its refresh thread and crops every later table on the same console to '...'."""
    yield
    from rich import get_console

    from kit.cli.output import err_console, out_console

    consoles = (("stderr", err_console), ("stdout", out_console), ("rich's own", get_console()))
    left = [name for name, console in consoles if console._live_stack]
    for _name, console in consoles:
        while console._live_stack:
            console._live_stack[-1].stop()
    assert not left, "a rich live display was left running on " + ", ".join(left)
