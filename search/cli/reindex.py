"""``python -m search reindex [PATH…]``: build or update the index from a corpus.

Incremental by default (only new, changed and deleted documents); ``--full``
rebuilds into a new generation and switches to it atomically. Progress goes to
standard error (a bar on a terminal, a line every few seconds otherwise); the
summary goes to standard output, as JSON with ``--json``.

Exit codes, for scripts and ``make index``:

* 0: the index is up to date (even if some files could not be read: they are
  listed, and their previously indexed documents kept);
* 1: nothing could be indexed (no readable document);
* 2: usage error, or a corpus PATH that does not exist (the index is not touched);
* 75 (``EX_TEMPFAIL``): another reindex of the same index is running; try again,
  or pass ``--wait``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from search.cli._fields import add_field_option, parse_field_map
from search.cli._progress import Meter
from search.engine import IndexMissing, ReindexRunning, UnknownLocation
from search.indexing import CorpusMissing, reindex
from search.settings import Settings

EX_TEMPFAIL = 75


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reindex",
        help="build or update the index from the corpus (incremental unless --full)",
        description=(
            "Index the corpus: files, folders and archives (default $NABA_CORPUS or corpus/). "
            "Only new, changed and deleted documents are written unless --full is given. "
            "Exit status: 0 ok, 1 nothing indexed, 2 usage error or missing PATH, "
            "75 another reindex is running."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="file, folder or archive (default: the corpus)"
    )
    parser.add_argument(
        "--index", metavar="LOCATION", help="index folder or URL (default $NABA_INDEX or index/)"
    )
    parser.add_argument(
        "--full", action="store_true", help="rebuild from scratch into a new generation"
    )
    parser.add_argument(
        "--wait", action="store_true", help="wait for a running reindex instead of refusing"
    )
    parser.add_argument(
        "--procs",
        type=int,
        default=None,
        metavar="N",
        help="indexing processes (default: the engine's; one per core, at most 2, for Whoosh)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    add_field_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    field_map = parse_field_map(args)
    if field_map is None:
        return 2
    if args.procs is not None and args.procs < 1:
        print("error: --procs must be 1 or more", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    paths = [Path(p) for p in (args.paths or settings.corpus)]
    meter = Meter.create(None, settings.progress_seconds)
    with _logging_to_stderr():
        try:
            summary = reindex(
                paths,
                index=args.index or settings.index,
                full=args.full,
                progress=meter,
                workers=args.procs,
                wait=args.wait,
                field_map=field_map,
            )
        except (CorpusMissing, UnknownLocation) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except IndexMissing as error:  # a database that cannot be reached
            print(f"error: {error}", file=sys.stderr)
            return 1
        except ReindexRunning as error:
            print(f"error: {error}", file=sys.stderr)
            return EX_TEMPFAIL
        except OSError as error:
            # A full disk, a file-size limit, a permission: the write failed, and
            # the unfinished generation or commit was never made live.
            print(
                f"error: reindex failed while writing the index: {error}; "
                "the previous index is unchanged and still serving",
                file=sys.stderr,
            )
            return 1
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        print(summary.format())
    if not summary.ok:
        print(f"error: nothing indexed: {summary.error}", file=sys.stderr)
        return 1
    return 0


@contextlib.contextmanager
def _logging_to_stderr() -> Iterator[None]:
    """Progress lines and read problems on standard error, through the progress bar."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    names = {"search.indexing": logging.INFO, "search.engine": logging.INFO}
    names["search.corpus"] = logging.WARNING
    loggers = [logging.getLogger(name) for name in names]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg, level in zip(loggers, names.values(), strict=True):
        lg.addHandler(handler)
        lg.setLevel(level)
        lg.propagate = False
    try:
        if sys.stderr.isatty():
            from tqdm.contrib.logging import logging_redirect_tqdm

            with logging_redirect_tqdm(loggers=loggers):
                yield
        else:
            yield
    finally:
        for lg, (level, propagate) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate
