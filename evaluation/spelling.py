"""Corrections measured: correctly spelled queries and mistyped ones over SaudiNewsNet.

Two sets are made from SaudiNewsNet's titles with a fixed seed (nothing is stored
here: the queries are remade from the corpus each run):

* **correct**: :data:`SIZE` queries of one to three consecutive title words, as a
  reader would type them. No suggestion and no correction is expected.
* **typos**: :data:`SIZE` other such queries with one word mistyped the way people
  mistype, one kind of slip after another (:data:`SLIPS`): a letter dropped,
  doubled, two letters swapped, a neighbouring key, ة/ه, ى/ي, a hamza form. The
  expected answer is the query as it was before the slip: a suggestion or a
  correction that reads the same once normalised, or, for a slip normalisation
  folds (ة/ه, ى/ي, hamza), the very same search with nothing to correct.

Every query goes through :func:`search.searching.search`, as the site's do, on Naba's
index of the corpus (in memory, as :mod:`evaluation.systems` builds it).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.analysis import analyze, normalize
from search.analysis.spelling import ARABIC_LETTERS
from search.engine import IndexReader, comparison_index
from search.searching import SearchRequest, search
from search.spelling import NEIGHBOURS

SIZE = 150
SEED = 1515
SLIPS = ("dropped", "doubled", "swapped", "neighbour", "teh", "yeh", "hamza")
#: Slips normalisation folds: the same search, nothing to correct.
FOLDED = frozenset({"teh", "yeh", "hamza"})
_WORD = re.compile(f"^[{ARABIC_LETTERS}أإآةىؤئ]+$")


@dataclass(slots=True)
class Outcome:
    query: str
    expected: str
    slip: str  # "" for a correct query
    suggestion: str | None
    corrected: str | None

    @property
    def offered(self) -> str | None:
        return self.corrected or self.suggestion

    def right(self) -> bool:
        """The slip was undone: the query offered back (as a suggestion, or searched at
        once), or nothing offered because the search is already the intended one."""
        if self.offered is None:
            return self.same_search()
        return _terms(self.offered) == _terms(self.expected)

    def same_search(self) -> bool:
        """The slip changes no stem: normalisation folded it (ة/ه, a hamza), or the
        stemmer reads both forms alike (الائتماان, الائتمان), so the same articles match
        (only the small bonus for the exact typed word differs)."""
        return [t for _, t in _terms(self.query)] == [t for _, t in _terms(self.expected)]


@dataclass(slots=True)
class SpellingResult:
    correct: list[Outcome] = field(default_factory=list)
    typos: list[Outcome] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        false = [o for o in self.correct if o.offered is not None]
        right = [o for o in self.typos if o.right()]
        offered = [o for o in self.typos if o.offered is not None] + false
        right_offers = [o for o in self.typos if o.offered is not None and o.right()]
        by_slip: dict[str, list[int]] = {}
        for o in self.typos:
            counts = by_slip.setdefault(o.slip, [0, 0])
            counts[0] += 1
            counts[1] += o.right()
        return {
            "same_search": sum(1 for o in self.typos if o.offered is None and o.same_search()),
            "correct_queries": len(self.correct),
            "no_false_suggestion": 1 - len(false) / max(1, len(self.correct)),
            "typo_queries": len(self.typos),
            "typos_undone": len(right) / max(1, len(self.typos)),
            "typos_undone_unfolded": _share(
                [o for o in self.typos if o.slip not in FOLDED], Outcome.right
            ),
            "precision": len(right_offers) / max(1, len(offered)),
            "corrected_at_once": sum(o.corrected is not None for o in self.typos + self.correct),
            "by_slip": {slip: f"{n_right}/{n}" for slip, (n, n_right) in by_slip.items()},
            "false_examples": [(o.query, o.offered) for o in false[:5]],
        }


def _share(items: list[Outcome], test: Any) -> float:
    return sum(1 for o in items if test(o)) / max(1, len(items))


def _terms(text: str) -> list[tuple[str, str]]:
    """What a query searches: each word's exact and stemmed terms."""
    return [(t.exact, t.term) for t in analyze(text) if not t.stopped]


def queries(titles: list[str], rng: random.Random, count: int) -> list[str]:
    """``count`` distinct queries of one to three consecutive words of a title (Arabic
    letters only, three letters or more, not stop words)."""
    found: list[str] = []
    seen: set[str] = set()
    while len(found) < count:
        words = titles[rng.randrange(len(titles))].split()
        size = rng.choice((1, 2, 2, 3))
        if len(words) < size:
            continue
        start = rng.randrange(len(words) - size + 1)
        chosen = words[start : start + size]
        if not all(_WORD.match(w) and len(w) >= 3 for w in chosen):
            continue
        if any(t.stopped for w in chosen for t in analyze(w)):
            continue
        text = " ".join(chosen)
        if normalize(text) not in seen:
            seen.add(normalize(text))
            found.append(text)
    return found


