"""Index, search and score: one collection × one system at a time.

The metrics come from ``ir_measures`` (backed by ``pytrec_eval``, the
trec_eval code), not from code written here. trec_eval orders a run by score
and breaks ties by document id, which is not the engine's order (it breaks
ties by date, then id), so the run handed to it scores each document by its
rank: the evaluated order is exactly the order a user sees.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import ir_measures
from ir_measures import AP, RR, P, R, nDCG

from search.searching import find

from .collections import COLLECTIONS, Collection, load
from .systems import SYSTEM_NAMES, SYSTEMS, System

# How deep each ranking is read: every document of the ARCD and LAReQA
# collections, so MAP is over complete rankings there (Qur'an QA: top 1,000 of 1,266).
DEPTH = 1000
# Report names → ir_measures measures.
MEASURES = {
    "MRR@10": RR @ 10,
    "nDCG@10": nDCG @ 10,
    "P@10": P @ 10,
    "Recall@100": R @ 100,
    "MAP": AP,
}
METRICS = tuple(MEASURES)


@dataclass(slots=True)
class QueryOutcome:
    """What one question did in one system, for error analysis."""

    qid: str
    groups: int  # words (groups) that count after analysis
    required: int  # how many of them a document had to match
    hits: int  # documents found
    ranking: list[str]  # document ids, best first (up to DEPTH)
    metrics: dict[str, float] = field(default_factory=dict)

    def first_relevant(self, relevant: Iterable[str]) -> int:
        """1-based rank of the first relevant document, 0 if none was found."""
        wanted = set(relevant)
        return next((i for i, d in enumerate(self.ranking, 1) if d in wanted), 0)


@dataclass(slots=True)
class SystemResult:
    system: str
    metrics: dict[str, float]
    outcomes: list[QueryOutcome]
    index_seconds: float
    search_seconds: float


@dataclass(slots=True)
class CollectionResult:
    name: str
    role: str
    note: str
    documents: int
    queries: int
    qrels: dict[str, dict[str, int]]
    systems: dict[str, SystemResult]


def run_system(collection: Collection, system: System) -> SystemResult:
    """Index ``collection`` with ``system``, ask every question, score the rankings."""
    start = time.perf_counter()
    reader = system.build(collection.documents, collection.titles, collection.sources)
    indexed = time.perf_counter()
    outcomes = []
    for qid, text in collection.queries.items():
        parsed = system.query(text, reader)
        result, _ = find(reader, parsed, parsed.filters, sort="relevance", offset=0, limit=DEPTH)
        outcomes.append(
            QueryOutcome(
                qid,
                len(parsed.query.groups),
                parsed.query.min_match,
                result.total,
                [hit.document.id for hit in result.hits],
            )
        )
    searched = time.perf_counter()
    reader.close()
    run = {o.qid: {doc: float(DEPTH - i) for i, doc in enumerate(o.ranking)} for o in outcomes}
    by_qid = {o.qid: o for o in outcomes}
    measures = list(MEASURES.values())
    names = {m: n for n, m in MEASURES.items()}
    for metric in ir_measures.iter_calc(measures, collection.qrels, run):
        by_qid[metric.query_id].metrics[names[metric.measure]] = float(metric.value)
    aggregate = ir_measures.calc_aggregate(measures, collection.qrels, run)
    return SystemResult(
        system.name,
        {n: float(aggregate[m]) for n, m in MEASURES.items()},
        outcomes,
        indexed - start,
        searched - indexed,
    )


def _job(args: tuple[str, str, int | None]) -> SystemResult:
    name, system_name, limit = args
    collection = load(name).limited(limit)
    system = next(s for s in SYSTEMS if s.name == system_name)
    return run_system(collection, system)


def evaluate(
    collections: Iterable[str] = COLLECTIONS,
    systems: Iterable[str] = SYSTEM_NAMES,
    *,
    limit: int | None = None,
    procs: int = 1,
) -> list[CollectionResult]:
    """Every system on every collection; ``limit`` keeps the first questions of each.

    With ``procs > 1`` the (collection, system) pairs run in that many
    processes; each index is still built once.
    """
    names = list(collections)
    system_names = list(systems)
    jobs = [(c, s, limit) for c in names for s in system_names]
    if procs > 1 and len(jobs) > 1:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(min(procs, len(jobs))) as pool:
            results = pool.map(_job, jobs, chunksize=1)
    else:
        results = [_job(job) for job in jobs]
    out = []
    for name in names:
        collection = load(name).limited(limit)
        out.append(
            CollectionResult(
                name,
                collection.role,
                collection.note,
                len(collection.documents),
                len(collection.queries),
                collection.qrels,
                {r.system: r for (c, _, _), r in zip(jobs, results, strict=True) if c == name},
            )
        )
    return out
