"""Story text: what of an article is compared to tell whether two articles are one story.

Arab outlets republish the same wire copy (Reuters, AFP, AP, SPA) with a new title, a
new lead, a paragraph cut or added; a search on a big event would show one story five
times. Two articles are *one story* when most of the shorter one's text is in the
longer one and a good part of the longer one is that common text, or when the shorter
is almost wholly inside the longer (a flash and the full copy): the judging rules of
``evaluation/story_pairs/README.md``, which measures the thresholds below.

An article is compared as the set of its word shingles (runs of :data:`SHINGLE` words in
Naba's exact form, so hamza, ya and ta marbuta variants meet and diacritics vanish),
each hashed to 32 bits (from its words' hashes, in numpy: tokenising is the cost).
The title is left out (outlets retitle copies), and so are paragraphs found to be
boilerplate (a crawler's block of related-story teasers, a footer), which unrelated
articles of one outlet share.

This module describes one article; :mod:`search.indexing.stories` finds the groups
across an archive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from search.analysis.analyzers import find_words, word_forms

#: Words per shingle: long enough that stock phrases («وقال المتحدث باسم») do not make
#: two stories meet, short enough that light rewording leaves most runs intact.
SHINGLE = 4
#: A paragraph shorter than this (in characters) is never boilerplate: short lines
#: («وكالات», a dateline) recur for honest reasons.
BOILERPLATE_MIN_CHARS = 40
#: Below this many shingles an article is too short to compare (a caption, a one-line
#: brief): it stays a story of its own rather than joining on a few words.
MIN_SHINGLES = 12

#: One story when the share of the shorter article's shingles found in the longer and
#: the share of the longer's found in the shorter reach either pair of thresholds:
#: a copy edited both ways, or a short version (a flash, a first edition) inside the
#: full one. Chosen on half the judged pairs (evaluation/story_pairs), reported on the other
#: half by `python -m benchmarks.stories` (docs/benchmarks.md, section `stories`).
EDITED = (0.45, 0.3)
CONTAINED = (0.8, 0.1)


#: Multipliers that make a shingle's hash from its words' (odd 64-bit constants: a
#: shingle's hash is a sum modulo 2**64, cheap in numpy and the same in every run).
_WEIGHTS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)[:SHINGLE]


def _word_hash(exact: str) -> int:
    """A word's 64-bit hash, the same in every process and run (``hash()`` is salted)."""
    return int.from_bytes(hashlib.blake2b(exact.encode(), digest_size=8).digest(), "little")


#: Each surface word's hash (0: nothing searchable), memoised: the corpus's vocabulary
#: is small beside its word count, and this lookup is most of the cost of comparing.
_SURFACE: dict[str, int] = {}
_SURFACE_MAX = 1 << 21


def _surface_hash(word: str) -> int:
    forms = word_forms(word)
    value = _word_hash(forms.exact) if forms.exact else 0
    if len(_SURFACE) < _SURFACE_MAX:
        _SURFACE[word] = value
    return value


