"""``python -m search stats``: what is in the index."""

from __future__ import annotations

import argparse
import json
import sys

from search.searching import IndexMissing, UnknownLocation, index_stats, open_index
from search.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="document count, date range, sources, size")
    parser.add_argument(
        "--index", metavar="LOCATION", help="index folder or URL (default $NABA_INDEX or index/)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        stats = index_stats(open_index(args.index or settings.index, settings.index_options))
    except (IndexMissing, UnknownLocation) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"documents:  {stats['documents']}")
    print(f"dates:      {stats['date_min'] or '-'} … {stats['date_max'] or '-'}")
    print(f"index size: {stats['size_bytes'] / 1e6:.1f} MB ({stats['generation']})")
    print("sources:")
    for name, count in stats["sources"].items():
        print(f"  {count:7d}  {name}")
    return 0
