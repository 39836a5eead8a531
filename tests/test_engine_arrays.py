"""The array evaluation of queries against Whoosh's own matchers and BM25F scorer.

The engine reads postings into numpy arrays and computes matching, scores and order
itself (``search/engine/whoosh_reading.py``). Whoosh is the oracle here: on a real
index with two segments and deleted documents (an incremental reindex after a full
one), every query must match exactly the documents Whoosh's queries match, with the
scores Whoosh's BM25F gives them.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.engine import Filters, Phrase, Word
from search.engine import whoosh_store as store
from search.engine.whoosh_engine import EXACT_BONUS, WEIGHTING, WhooshEngine
from search.engine.whoosh_reading import PostingCache, TermScores
from search.indexing import reindex
from search.query import parse_query
from tests.support import ROOT, SEEDS

QUERIES = [
    "الحكومة",
    "كوريا الشمالية",
    "رئيس الوزراء",
    "العلاقات الاقتصادية مع الصين",  # three words and more: a minimum should match
    "السلام في الشرق الأوسط والعالم العربي",
    "كوريا -الشمالية",
    "كوريا أو الصين",
    "الصين OR اليابان الاقتصاد",
    '"كوريا الشمالية"',
    '"رئيس الوزراء" الإسرائيلي',
    "في",  # only a stop word
]


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds and the demo corpus, fully indexed, then a few files changed, deleted and
    added and reindexed incrementally: two segments, and deleted documents in the first."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, corpus / "seeds")
    shutil.copytree(ROOT / "corpus" / "articles", corpus / "articles")
    root = tmp_path_factory.mktemp("arrays") / "index"
    reindex([corpus], index=root, full=True)
    articles = sorted((corpus / "articles").rglob("*.txt"))
    assert len(articles) >= 6
    for path in articles[:2]:
        path.unlink()
    for path in articles[2:4]:
        path.write_text(path.read_text("utf-8") + "\n\nكوريا الشمالية والصين.", "utf-8")
    (corpus / "new.txt").write_text(
        "رئيس الوزراء يزور كوريا\n\nقال رئيس الوزراء إن العلاقات الاقتصادية مع الصين جيدة.",
        "utf-8",
    )
    summary = reindex([corpus], index=root)
    assert (summary.added, summary.updated, summary.deleted) == (1, 2, 2)
    return root


@pytest.fixture(scope="module")
def engine(index_root: Path) -> WhooshEngine:
    return WhooshEngine.open(store.live_generation(index_root))


@pytest.fixture(scope="module")
def searcher(index_root: Path):
    ix = whoosh_index.open_dir(str(store.live_generation(index_root)))
    with ix.searcher(weighting=WEIGHTING) as searcher:
        yield searcher


def test_the_fixture_really_has_segments_and_deletions(searcher) -> None:
    reader = searcher.reader()
    assert len(reader.leaf_readers()) >= 2
    assert reader.doc_count() < reader.doc_count_all()


def _clause(clause: Word | Phrase, mode: str, *, scoring: bool) -> wq.Query:
    """The Whoosh query one clause stands for (the oracle's own translation)."""
    exact_fields = ("title_exact", "body_exact")
    if isinstance(clause, Phrase):
        if len(clause.exacts) == 1:
            return wq.Or([wq.Term(f, clause.exacts[0]) for f in exact_fields])
        return wq.Or([wq.Phrase(f, list(clause.exacts)) for f in exact_fields])
    if mode == "exact" or clause.stopped:
        return wq.Or([wq.Term(f, clause.exact) for f in exact_fields])
    stems = [wq.Term("title", clause.term), wq.Term("body", clause.term)]
    if not scoring:
        return wq.Or(stems)
    bonus = [wq.Term(f, clause.exact, boost=EXACT_BONUS) for f in exact_fields]
    return wq.Or([*stems, *bonus])


def _expected(searcher, text: str, mode: str = "stemmed") -> tuple[set[int], dict[int, float]]:
    """Whoosh's answer: the live documents that match, and each one's BM25F score."""
    query = parse_query(text, mode=mode).query
    counts: Counter[int] = Counter()
    for group in query.groups:
        matching = wq.Or([_clause(c, mode, scoring=False) for c in group.alternatives])
        counts.update(set(searcher.docs_for_query(matching)))
    matched = {doc for doc, n in counts.items() if n >= 1}  # any word: the tiers rank them
    for clause in query.excluded:
        matched -= set(searcher.docs_for_query(_clause(clause, mode, scoring=False)))
    scoring = wq.Or([_clause(c, mode, scoring=True) for g in query.groups for c in g.alternatives])
    scores = {hit.docnum: hit.score for hit in searcher.search(scoring, limit=None)}
    return matched, scores


@pytest.mark.parametrize("mode", ["stemmed", "exact"])
@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whooshs(engine, searcher, text: str, mode: str) -> None:
    matched, scores = _expected(searcher, text, mode)
    parsed = parse_query(text, mode=mode)
    result = engine.search(parsed.query, Filters(), sort="relevance", offset=0, limit=1000)
    assert result.total == len(matched)
    got = {searcher.document_number(id=hit.document.id): hit.score for hit in result.hits}
    assert set(got) == matched
    has_phrase = any(
        isinstance(c, Phrase) and len(c.exacts) > 1
        for g in parsed.query.groups
        for c in g.alternatives
    )
    if not has_phrase:  # a phrase scores as the sum of its words, not as Whoosh's spans
        for doc, score in got.items():
            assert score == pytest.approx(scores[doc], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    "text",
    ["العلاقات الاقتصادية مع الصين وكوريا الشمالية واليابان", "الصين كوريا", "الصين كوريا اليابان"],
)
def test_matches_rank_in_tiers_of_words_missed_then_by_score(engine, searcher, text) -> None:
    """Every word first; for a long query, then three quarters of the words; then one
    tier for each word fewer, each tier by score; ``complete`` counts the first tier."""
    parsed = parse_query(text)
    groups, first = len(parsed.query.groups), parsed.query.min_match
    result = engine.search(parsed.query, Filters(), sort="relevance", offset=0, limit=10_000)
    counts: Counter[int] = Counter()
    for group in parsed.query.groups:
        clause = _clause(group.alternatives[0], "stemmed", scoring=False)
        counts.update(set(searcher.docs_for_query(clause)))
    found = [counts[searcher.document_number(id=h.document.id)] for h in result.hits]
    assert len(found) == result.total and min(found) >= 1

    def tier(n: int) -> tuple[bool, int]:  # (misses a word, words short of the first tier)
        return (n < groups, max(first - n, 0))

    tiers = [tier(n) for n in found]
    assert tiers == sorted(tiers)
    assert len(set(tiers)) >= 2  # more than one tier is there to be ordered
    for each in set(tiers):
        scores = [h.score for h, t in zip(result.hits, tiers, strict=True) if t == each]
        assert scores == sorted(scores, reverse=True)
    assert result.complete == sum(n >= first for n in found)


def test_pages_are_slices_of_one_order(engine) -> None:
    query = parse_query("كوريا أو الصين").query
    for sort in ("relevance", "newest", "oldest"):
        whole = engine.search(query, Filters(), sort=sort, offset=0, limit=40).hits
        pages = [
            hit
            for offset in range(0, 40, 7)
            for hit in engine.search(query, Filters(), sort=sort, offset=offset, limit=7).hits
        ]
        assert [h.document.id for h in pages] == [h.document.id for h in whole]


def test_date_order_puts_undated_documents_last_both_ways(engine) -> None:
    query = parse_query("").query
    for sort, reverse in (("newest", True), ("oldest", False)):
        hits = engine.search(query, Filters(), sort=sort, offset=0, limit=1000).hits
        dates = [h.document.date for h in hits]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=reverse)
        assert dates == dated + [None] * (len(dates) - len(dated))


