"""A reindex killed at any moment (SIGKILL) never costs the index a document, and
searches running while a reindex switches generations never fail.

The reindexes run as real ``python -m search reindex`` processes over a generated
corpus. With ``NABA_PROGRESS_SECONDS=0`` they log a line per document read and a line
per phase (``committing``, ``committed; switching``, ``switched``), so a test can kill
one after N documents, in the middle of a commit, around the switch, or during the
clean-up after it, and then check that the index still opens and answers with every
document it had.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from search.engine import whoosh_store as store
from search.engine.whoosh_engine import WhooshEngine
from search.indexing import reindex
from search.searching import SearchRequest, open_index, search
from tests.support import ROOT

#: Documents in the index that must survive, and in the corpus of the killed runs.
SMALL, BIG = 200, 800
#: A word every generated document contains, so a search can count them all.
MARK = "مختبرالانهيار"
WORDS = (
    "الحكومة",
    "وزير",
    "المياه",
    "الأمطار",
    "السد",
    "المدينة",
    "الجامعة",
    "الطلاب",
    "الامتحانات",
    "الكهرباء",
    "الطاقة",
    "الشمسية",
    "المستشفى",
    "الأطباء",
    "المرضى",
    "المعرض",
    "الكتاب",
    "الثقافة",
    "المهرجان",
    "الفيلم",
    "المنتخب",
    "المباراة",
    "الدوري",
    "الملعب",
    "الأسعار",
    "التضخم",
    "البنك",
    "الفائدة",
    "الاقتصاد",
    "المزارعين",
    "القمح",
    "التمور",
    "الحصاد",
    "الجفاف",
    "الشتاء",
    "العاصفة",
    "الثلوج",
    "الطرق",
    "القطار",
    "الترام",
    "النقل",
    "المطار",
    "الرحلات",
    "السياحة",
    "الفنادق",
    "البلدية",
    "المشروع",
)


def make_corpus(folder: Path, first: int, count: int, per_file: int = 100) -> None:
    """``count`` short generated articles (ids ``g<n>``) as JSON Lines files."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(first)
    for start in range(first, first + count, per_file):
        lines = []
        for n in range(start, min(start + per_file, first + count)):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            record = {
                "id": f"g{n}",
                "title": f"خبر {n} عن {rng.choice(WORDS)}",
                "body": f"{words} {MARK} {words[::-1][:40]}",
                "date": f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": rng.choice(["رويترز", "واس", "أ ف ب"]),
            }
            lines.append(json.dumps(record, ensure_ascii=False))
        (folder / f"part-{start:06d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def serves(root: Path) -> int:
    """Open the live generation as a searcher would; every document must be findable."""
    live = store.live_generation(root)
    engine = WhooshEngine.open(live)
    try:
        documents = engine.stats().documents
    finally:
        engine.close()
    response = search(open_index(root), SearchRequest.from_params({"q": MARK}))
    assert response.total == documents, "a search must find every document"
    return documents


def lock_is_free(root: Path, within: float = 10.0) -> bool:
    """The reindex lock can be taken (no killed run's worker still holds it)."""
    deadline = time.monotonic() + within
    while True:
        try:
            with store.reindex_lock(root):
                return True
        except store.ReindexRunning:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)


def start(corpus: Path, root: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "search", "reindex", str(corpus), "--index", str(root), *options],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "NABA_PROGRESS_SECONDS": "0"},
    )


def kill_when(proc: subprocess.Popen[bytes], pattern: str) -> str:
    """SIGKILL ``proc`` as soon as a line of its standard error matches ``pattern``."""
    assert proc.stderr is not None
    seen: list[str] = []
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace")
        seen.append(line)
        if re.search(pattern, line):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            proc.stderr.close()
            assert proc.returncode == -signal.SIGKILL
            return line
    proc.wait(timeout=30)
    tail = "".join(seen[-20:])
    raise AssertionError(f"the reindex ended (exit {proc.returncode}) before {pattern!r}:\n{tail}")


@dataclass(frozen=True)
class Killed:
    """What a killed reindex left: the live generation before and after, and the count."""

    before: Path
    after: Path
    documents: int


