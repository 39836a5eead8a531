"""The PostgreSQL engine answers as the embedded engine does (issue 14).

Both engines index the demo corpus with the real reindex code; then the same searches
go to both: more than a hundred queries built from the corpus's own titles (words,
pairs, phrases, exclusions, alternatives, stop words, exact mode) under several
filters and orders. The top ten must agree (the same documents in the same order, where
scores tie in any order), and the totals and every facet count must be equal. Then
what a reindex does to a PostgreSQL index: incremental changes, a rebuild that
replaces it whole, a second reindex refused, a database that is not there.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest

from search.engine import IndexMissing, ReindexRunning, create_index, open_index
from search.indexing import reindex
from search.searching import SearchRequest, get_document, search, suggest
from tests.support import ROOT, run_cli

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def engines(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("whoosh") / "index"
    reindex([CORPUS], index=folder, full=True)
    location = f"{postgres_url}?schema=parity"
    reindex([CORPUS], index=location, full=True)
    whoosh, postgres = open_index(folder), open_index(location)
    yield whoosh, postgres
    postgres.close()
    whoosh.close()


def queries() -> list[str]:
    """Queries a reader of this corpus might type, drawn from its titles."""
    chosen = random.Random(14)
    titles = [
        line.split("\n", 1)[0]
        for path in sorted((CORPUS / "articles").glob("*.txt"))
        for line in [path.read_text("utf-8")]
    ]
    words = [w for t in titles for w in re.findall(r"[\u0621-\u064a]{3,}", t)]
    found = ["في", "الجفاف في السدود", "2023", '"موجة حر"']
    for title in titles:
        title_words = re.findall(r"[\u0621-\u064a]{3,}", title)
        if len(title_words) < 3:
            continue
        first, second, third = title_words[:3]
        found += [
            first,
            f"{first} {third}",
            f'"{first} {second}"',
            f"{second} -{chosen.choice(words)}",
            f"{first} أو {chosen.choice(words)}",
        ]
    return list(dict.fromkeys(found))


def same_ranking(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """The same hits in the same order, where equal scores may come in any order."""

    def tiers(hits: list[dict[str, Any]]) -> list[set[str]]:
        return [
            {h["id"] for h in group}
            for _, group in groupby(hits, key=lambda h: round(h["score"], 4))
        ]

    if [h["id"] for h in a] == [h["id"] for h in b]:
        return True
    return tiers(a[:-1]) == tiers(b[:-1]) and {h["id"] for h in a} == {h["id"] for h in b}


VARIANTS = [{}, {"sort": "newest"}, {"source": "Reuters"}, {"mode": "exact"}, {"year": "2023"}]


def test_more_than_a_hundred_queries_give_the_same_answers(engines: tuple) -> None:
    whoosh, postgres = engines
    asked = queries()
    assert len(asked) * len(VARIANTS) >= 100
    differences = []
    for query in asked:
        for variant in VARIANTS:
            params = {"q": query, **variant}
            a = search(whoosh, SearchRequest.from_params(params)).to_dict()
            b = search(postgres, SearchRequest.from_params(params)).to_dict()
            if a["total"] != b["total"] or a["facets"] != b["facets"]:
                differences.append((params, "counts", a["total"], b["total"]))
            elif not same_ranking(a["hits"], b["hits"]):
                differences.append(
                    (params, [h["id"] for h in a["hits"]], [h["id"] for h in b["hits"]])
                )
            else:
                for x, y in zip(a["hits"], b["hits"], strict=True):
                    assert abs(x["score"] - y["score"]) < 1e-3, (params, x, y)
    assert not differences, differences[:5]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "oldest"},
        {"source": "AFP", "sort": "newest"},
        {"from": "2023-01-01"},
        {"category": "مياه"},
        {"q": "-الجفاف"},
        {"page": "3", "per_page": "5"},
    ],
)
def test_browsing_without_words_gives_the_same_pages(engines: tuple, params: dict) -> None:
    whoosh, postgres = engines
    a = search(whoosh, SearchRequest.from_params(params)).to_dict()
    b = search(postgres, SearchRequest.from_params(params)).to_dict()
    assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]]
    assert (a["total"], a["facets"]) == (b["total"], b["facets"])


def test_documents_suggestions_and_stats_agree(engines: tuple) -> None:
    whoosh, postgres = engines
    doc_id = "articles/2022-water-drought-02.txt"
    a, b = get_document(whoosh, doc_id, "الجفاف"), get_document(postgres, doc_id, "الجفاف")
    assert a is not None and b is not None and a.to_dict() == b.to_dict()
    for prefix in ("الج", "مياه", "الانت"):
        assert suggest(whoosh, prefix) == suggest(postgres, prefix)
    wa, wb = whoosh.reader().stats(), postgres.reader().stats()
    assert (wa.documents, wa.date_min, wa.date_max, wa.sources) == (
        wb.documents,
        wb.date_min,
        wb.date_max,
        wb.sources,
    )
    assert dict(whoosh.reader().content_hashes()) == dict(postgres.reader().content_hashes())
    # "Did you mean" draws on the same vocabulary.
    for typo in ("الجفافف", "الامطر"):
        sa = search(whoosh, SearchRequest.from_params({"q": typo})).suggestion
        sb = search(postgres, SearchRequest.from_params({"q": typo})).suggestion
        assert sa == sb


def test_hostile_queries_are_bound_not_spliced(engines: tuple) -> None:
    _, postgres = engines
    for text in ["'; DROP TABLE x; --", "a:* & !b", "\\' <-> '", '"\'" أو \\\\', "%_%"]:
        found = search(postgres, SearchRequest.from_params({"q": text}))
        assert found.total >= 0
    assert postgres.reader().stats().documents == 57


def _write(folder: Path, name: str, title: str, body: str) -> None:
    (folder / name).write_text(f"{title}\n\nنشر بتاريخ 2024-02-03\n\n{body}\n", "utf-8")


def test_incremental_reindex_adds_replaces_and_deletes(postgres_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "a.txt", "زيتون الجبل", "حصاد الزيتون في الجبل هذا العام.")
    _write(corpus, "b.txt", "برتقال الساحل", "حصاد البرتقال على الساحل.")
    location = f"{postgres_url}?schema=incremental"
    reindex([corpus], index=location)
    index = open_index(location)
    assert search(index, SearchRequest.from_params({"q": "حصاد"})).total == 2
    _write(corpus, "b.txt", "رمان الساحل", "قطف الرمان على الساحل.")
    (corpus / "a.txt").unlink()
    _write(corpus, "c.txt", "تفاح الجبل", "حصاد التفاح.")
    summary = reindex([corpus], index=location)
    assert (summary.added, summary.updated, summary.deleted) == (1, 1, 1)
    found = search(index, SearchRequest.from_params({"q": "حصاد"}))
    assert [h.id for h in found.hits] == ["c.txt"]
    assert search(index, SearchRequest.from_params({"q": "الرمان"})).total == 1
    assert index.reader().doc_frequency("الزيتون") == 0
    assert index.reader().stats().documents == 2
    again = reindex([corpus], index=location)
    assert again.unchanged == 2 and again.added == again.updated == 0


def test_a_second_reindex_is_refused_while_one_runs(postgres_url: str) -> None:
    location = f"{postgres_url}?schema=locked"
    index = create_index(location)
    with index.lock():
        with pytest.raises(ReindexRunning), create_index(location).lock():
            pass
        result = run_cli("reindex", "--index", location, str(CORPUS / "feeds"))
        assert result.returncode == 75
    index.close()


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    location = "postgresql://naba:secret@127.0.0.1:1/naba"
    with pytest.raises(IndexMissing, match="cannot be reached") as refused:
        open_index(location)
    assert "secret" not in str(refused.value)
    result = run_cli("stats", "--index", location)
    assert result.returncode != 0 and "Traceback" not in result.stderr.decode()
    assert "cannot be reached" in result.stderr.decode()


def test_no_superuser_is_needed_and_the_site_only_reads(postgres_url: str) -> None:
    """The roles and grants of docs/scaling.md: the owner of a database reindexes, a
    role with the documented grants serves, and cannot write."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("CREATE ROLE naba LOGIN")
        admin.execute("CREATE ROLE naba_web LOGIN")
        admin.execute("CREATE DATABASE naba OWNER naba")
    server = postgres_url.rsplit("@", 1)[1].split("/", 1)[0]
    owner = f"postgresql://naba@{server}/naba"
    reindex([CORPUS / "feeds"], index=owner, full=True)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("GRANT USAGE ON SCHEMA naba TO naba_web")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA naba TO naba_web")
        conn.execute(
            "ALTER DEFAULT PRIVILEGES FOR ROLE naba IN SCHEMA naba "
            "GRANT SELECT ON TABLES TO naba_web"
        )
    site = open_index(f"postgresql://naba_web@{server}/naba")
    assert search(site, SearchRequest.from_params({"q": "الجفاف"})).total > 0
    reindex([CORPUS / "feeds"], index=owner, full=True)  # the grants survive a rebuild
    assert search(site, SearchRequest.from_params({"q": "الجفاف"})).total > 0
    result = run_cli("reindex", "--index", f"postgresql://naba_web@{server}/naba", str(CORPUS))
    assert result.returncode != 0 and "Traceback" not in result.stderr.decode()
    site.close()