def test_results_do_not_depend_on_the_posting_cache(engine) -> None:
    cache = engine.cache
    budget = cache.max_bytes
    try:
        answers = []
        for size in (budget, 0):
            cache.resize(size)
            answers.append(
                [
                    [
                        (h.document.id, round(h.score, 9))
                        for h in engine.search(
                            parse_query(q).query, Filters(), sort="relevance", offset=0, limit=50
                        ).hits
                    ]
                    for q in QUERIES
                ]
            )
            if size:
                assert cache.bytes > 0
            else:
                assert cache.bytes == 0
        assert answers[0] == answers[1]
    finally:
        cache.resize(budget)


def test_the_cache_keeps_to_its_budget_and_evicts_the_least_recently_used() -> None:
    import numpy as np

    def postings(n: int) -> TermScores:
        return TermScores(np.arange(n, dtype=np.int32), np.ones(n))

    one = postings(10).nbytes
    cache = PostingCache(max_bytes=3 * one)
    for name in "abc":
        cache.put(("g", "body", name), postings(10))
    assert cache.get(("g", "body", "a")) is not None  # now the most recently used
    cache.put(("g", "body", "d"), postings(10))
    assert cache.get(("g", "body", "b")) is None
    assert all(cache.get(("g", "body", n)) is not None for n in "acd")
    assert cache.bytes == 3 * one
    cache.put(("g", "body", "huge"), postings(100))  # larger than the whole budget
    assert cache.get(("g", "body", "huge")) is None and cache.bytes == 3 * one
    cache.resize(one)
    assert cache.bytes == one and cache.get(("g", "body", "d")) is not None


def test_threads_sharing_one_engine_get_the_answers_one_thread_gets(engine) -> None:
    """The threaded development server shares one engine between requests; Whoosh's
    files are read by seek-then-read, so the engine lets one reader in at a time."""
    import threading

    queries = [parse_query(q).query for q in QUERIES]

    def answer(query) -> list[tuple[str, float]]:
        hits = engine.search(query, Filters(), sort="relevance", offset=0, limit=20).hits
        return [(h.document.id, round(h.score, 9)) for h in hits]

    cache = engine.cache
    budget = cache.max_bytes
    cache.resize(0)  # every search decodes its postings from the files
    try:
        expected = [answer(q) for q in queries]
        failures: list[BaseException] = []
        wrong: list[int] = []

        def worker() -> None:
            try:
                for _ in range(5):
                    for i, query in enumerate(queries):
                        if answer(query) != expected[i]:
                            wrong.append(i)
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        switching = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # threads take turns between almost every bytecode
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(switching)
    finally:
        cache.resize(budget)
    assert not failures and not wrong