def slip(word: str, kind: str, rng: random.Random) -> str | None:
    """``word`` mistyped one way (None: that slip does not apply to it)."""
    i = rng.randrange(1, len(word) - 1) if len(word) > 2 else 0
    if kind == "dropped":
        return word[:i] + word[i + 1 :]
    if kind == "doubled":
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "swapped":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else None
    if kind == "neighbour":
        near = sorted(NEIGHBOURS.get(word[i], ()))
        return word[:i] + rng.choice(near) + word[i + 1 :] if near else None
    if kind == "teh":
        return word[:-1] + "ه" if word.endswith("ة") else None
    if kind == "yeh":
        return (
            word[:-1] + "ي"
            if word.endswith("ى")
            else word[:-1] + "ى"
            if word.endswith("ي")
            else None
        )
    if kind == "hamza":
        for a, b in (("أ", "ا"), ("إ", "ا"), ("ا", "أ")):
            if a in word:
                return word.replace(a, b, 1)
    return None


def typo_queries(correct: list[str], rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(mistyped, original, kind of slip): the slips in turn, each on a word of four
    letters or more where it applies."""
    made = []
    for n, text in enumerate(correct):
        if len(made) == count:
            break
        words = text.split()
        candidates = [i for i, w in enumerate(words) if len(w) >= 4]
        if not candidates:
            continue
        for k in range(len(SLIPS)):
            kind = SLIPS[(n + k) % len(SLIPS)]
            i = rng.choice(candidates)
            typed = slip(words[i], kind, rng)
            if typed and typed != words[i]:
                made.append((" ".join([*words[:i], typed, *words[i + 1 :]]), text, kind))
                break
    return made


class _Held:
    """An index of one reader, for :func:`search.searching.search` (no editor's file,
    no learned variants: corrections do not depend on them)."""

    variants_file: Path | None = None

    def __init__(self, reader: IndexReader) -> None:
        self._reader = reader

    def reader(self) -> IndexReader:
        return self._reader

    def manifest(self, kind: str = "manifest") -> None:
        return None


def evaluate(bodies: dict[str, str], titles: dict[str, str]) -> SpellingResult:
    """Both sets through the search on Naba's index of the articles."""
    rng = random.Random(SEED)
    all_titles = [t for t in titles.values() if t]
    pool = queries(all_titles, rng, SIZE * 3)
    correct, rest = pool[:SIZE], pool[SIZE:]
    typos = typo_queries(rest, rng, SIZE)
    reader = comparison_index("naba", bodies, "naba", titles)
    held = _Held(reader)
    result = SpellingResult()

    def run(text: str, expected: str, kind: str) -> Outcome:
        response = search(held, SearchRequest(q=text, per_page=10))  # type: ignore[arg-type]
        return Outcome(text, expected, kind, response.suggestion, response.corrected)

    result.correct = [run(q, q, "") for q in correct]
    result.typos = [run(typed, original, kind) for typed, original, kind in typos]
    reader.close()
    return result


def markdown(result: SpellingResult) -> list[str]:
    f = result.figures()
    kinds = Counter(o.slip for o in result.typos)
    return [
        "## Spelling: did you mean (SaudiNewsNet)",
        "",
        f"{f['correct_queries']} correctly spelled queries and {f['typo_queries']} mistyped ones,",
        "made from SaudiNewsNet's titles with a fixed seed (`evaluation/spelling.py`), each",
        "through `search.searching.search` on Naba's index of the corpus. Slips: "
        + ", ".join(f"{k} {n}" for k, n in kinds.items())
        + ".",
        "",
        "| measure | value | goal |",
        "|---|---:|---:|",
        f"| correct queries with no suggestion | {f['no_false_suggestion']:.3f} | ≥ 0.97 |",
        f"| mistyped queries set right | {f['typos_undone']:.3f} | ≥ 0.80 |",
        f"| … of the slips normalisation does not fold | {f['typos_undone_unfolded']:.3f} | |",
        f"| precision of what was offered | {f['precision']:.3f} | |",
        f"| searched as corrected at once | {f['corrected_at_once']} | |",
        f"| mistyped, nothing offered, the same stems searched | {f['same_search']} | |",
        "",
        "Set right per slip: " + ", ".join(f"{k} {v}" for k, v in f["by_slip"].items()) + ".",
        "",
    ]
