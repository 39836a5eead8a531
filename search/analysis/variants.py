"""Spelling variants of one word: the rules a pair must fit, and the evidence weighed.

Outlets transliterate foreign names and loanwords their own way: كوشنر and كوشنير,
بولتون and بولتن, جونغ and جونج, أمريكا and أميركا. Normalisation cannot fold them
(the letters are not interchangeable in Arabic words), and a reader who types one
form misses every outlet that writes the other. What is learned here is which pairs
of the corpus's own words are one word spelled two ways:

* **the form of the pair** (:func:`variant_edits`): the two stems differ only by a
  long vowel (ا و ي) added or dropped, by a letter for one foreign sound (ج غ ق ك
  for g, ف ڤ for v, ب پ for p, ز ژ for zh), or by a long vowel and its neighbour
  swapped (أمريكا / أميركا), at most :data:`MAX_EDITS` times, in stems of at least
  :data:`MIN_LETTERS` letters;
* **the evidence** (:func:`context_similarity`): both forms are frequent, and the
  words around them are alike. Words that merely look alike have other neighbours:
  تويتر (Twitter: حساب, تغريدة) is not توتير (tension: المنطقة, التصعيد), nor
  عالم علم, nor محمد محمود;
* **or a house style** (:func:`source_overlap`): a rare name's neighbours are a small
  sample (ترمب in nine articles, 0.18 alike with ترامب), but each outlet spells a
  name its own way, so two spellings of one name come from different outlets, while
  two words of one root (مصدر, مصادر: 0.92) come from the same ones, in the same
  shares. Fairly alike neighbours and different outlets are evidence enough.

No word is listed in the code: which pairs pass is the corpus's say
(:mod:`search.indexing.variants` learns them at reindex time) and the editor's,
through :func:`read_editor_file`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.arabic import SCRIPT_LETTERS

LONG_VOWELS = frozenset("اوي")
#: Letters that stand for one foreign sound each: g, v, p, zh.
FOREIGN_SOUNDS = ("جغقك", "فڤ", "بپ", "زژ")
_SOUND = {letter: group[0] for group in FOREIGN_SOUNDS for letter in group}
#: A variant pair's stems have at least this many letters: shorter words are Arabic
#: roots whose vowel changes make other words (علم, عالم; سفر, سفير).
MIN_LETTERS = 4
#: At most this many vowel or letter changes between the two forms.
MAX_EDITS = 2
#: The least context similarity of a kept pair, and the largest share of the rarer
#: form's articles that may hold the other form too: chosen on ANT's half of the pairs
#: checked by hand (evaluation/variant_pairs: precision 0.955 there, 0.907 on
#: SaudiNewsNet's half, which was not looked at to choose them).
MIN_SIMILARITY = 0.25
MAX_TOGETHER = 0.10
#: A pair whose forms come from different outlets (a house style) is kept from this
#: similarity on, when its forms' shares of the outlets overlap by at most
#: MAX_OVERLAP (:func:`source_overlap`): chosen on ANT's candidates, all checked by
#: hand (evaluation/variant_pairs), SaudiNewsNet's only scored.
LOW_SIMILARITY = 0.125
MAX_OVERLAP = 0.25
#: The learned table's format (:mod:`search.indexing.variants`); another is learned again.
VERSION = 2


def skeleton(stem: str) -> str:
    """The stem without its long vowels, one letter per foreign sound: two spellings
    of one word have the same skeleton (the candidates are grouped by it)."""
    return "".join(_SOUND.get(letter, letter) for letter in stem if letter not in LONG_VOWELS)


def variant_edits(a: str, b: str) -> int | None:
    """How many allowed changes turn ``a`` into ``b`` (None: not a variant's form).

    Allowed: adding or dropping a long vowel inside the word; replacing a letter by another of its
    foreign sound; swapping a long vowel with the letter next to it (ري / ير).
    Anything else (another letter, a short stem, more than :data:`MAX_EDITS`) is not
    a spelling variant's difference.
    """
    if a == b or min(len(a), len(b)) < MIN_LETTERS or skeleton(a) != skeleton(b):
        return None
    inf = MAX_EDITS + 1
    rows, cols = len(a) + 1, len(b) + 1
    d = [[inf] * cols for _ in range(rows)]
    d[0][0] = 0
    for i in range(rows):
        for j in range(cols):
            if i == j == 0:
                continue
            best = inf
            # A vowel added or dropped inside the word: at its edges, it is Arabic
            # morphology (يضغط / ضاغط, عرفتم / عرفتمو), not a spelling.
            if 1 < i < len(a) and a[i - 1] in LONG_VOWELS:
                best = min(best, d[i - 1][j] + 1)
            if 1 < j < len(b) and b[j - 1] in LONG_VOWELS:
                best = min(best, d[i][j - 1] + 1)
            if i and j:
                x, y = a[i - 1], b[j - 1]
                if x == y:
                    best = min(best, d[i - 1][j - 1])
                elif _SOUND.get(x, x) == _SOUND.get(y, y):
                    best = min(best, d[i - 1][j - 1] + 1)
            if (
                i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
                and (a[i - 1] in LONG_VOWELS) != (a[i - 2] in LONG_VOWELS)
            ):
                best = min(best, d[i - 2][j - 2] + 1)
            d[i][j] = best
    edits = d[-1][-1]
    return edits if edits <= MAX_EDITS else None


def candidate_pairs(frequencies: Mapping[str, int], min_df: int) -> list[tuple[str, str]]:
    """Pairs of stems that both occur in at least ``min_df`` documents and have a
    variant's form (each pair once, the more frequent stem first)."""
    by_skeleton: dict[str, list[str]] = defaultdict(list)
    for stem, df in frequencies.items():
        if df >= min_df and len(stem) >= MIN_LETTERS and _ARABIC.fullmatch(stem):
            by_skeleton[skeleton(stem)].append(stem)
    pairs = []
    for stems in by_skeleton.values():
        if len(stems) < 2:
            continue
        stems.sort(key=lambda s: (-frequencies[s], s))
        for i, a in enumerate(stems):
            for b in stems[i + 1 :]:
                if variant_edits(a, b) is not None:
                    pairs.append((a, b))
    return pairs


_ARABIC = re.compile(f"[{SCRIPT_LETTERS}]+")


@dataclass(slots=True)
class Contexts:
    """The words seen around each wanted stem (``window`` on each side, stop words
    left out), and the most common way each stem was written."""

    wanted: frozenset[str]
    window: int = 2
    around: dict[str, Counter[str]] = field(default_factory=dict)
    written: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, tokens: Iterable[tuple[str, str, bool]]) -> None:
        """One text's tokens as (surface, stem, stop word)."""
        words = [(text, term) for text, term, stopped in tokens if not stopped]
        stems = [term for _, term in words]
        for i, (text, term) in enumerate(words):
            if term not in self.wanted:
                continue
            near = self.around.setdefault(term, Counter())
            for j in range(max(0, i - self.window), min(len(stems), i + self.window + 1)):
                if j != i and stems[j] != term:
                    near[stems[j]] += 1
            self.written.setdefault(term, Counter())[text] += 1

    def written_form(self, stem: str) -> str:
        """How the articles most often write ``stem``."""
        seen = self.written.get(stem)
        return seen.most_common(1)[0][0] if seen else stem


