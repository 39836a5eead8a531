"""``python -m search analyze TEXT``: show how Naba sees a text, token by token.

Like Elasticsearch's ``_analyze``: when a search does not match, this tells
whether the words became the terms you expected. Stop words are listed with
``"stopped": true`` instead of disappearing, so nothing is hidden.
"""

from __future__ import annotations

import argparse
import json
import sys

from search.analysis import analyze


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="print the tokens and index terms of a text, one JSON object per line",
        description="Print one JSON object per token: text, start, end, term, exact, stopped.",
    )
    parser.add_argument("text", help="the text to analyse, or - to read standard input")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = args.text
    if text == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            print(
                f"error: standard input is not valid UTF-8 (byte {error.start}: "
                f"{data[error.start : error.start + 1]!r})",
                file=sys.stderr,
            )
            return 2
    for token in analyze(text):
        print(json.dumps(token.as_dict(), ensure_ascii=False))
    return 0
