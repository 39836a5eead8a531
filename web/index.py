"""The index this process searches, and the ``flask reindex`` command.

Flask's tutorial opens its database per request on ``g``. An index is different: opening
it reads segment files, and :func:`search.searching.open_index` returns a handle that
notices by itself when a reindex switches generations. So each process keeps one handle
for its lifetime, opened on first use (after gunicorn forks, never before) and retried
on the next request while there is no index yet, so a server started before the first
``reindex`` starts serving as soon as the index appears.
"""

from __future__ import annotations

import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from search.searching import IndexHandle, index_stats, open_index
from search.store import IndexMissing


class IndexHolder:
    """One lazily opened handle per app; the lock matters under the threaded dev server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._handle: IndexHandle | None = None
        self._lock = threading.Lock()

    def get(self) -> IndexHandle:
        """The open handle; raises :class:`search.store.IndexMissing` while there is none."""
        with self._lock:
            if self._handle is None:
                self._handle = open_index(self.root)
            return self._handle


def warm(app: Flask) -> bool:
    """Open the index and build its per-document arrays before serving (a gunicorn
    worker calls this after the fork), so the first reader does not wait for them.

    Without an index yet there is nothing to warm (False): the first request opens it.
    """
    holder: IndexHolder = app.extensions["naba_index"]
    try:
        index_stats(holder.get())
    except IndexMissing:
        return False
    return True


def get_handle() -> IndexHandle:
    """The current app's index handle (what every view passes to the search layer)."""
    holder: IndexHolder = current_app.extensions["naba_index"]
    return holder.get()


@click.command(
    "reindex",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def reindex_command(args: tuple[str, ...]) -> None:
    """Run `python -m search reindex` with these arguments (see `flask reindex --help`).

    Delegating to the CLI, rather than re-declaring its options here, guarantees the two
    commands are one: same options, same output, same exit codes. The app's configured
    index is supplied when the arguments name none; the corpus defaults to ``$NABA_CORPUS``
    there, as it does for the CLI.
    """
    from search.cli import main

    argv = ["reindex", *args]
    if "--index" not in args and not any(a.startswith("--index=") for a in args):
        argv += ["--index", current_app.config["INDEX"]]
    raise SystemExit(main(argv))


def init_app(app: Flask) -> None:
    """Attach the index holder and register ``flask reindex``."""
    app.extensions["naba_index"] = IndexHolder(Path(app.config["INDEX"]))
    app.cli.add_command(reindex_command)
