"""The live index this process searches, and the ``flask reindex`` and ``flask fetch``
commands.

(Not to be confused with ``index/``, the data folder an index lives in by default, nor
with :mod:`search.indexing`, which writes it.) Flask's tutorial opens its database per
request on ``g``. An index is different: opening it reads files, and
:func:`search.searching.open_index` returns an index that notices by itself when a
reindex changed it. So each process keeps one for its lifetime, opened on first use
(after gunicorn forks, never before) and retried on the next request while there is no
index yet, so a server started before the first ``reindex`` starts serving as soon as
the index appears.
"""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from search.searching import Index, IndexMissing, IndexOptions, index_stats, open_index


class IndexHolder:
    """One lazily opened index per app; the lock matters under the threaded dev server."""

    def __init__(self, location: str, options: IndexOptions) -> None:
        self.location = location
        self.options = options
        self._index: Index | None = None
        self._lock = threading.Lock()

    def get(self) -> Index:
        """The open index; raises :class:`~search.searching.IndexMissing` while there is none."""
        with self._lock:
            if self._index is None:
                self._index = open_index(self.location, self.options)
            return self._index


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


def get_index() -> Index:
    """The current app's index (what every view passes to the search layer)."""
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


@click.command(
    "fetch",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def fetch_command(args: tuple[str, ...]) -> None:
    """Run `python -m search fetch` with these arguments (see `flask fetch --help`): the
    same command, delegated, as for ``flask reindex``."""
    from search.cli import main

    raise SystemExit(main(["fetch", *args]))


def init_app(app: Flask) -> None:
    """Attach the index holder and register ``flask reindex`` and ``flask fetch``."""
    app.extensions["naba_index"] = IndexHolder(
        str(app.config["INDEX"]), app.config.get("INDEX_OPTIONS") or IndexOptions()
    )
    app.cli.add_command(reindex_command)
    app.cli.add_command(fetch_command)
