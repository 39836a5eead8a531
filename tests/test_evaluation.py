"""The retrieval-quality harness (``python -m evaluation``) on a small slice, so it cannot
silently break. Only that every metric is computed and in range is checked, not the values:
those are in docs/quality.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation import evaluate
from evaluation.collections import EVAL_DATA, load
from evaluation.harness import METRICS
from evaluation.report import as_json, write_all
from evaluation.stemmers import light10
from evaluation.systems import SYSTEM_NAMES

SLICE = ("arcd-test", "quranqa-dev")
QUESTIONS = 50


@pytest.fixture(scope="module")
def results(postgres_url: str):
    assert EVAL_DATA.is_dir(), f"the evaluation data is expected in {EVAL_DATA}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NABA_EVAL_POSTGRES", postgres_url)  # naba-postgres writes there
        return evaluate(SLICE, limit=QUESTIONS, procs=1)


def test_every_system_gets_every_metric_in_range(results) -> None:
    assert [c.name for c in results] == list(SLICE)
    for collection in results:
        assert list(collection.systems) == list(SYSTEM_NAMES)
        assert 0 < collection.queries <= QUESTIONS
        for name, system in collection.systems.items():
            assert set(system.metrics) == set(METRICS), name
            for metric, value in system.metrics.items():
                assert 0.0 <= value <= 1.0, (collection.name, name, metric, value)
            assert len(system.outcomes) == collection.queries
            for outcome in system.outcomes:
                assert set(outcome.metrics) == set(METRICS)
                assert all(0.0 <= v <= 1.0 for v in outcome.metrics.values())
                assert len(outcome.ranking) <= outcome.hits


def test_the_postgresql_engine_scores_as_the_embedded_one(results) -> None:
    for collection in results:
        embedded = collection.systems["naba"]
        postgres = collection.systems["naba-postgres"]
        for metric, value in embedded.metrics.items():
            assert postgres.metrics[metric] == pytest.approx(value, abs=0.005), metric
        assert [o.ranking[:10] for o in postgres.outcomes] == [
            o.ranking[:10] for o in embedded.outcomes
        ]


def test_reports_are_written(results, tmp_path: Path) -> None:
    written = write_all(results, tmp_path, tmp_path / "runs", 1.0, "test")
    figures = json.loads((tmp_path / "quality.json").read_text("utf-8"))
    assert figures == as_json(results)
    assert set(figures) == set(SLICE)
    markdown = (tmp_path / "quality.md").read_text("utf-8")
    assert all(f"## {name}" in markdown for name in SLICE)
    runs = [p for p in written if p.suffix == ".tsv"]
    assert len(runs) == len(SLICE) * len(SYSTEM_NAMES)
    header = runs[0].read_text("utf-8").splitlines()[0].split("\t")
    assert header[0] == "qid" and set(METRICS) <= set(header)


def test_collections_have_judgments_for_every_question() -> None:
    quran = load("quranqa-dev")
    assert quran.queries and set(quran.qrels) == set(quran.queries)
    assert all(doc in quran.documents for rel in quran.qrels.values() for doc in rel)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("والمكتبات", "مكتب"),  # وال, then ات
        ("كالطالب", "طالب"),  # كال
        ("وكتب", "كتب"),  # و with three letters left
        ("ولد", "ولد"),  # و needs three letters left
        ("سياساتها", "سياس"),  # ها, then ات: each suffix once, in order
        ("الطالبة", "طالب"),  # ال, then ة (folded to ه)
        ("اله", "ال"),  # ال would leave one letter: only the suffix ه goes
    ],
)
def test_light10_follows_its_published_rules(word: str, stem: str) -> None:
    assert light10(word) == stem
