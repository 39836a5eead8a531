"""«Did you mean»: corrections from the index's vocabulary, offered only when they help.

Hamza, ة/ه and ى/ي slips need no correcting: normalisation folds them on both sides.
What is left is a typist's slip: a letter dropped, doubled or added, two letters
swapped, a neighbouring key. A correction must earn its place (issue 15):

* a word the archive has is left alone (in more than :data:`RARE` articles), or
  corrected only to a word :data:`FAR_MORE` times as frequent: قطارات is not
  «corrected» to قرارات, nor المالي to الماضي (archives have typos too: a slip found
  in one article is still corrected to the word found in a hundred); an uncommon
  word of a query no article has every word of may be a slip that made another
  word (الجش for الجيش): a suggestion, when the likelier word has articles with the
  others;
* a candidate is weighed by what the slip would have been (:func:`slip_cost`): a
  neighbouring key or a doubled letter is a likely slip, two unrelated letters are
  not (الانتخابات is not الانتقالات);
* a confident correction (an unknown word, one likely slip from a word in at least
  :data:`CONFIDENT_DOCUMENTS` articles) of a query no article has every word of is
  searched at once, and the page offers the typed words instead; otherwise it is a
  suggestion.

Measured on a test set of correctly spelled and mistyped queries over SaudiNewsNet
(``python -m evaluation``, ``docs/quality.md``, section spelling).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from search.analysis import term_of, word_forms
from search.engine import EngineQuery, Filters, Group, IndexReader, Word
from search.query import ParsedQuery, parse_query

#: A word the archive has is corrected only to a word this many times as frequent,
#: and only if it is in at most RARE articles: a word in more is the archive's own
#: (and looking up each query word's neighbours would cost every search ~20 ms).
FAR_MORE = 50
RARE = 2
#: A word never written so in the archive, whose stem finds articles, is corrected only
#: to a word in this many times as many articles as the stem finds.
STEM_RATIO = 2
#: A real word of a query no article has every word of may be a slip that made another
#: word when it is in at most this share of the archive's articles, and the word it
#: would be a slip of in this many times as many.
UNCOMMON_SHARE = 0.002
KNOWN_RATIO = 4
#: A confident correction's word is in at least this many articles.
CONFIDENT_DOCUMENTS = 3
#: The most a slip may cost: one for a short word, two likely ones for a long word;
#: a likely slip (a neighbouring key, a dropped, doubled or swapped letter) costs 1.
LIKELY_SLIP = 1.0
DOUBLED = 0.5
MAX_COST_SHORT = 1.5
MAX_COST_LONG = 2.0
LONG_WORD = 7
#: What a candidate's frequency is worth against the cost of its slip (in log units),
#: and the articles it shares with the query's other words.
COST_WEIGHT = 3.0
TOGETHER_WEIGHT = 2.0
# Looking up corrections costs ~10-50 ms a word: a query of thirty rare long words
# (a pasted paragraph, or an attack) took 1.7 s on ANT before this cap. Typos are
# corrected in the first few rare words, and words longer than any real one are not.
MAX_CORRECTED_WORDS = 4
MAX_CORRECTED_LETTERS = 20

# The Arabic keyboard (the common 101 layout), as the index folds its letters
# (ئ ؤ → ء, ى → ي, ة → ه): a slip is likeliest on a neighbouring key.
_ROWS = ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ءءرلايهوزظ")


def _neighbours() -> dict[str, set[str]]:
    near: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for i, letter in enumerate(row):
            around = near.setdefault(letter, set())
            for other_row in _ROWS[max(0, r - 1) : r + 2]:
                around.update(other_row[max(0, i - 1) : i + 2])
            around.discard(letter)
    return near


NEIGHBOURS = _neighbours()


def slip_cost(typed: str, word: str) -> float:
    """What it would take to mistype ``word`` as ``typed``: a weighted edit distance
    where a doubled letter costs 0.5, a neighbouring key, a dropped or added letter or
    two swapped letters 1, and any other letter 1.5."""
    rows, cols = len(typed) + 1, len(word) + 1
    d = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = float(i)
    for j in range(cols):
        d[0][j] = float(j)
    for i in range(1, rows):
        for j in range(1, cols):
            x, y = typed[i - 1], word[j - 1]
            if x == y:
                substitute = 0.0
            elif y in NEIGHBOURS.get(x, ()):
                substitute = 1.0
            else:
                substitute = 1.5
            extra = 0.5 if i > 1 and typed[i - 2] == x else 1.0  # a doubled letter
            dropped = 0.5 if j > 1 and word[j - 2] == y else 1.0  # a double typed once
            best = min(d[i - 1][j] + extra, d[i][j - 1] + dropped, d[i - 1][j - 1] + substitute)
            if i > 1 and j > 1 and x == word[j - 2] and typed[i - 2] == y:
                best = min(best, d[i - 2][j - 2] + 1.0)
            d[i][j] = best
    return d[-1][-1]


@dataclass(frozen=True, slots=True)
class Correction:
    """A corrected query, and whether it is sure enough to be searched at once."""

    text: str
    confident: bool


@dataclass(frozen=True, slots=True)
class _Fix:
    word: str
    frequency: int
    cost: float
    same_stem: bool = False


def matches(reader: IndexReader, word: Word) -> int:
    """How many articles have ``word`` in any form (its stem: المالي is a word of an
    archive that only writes المالية), memoised with the reader."""

    def count(key: tuple[str, str]) -> int:
        query = EngineQuery(groups=(Group((word,)),), min_match=1, tiered=False)
        found = reader.search(query, Filters(), sort="relevance", offset=0, limit=0)
        return found.total

    return reader.memo.get(("matches", word.term), count)


def _candidates(
    reader: IndexReader, exact: str, at_least: int, limit: float, stem: str = ""
) -> list[_Fix]:
    """The words ``exact`` may be a slip of: within ``limit`` (:func:`slip_cost`), in
    ``at_least`` articles (and one). A word of the same ``stem`` finds the same articles:
    it is offered only for a doubled letter in a word no article writes (الائتماان),
    never for another real form (بقضايانا is not «corrected» to قضايانا)."""
    distance = 2 if len(exact) >= LONG_WORD else 1
    found = []
    for candidate in reader.similar_terms(exact, distance):
        # Not a stop word (لن for لندن, هذه for هيئة): a reader does not search them.
        if candidate == exact or len(candidate) < 3 or word_forms(candidate).stopped:
            continue
        cost = slip_cost(exact, candidate)
        if cost > limit:
            continue
        count = reader.doc_frequency(candidate)
        if not count:
            continue
        if stem and term_of(candidate) == stem:
            if cost <= DOUBLED and not reader.doc_frequency(exact):
                found.append(_Fix(candidate, count, cost, same_stem=True))
        elif count >= at_least:
            found.append(_Fix(candidate, count, cost))
    return found


def _likeliest(fixes: list[_Fix], together: Callable[[_Fix], int] | None) -> _Fix | None:
    """The likeliest fix: by its articles with the query's other words (when it has
    some) and its slip, else by its frequency and slip. The articles with the other
    words already grow with the word's frequency; counted twice, a common word beat the
    one the context asks for («غرق مرب»: حرب, not مركب)."""
    if not fixes:
        return None

    def value(fix: _Fix) -> tuple[bool, float]:
        shared = together(fix) if together is not None else 0
        if shared:
            return (True, TOGETHER_WEIGHT * math.log1p(shared) - COST_WEIGHT * fix.cost)
        return (False, math.log(fix.frequency) - COST_WEIGHT * fix.cost)

    return max(fixes, key=value)


def _uncommon(reader: IndexReader) -> float:
    """The most articles a real word may be in and still be taken for a slip."""
    documents = reader.memo.get(("documents",), lambda key: reader.stats().documents)
    return max(RARE + 1, UNCOMMON_SHARE * documents)


def unseen(reader: IndexReader, parsed: ParsedQuery) -> bool:
    """Whether a word of the query is written so in at most :data:`RARE` articles: a
    slip whose stem still finds articles (اللفيفا finds لفيف's), or that an article or
    two make too (يشف), is worth a correction however many articles the query finds."""
    return any(
        not w.stopped
        and 3 <= len(w.exact) <= MAX_CORRECTED_LETTERS
        and written_in(reader, w.exact) <= RARE
        for w in parsed.words[:MAX_CORRECTED_WORDS]
    )


def written_in(reader: IndexReader, exact: str) -> int:
    """How many articles write ``exact``, memoised with the reader: every search asks it
    of its words (:func:`unseen`), a tenth of a millisecond each across segments."""
    return reader.memo.get(("frequency", exact), lambda key: reader.doc_frequency(key[1]))


def correct(
    reader: IndexReader,
    text: str,
    parsed: ParsedQuery,
    filters: Filters,
    complete: int,
    written: Callable[[IndexReader, str], str],
) -> Correction | None:
    """A corrected ``text`` whose first tier holds more than ``complete`` articles, if
    one can be built from the index vocabulary; ``written`` turns an indexed word into
    the way articles write it (برشلونة, not the folded برشلونه).

    A word of the archive (in more than :data:`RARE` articles) is left alone, unless
    the articles analyse it otherwise than it was typed (a hamza on the article:
    ألسودان), or no article has every word of a query of real words and it is an
    uncommon one (:data:`UNCOMMON_SHARE`): then a slip of a word :data:`KNOWN_RATIO`
    times as frequent that has articles with the others is suggested. Looked for in
    every real word, that cost the query benchmark's three-word queries ~10 ms at p95;
    common words (the benchmark's) are no longer looked up.
    """
    changed = False
    confident = True
    tried = 0
    words = [w for w in parsed.words if not w.stopped]

    def together_with(word: Word) -> Callable[[_Fix], int] | None:
        others = [w for w in words if w is not word]
        if not others:
            return None

        def count(fix: _Fix) -> int:
            swapped = parse_query(" ".join([*(w.text for w in others), fix.word]))
            found = reader.search(swapped.query, filters, sort="relevance", offset=0, limit=0)
            return found.complete or 0

        return count

    frequencies = {id(w): written_in(reader, w.exact) for w in words}
    # A slip that made another real word is looked for only in a query of real words
    # that no article has together: a rarer word is the likelier slip.
    slipped_into_word = complete == 0 and len(words) > 1 and min(frequencies.values()) > RARE
    for word in words:
        if not 3 <= len(word.exact) <= MAX_CORRECTED_LETTERS:
            continue
        frequency = frequencies[id(word)]
        fix: _Fix | None
        if frequency > RARE:
            articles = written(reader, word.exact)
            if term_of(articles) != word.term:
                # Written as articles write it, analysed otherwise (ألسودان: a hamza on
                # the article hides it from the stemmer): the articles' own spelling.
                fix = _Fix(word.exact, frequency, 0.0)
            elif slipped_into_word and frequency <= _uncommon(reader):
                # A real word no article has with the others: perhaps a slip that made
                # another word (الجش for الجيش, الريس for الرئيس), offered if a likely
                # slip of a word far more frequent finds articles with them.
                together = together_with(word)
                fixes = [
                    f
                    for f in _candidates(
                        reader, word.exact, KNOWN_RATIO * frequency, LIKELY_SLIP, word.term
                    )
                    if together is not None and together(f) > 0
                ]
                fix = _likeliest(fixes, together)
                confident = False
            else:
                continue  # a word of the archive
        else:
            if tried == MAX_CORRECTED_WORDS:
                break
            tried += 1
            other_forms = matches(reader, word)
            stemmed = other_forms > 0
            limit = MAX_COST_LONG if len(word.exact) >= LONG_WORD else MAX_COST_SHORT
            if stemmed:
                limit = min(limit, LIKELY_SLIP)
            # More articles than the typed word's stem finds (اللفيفا finds لفيف's);
            # or, in a longer query, more articles with the other words than the typed
            # word has (الكياني يؤكد: the stem كيان finds thousands, الزياني the story).
            needed = max(FAR_MORE * frequency, STEM_RATIO * other_forms)
            together = together_with(word)
            # One look-up at the lower bar (similar words cost milliseconds to find).
            lowest = FAR_MORE * frequency if together is not None else needed
            found = _candidates(reader, word.exact, lowest, limit, word.term)
            fixes = [f for f in found if f.same_stem or f.frequency >= needed]
            if together is not None and needed > 1:
                fixes += [f for f in found if f not in fixes and together(f) > complete]
            fix = _likeliest(fixes, together)
            confident &= not stemmed and (
                fix is None
                or fix.cost == 0
                or (
                    frequency == 0
                    and fix.cost <= LIKELY_SLIP
                    and fix.frequency >= CONFIDENT_DOCUMENTS
                )
            )
        if fix is None or word.text not in text:
            continue
        text = text.replace(word.text, written(reader, fix.word), 1)
        changed = True
    if not changed:
        return None
    corrected = parse_query(text, mode=parsed.query.mode)
    found = reader.search(corrected.query, filters, sort="relevance", offset=0, limit=0)
    if (found.complete or 0) <= complete:
        return None
    return Correction(text, confident)
