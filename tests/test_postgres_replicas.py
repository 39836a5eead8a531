"""Read replicas and timeouts of the PostgreSQL engine (issue 14, items 4 and 5).

A real primary and a real streaming replica (``pg_basebackup -R``) on 127.0.0.1: the
demo corpus is indexed through the primary and searched through the replica. Where a
search went is proved by the data, not by counters: the replica's replay is paused, an
article is added through the primary, and a search that does not find it was answered
by the replica. Then the replica is stopped in the middle of a load of searches (none
may fail), and serves again once it is back.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from search.engine import Index, IndexMissing, IndexOptions, open_index
from search.indexing import reindex
from search.searching import SearchRequest, search
from tests import postgres_server
from tests.support import ROOT
from web import create_app

NEW_WORD = "زمردستان"
ARTICLE = f"""{NEW_WORD} تفتتح متحفا للخرائط القديمة

افتتحت بلدية {NEW_WORD} متحفا يعرض خرائط قديمة جمعها أهالي المدينة على مدى عقود.
"""


def wait_for(predicate: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class Pair:
    """A primary, its replica, and a corpus the tests may add to."""

    def __init__(self, primary: postgres_server.Cluster, corpus: Path) -> None:
        self.primary = primary
        self.replica = postgres_server.start_replica(primary)
        self.corpus = corpus
        self.location = f"{primary.url}?schema=replicated"
        self.replica_location = f"{self.replica.url}?schema=replicated"

    def replica_sql(self, sql: str) -> object:
        with psycopg.connect(self.replica.url, autocommit=True) as conn:
            found = conn.execute(sql).fetchone()
            return found[0] if found else None

    def caught_up(self) -> bool:
        """The replica has replayed everything the primary has written."""
        with psycopg.connect(self.primary.url, autocommit=True) as conn:
            (wanted,) = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        return bool(self.replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{wanted}'::pg_lsn"))

    def add_article(self, name: str, word: str) -> None:
        (self.corpus / "articles" / f"{name}.txt").write_text(
            ARTICLE.replace(NEW_WORD, word), "utf-8"
        )
        reindex([self.corpus], index=self.location)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    primary = postgres_server.start()
    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    try:
        made = Pair(primary, corpus)
        try:
            reindex([corpus], index=made.location, full=True)
            assert wait_for(made.caught_up)
            yield made
        finally:
            postgres_server.stop(made.replica)
    finally:
        postgres_server.stop(primary)


def found(index: Index, word: str) -> int:
    return search(index, SearchRequest(q=word, per_page=5)).total


def replica_status(index: Index) -> str:
    return next(s.status for s in index.servers() if s.role == "replica")


def test_searches_go_to_the_replica_and_reindexing_to_the_primary(pair: Pair) -> None:
    through_replica = open_index(
        pair.location, IndexOptions(replicas=(pair.replica_location,), max_replica_lag=3600)
    )
    primary_only = open_index(pair.location)
    try:
        assert found(through_replica, "الجفاف") == found(primary_only, "الجفاف") > 0
        pair.replica_sql("SELECT pg_wal_replay_pause()")
        try:
            pair.add_article("replica-1", "زمردستان")
            assert found(primary_only, "زمردستان") == 1
            # The replica has not replayed it: the search was answered there.
            for _ in range(5):
                assert found(through_replica, "زمردستان") == 0
            assert replica_status(through_replica) == "ok"
        finally:
            pair.replica_sql("SELECT pg_wal_replay_resume()")
        assert wait_for(lambda: found(through_replica, "زمردستان") == 1)
    finally:
        through_replica.close()
        primary_only.close()


def test_a_replica_that_lags_too_far_is_skipped_until_it_catches_up(pair: Pair) -> None:
    index = open_index(
        pair.location, IndexOptions(replicas=(pair.replica_location,), max_replica_lag=0.5)
    )
    try:
        pair.replica_sql("SELECT pg_wal_replay_pause()")
        try:
            pair.add_article("replica-2", "ياقوتستان")
            assert wait_for(lambda: replica_status(index) == "lagging")
            (replica,) = [s for s in index.servers() if s.role == "replica"]
            assert replica.lag_seconds is not None and replica.lag_seconds > 0.5
            # Skipped: the primary answers, with the new article.
            assert found(index, "ياقوتستان") == 1
        finally:
            pair.replica_sql("SELECT pg_wal_replay_resume()")
        assert wait_for(lambda: replica_status(index) == "ok")
    finally:
        index.close()


def test_a_replica_stopped_during_a_load_of_searches_fails_none_and_serves_again(
    pair: Pair,
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "INDEX": pair.location,
            "INDEX_OPTIONS": IndexOptions(replicas=(pair.replica_location,)),
        }
    )
    client = app.test_client()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert [(s["role"], s["status"]) for s in health["servers"]] == [
        ("primary", "ok"),
        ("replica", "ok"),
    ]
    assert all("postgresql://" in s["location"] for s in health["servers"])

    failures: list[str] = []
    answered = [0]
    stop = threading.Event()
    words = ["الجفاف", "المياه", "الحكومة", "الرئيس", '"موجة حر"', "الطاقة -النفط"]

    def load(worker: int) -> None:
        own = app.test_client()
        turn = worker
        while not stop.is_set():
            response = own.get("/api/search", query_string={"q": words[turn % len(words)]})
            turn += 1
            if response.status_code != 200:
                failures.append(f"{response.status_code} {response.get_data(as_text=True)}")
            else:
                answered[0] += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        postgres_server.halt(pair.replica)
        time.sleep(2.0)
        during = answered[0]
        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.get_json()
        assert body["status"] == "degraded"
        assert body["servers"][1]["status"] == "down"
        postgres_server.resume(pair.replica)
        assert wait_for(lambda: client.get("/healthz").get_json()["servers"][1]["status"] == "ok")
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert answered[0] > during > 0
    # Back in service: with its replay paused, it answers without the new article.
    index = app.extensions["naba_index"].get()
    pair.replica_sql("SELECT pg_wal_replay_pause()")
    try:
        pair.add_article("replica-3", "فيروزستان")
        assert found(open_index(pair.location), "فيروزستان") == 1
        assert found(index, "فيروزستان") == 0
    finally:
        pair.replica_sql("SELECT pg_wal_replay_resume()")
    index.close()


def test_a_search_past_the_query_timeout_is_stopped_and_answered_503(pair: Pair) -> None:
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "INDEX": pair.location,
            "INDEX_OPTIONS": IndexOptions(query_timeout_ms=300),
        }
    )
    client = app.test_client()
    assert client.get("/api/search", query_string={"q": "الجفاف"}).status_code == 200
    # A reindex's schema change holds the table a search reads first: it waits, and
    # is stopped at 300 ms rather than hanging the worker.
    with psycopg.connect(pair.primary.url) as holder:
        holder.execute("LOCK TABLE replicated.meta IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = client.get("/api/search", query_string={"q": "الجفاف"})
        waited = time.monotonic() - started
        page = client.get("/search", query_string={"q": "الجفاف"})
        holder.rollback()
    assert response.status_code == 503
    assert "0.3 s" in response.get_json()["error"]
    assert page.status_code == 503
    assert waited < 5
    assert client.get("/api/search", query_string={"q": "الجفاف"}).status_code == 200


def test_replicas_of_a_folder_index_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="NABA_INDEX_REPLICAS"):
        open_index(tmp_path, IndexOptions(replicas=("postgresql://127.0.0.1/x",)))