def kill_and_check(index: Path, corpus: Path, pattern: str, *options: str) -> Killed:
    """Reindex ``corpus`` into ``index`` in a real process, SIGKILL it at ``pattern``, and
    check what must hold wherever it died: the lock comes free and the live generation
    serves every document it holds.

    Full and incremental runs die in the same way and differ only in which generation
    and document counts are allowed after, so the caller checks those on the result.
    """
    before = store.live_generation(index)
    kill_when(start(corpus, index, *options), pattern)
    assert lock_is_free(index)
    after = store.live_generation(index)
    return Killed(before=before, after=after, documents=serves(index))


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small corpus (the index that must survive) and a bigger one (the killed rebuild)."""
    base = tmp_path_factory.mktemp("crash")
    small, big = base / "small", base / "big"
    make_corpus(small, 0, SMALL)
    make_corpus(big, 0, BIG)
    return small, big


@pytest.fixture
def index(tmp_path: Path, corpora: tuple[Path, Path]) -> Path:
    root = tmp_path / "index"
    reindex([corpora[0]], index=root, workers=1)
    assert serves(root) == SMALL
    return root


# The phases of a full rebuild, from the first documents to the clean-up after the switch.
FULL_KILL_POINTS = {
    "adding": r"^reindex: 2\d\d docs",
    "committing": r"^committing ",
    "switching": r"^committed; switching",
    "cleaning up": r"^switched to ",
}


@pytest.mark.parametrize("point", FULL_KILL_POINTS)
def test_a_full_rebuild_killed_at_any_point_leaves_a_complete_index(
    point: str, index: Path, corpora: tuple[Path, Path]
) -> None:
    killed = kill_and_check(index, corpora[1], FULL_KILL_POINTS[point], "--full")
    if killed.after == killed.before:
        assert killed.documents == SMALL  # the old generation, untouched
    else:
        assert point in ("switching", "cleaning up")  # the switch had happened
        assert killed.documents == BIG
    if point in ("adding", "committing"):
        assert killed.after == killed.before

    # The next run cleans up after the killed one and completes.
    summary = reindex([corpora[1]], index=index, full=True)
    assert summary.ok and serves(index) == BIG
    left = sorted(p.name for p in index.glob(f"{store.PREFIX}*"))
    assert left == sorted({summary.generation, summary.previous_generation or ""} - {""})


INCREMENTAL_KILL_POINTS = {
    "adding": r"^reindex: 5\d\d docs",
    "committing": r"^committing \d+ changes",
}


@pytest.mark.parametrize("point", INCREMENTAL_KILL_POINTS)
def test_an_incremental_run_killed_at_any_point_leaves_the_last_commit(
    point: str, index: Path, corpora: tuple[Path, Path]
) -> None:
    killed = kill_and_check(index, corpora[1], INCREMENTAL_KILL_POINTS[point])
    generation, documents = killed.before, killed.documents
    assert killed.after == generation
    # Whoosh's commit is the rename of its new table of contents: before it, the last
    # commit; after it, the whole new one. Never anything in between.
    assert documents == SMALL if point == "adding" else documents in (SMALL, BIG)

    summary = reindex([corpora[1]], index=index)
    assert summary.ok and serves(index) == BIG
    assert summary.added == BIG - documents
    leftovers = [p.name for p in generation.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, "the next commit removes a killed writer's files"


def test_searches_never_fail_while_reindexes_switch_generations(
    index: Path, corpora: tuple[Path, Path], tmp_path: Path
) -> None:
    """Searches run in a loop (fresh opens and a long-lived handle, as the web app keeps)
    through two full rebuilds and an incremental update of the same index root."""
    big = corpora[1]
    grown = tmp_path / "grown"
    make_corpus(grown, 0, BIG)
    make_corpus(grown, BIG, 200)
    allowed = {SMALL, BIG, BIG + 200}
    errors: list[BaseException] = []
    counts: list[int] = []
    stop = threading.Event()
    handle = open_index(index)

    def searching() -> None:
        while not stop.is_set():
            try:
                fresh = WhooshEngine.open(store.live_generation(index))
                try:
                    assert fresh.stats().documents in allowed
                finally:
                    fresh.close()
                total = search(handle, SearchRequest.from_params({"q": MARK})).total
                assert total in allowed, total
                counts.append(total)
            except BaseException as error:  # every failure is the finding
                errors.append(error)
                return

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        for corpus, options in ((big, ["--full"]), (grown, []), (grown, ["--full"])):
            proc = start(corpus, index, *options)
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode()[-2000:]
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, repr(errors[0])
    assert len(counts) > 10 and {SMALL, BIG + 200} <= set(counts)
    # After the last switch a long-lived handle sees the new generation.
    assert search(handle, SearchRequest.from_params({"q": MARK})).total == BIG + 200
    assert handle.reader().path == store.live_generation(index)


#: Random kills per run (``make fuzz`` runs many more); NABA_CRASH_SEED replays a run.
CRASH_TRIALS = int(os.environ.get("NABA_CRASH_TRIALS") or 3)


def test_random_kills_never_leave_a_partial_index(index: Path, corpora: tuple[Path, Path]) -> None:
    """Full and incremental runs towards the small or the big corpus, each killed after a
    random number of its progress lines (or not at all, if it finishes first): the index
    always holds exactly the old or the new set of documents."""
    seed = int(os.environ.get("NABA_CRASH_SEED") or random.randrange(1 << 30))
    print(f"replay with NABA_CRASH_SEED={seed}")  # shown by pytest if the test fails
    rng = random.Random(seed)
    sizes = {corpora[0]: SMALL, corpora[1]: BIG}
    current = SMALL
    for trial in range(CRASH_TRIALS):
        target = rng.choice(list(sizes))
        options = rng.choice([["--full"], []])
        after = rng.randint(1, sizes[target] + 6)
        where = f"seed {seed}, trial {trial}: {options or 'incremental'} to {sizes[target]}"
        proc = start(target, index, *options)
        assert proc.stderr is not None
        for lines, _ in enumerate(proc.stderr, start=1):
            if lines >= after:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
        proc.stderr.close()
        assert proc.returncode in (0, -signal.SIGKILL), where
        assert lock_is_free(index), where
        documents = serves(index)
        assert documents in (current, sizes[target]), f"{where}: {documents} documents"
        current = documents
