"""Property-based tests: whatever a reader types, the search layer answers.

``make test`` runs a bounded number of examples; ``make fuzz`` sets
``NABA_FUZZ_EXAMPLES`` (10,000 by default there) for the long run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.highlight import Highlighter, escape, highlight_all, snippet
from search.query import MAX_GROUPS, parse_query
from search.searching import InvalidRequest, SearchRequest, open_index, search
from tests.support import build_index

EXAMPLES = int(os.environ.get("NABA_FUZZ_EXAMPLES", "300"))
SLOW_QUERY_SECONDS = 2.0

# Text that looks like what people type: Arabic, Persian letters, diacritics,
# tatweel, bidi and zero-width marks, Latin, digits, and query syntax.
ARABIC = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"))
MARKS = st.sampled_from(list("\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0670\u0640"))
CONTROLS = st.sampled_from(
    list("\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\x00\t\n")
)
SYNTAX = st.sampled_from(
    [
        '"',
        "-",
        ":",
        "(",
        ")",
        " OR ",
        " أو ",
        " AND ",
        "NOT ",
        "source:",
        "المصدر:",
        "date:",
        "التاريخ:",
        "*",
        "?",
        "~",
        "^",
        "\\",
        "«",
        "»",
        "ک",
        "ی",
        "٢٠٢٣",
        "2023-08",
        " ",
    ]
)
WORDS = st.sampled_from(
    ["كوريا", "بوتين", "والعلاقات", "الإستراتيجية", "كَتَبَ", "في", "من", "Reuters", "AFP"]
)
QUERY = st.lists(
    st.one_of(ARABIC, MARKS, CONTROLS, SYNTAX, WORDS, st.text(max_size=5)), max_size=40
).map("".join)
PARAM_VALUE = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["relevance", "newest", "oldest", "exact", "2023", "2023-08", "2023-08-16"]),
    st.lists(st.text(max_size=8), max_size=3),
)
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "source",
            "from",
            "to",
            "year",
            "month",
            "category",
            "sort",
            "page",
            "per_page",
            "mode",
        ]
    ),
    PARAM_VALUE,
)

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def handle(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path):
    return open_index(build_index(tmp_path_factory.mktemp("prop") / "index", seeds_dir))


@FAST
@given(QUERY)
def test_the_parser_never_raises(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.query.groups) <= MAX_GROUPS
    assert 0 <= parsed.query.min_match <= len(parsed.query.groups)


@FAST
@given(QUERY, st.sampled_from(["stemmed", "exact"]))
def test_search_answers_every_query(handle, text: str, mode: str) -> None:
    started = time.perf_counter()
    response = search(handle, SearchRequest(q=text, mode=mode))  # type: ignore[arg-type]
    assert time.perf_counter() - started < SLOW_QUERY_SECONDS
    data = json.loads(json.dumps(response.to_dict()))
    assert data["total"] >= len(data["hits"])


@FAST
@given(PARAMS)
def test_parameters_are_accepted_or_rejected_with_a_message(handle, params) -> None:
    try:
        request = SearchRequest.from_params(params)
    except InvalidRequest as error:
        assert str(error)
        return
    search(handle, request)


@FAST
@given(st.text(max_size=300), QUERY)
def test_highlighting_escapes_everything_but_marks(text: str, query: str) -> None:
    parsed = parse_query(query)
    highlighter = Highlighter(parsed.terms, parsed.exacts, parsed.phrases)
    for html in (snippet(text, highlighter), highlight_all(text, highlighter)):
        bare = html.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in bare and ">" not in bare
        assert not BIDI.intersection(bare)
    assert escape(text).count("<") == 0


def test_a_ten_thousand_character_query_is_cut_not_parsed_for_seconds(handle) -> None:
    started = time.perf_counter()
    response = search(handle, SearchRequest(q="كوريا " * 2000))
    assert time.perf_counter() - started < SLOW_QUERY_SECONDS
    assert response.warnings