def test_incremental_reindex_of_undated_and_new_years(postgres_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "undated.txt").write_text("خبر بلا تاريخ\n\nنص عن الزراعة.\n", "utf-8")
    _write(corpus, "dated.txt", "خبر مؤرخ", "نص عن الزراعة أيضا.")
    location = f"{postgres_url}?schema=years"
    reindex([corpus], index=location, full=True)
    (corpus / "undated2.txt").write_text("خبر آخر بلا تاريخ\n\nعن الزراعة.\n", "utf-8")
    (corpus / "old.txt").write_text("خبر قديم\n\nنشر بتاريخ 1999-05-01\n\nالزراعة.\n", "utf-8")
    summary = reindex([corpus], index=location)
    assert summary.added == 2
    index = open_index(location)
    found = search(index, SearchRequest.from_params({"q": "الزراعة", "per_page": "10"}))
    assert found.total == 4 and found.facets["year"] == {"2024": 1, "1999": 1}
    index.close()


def test_term_frequencies_are_recovered_exactly(postgres_url: str, tmp_path: Path) -> None:
    """Frequencies come back from ts_rank (postgres_search._title_count): one to two
    hundred occurrences, in the title, the body or both, score as on the embedded engine."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(1, 31):
        title = " ".join(["تجربة"] * (n % 4) + ["عنوان"])
        body = " ".join(["تجربة جديدة"] * (n * 7) + ["نهاية"])
        _write(corpus, f"d{n:02d}.txt", title, body)
    folder = tmp_path / "index"
    location = f"{postgres_url}?schema=frequencies"
    reindex([corpus], index=folder, full=True)
    reindex([corpus], index=location, full=True)
    for query in ("تجربة", '"تجربة جديدة"', "جديدة"):
        params = {"q": query, "per_page": "50"}
        a = search(open_index(folder), SearchRequest.from_params(params)).to_dict()
        b = search(open_index(location), SearchRequest.from_params(params)).to_dict()
        assert a["total"] == b["total"] == 30
        scores = {h["id"]: h["score"] for h in a["hits"]}
        for hit in b["hits"]:
            assert abs(hit["score"] - scores[hit["id"]]) < 1e-4, (query, hit["id"])


def test_more_like_this_finds_articles_on_the_same_subject(engines: tuple) -> None:
    """Not the embedded engine's list (Whoosh's ``more_like`` weighs terms its own way),
    but the article's most distinctive words: a drought article finds drought articles."""
    _, postgres = engines
    doc_id = "articles/2022-water-drought-02.txt"
    found = [h.document for h in postgres.reader().more_like_this(doc_id, 5)]
    assert len(found) == 5 and doc_id not in [d.id for d in found]
    assert sum("الجفاف" in d.title + d.body for d in found) >= 3


