"""Naba's own news test collection: topics about 2015 events over SaudiNewsNet.

The topics (``topics.tsv``) were written for Naba as a reader of a news archive
would type them: two to five words, some with a name spelled the less common way
(ترمب, سيسل, انجيرليك, دي مستورا). Their judgments (``qrels.tsv``) were made
from pools of the top 20 of several systems (``pool.py``) by the rules in
``README.md``: 2 the article is about the topic, 1 it bears on it, 0 it does not.
A document nobody judged counts as not relevant, as in TREC.

Documents are SaudiNewsNet's articles as Naba reads them (:func:`search.corpus.read_corpus`):
the id is the article's URL, the title its title. Nothing from the corpus is kept here.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPICS = HERE / "topics.tsv"
QRELS = HERE / "qrels.tsv"


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    query: str
    description: str
    narrative: str


def topics(path: Path = TOPICS) -> list[Topic]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Topic(**row) for row in csv.DictReader(handle, delimiter="\t")]


def judgments(path: Path = QRELS) -> dict[str, dict[str, int]]:
    """topic → {document id: grade}, every judged document (0 included)."""
    qrels: dict[str, dict[str, int]] = {}
    if not path.exists():
        return qrels
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if row and not row[0].startswith("#"):
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return qrels


@dataclass(frozen=True, slots=True)
class Articles:
    """SaudiNewsNet as Naba reads it, by article id: body, title and outlets."""

    bodies: dict[str, str]
    titles: dict[str, str]
    sources: dict[str, list[str]]


@lru_cache(maxsize=1)
def articles(corpus: Path) -> Articles:
    """Every SaudiNewsNet article Naba reads (the records without a text are skipped,
    and not logged one by one)."""
    from search.corpus import read_corpus

    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    found = Articles({}, {}, {})
    for doc in read_corpus([corpus]):
        found.bodies[doc.id] = doc.body
        found.titles[doc.id] = doc.title
        found.sources[doc.id] = list(doc.sources)
    return found


def collection(corpus: Path):  # -> Collection (imported late: collections imports us)
    from ..collections import Collection

    read = articles(corpus)
    qrels = judgments()
    judged = {t.id: t.query for t in topics() if any(g > 0 for g in qrels.get(t.id, {}).values())}
    note = (
        f"{len(read.bodies)} SaudiNewsNet articles (July–August 2015); {len(topics())} topics "
        f"written for Naba, {len(judged)} with a relevant article judged; grades 0/1/2 from pools "
        "of the top 20 of several systems (evaluation/news/README.md)."
    )
    return Collection(
        "snn-news",
        "tune",
        read.bodies,
        judged,
        {q: qrels[q] for q in judged},
        note,
        read.titles,
        read.sources,
    )
