"""``python -m search fetch URL… [--into DIR] [--follow]``: feeds and article pages from
the web into the corpus, for the next ``reindex`` (:mod:`search.corpus.fetch`).

Exit codes: 0 every URL fetched (or unchanged, or skipped with a reason); 1 some
failed (the report names them, and what was fetched is kept); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from search.corpus.fetch import FetchOptions, fetch
from search.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    defaults = FetchOptions()
    parser = subparsers.add_parser(
        "fetch",
        help="download feeds and article pages into the corpus (then run reindex)",
        description=(
            "Download RSS/Atom feeds and article pages into a corpus folder, one file per "
            "article named by its URL (fetching again updates it). Obeys robots.txt, sends "
            "conditional requests, and reports what was new, changed, unchanged, skipped "
            "and failed. Exit status: 0 ok, 1 some URLs failed, 2 usage error."
        ),
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="a feed or an article page")
    parser.add_argument(
        "--into",
        metavar="DIR",
        help="the folder to write to (default: the first $NABA_CORPUS folder)",
    )
    parser.add_argument(
        "--follow", action="store_true", help="also download the page each feed item links to"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        metavar="SECONDS",
        help=f"longest time for one request, whole (default {defaults.timeout:g})",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=defaults.max_bytes,
        metavar="N",
        help=f"largest answer kept (default {defaults.max_bytes:,})",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=defaults.max_pages,
        metavar="N",
        help=f"most requests in one run, robots.txt aside (default {defaults.max_pages})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.timeout <= 0 or args.max_bytes < 1 or args.max_pages < 1:
        print("error: --timeout, --max-bytes and --max-pages must be positive", file=sys.stderr)
        return 2
    into = Path(args.into or Settings.from_env().corpus[0])
    if into.exists() and not into.is_dir():
        print(f"error: {into} is not a folder", file=sys.stderr)
        return 2
    options = FetchOptions(
        follow=args.follow,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        max_pages=args.max_pages,
    )
    try:
        report = fetch(args.urls, into, options)
    except OSError as error:
        print(f"error: cannot write to {into}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"into": str(into), **report.to_dict()}, ensure_ascii=False))
    else:
        print(f"into {into}")
        print(report.format())
    return 1 if report.failed else 0
