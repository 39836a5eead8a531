"""A malformed TREC record is read in time linear in its size (issue 18, item 1).

Pairing tags with a lazy ``(.*?)</\\1>`` made every unclosed tag scan to the end of the
record: 8,000 stray ``<a>`` took a second, a megabyte would take half an hour. The test
measures growth, not an absolute time: four times the input may cost about four times
as much (a quadratic reader: sixteen).
"""

from __future__ import annotations

from collections.abc import Callable

from search.corpus.trec import parse_doc
from tests.support import best_of


def _growth(make: Callable[[int], str], small: int) -> float:
    little, big = make(small), make(4 * small)
    return best_of(3, lambda: parse_doc(big)) / best_of(3, lambda: parse_doc(little))


def test_unclosed_tags_cost_linear_time() -> None:
    def record(n: int) -> str:
        return "<DOC><DOCNO>x</DOCNO>" + "<a>نص " * n + "</DOC>"

    assert _growth(record, 2000) < 8


def test_unclosed_fields_and_bodies_cost_linear_time() -> None:
    def record(n: int) -> str:
        return "<DOC><BODY>" + "<BODY x <TITLE y <P>" * n + "</DOC>"

    assert _growth(record, 1000) < 8


def test_the_fields_are_still_read() -> None:
    raw = (
        "<DOC><DOCNO>7</DOCNO><a><b><BODY><HEADLINE>عنوان</HEADLINE>"
        "<TEXT><P>أول</P><P>ثان</P></TEXT ></BODY></DOC>"
    )
    fields = parse_doc(raw)
    assert fields["DOCNO"] == "7" and fields["HEADLINE"] == "عنوان"
    assert fields["TEXT"] == "أول\n\nثان"
