"""Story groups as readers see them: what one version of a story changed against another.

The groups are found at reindex time (:mod:`search.indexing.stories`); an article page
lists its story's versions by time, and shows, word by word, what one outlet's version
changed against another's. Words are compared in Naba's exact form, so a hamza or a
diacritic written differently is not a change; each side is shown as it was written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from search.analysis import word_forms
from search.engine import STORY_FACET, EngineQuery, Filters, Index
from search.request import version_record

#: The most versions an article page lists (a story republished more is rare).
MAX_VERSIONS = 50


def story_versions(index: Index, doc_id: str) -> list[dict[str, Any]]:
    """Every version of ``doc_id``'s story (itself included), oldest first: who
    published first, then who followed. Empty when the article is a story of its own."""
    reader = index.reader()
    story = reader.story_of(doc_id)
    if story is None:
        return []
    found = reader.search(
        EngineQuery(),
        Filters({STORY_FACET: (story,)}),
        sort="oldest",
        offset=0,
        limit=MAX_VERSIONS,
    )
    return [version_record(hit.document) for hit in found.hits]


def compare_versions(index: Index, doc_id: str, other_id: str) -> list[dict[str, str]] | None:
    """What ``doc_id``'s text changed against ``other_id``'s, word by word (the pieces of
    :func:`word_diff` as dicts); ``None`` unless both are versions of one story."""
    reader = index.reader()
    story = reader.story_of(doc_id)
    if story is None or other_id == doc_id or reader.story_of(other_id) != story:
        return None
    doc, other = reader.get(doc_id), reader.get(other_id)
    if doc is None or other is None:
        return None
    return [piece.to_dict() for piece in word_diff(other.body, doc.body)]


#: A word, or the spaces and punctuation before the next one (kept, so the text reads
#: as written).
_PIECES = re.compile(r"\S+|\s+")

Change = Literal["same", "removed", "added"]


@dataclass(frozen=True, slots=True)
class DiffPiece:
    change: Change
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"change": self.change, "text": self.text}


def _words(text: str) -> tuple[list[str], list[str]]:
    """(words as written, each with the spaces after it; their comparison keys)."""
    written: list[str] = []
    for piece in _PIECES.findall(text):
        if piece.isspace() and written:
            written[-1] += piece
        elif not piece.isspace():
            written.append(piece)
    keys = [word_forms(w.strip()).exact or w.strip() for w in written]
    return written, keys


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """``new`` against ``old``, word by word: runs kept, removed (``old``'s words) and
    added (``new``'s), in reading order. Adjacent pieces of one kind are merged."""
    old_words, old_keys = _words(old)
    new_words, new_keys = _words(new)
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    pieces: list[DiffPiece] = []

    def add(change: Change, words: list[str]) -> None:
        if not words:
            return
        text = "".join(words)
        if pieces and pieces[-1].change == change:
            pieces[-1] = DiffPiece(change, pieces[-1].text + text)
        else:
            pieces.append(DiffPiece(change, text))

    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", new_words[b1:b2])
        else:
            add("removed", old_words[a1:a2])
            add("added", new_words[b1:b2])
    return pieces