def context_similarity(
    a: Counter[str], b: Counter[str], frequencies: Mapping[str, int], documents: int
) -> float:
    """Cosine of the two stems' neighbour counts, each neighbour weighted by its
    rarity (1 + log count, times idf): shared rare neighbours (كيم, جاريد) say more
    than shared common ones (قال, اليوم)."""

    def vector(counts: Counter[str]) -> dict[str, float]:
        return {
            word: (1 + math.log(n)) * math.log(documents / (1 + frequencies.get(word, 0)) + 1)
            for word, n in counts.items()
        }

    va, vb = vector(a), vector(b)
    dot = sum(w * vb[k] for k, w in va.items() if k in vb)
    norm = math.sqrt(sum(w * w for w in va.values())) * math.sqrt(sum(w * w for w in vb.values()))
    return dot / norm if norm else 0.0


# --- the editor's file -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditorRules:
    """Pairs an editor adds (``a = b``) or vetoes (``a != b``), as stems, and the lines
    that could not be read (reported, not fatal)."""

    added: frozenset[tuple[str, str]] = frozenset()
    vetoed: frozenset[tuple[str, str]] = frozenset()
    problems: tuple[str, ...] = ()


_RULE = re.compile(r"^\s*(\S+)\s*(=|!=|≠)\s*(\S+)\s*$")


def read_editor_file(path: Path, stem: Callable[[str], str]) -> EditorRules:
    """The rules of an editor's plain-text file: one pair a line, ``word = word`` to add
    it, ``word != word`` (or ``≠``) to veto it; ``#`` starts a comment. Words are
    written as in an article (هَمزة, ة and all) and compared as stems (``stem``), so
    that one line covers الأمريكية, أمريكا and للأمريكيين. A missing file is no rules."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return EditorRules()
    except (OSError, UnicodeDecodeError) as error:
        return EditorRules(problems=(f"{path}: {error}",))
    added: set[tuple[str, str]] = set()
    vetoed: set[tuple[str, str]] = set()
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = _RULE.match(line)
        a = stem(found.group(1)) if found else ""
        b = stem(found.group(3)) if found else ""
        if not found or not a or not b or a == b:
            problems.append(f"{path}:{number}: expected «word = word» or «word != word»")
            continue
        (added if found.group(2) == "=" else vetoed).add(pair_key(a, b))
    return EditorRules(frozenset(added), frozenset(vetoed), tuple(problems))


def pair_key(a: str, b: str) -> tuple[str, str]:
    """One key for a pair, whichever way round it is written."""
    return (a, b) if a <= b else (b, a)


def source_overlap(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """How much two forms' articles per outlet overlap, as shares (1: the same outlets
    in the same proportions, 0: no outlet writes both). An archive of one outlet
    overlaps fully: there the house-style evidence says nothing."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return 1.0
    return sum(min(a[s] / total_a, b.get(s, 0) / total_b) for s in a)


def by_neighbours(similarity: float, together: float | None) -> bool:
    """Whether the neighbours alone keep a pair: alike, and rarely in one article."""
    return similarity >= MIN_SIMILARITY and together is not None and together <= MAX_TOGETHER


def kept(similarity: float, together: float | None, overlap: float | None) -> bool:
    """Whether a scored candidate pair is one word spelled two ways (the module's
    docstring): alike neighbours, or fairly alike ones from different outlets; the
    two forms rarely in one article either way."""
    if together is None or together > MAX_TOGETHER:
        return False
    return by_neighbours(similarity, together) or (
        similarity >= LOW_SIMILARITY and overlap is not None and overlap <= MAX_OVERLAP
    )


def accepted(table: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The pairs of a learned table that are kept."""
    if not table or table.get("version") != VERSION:
        return []
    return [(a, b) for a, b, *evidence in table["pairs"] if kept(*evidence)]
