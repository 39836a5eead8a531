"""Counting, tiering and collapsing shared by the engines, so that they count, rank
and group alike.

The ``day`` facet (:data:`~search.engine.base.DAY_FACET`) is the matches per
publication day, what a timeline of a search is drawn from. Both engines hold every
document's date as its proleptic ordinal (0 when undated) in a numpy column, and count
it here over the mask of their matches: the same function, so the same counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from .base import UNDATED, EngineQuery


def day_counts(ordinals: np.ndarray) -> dict[str, int]:
    """Documents per ISO day (``2023-08-16``) of ``ordinals`` (one per matching
    document), the undated ones (ordinal 0) under :data:`~.base.UNDATED`.

    ``np.unique`` sorts the matches' days once: a few milliseconds for every article of
    a large archive, paid only by the searches that ask for the facet.
    """
    days, counts = np.unique(np.asarray(ordinals, np.int64), return_counts=True)
    return {
        (dt.date.fromordinal(int(day)).isoformat() if day > 0 else UNDATED): int(count)
        for day, count in zip(days, counts, strict=True)
    }


# --- one result per story ------------------------------------------------------------------


def story_count(codes: np.ndarray) -> int:
    """How many stories ``codes`` (each match's story code, -1: a story of its own) hold.

    Marks the codes present rather than sorting them (``np.unique``): a query that
    matches most of an archive costs a tenth as much."""
    if not len(codes):
        return 0
    present = np.zeros(int(codes.max()) + 2, bool)
    present[codes.astype(np.intp) + 1] = True
    return int(np.count_nonzero(codes < 0)) + int(np.count_nonzero(present[1:]))


def first_of_each_story(codes: np.ndarray) -> np.ndarray:
    """Positions, in order, of the first of each story in ranked ``codes``."""
    alone = -1 - np.arange(len(codes), dtype=np.int64)
    keys = np.where(codes >= 0, codes.astype(np.int64), alone)
    _, first = np.unique(keys, return_index=True)
    return np.sort(first)


def collapsed_page(
    rank: Callable[[int], np.ndarray],
    codes_of: Callable[[np.ndarray], np.ndarray],
    total: int,
    offset: int,
    limit: int,
) -> np.ndarray:
    """The page (``offset``, ``limit``) of a ranking that shows one match per story, its
    best-ranked. ``rank(n)`` gives the first ``n`` matches in order; most stories are one
    article, so ranking a few more than the page usually suffices, and four times as
    many again when it does not."""
    wanted = offset + limit
    while True:
        ranked = rank(wanted)
        firsts = ranked[first_of_each_story(codes_of(ranked))]
        if len(firsts) >= offset + limit or len(ranked) >= total:
            return firsts[offset : offset + limit]
        wanted = min(total, wanted * 4)


def tiers(query: EngineQuery, counts: np.ndarray) -> np.ndarray:
    """Each document's tier from the number of groups it matches (0 comes first): 0 with
    every group; then, for a long query, 1 with at least ``min_match``; then one tier per
    group missed below that. Zeros for an untiered query. Both engines rank with it."""
    if not query.tiered:
        return np.zeros(len(counts))
    missing = len(query.groups) - counts.astype(np.int64)
    short_of_first = np.maximum(query.first_tier - counts.astype(np.int64), 0)
    return (np.minimum(missing, 1) + short_of_first).astype(float)
