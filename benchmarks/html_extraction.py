"""``python -m benchmarks html_extraction``: the article text of saved pages, by
trafilatura (what the HTML reader uses) and by readability-lxml (the alternative).

On the pages written for the tests (``tests/data/web/pages``), each with sentences of
its article that must be found and phrases of its furniture (menus, related headlines,
comments, share buttons, footers) that must not:

* **kept**: the share of the article's sentences in the extracted text;
* **clutter**: the share of furniture phrases that got in;
* **front page**: whether a page without an article (a section's list of links) gave
  no article (fewer than :data:`~search.corpus.html.MIN_ARTICLE_WORDS` words);
* time per page.

Writes the ``html-extraction`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import ROOT, machine_line, table, write_section
from search.corpus.base import Entry, ReadContext
from search.corpus.html import (
    MIN_ARTICLE_WORDS,
    article_text,
    decode_page,
    html_text,
    parse_page,
)
from search.corpus.records import FieldMap
from search.corpus.report import ReadReport

PAGES = ROOT / "tests" / "data" / "web" / "pages"
ROUNDS = 5


def by_trafilatura(html: str) -> str:
    return article_text(parse_page(html))


def by_readability(html: str) -> str:
    from readability import Document  # readability-lxml: requirements-bench.txt

    return html_text(Document(html).summary(html_partial=True))


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "trafilatura": by_trafilatura,
    "readability-lxml": by_readability,
}


def measure() -> dict[str, dict[str, Any]]:
    ctx = ReadContext(report=ReadReport(), field_map=FieldMap())
    pages = []
    for path in sorted(PAGES.glob("*.html")):
        html = decode_page(path.read_bytes(), Entry(path.name, str(path)), ctx)
        pages.append((path.stem, html, json.loads(path.with_suffix(".expected.json").read_text())))
    results: dict[str, dict[str, Any]] = {}
    for name, extract in EXTRACTORS.items():
        kept = wanted = clutter = furniture = 0
        front_pages = front_ok = 0
        started = time.perf_counter()
        for _ in range(ROUNDS):
            texts = {stem: extract(html) for stem, html, _ in pages}
        seconds = (time.perf_counter() - started) / ROUNDS / len(pages)
        misses = []
        for stem, _, want in pages:
            text = texts[stem]
            if want["skip"]:
                front_pages += 1
                front_ok += len(text.split()) < MIN_ARTICLE_WORDS
                continue
            found = [s for s in want["must_contain"] if s in text]
            kept += len(found)
            wanted += len(want["must_contain"])
            got_in = [s for s in want["must_not_contain"] if s in text]
            clutter += len(got_in)
            furniture += len(want["must_not_contain"])
            if len(found) < len(want["must_contain"]) or got_in:
                misses.append(stem)
        results[name] = {
            "kept": kept / wanted,
            "clutter": clutter / furniture,
            "front": f"{front_ok} of {front_pages}",
            "ms": seconds * 1000,
            "misses": misses,
        }
    return results


def report(results: dict[str, dict[str, Any]]) -> str:
    rows = [
        [
            name,
            f"{r['kept']:.0%}",
            f"{r['clutter']:.0%}",
            r["front"],
            f"{r['ms']:.1f} ms",
            ", ".join(r["misses"]) or "—",
        ]
        for name, r in results.items()
    ]
    return "\n".join(
        [
            "## Article text of saved pages: trafilatura and readability-lxml",
            "",
            machine_line(),
            "",
            "`python -m benchmarks html_extraction`: the pages written for the tests "
            f"(`tests/data/web/pages`, {len(list(PAGES.glob('*.html')))} pages); kept: the "
            "article's sentences found, clutter: the furniture phrases (menus, related "
            "headlines, comments, share buttons, footers) that got in; front page: pages "
            "without an article given none. trafilatura as the reader runs it: layout "
            "tables made plain blocks first (without that, the table-laid page let three "
            "furniture phrases in), a text mostly of list items taken for a front page.",
            "",
            table(["extractor", "kept", "clutter", "front page", "per page", "pages missed"], rows),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks html_extraction")
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    markdown = report(measure())
    print(markdown)
    if not args.no_record:
        print(f"recorded in {write_section('html-extraction', markdown)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
