"""``python -m search query TEXT``: search from the command line.

``--json`` prints the same object as the web API's ``GET /api/search``; the
readable form is for people at a terminal. ``--format csv|jsonl`` prints every match
(up to ``NABA_EXPORT_MAX``), the rows of the site's ``/search.csv`` and ``/search.jsonl``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys

from search.params import PARAMS
from search.searching import (
    IndexMissing,
    InvalidRequest,
    SearchRequest,
    SearchResponse,
    Timeline,
    UnknownLocation,
    csv_lines,
    export_rows,
    jsonl_lines,
    open_index,
    search,
)
from search.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    operators = ", ".join(f"{p.operators[0]}:/{p.operators[1]}:" for p in PARAMS if p.operators)
    parser = subparsers.add_parser(
        "query",
        help="search the index",
        description=f'Search the index. Syntax: words, "a phrase", -word, OR/أو, {operators}',
    )
    parser.add_argument("text", help="what to search for")
    parser.add_argument(
        "--index", metavar="LOCATION", help="index folder or URL (default $NABA_INDEX or index/)"
    )
    # Every other option is a row of the parameter table (search/params.py).
    for param in PARAMS:
        if param.cli:
            parser.add_argument(
                param.cli,
                dest=f"param_{param.name}",
                action="append" if param.repeatable else "store",
                default=[] if param.repeatable else None,
                metavar=param.metavar,
                help=param.help,
            )
    parser.add_argument("--exact", action="store_true", help="match words exactly, no stemming")
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="count the matches per period too (--interval, --calendar): a timeline "
        "member in --json, a line per period in text",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv", "jsonl"),
        default=None,
        help="text (a page, readable), json (a page, as the API), or every match "
        "(up to $NABA_EXPORT_MAX) as csv or jsonl",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params = {p.name: getattr(args, f"param_{p.name}") for p in PARAMS if p.cli}
    params.update(q=args.text, mode="exact" if args.exact else "stemmed")
    settings = Settings.from_env()
    try:
        request = SearchRequest.from_params(params, timeline=args.timeline)
        index = open_index(args.index or settings.index, settings.index_options)
    except (InvalidRequest, IndexMissing, UnknownLocation) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    fmt = args.format or ("json" if args.json else "text")
    if fmt in ("csv", "jsonl"):
        rows = export_rows(index, request, settings.export_max)
        lines = csv_lines(rows, bom=False) if fmt == "csv" else jsonl_lines(rows)
        for line in lines:
            sys.stdout.write(line)
        return 0
    response = search(index, request)
    if fmt == "json":
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
    if response.complete is not None and response.complete < response.total:
        which = "every word" if response.every_word else "most words"
        print(f"{response.complete} with {which} first, then those with some of them")
    if response.corrected:
        print(f"results for: {response.corrected} (--spell off: as typed)")
    for added in response.variants:
        print(f"also searched for {added['word']}: {', '.join(added['also'])}")
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
    if response.timeline is not None:
        print_timeline(response.timeline)


def print_timeline(timeline: Timeline, width: int = 40) -> None:
    """A line per period, its bar scaled to the busiest one, then the undated count."""
    print(f"\ntimeline ({timeline.interval}, {timeline.calendar}):")
    highest = timeline.highest or 1
    for bucket in timeline.buckets:
        bar = "█" * round(bucket.count / highest * width)
        print(f"  {bucket.period:>10}  {bucket.count:>6}  {bar}")
    if timeline.undated:
        print(f"  {'undated':>10}  {timeline.undated:>6}")
