"""A virtual class set: boards under one drive root, with their own ids, names and registry.

Lifetimes: `start` makes everything (drive folders, a state folder
`<tmp>/klimakit-virtual-*` with the QEMU work folders and the name store) and `close` removes
all of it, also when `start` itself fails half way. The state folder holds an `owner` file with
the fleet's pid: a fleet that was killed (SIGKILL, power cut) cannot clean up, so the next
fleet's `start` removes state folders whose owner has gone; their QEMUs have already stopped
(they die with the thread that started them: kit/flash/runners.py).

Identity: every fleet draws a salt, so two fleets (or one started twice) never share a unique
id. Names: the boards are named in a store of the fleet's own (kit.inventory, an SQLite file
in the state folder: `gruppe-1`, `gruppe-2`, … in drive order), never in the school's
inventory; kit.boards finds the store in the registry and asks it.

The registry (kit.boards.VIRTUAL_REGISTRY in the drive root, written whole and renamed into
place) says which process owns the drives and, per unique id, the board's serial port, name,
version and engine with the reason (kit/boards/discover.py reads it):
`{"pid": 123, "store": "/tmp/…/names.sqlite3", "ports": {uid: url},
  "boards": {uid: {"name": …, "version": "v1", "engine": "qemu", "reason": …, "lesson": …}}}`
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kit.i18n import gettext as _
from kit.boards import VIRTUAL_REGISTRY, pid_alive
from kit.errors import KitError
from kit.flash.engine import ENGINE_CHOICES
from kit.flash.virtual import REMOUNT_S, Event, VirtualBoard
from kit.hardware import V1, VIRTUAL_BOARD_IDS, fake_unique_id

log = logging.getLogger(__name__)

STATE_PREFIX = "klimakit-virtual-"
OWNER_FILE = "owner"
NAMES_FILE = "names.sqlite3"
DAPLINK_VERSION = "0255"


class VirtualFleet:
    """A set of virtual boards under one drive root; use as a context manager."""

    def __init__(self, root: Path | None = None, count: int = 2, *,
                 bytes_per_s: float | None = None, remount_s: float = REMOUNT_S,
                 boot: bool = True, on_event: Event | None = None,
                 versions: Sequence[str] = (), engine: str = "auto", sim_speed: float = 1.0,
                 salt: str | None = None) -> None:
        """`versions` gives each board's version ("v1"/"v2"); missing ones are V1.

        `engine` is "auto" (kit/flash/engine.py decides per program), "qemu" or "sim";
        `sim_speed` runs simulated boards that many times faster than a real board (tests,
        rehearsing a long lesson). Nothing is created before `start`.
        """
        if not 1 <= count <= 32:
            raise KitError(_("a virtual class has 1 to 32 boards (each QEMU needs ~36 MB)"))
        kinds = list(versions)[:count] + [V1] * (count - len(versions))
        if any(kind not in VIRTUAL_BOARD_IDS for kind in kinds):
            raise KitError(_("a virtual board is 'v1' or 'v2', not {}").format(
                [kind for kind in kinds if kind not in VIRTUAL_BOARD_IDS][0]))
        if engine not in ENGINE_CHOICES:
            raise KitError(_("engine is one of {}, not {!r}").format(", ".join(ENGINE_CHOICES),
                                                                  engine))
        if not sim_speed > 0:
            raise KitError(_("the simulator's speed must be above 0, not {}").format(sim_speed))
        self.count, self.kinds = count, kinds
        self._root, self.salt = root, salt if salt is not None else secrets.token_hex(8)
        self._options = dict(bytes_per_s=bytes_per_s, remount_s=remount_s, boot=boot,
                             engine=engine, sim_speed=sim_speed)
        self._on_event = on_event or (lambda name, what: log.info("%s: %s", name, what))
        self._lock = threading.Lock()
        self.root = Path(root) if root else Path()
        self.state: Path | None = None
        self.boards: list[VirtualBoard] = []
        self._made_root = False

    @property
    def registry(self) -> Path:
        return self.root / VIRTUAL_REGISTRY

    @property
    def store(self) -> Path | None:
        """The fleet's own name store (an SQLite file), once started."""
        return self.state / NAMES_FILE if self.state is not None else None

    def start(self) -> VirtualFleet:
        """Make the drives and start watching them; on any failure nothing is left behind."""
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        remove_stale_state()
        if self._root is None:
            self.root = Path(tempfile.mkdtemp(prefix="klimakit-drives-"))
            self._made_root = True
        self.root.mkdir(parents=True, exist_ok=True)
        self._refuse_other_owner()
        self.state = Path(tempfile.mkdtemp(prefix=STATE_PREFIX))
        (self.state / OWNER_FILE).write_text(str(os.getpid()))
        uids = [fake_unique_id("virtual-{}".format(i + 1), kind, self.salt)
                for i, kind in enumerate(self.kinds)]
        names = _names(self.store, uids, self.kinds)
        self.boards = [
            VirtualBoard(self.root / ("MICROBIT" if i == 0 else "MICROBIT{}".format(i)),
                         names.get(uid) or "virtual-{}".format(i + 1), self.state / str(i + 1),
                         uid, on_event=self._on_event, on_port=self._write_registry,
                         version=kind, index=i + 1, **self._options)  # type: ignore[arg-type]
            for i, (uid, kind) in enumerate(zip(uids, self.kinds))
        ]
        for board in self.boards:
            board.workdir.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(board.drive, ignore_errors=True)
        self._write_registry()
        for board in self.boards:
            board.start()

    def _refuse_other_owner(self) -> None:
        try:
            other = json.loads(self.registry.read_text())
            pid = int(other.get("pid", 0))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return
        if pid != os.getpid() and pid_alive(pid):
            raise KitError(_("virtual boards from process {} already use {}. Stop them first, or "
                             "use --dir.").format(pid, self.root))

    def _write_registry(self) -> None:
        with self._lock:
            if self.state is None:
                return
            boards: dict[str, dict[str, Any]] = {
                b.unique_id: {"name": b.name, "version": b.version, "engine": b.engine.kind.value,
                              "reason": _(b.engine.reason), "lesson": b.engine.lesson}
                for b in self.boards}
            ports = {b.unique_id: b.port for b in self.boards if b.port}
            tmp = self.registry.with_suffix(".tmp")
            tmp.write_text(json.dumps({"pid": os.getpid(), "store": str(self.store),
                                       "ports": ports, "boards": boards}, indent=1))
            os.replace(tmp, self.registry)

    def close(self) -> None:
        """Stop every board and its engine, remove the drive folders, registry and state."""
        for board in self.boards:
            board.close()
        if self.state is not None:
            try:
                self.registry.unlink()
            except OSError:
                pass
            shutil.rmtree(self.state, ignore_errors=True)
            self.state = None
        if self._made_root:
            shutil.rmtree(self.root, ignore_errors=True)
            self._made_root = False

    def __enter__(self) -> VirtualFleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _names(store: Path | None, uids: list[str], versions: list[str]) -> dict[str, str]:
    """Name the boards in the fleet's own store, in drive order (gruppe-1, gruppe-2, …)."""
    from kit.inventory import assign_names

    try:
        return assign_names([(uid, version, DAPLINK_VERSION)
                             for uid, version in zip(uids, versions)], store=store)
    except KitError as err:
        log.warning("virtual boards keep no names: %s", err)
        return {}


def remove_stale_state(tmp: Path | None = None) -> list[Path]:
    """Remove state folders of fleets whose process is gone; return what was removed."""
    removed = []
    for folder in Path(tmp or tempfile.gettempdir()).glob(STATE_PREFIX + "*"):
        try:
            pid = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours to judge (an older klimakit, or still being made)
        if pid != os.getpid() and not pid_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
