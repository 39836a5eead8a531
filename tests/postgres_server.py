"""A throwaway PostgreSQL cluster on 127.0.0.1 for the tests of the PostgreSQL engine.

Debian's ``postgresql`` package provides the server binaries (``.ci/run`` installs it);
no cluster of the machine is touched: :func:`start` runs ``initdb`` into a temporary
folder and ``pg_ctl`` on a free port, as the ``postgres`` user when the tests run as
root (PostgreSQL refuses to run as root), and :func:`stop` removes it again. A machine
without the binaries fails the tests that need them, loudly: they are not skipped.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class NoPostgres(RuntimeError):
    """The server binaries are missing: install Debian's ``postgresql`` package."""


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not found:
        raise NoPostgres(
            "PostgreSQL's server binaries are not installed (apt-get install postgresql; "
            ".ci/run does it)"
        )
    return Path(found[0]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its data folder, port and the URL of its ``postgres`` database."""

    folder: Path
    port: int
    bindir: Path
    #: The server settings it runs with (``-c`` options), kept for :func:`resume`.
    options: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A server program (``pg_ctl``, ``initdb``…) as the cluster's owner."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _folder(folder: Path | None, prefix: str) -> Path:
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    return folder


def start(
    settings: dict[str, str] | None = None, folder: Path | None = None, port: int | None = None
) -> Cluster:
    """``initdb`` and start a cluster on a free loopback port (or ``port``), in a new
    temporary folder (or ``folder``); trust authentication (it listens on 127.0.0.1
    only, for one test run or one developer)."""
    bindir = _bindir()
    folder = _folder(folder, "naba-pg-")
    cluster = Cluster(folder / "data", port or _free_port(), bindir)
    done = cluster.run(
        "initdb",
        "-D",
        str(cluster.folder),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
    cluster.options = {
        "listen_addresses": "127.0.0.1",
        "port": str(cluster.port),
        "unix_socket_directories": str(folder),
        "fsync": "off",  # a test cluster: speed over durability
        "synchronous_commit": "off",
        "full_page_writes": "off",
        **(settings or {}),
    }
    resume(cluster)
    return cluster


def resume(cluster: Cluster) -> None:
    """Start the (stopped) server again, with the same settings."""
    flags = " ".join(f"-c {key}={value}" for key, value in cluster.options.items())
    log = cluster.folder.parent / "log"
    done = cluster.run(
        "pg_ctl", "-D", str(cluster.folder), "-o", flags, "-l", str(log), "-w", "start"
    )
    if done.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]} {text[-2000:]}")


def halt(cluster: Cluster) -> None:
    """Stop the server and keep its data (``-m fast``: its sessions are cut, as when an
    operator stops a replica)."""
    cluster.run("pg_ctl", "-D", str(cluster.folder), "-m", "fast", "-w", "stop")


def start_replica(primary: Cluster, folder: Path | None = None, port: int | None = None) -> Cluster:
    """A streaming replica of ``primary``: ``pg_basebackup -R`` into a new folder (which
    writes the standby's connection settings), started on its own free port."""
    folder = _folder(folder, "naba-pg-replica-")
    replica = Cluster(folder / "data", port or _free_port(), primary.bindir)
    done = replica.run(
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.folder),
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    if done.returncode != 0:
        raise RuntimeError(f"pg_basebackup failed: {done.stderr[-2000:]}")
    replica.options = {
        **primary.options,
        "port": str(replica.port),
        "unix_socket_directories": str(folder),
        "hot_standby": "on",
        # Replaying a rebuild's DROP TABLE waits this long for a search reading the old
        # generation before cancelling it (the search then runs on another server).
        "max_standby_streaming_delay": "5s",
    }
    resume(replica)
    return replica


def stop(cluster: Cluster) -> None:
    cluster.run("pg_ctl", "-D", str(cluster.folder), "-m", "immediate", "-w", "stop")
    shutil.rmtree(cluster.folder.parent, ignore_errors=True)


# --- ``make postgres``: a primary and a replica for development ------------------------

DEV_PORTS = (54321, 54322)


def _saved(folder: Path) -> Cluster | None:
    try:
        kept = json.loads((folder / "cluster.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return Cluster(folder / "data", int(kept["port"]), _bindir(), dict(kept["options"]))


def _save(cluster: Cluster) -> None:
    (cluster.folder.parent / "cluster.json").write_text(
        json.dumps({"port": cluster.port, "options": cluster.options}), "utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.postgres_server start|stop [DIR]``: a primary and a streaming
    replica on 127.0.0.1 (ports 54321 and 54322) kept in ``DIR`` (``.postgres``) across
    runs; ``start`` prints the settings that point Naba at them."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("start", "stop"):
        print("usage: python -m tests.postgres_server start|stop [DIR]", file=sys.stderr)
        return 2
    root = Path(args[1] if len(args) > 1 else ".postgres").resolve()
    primary, replica = _saved(root / "primary"), _saved(root / "replica")
    if args[0] == "stop":
        for cluster in (replica, primary):
            if cluster is not None:
                halt(cluster)
        return 0
    if primary is None:
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        primary = start({"fsync": "on"}, root / "primary", DEV_PORTS[0])
        _save(primary)
    elif primary.run("pg_ctl", "-D", str(primary.folder), "status").returncode != 0:
        resume(primary)
    if replica is None:
        replica = start_replica(primary, root / "replica", DEV_PORTS[1])
        _save(replica)
    elif replica.run("pg_ctl", "-D", str(replica.folder), "status").returncode != 0:
        resume(replica)
    print(f"export NABA_INDEX={primary.url}")
    print(f"export NABA_INDEX_REPLICAS={replica.url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
