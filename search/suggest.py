"""Completions of what a reader is typing, as the articles write the words.

Also :func:`written_form`, which "did you mean" uses too: the index keeps words
folded (برشلونه), a reader expects them as written (برشلونة).
"""

from __future__ import annotations

from search.analysis import analyze, normalize, strip_marks, word_forms
from search.engine import Filters, Index, IndexReader
from search.query import parse_query

#: Titles offered after the completions of a query of two words or more.
TITLES = 3

_ARTICLES = frozenset({"ال", "وال", "بال", "فال", "كال", "لل"})


def suggest(index: Index, prefix: str, limit: int = 8) -> list[str]:
    """Completions of the last word typed, from the index vocabulary, as whole queries;
    after two words or more, also the titles of the articles the likeliest completion
    finds (a reader who types «الطاقة الش» may be after one story).

    Each completion starts with exactly what was typed (a browser hides
    suggestions that do not) and goes on as the articles write the word,
    hamza and ة included, rather than in the folded form the index keeps. Nothing
    is completed after a bare article (ال): thousands of words start so.
    """
    words = prefix.split()
    if not words:
        return []
    typed = strip_marks(words[-1][:64])
    folded = normalize(typed)
    if len(folded) < 2 or folded in _ARTICLES:
        return []  # too short, or the article alone: thousands of words start so
    head = " ".join(words[:-1])
    reader = index.reader()
    completions = []
    for exact in reader.complete(folded, limit * 2):
        if word_forms(exact).stopped:
            continue  # إلى, التي: no one needs them completed
        surface = written_form(reader, exact)
        word = surface if surface.startswith(typed) else typed + exact[len(folded) :]
        completions.append(f"{head} {word}".strip())
    completions = list(dict.fromkeys(completions))
    if not head or not completions:
        return completions[:limit]
    titles = [
        t for t in _titles(reader, completions[0], min(TITLES, limit)) if t not in completions
    ]
    return completions[: limit - len(titles)] + titles


def _titles(reader: IndexReader, query: str, limit: int) -> list[str]:
    """The titles of the best articles for ``query``, memoised with the reader."""

    def find(key: tuple[str, str, int]) -> list[str]:
        parsed = parse_query(key[1])
        if not parsed.query.groups:
            return []
        found = reader.search(parsed.query, Filters(), sort="relevance", offset=0, limit=key[2])
        return [hit.document.title for hit in found.hits if hit.document.title]

    return reader.memo.get(("titles", query, limit), find)


def written_form(reader: IndexReader, exact: str) -> str:
    """How one article that contains the exact term writes it (marks removed).

    Memoised on the reader (:class:`~search.engine.Memo`), so the memo goes when a
    reindex replaces the reader, and holds no replaced generation open.
    """
    return reader.memo.get(("written", exact), lambda key: _written_form(reader, key[1]))


def _written_form(reader: IndexReader, exact: str) -> str:
    doc = reader.example(exact)
    for text in (doc.title, doc.body) if doc else ():
        for token in analyze(text):
            if token.exact == exact:
                return strip_marks(token.text)
    return exact
