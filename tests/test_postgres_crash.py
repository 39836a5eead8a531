"""A rebuild of a PostgreSQL index killed with ``kill -9`` at any moment leaves the
previous index serving (issue 14): the rebuild is one transaction, which the server
rolls back when its connection dies, and the live generation changes only at its
commit. Searches run throughout; none fails, each sees a whole index."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from search.engine import open_index
from search.indexing import reindex
from search.searching import SearchRequest, search
from tests.support import ROOT

CORPUS = ROOT / "corpus"


def _tables(index: object) -> set[str]:
    with index.connection() as conn:  # type: ignore[attr-defined]
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'crash'").fetchall()
    return {name for (name,) in rows}


def test_a_killed_rebuild_leaves_the_previous_index_serving(
    postgres_url: str, tmp_path: Path
) -> None:
    location = f"{postgres_url}?schema=crash"
    reindex([CORPUS], index=location, full=True)
    index = open_index(location)
    live = index.generation()
    before = search(index, SearchRequest.from_params({"q": "الجفاف"})).to_dict()
    tables = _tables(index)
    chosen = random.Random(14)
    for attempt in range(5):
        process = subprocess.Popen(
            [sys.executable, "-m", "search", "reindex", "--full", "--index", location, str(CORPUS)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "NABA_PROGRESS_SECONDS": "0"},
        )
        deadline = time.monotonic() + 0.4 + chosen.random() * 1.2
        while time.monotonic() < deadline and process.poll() is None:
            found = search(index, SearchRequest.from_params({"q": "الجفاف"})).to_dict()
            assert found["total"] == before["total"], attempt
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        time.sleep(0.2)  # the server notices the dead connection and rolls back
        if index.generation() != live:
            # It committed before the kill landed (or finished): a new, whole index.
            live, tables = index.generation(), _tables(index)
        assert search(index, SearchRequest.from_params({"q": "الجفاف"})).to_dict() == before
        assert _tables(index) == tables, attempt  # nothing half-built was left
    summary = reindex([CORPUS], index=location, full=True)
    assert summary.generation != live
    assert (
        search(index, SearchRequest.from_params({"q": "الجفاف"})).to_dict()["total"]
        == (before["total"])
    )
    index.close()


def test_searches_during_rebuilds_always_see_a_whole_index(postgres_url: str) -> None:
    """A search's snapshot may predate a rebuild's commit: it must still read the
    generation that snapshot knows (the views would name the new one, whose rows it
    cannot see: such searches found nothing), and that generation must still exist."""
    location = f"{postgres_url}?schema=rebuilds"
    reindex([CORPUS], index=location, full=True)
    index = open_index(location)
    expected = search(index, SearchRequest.from_params({"q": "الجفاف"})).total
    seen: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                seen.append(search(index, SearchRequest.from_params({"q": "الجفاف"})).total)
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=searching) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(6):
            reindex([CORPUS], index=location, full=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures[:3]
    assert len(seen) > 20 and set(seen) == {expected}
    index.close()
