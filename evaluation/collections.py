"""The test collections, read as they are shipped in ``../shared/eval`` (never copied here).

Each collection becomes documents (id → text), questions (id → text) and
binary relevance judgments (question id → {document id: 1}).

* **Qur'an QA 2023, task A**: the 1,266 thematic passages are the documents
  and the TREC qrels the judgments. Questions judged to have no answer in the
  Qur'an (passage id ``-1``) are left out: they have no relevant document, so
  every ranking metric is undefined for them.
* **ARCD** and **LAReQA** (XQuAD-R, MLQA-R), SQuAD format: the documents are
  all the paragraphs (``context``) of the file; a question's one relevant
  document is the paragraph it was asked about.

``role`` says what a collection may be used for: ``tune`` (train and dev
splits, where analysis choices were made) or ``test`` (reported as it comes
out, never looked at while tuning).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from search.settings import ROOT

EVAL_DATA = ROOT.parent / "shared" / "eval"

Role = Literal["tune", "test"]
Qrels = dict[str, dict[str, int]]

NO_ANSWER = "-1"


@dataclass(frozen=True, slots=True)
class Collection:
    """One test collection: what is searched, what is asked, and what is relevant."""

    name: str
    role: Role
    documents: dict[str, str]
    queries: dict[str, str]
    qrels: Qrels
    note: str = ""
    #: id → title, for collections whose documents have one (news); else none.
    titles: dict[str, str] = field(default_factory=dict)
    #: id → outlets, likewise (Naba learns spelling variants from them too).
    sources: dict[str, list[str]] = field(default_factory=dict)

    def limited(self, limit: int | None) -> Collection:
        """The same collection with only its first ``limit`` questions (all documents kept)."""
        if limit is None or limit >= len(self.queries):
            return self
        keep = dict(list(self.queries.items())[:limit])
        return Collection(
            self.name,
            self.role,
            self.documents,
            keep,
            {q: self.qrels[q] for q in keep},
            f"{self.note} First {limit} questions only.".strip(),
            self.titles,
            self.sources,
        )


def _read_tsv(path: Path) -> list[list[str]]:
    # The question files quote a field that contains quotes, CSV-style.
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if row and row[0].strip()]


def _quranqa(root: Path, split: str, role: Role) -> Collection:
    base = root / "quranqa2023"
    documents = {row[0]: row[1] for row in _read_tsv(base / "QQA23_TaskA_QPC_v1.1.tsv")}
    qrels: Qrels = {}
    unanswered: set[str] = set()
    for line in (base / f"QQA23_TaskA_qrels_{split}.gold").read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        qid, _, doc, relevance = parts
        if doc == NO_ANSWER:
            unanswered.add(qid)
        elif int(relevance) > 0:
            qrels.setdefault(qid, {})[doc] = int(relevance)
    questions = _read_tsv(base / f"QQA23_TaskA_{split}.tsv")
    queries = {row[0]: row[1] for row in questions if row[0] in qrels}
    note = (
        f"{len(documents)} passages; {len(questions)} questions, of which "
        f"{len(unanswered)} with no answer in the Qur'an are left out."
    )
    return Collection(
        f"quranqa-{split}", role, documents, queries, {q: qrels[q] for q in queries}, note
    )


def _squad(path: Path, name: str, role: Role) -> Collection:
    data = json.loads(path.read_text("utf-8"))["data"]
    documents: dict[str, str] = {}
    queries: dict[str, str] = {}
    qrels: Qrels = {}
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"a{a}p{p}"
            documents[doc_id] = paragraph["context"]
            for qa in paragraph["qas"]:
                queries[qa["id"]] = qa["question"]
                qrels[qa["id"]] = {doc_id: 1}
    note = f"{len(documents)} paragraphs; {len(queries)} questions, one relevant paragraph each."
    return Collection(name, role, documents, queries, qrels, note)


def _news(root: Path) -> Collection:
    """Naba's own news topics over SaudiNewsNet (:mod:`evaluation.news`)."""
    from .news import collection

    return collection(root.parent / "data" / "saudinewsnet")


# name → loader. Order is the report's order.
LOADERS: dict[str, Callable[[Path], Collection]] = {
    "quranqa-train": lambda root: _quranqa(root, "train", "tune"),
    "quranqa-dev": lambda root: _quranqa(root, "dev", "tune"),
    "arcd-train": lambda root: _squad(root / "arcd/arcd-train.json", "arcd-train", "tune"),
    "arcd-test": lambda root: _squad(root / "arcd/arcd-test.json", "arcd-test", "test"),
    "xquad-r": lambda root: _squad(root / "lareqa-ar/xquad-r_ar.json", "xquad-r", "test"),
    "mlqa-r": lambda root: _squad(root / "lareqa-ar/mlqa-dev-r_ar.json", "mlqa-r", "test"),
    "snn-news": _news,
}
COLLECTIONS = tuple(LOADERS)


def load(name: str, root: Path = EVAL_DATA) -> Collection:
    """Read one collection by name (see :data:`COLLECTIONS`)."""
    if name not in LOADERS:
        raise KeyError(f"unknown collection {name!r}; known: {', '.join(COLLECTIONS)}")
    if not root.is_dir():
        raise FileNotFoundError(f"the evaluation data is expected in {root}")
    return LOADERS[name](root)
