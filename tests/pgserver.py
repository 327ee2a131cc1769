"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl on a temp folder.

Debian's `postgresql` package (installed by .ci/run) puts the server binaries in
/usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root, so as root the server
runs as the `postgres` user (runuser). It listens on 127.0.0.1 on a free port only, trusts
local connections (it holds test data only), and runs without fsync: it is deleted at the end.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "klimakit"


def find_bin_dir() -> Path | None:
    """Return the folder with initdb and pg_ctl, or None if PostgreSQL is not installed."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One running server; new_database() gives each test its own empty database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="klimakit-pg-"))
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._count = 0

    def _run(self, *args: str) -> None:
        result = subprocess.run(self._as + list(args), capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError("{} failed: {}{}{}".format(
                args[0], result.stdout, result.stderr,
                log.read_text() if log.exists() else ""))

    def start(self) -> PostgresServer:
        data = str(self.root / "data")
        self._run(str(self.bin_dir / "initdb"), "-D", data, "-U", USER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = ("-p {} -c listen_addresses=127.0.0.1 -k {} -F -c full_page_writes=off "
                   "-c synchronous_commit=off -c max_connections=60").format(self.port,
                                                                            self.root)
        self._run(str(self.bin_dir / "pg_ctl"), "-D", data, "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return "postgresql://{}@127.0.0.1:{}/{}".format(USER, self.port, database)

    def new_database(self, prefix: str = "test") -> str:
        """Create an empty database; return its URL."""
        import psycopg

        self._count += 1
        name = "{}_{}".format(prefix, self._count)
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE {}".format(name))
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                      "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
