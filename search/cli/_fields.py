"""The ``--field NAME=FIELD`` option shared by the commands that read a corpus.

(A leading underscore keeps this module out of command discovery.)
"""

from __future__ import annotations

import argparse
import sys

from search.corpus import FieldMap


def add_field_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=FIELD",
        help=(
            "read attribute NAME (id, title, body, date, source, url, category) from record "
            "field FIELD (comma-separated alternatives; empty to ignore); repeatable"
        ),
    )


def parse_field_map(args: argparse.Namespace) -> FieldMap | None:
    """The parsed ``--field`` options, or ``None`` after printing why they are wrong."""
    try:
        return FieldMap.parse(args.field)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
