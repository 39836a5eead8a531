"""The Whoosh engine's index folder: generations and the pointer that names the live one.

Layout of an index folder (``$NABA_INDEX`` or ``--index``, when it is a path)::

    index/
      CURRENT            one line: the name of the live generation directory
      gen-<timestamp>/   a complete engine index (Whoosh files)
      .reindex.lock      held (flock) by a running reindex

Why a pointer file: a full rebuild writes a new generation beside the live
one and switches ``CURRENT`` with an atomic ``os.replace`` only when the new
generation is complete and committed. A reindex killed at any moment leaves
``CURRENT`` naming the previous, intact generation; readers never see a
half-built index. Readers compare ``CURRENT`` (and the engine's own commit
generation) on each request and reopen when either changed, so a running
server picks up a new index without a restart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from .base import IndexMissing, IndexUnsafe, ReindexRunning

POINTER = "CURRENT"
LOCK = ".reindex.lock"
PREFIX = "gen-"


def live_generation(root: Path) -> Path:
    """The directory of the live generation, or :class:`IndexMissing`."""
    try:
        name = (root / POINTER).read_text("utf-8").strip()
    except FileNotFoundError:
        raise IndexMissing(f"no index in {root}: run `python -m search reindex`") from None
    path = root / name
    if not name or "/" in name or not path.is_dir():
        raise IndexMissing(f"{root / POINTER} names a missing generation {name!r}")
    return path


def new_generation(root: Path) -> Path:
    """Create an empty directory for a new generation (not live until :func:`switch_to`)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = root / f"{PREFIX}{stamp}-{os.getpid()}"
    path.mkdir()
    return path


def switch_to(root: Path, generation: Path) -> None:
    """Make ``generation`` live, atomically (write a temporary pointer, fsync, rename)."""
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / POINTER)
    with contextlib.suppress(OSError):  # best effort: make the rename itself durable
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_generations(root: Path, keep: Path | None = None) -> list[Path]:
    """Delete generations other than the live one (and ``keep``): leftovers of
    replaced or killed rebuilds. Only called while holding the reindex lock."""
    try:
        live = live_generation(root)
    except IndexMissing:
        live = None
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        if path.is_dir() and path not in (live, keep):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for tmp in root.glob(f".{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


#: File descriptors of the reindex locks this process holds (see :func:`_drop_locks_in_child`).
_held_locks: set[int] = set()


def _drop_locks_in_child() -> None:
    """In a forked child, stop sharing the parent's reindex lock.

    An ``flock`` belongs to the open file, which ``fork`` shares: without this, a
    worker process forked during a reindex (Whoosh's multi-process writer) would keep
    the lock alive after its parent was killed, and every later reindex would refuse.
    The descriptor is pointed at ``/dev/null`` rather than closed, so the child's
    Python file object stays valid.
    """
    for fd in list(_held_locks):
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
    _held_locks.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks_in_child)


@contextlib.contextmanager
def reindex_lock(root: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the index root's reindex lock: a second reindex refuses (or waits).

    ``flock`` is released by the kernel when the process dies, so a reindex
    killed with SIGKILL never leaves a stale lock behind (forked workers do not
    inherit it: :func:`_drop_locks_in_child`).
    """
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ReindexRunning(
                f"another reindex of {root} is running ({holder}); "
                "wait for it to finish or use --wait"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        _held_locks.add(handle.fileno())
        yield
    finally:
        _held_locks.discard(handle.fileno())
        handle.close()


def check_safe(root: Path, generation: Path) -> None:
    """Refuse a generation whose files someone other than the index's owner could have
    written: Whoosh unpickles its table of contents and segment headers, so whoever can
    write them can run code in every process that opens the index.

    Unsafe: anything world-writable (the index folder, the generation, ``CURRENT``, a
    file of the generation), or owned by a user other than the index folder's owner (or
    root). Group-writable files are allowed: a group shared by the reindex and the web
    server's users is a deliberate set-up (``docs/security.md``).
    """
    owner = root.stat().st_uid
    for path in (root, root / POINTER, generation, *generation.iterdir()):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue  # a file a concurrent commit just replaced
        if info.st_mode & stat.S_IWOTH:
            raise IndexUnsafe(
                f"refusing to open the index in {root}: {path} is writable by every user "
                "(run `chmod o-w` on it, or rebuild the index with `reindex --full`)"
            )
        if info.st_uid not in (owner, 0):
            raise IndexUnsafe(
                f"refusing to open the index in {root}: {path} belongs to user {info.st_uid}, "
                f"not to the index folder's owner ({owner})"
            )