def test_incremental_document_frequencies_equal_a_rebuilds(
    postgres_url: str, tmp_path: Path
) -> None:
    """The counts an incremental reindex keeps (the replaced documents' terms analysed
    again and taken out, the new segments' added) are a full rebuild's, term by term."""
    import psycopg

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "articles", corpus)
    location = f"{postgres_url}?schema=frequencies"
    reindex([corpus], index=location, full=True)
    names = sorted(corpus.glob("*.txt"))
    names[0].unlink()
    text = names[1].read_text("utf-8")
    names[1].write_text(text + "\nوحل القحط بالسهول.\n", "utf-8")
    _write(corpus, "new.txt", "الجفاف يضرب السهول", "الجفاف والقحط في السهول الشرقية.")
    summary = reindex([corpus], index=location)
    assert (summary.added, summary.updated, summary.deleted) == (1, 1, 1)
    fresh = f"{postgres_url}?schema=frequencies_fresh"
    reindex([corpus], index=fresh, full=True)

    def counts(schema: str) -> list[tuple]:
        with psycopg.connect(postgres_url) as conn:
            return conn.execute(
                f"SELECT field, term, df FROM {schema}.terms ORDER BY field, term"
            ).fetchall()

    assert counts("frequencies") == counts("frequencies_fresh")
    changed, rebuilt = open_index(location), open_index(fresh)
    for word in ("الجفاف", "القحط", "السهول"):
        a = search(changed, SearchRequest.from_params({"q": word})).to_dict()
        b = search(rebuilt, SearchRequest.from_params({"q": word})).to_dict()
        assert a["total"] == b["total"] and a["facets"] == b["facets"]
        assert [h["score"] for h in a["hits"]] == [h["score"] for h in b["hits"]]
    changed.close()
    rebuilt.close()


