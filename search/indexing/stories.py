"""Story groups across an archive: which articles are one story lightly edited.

Every article's shingles (:mod:`search.analysis.stories`) go into one inverted list;
two articles are compared only when they share a shingle that few articles have, and
are published within :data:`WINDOW_DAYS` of each other. Their exact number of common
shingles decides (:func:`search.analysis.stories.one_story`), and groups are the
connected pairs. A group is named by its first article (the earliest, then the
smallest id): who published first.

This is an exact join rather than MinHash/LSH: on the judged pairs
(``evaluation/story_pairs``, ``python -m benchmarks.stories``, docs/benchmarks.md) the
same rule on a 128-value MinHash's estimates lost precision (0.938 against 0.962 on the
held-out half), and LSH bands loose enough to catch a flash inside its full copy
(Jaccard near 0.1) would pass most pairs on anyway; the exact join takes about two
seconds for ANT's 31,500 articles.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from search.analysis.stories import StoryText, boilerplate, one_story
from search.engine import StoryArticle

from .summary import ReindexSummary

logger = logging.getLogger("search.indexing")

#: Copies appear within days of each other; further apart, shared text is background.
WINDOW_DAYS = 3
#: A shingle in more articles than this is a stock phrase or boilerplate, not evidence.
MAX_SHINGLE_DOCUMENTS = 40


@dataclass(frozen=True, slots=True)
class StoryItem:
    id: str
    date: dt.date | None
    shingles: np.ndarray  # uint32 hashes (search.analysis.stories), repeats allowed


def shared_shingles(
    items: Sequence[StoryItem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(first, second, common, sizes): each pair of items sharing a rare shingle, as
    positions in ``items`` (first < second), how many distinct shingles they share, and
    each item's number of distinct shingles.

    One sort of (shingle, item) keys does it all: it orders the shingles, puts each
    shingle's items in ascending order, and drops an item's repeated shingles (a phrase
    an article says twice), cheaper than a small sort per article."""
    n = len(items)
    empty = np.zeros(0, dtype=np.int64)
    counts = np.fromiter((len(item.shingles) for item in items), dtype=np.int64, count=n)
    if not counts.sum():
        return empty, empty, empty, np.zeros(n, np.int64)
    owner = np.repeat(np.arange(n, dtype=np.uint64), counts)
    keys64 = np.concatenate([item.shingles for item in items]).astype(np.uint64) << np.uint64(32)
    keys64 = _distinct(keys64 | owner)
    hashes = keys64 >> np.uint64(32)
    owner = (keys64 & np.uint64(0xFFFFFFFF)).astype(np.int64)
    sizes = np.bincount(owner, minlength=n)
    if n < 2:
        return empty, empty, empty, sizes
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    lengths = np.diff(np.r_[starts, len(hashes)])
    keys = []
    for size in range(2, MAX_SHINGLE_DOCUMENTS + 1):
        runs = starts[lengths == size]
        if len(runs):
            block = owner[runs[:, None] + np.arange(size)]
            first, second = np.triu_indices(size, 1)
            keys.append((block[:, first] * n + block[:, second]).ravel())
    if not keys:
        return empty, empty, empty, sizes
    pairs = np.sort(np.concatenate(keys))
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    common = np.diff(np.r_[starts, len(pairs)])
    pairs = pairs[starts]
    return pairs // n, pairs % n, common, sizes


def _distinct(values: np.ndarray) -> np.ndarray:
    """``values`` sorted, each once: a sort and a comparison (numpy's ``unique`` hashes
    large arrays first, several times slower on the eight million keys of ANT)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def story_groups(items: Sequence[StoryItem]) -> list[str]:
    """Each item's group: the id of the first article of its story (its own id when it
    is a story of its own)."""
    first, second, common, sizes = shared_shingles(items)
    days = np.array([item.date.toordinal() if item.date else -1 for item in items])
    near = (days[first] < 0) | (days[second] < 0) | (abs(days[first] - days[second]) <= WINDOW_DAYS)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b, shared in zip(
        first[near].tolist(), second[near].tolist(), common[near].tolist(), strict=True
    ):
        if one_story(shared, int(sizes[a]), int(sizes[b])):
            parent[root(a)] = root(b)
    earliest: dict[int, int] = {}
    for i, item in enumerate(items):
        r = root(i)
        best = earliest.get(r)
        if best is None or _first(item) < _first(items[best]):
            earliest[r] = i
    return [items[earliest[root(i)]].id for i in range(len(items))]


def _first(item: StoryItem) -> tuple[int, str]:
    """Who published first: the earliest date (undated last), then the smallest id."""
    return (item.date.toordinal() if item.date else 10**7, item.id)


def regroup(articles: Iterable[StoryArticle]) -> dict[str, str]:
    """The story groups of a whole index, from each article's (id, date, first source,
    stored :class:`~search.analysis.stories.StoryText`): ``{id: the group's first
    article}`` for every article in a group of two or more (the rest are stories of
    their own). Boilerplate is counted anew each time: it is a property of the archive,
    not of one article."""
    ids: list[str] = []
    dates: list[dt.date | None] = []
    texts: list[tuple[str, StoryText]] = []
    for doc_id, date, source, data in articles:
        ids.append(doc_id)
        dates.append(date)
        texts.append((source, StoryText.from_bytes(data)))
    common = boilerplate(texts)
    items = [
        StoryItem(doc_id, date, text.without(common))
        for doc_id, date, (_, text) in zip(ids, dates, texts, strict=True)
    ]
    del texts
    groups = story_groups(items)
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    return {item.id: group for item, group in zip(items, groups, strict=True) if sizes[group] > 1}


class Grouping:
    """What a reindex hands its writer (:meth:`IndexWriter.set_grouping`): at commit, the
    engine calls it with the story texts of every document the index will hold (made by
    the engine's own analysing processes as it wrote them, and kept with them), and the
    groups it finds are the commit's. It notes in the run's summary what it found."""

    def __init__(self, summary: ReindexSummary) -> None:
        self.summary = summary

    def __call__(self, articles: Iterable[StoryArticle]) -> dict[str, str]:
        started = time.perf_counter()
        groups = regroup(articles)
        self.summary.story_groups = len(set(groups.values()))
        self.summary.story_seconds = round(time.perf_counter() - started, 3)
        logger.info(
            "%d story groups of %d articles in %.1f s",
            self.summary.story_groups,
            len(groups),
            self.summary.story_seconds,
        )
        return groups
