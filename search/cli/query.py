"""``python -m search query TEXT``: search from the command line.

``--json`` prints the same object as the web API's ``GET /api/search``; the
readable form is for people at a terminal.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys

from search import store
from search.searching import InvalidRequest, SearchRequest, SearchResponse, open_index, search


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="search the index",
        description='Search the index. Syntax: words, "a phrase", -word, OR/أو, '
        "source:NAME/المصدر:NAME, date:2023[-08[-16]]/التاريخ:…",
    )
    parser.add_argument("text", help="what to search for")
    parser.add_argument("--index", help="index directory (default $NABA_INDEX or index/)")
    parser.add_argument("--source", action="append", default=[], help="only this source (repeat)")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    parser.add_argument("--year", action="append", default=[], help="only this year (repeat)")
    parser.add_argument("--month", action="append", default=[], help="only this YYYY-MM (repeat)")
    parser.add_argument("--category", action="append", default=[])
    parser.add_argument("--sort", default="relevance", help="relevance | newest | oldest")
    parser.add_argument("--page", default="1")
    parser.add_argument("--per-page", default="10")
    parser.add_argument("--exact", action="store_true", help="match words exactly, no stemming")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params = {
        "q": args.text,
        "source": args.source,
        "from": args.date_from,
        "to": args.date_to,
        "year": args.year,
        "month": args.month,
        "category": args.category,
        "sort": args.sort,
        "page": args.page,
        "per_page": args.per_page,
        "mode": "exact" if args.exact else "stemmed",
    }
    try:
        request = SearchRequest.from_params(params)
        handle = open_index(args.index)
    except (InvalidRequest, store.IndexMissing) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    response = search(handle, request)
    if args.json:
        print(json.dumps(response.to_dict(), ensure_ascii=False))
    else:
        print_readable(response)
    return 0


_TAGS = re.compile(r"</?mark>")


def _plain(fragment: str) -> str:
    """Snippet HTML for a terminal: marks become »…«, entities are unescaped."""
    return html.unescape(_TAGS.sub(lambda m: "«" if m.group() == "</mark>" else "»", fragment))


def print_readable(response: SearchResponse) -> None:
    print(f"{response.total} results (page {response.page} of {response.pages})")
    if response.suggestion:
        print(f"did you mean: {response.suggestion}")
    for warning in response.warnings:
        print(f"note: {warning}")
    for rank, hit in enumerate(response.hits, start=(response.page - 1) * response.per_page + 1):
        date = hit.date.isoformat() if hit.date else "undated"
        print(f"\n{rank}. {_plain(hit.title)}")
        print(f"   {hit.id} · {date} · {', '.join(hit.sources) or 'no source'} · {hit.score:.2f}")
        print(f"   {_plain(hit.snippet)}")
    for name, counts in response.facets.items():
        if counts:
            shown = ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:10])
            print(f"\n{name}: {shown}")