def test_an_index_of_an_older_schema_is_rebuilt_by_the_next_reindex(
    postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "feeds", corpus)
    location = f"{postgres_url}?schema=older"
    reindex([corpus], index=location, full=True)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE older.meta SET value = '1' WHERE key = 'version'")
        # An older layout's view had a column this one lacks (version 2's ``stemmed``).
        (live,) = conn.execute("SELECT value FROM older.meta WHERE key = 'current'").fetchone()
        conn.execute(
            f"CREATE OR REPLACE VIEW older.docs AS SELECT *, 1 AS stemmed FROM older.docs_{live}"
        )
    with pytest.raises(IndexMissing, match="schema version 1"):
        open_index(location)
    summary = reindex([corpus], index=location)  # incremental asked: a rebuild done
    assert summary.mode == "full" and summary.documents > 0
    index = open_index(location)
    assert index.reader().stats().documents == summary.documents
    index.close()


def test_opening_a_missing_index_again_and_again_leaves_no_connections(
    postgres_url: str,
) -> None:
    """The web app opens the index on every request until one is built."""
    import psycopg

    def connections() -> int:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            (n,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            ).fetchone()
            return int(n) - 1  # this one

    before = connections()
    for _ in range(10):
        with pytest.raises(IndexMissing, match="no index"):
            open_index(f"{postgres_url}?schema=not_built_yet")
    deadline = time.monotonic() + 10  # a closed connection's backend ends soon after
    while connections() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert connections() <= before