@dataclass(frozen=True, slots=True)
class StoryText:
    """An article as compared: its shingles paragraph by paragraph (shingles do not
    cross paragraphs, so a paragraph found to be boilerplate can be dropped later), and
    each paragraph's key for boilerplate counting (0 for paragraphs too short to be)."""

    shingles: np.ndarray  # uint32 hashes, paragraph after paragraph
    starts: np.ndarray  # where each paragraph's shingles start (int32, one per paragraph)
    keys: np.ndarray  # uint64 paragraph keys

    def to_bytes(self) -> bytes:
        """What an engine stores with the document (about 1 KB for a 250-word article):
        the paragraph count, then starts, keys and shingles, little-endian."""
        count = np.array([len(self.starts)], dtype="<u4").tobytes()
        return (
            count
            + self.starts.astype("<u4").tobytes()
            + self.keys.astype("<u8").tobytes()
            + self.shingles.astype("<u4").tobytes()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryText:
        count = int(np.frombuffer(data[:4], dtype="<u4")[0]) if data else 0
        starts = np.frombuffer(data, dtype="<u4", count=count, offset=4).astype(np.int32)
        keys = np.frombuffer(data, dtype="<u8", count=count, offset=4 + 4 * count)
        shingles = np.frombuffer(data, dtype="<u4", offset=4 + 12 * count) if data else None
        return cls(
            np.zeros(0, np.uint32) if shingles is None else shingles.astype(np.uint32),
            starts,
            keys.astype(np.uint64),
        )

    def without(self, boilerplate: frozenset[int] = frozenset()) -> np.ndarray:
        """The article's shingles minus boilerplate paragraphs' (in order, repeats kept:
        the archive-wide join drops them in the one sort it makes)."""
        keys = self.keys.tolist()
        if not boilerplate or not any(key in boilerplate for key in keys):
            return self.shingles
        lengths = np.diff(np.append(self.starts, len(self.shingles)))
        keep = np.repeat([key not in boilerplate for key in keys], lengths)
        return self.shingles[keep]


def story_text(body: str) -> StoryText:
    """Tokenise a body once (Naba's exact forms: hamza, ya and ta marbuta variants meet,
    diacritics and tatweel vanish) into paragraph shingles and keys."""
    known = _SURFACE.get
    words: list[int] = []
    lengths: list[int] = []
    keys: list[int] = []
    for paragraph in body.split("\n"):
        hashes = [h for w in find_words(paragraph) if (h := known(w) or _surface_hash(w))]
        if hashes:
            words += hashes
            lengths.append(len(hashes))
            long_enough = len(paragraph.strip()) >= BOILERPLATE_MIN_CHARS
            keys.append(hash(tuple(hashes)) & 0xFFFFFFFFFFFFFFFF if long_enough else 0)
    if not words:
        empty = np.zeros(0, np.uint32)
        return StoryText(empty, np.zeros(0, np.int32), np.zeros(0, np.uint64))
    values = np.array(words, dtype=np.uint64)
    counts = np.array(lengths)
    paragraph = np.repeat(np.arange(len(counts)), counts)
    # A shingle starts at every word whose paragraph holds SHINGLE more words; a
    # paragraph shorter than that is one shingle of all its words.
    padded = np.r_[values, np.zeros(SHINGLE - 1, np.uint64)]
    combined = sum(padded[i : i + len(values)] * _WEIGHTS[i] for i in range(SHINGLE))
    offsets = np.r_[0, np.cumsum(counts)[:-1]]
    within = np.arange(len(values)) - offsets[paragraph]
    spans = np.maximum(counts - SHINGLE + 1, 1)
    keep = within < spans[paragraph]
    short = counts < SHINGLE
    if short.any():  # words past a short paragraph's end are the next one's: leave them out
        ends = offsets + counts
        for index in np.flatnonzero(short).tolist():
            first = offsets[index]
            tail = values[first : ends[index]] * _WEIGHTS[: counts[index]]
            combined[first] = tail.sum(dtype=np.uint64)
    shingles = (combined[keep] >> np.uint64(32)).astype(np.uint32)
    starts = np.r_[0, np.cumsum(spans)[:-1]].astype(np.int32)
    return StoryText(shingles, starts, np.array(keys, dtype=np.uint64))


def story_shingles(body: str, boilerplate: frozenset[int] = frozenset()) -> np.ndarray:
    """The body's hashed word shingles (sorted, unique ``uint32``), without boilerplate
    paragraphs (:func:`boilerplate` keys)."""
    return np.unique(story_text(body).without(boilerplate))


def shares(common: int, size_a: int, size_b: int) -> tuple[float, float]:
    """(share of the shorter set in the longer, share of the longer in the shorter)."""
    short, long = sorted((size_a, size_b))
    if not short:
        return 0.0, 0.0
    return common / short, common / long


def one_story(common: int, size_a: int, size_b: int) -> bool:
    """Whether two articles sharing ``common`` shingles are one story."""
    if min(size_a, size_b) < MIN_SHINGLES:
        return False
    in_shorter, in_longer = shares(common, size_a, size_b)
    return any(in_shorter >= s and in_longer >= lo for s, lo in (EDITED, CONTAINED))


def boilerplate(texts: Iterable[tuple[str, StoryText]], min_documents: int = 3) -> frozenset[int]:
    """Paragraphs that recur word for word in ``min_documents`` or more articles of one
    source: crawled teaser blocks and footers. ``texts`` are (source, story text) pairs.

    A wire copy republished by several outlets recurs once per outlet, so it is never
    taken for boilerplate; one outlet filing one article in two sections repeats it
    twice, below the bar."""
    counts: dict[tuple[str, int], int] = {}
    for source, text in texts:
        for key in set(text.keys.tolist()) - {0}:
            counts[(source, key)] = counts.get((source, key), 0) + 1
    return frozenset(key for (_, key), n in counts.items() if n >= min_documents)
