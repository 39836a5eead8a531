"""``python -m search metadata PATH…``: what the readers make of a corpus, before indexing.

One JSON object per document: the document model without its body, with the rule that
produced the date (``field``, ``text:<rule>``, ``filename``) and each source. The read
report (how many documents were read, what was skipped and why) goes to standard error
at the end, so standard output stays pure JSON Lines for ``jq`` or a test.

Skipped inputs do not make the command fail (exit 0): a corpus with one broken file is
still a corpus. A PATH that does not exist is a usage error (exit 2), checked before
anything is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from search.cli._fields import add_field_option, parse_field_map
from search.corpus import ReadReport, read_corpus


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metadata",
        help="print each document's metadata (no body) as one JSON object per line",
        description=(
            "Read files, folders and archives (.txt, TREC, .json, .jsonl, .csv, .zip, "
            ".tar.gz) and print one JSON object per document: id, title, date, "
            "date_source, sources, source_rules, url, category, origin. The read report "
            "goes to standard error."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or archive")
    add_field_option(parser)
    parser.add_argument(
        "--now",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the date relative dates in text are read against (default: today)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the summary, not each problem"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    field_map = parse_field_map(args)
    if field_map is None:
        return 2
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        for path in missing:
            print(f"error: no such file or directory: {path}", file=sys.stderr)
        return 2

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    # Each problem is printed as it happens (a long run shows trouble early), unless --quiet.
    logger = logging.getLogger("search.corpus")
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if args.quiet else logging.WARNING)
    logger.propagate = False
    report = ReadReport()
    try:
        for doc in read_corpus(args.paths, field_map=field_map, report=report, now=args.now):
            print(json.dumps(doc.metadata(), ensure_ascii=False))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        print(report.summary(), file=sys.stderr)
    return 0
