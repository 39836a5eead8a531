"""The Whoosh writer's worker processes die with the process that started them.

Whoosh's multi-process writer forks workers that wait on a queue for work; if the
reindex that started them is killed (SIGKILL, the OOM killer) they would wait
forever, holding memory and open index files. Linux's ``PR_SET_PDEATHSIG`` has the
kernel kill them with their parent; a fork hook asks for it in every child forked
while a multi-process writer is open (:func:`workers_die_with_us`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Iterator

#: The pid of this process while it has a multi-process writer open (forks then are workers).
_writing_pid: int | None = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a process forked while a writer is open: be killed when the writing process dies."""
    global _writing_pid
    parent, _writing_pid = _writing_pid, None  # (grandchildren are not ours to police)
    if parent is None or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_die_with_parent)


def mark_writing() -> None:
    """From now on, forked children die with this process (until :func:`unmark_writing`)."""
    global _writing_pid
    _writing_pid = os.getpid()


def unmark_writing() -> None:
    global _writing_pid
    _writing_pid = None


@contextlib.contextmanager
def workers_die_with_us() -> Iterator[None]:
    mark_writing()
    try:
        yield
    finally:
        unmark_writing()
