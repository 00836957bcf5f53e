"""A real PostgreSQL server for the tests, started from Debian's binaries in a temporary folder, on a Unix socket."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """Return the folder of Debian's PostgreSQL server binaries, newest version first (``None`` if missing)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


@contextmanager
def postgres_server(port: int = 55432) -> Iterator[str]:
    """Run a throw-away server; yield a URL for its database ``asl`` (all gone afterwards).

    As root the server runs as Debian's ``postgres`` user (it refuses to run as root).
    """
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server is not installed: apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="asl-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log = folder / "data", folder / "log"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
        options = f"-k {folder} -c listen_addresses='' -p {port} -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        run(str(bin_dir / "createdb"), "-h", str(folder), "-p", str(port), "-U", "postgres", "asl")
        yield f"postgresql://postgres@/asl?host={folder}&port={port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(folder, ignore_errors=True)
