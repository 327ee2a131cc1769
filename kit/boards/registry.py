"""The registry a virtual fleet writes into its drive root, as kit.boards reads it.

kit/flash/fleet.py writes VIRTUAL_REGISTRY (whole, renamed into place); its format is
documented there. A registry counts only while the process named in it is alive, so the boards
of a fleet that was killed are not listed.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

VIRTUAL_REGISTRY = ".klimakit-virtual.json"


def pid_alive(pid: int) -> bool:
    """Return whether a process exists (a virtual fleet's registry is stale once it is gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by someone else (or not checkable here)
    return True


@dataclass(frozen=True)
class VirtualEntry:
    """What a fleet's registry says about one of its boards."""

    port: str | None
    store: str
    engine: str = ""
    reason: str = ""


def read_registries(roots: Iterable[Path]) -> dict[str, VirtualEntry]:
    """{unique id: entry} for every board of a live virtual fleet under the drive roots."""
    found: dict[str, VirtualEntry] = {}
    for root in roots:
        try:
            registry = json.loads((root / VIRTUAL_REGISTRY).read_text(encoding="utf-8"))
            pid = int(registry.get("pid", 0))
            ports = {str(k).lower(): v for k, v in dict(registry.get("ports", {})).items()}
            boards = {str(k).lower(): v for k, v in dict(registry.get("boards", {})).items()}
            store = str(registry.get("store") or "")
        except (OSError, ValueError, TypeError, AttributeError):
            continue
        if pid and not pid_alive(pid):
            log.info("ignoring %s: its fleet (pid %s) has stopped", root / VIRTUAL_REGISTRY, pid)
            continue
        for uid in sorted(set(ports) | set(boards)):
            about = boards.get(uid)
            about = about if isinstance(about, dict) else {}
            url = ports.get(uid)
            found[uid] = VirtualEntry(str(url) if url else None, store,
                                      str(about.get("engine") or ""),
                                      str(about.get("reason") or ""))
    return found
