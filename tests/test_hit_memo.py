"""Marked titles and snippets are memoised on the reader (``search.searching._hit``):
never shown for a version of an article that a reindex has replaced."""

from __future__ import annotations

from pathlib import Path

from search.indexing import reindex
from search.searching import SearchRequest, open_index, search


def _write(path: Path, body: str) -> None:
    path.write_text(f"أمطار غزيرة على المدينة\n\n{body}\n", "utf-8")


def test_a_snippet_follows_the_article_through_a_reindex(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "rain.txt"
    _write(article, "هطلت أمطار غزيرة صباح اليوم على أحياء المدينة القديمة.")
    (corpus / "other.txt").write_text("خبر آخر\n\nنص لا علاقة له بالطقس.\n", "utf-8")
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    index = open_index(str(root))
    request = SearchRequest(q="أمطار")

    first = search(index, request).hits[0]
    again = search(index, request).hits[0]
    assert "القديمة" in first.snippet and again.snippet == first.snippet
    assert "<mark>أمطار</mark>" in first.snippet

    _write(article, "توقفت الأمطار بعد الظهر وعادت الحركة إلى شوارع الحي الجديد.")
    reindex([corpus], index=root)
    after = search(index, request).hits[0]
    assert "الجديد" in after.snippet and "القديمة" not in after.snippet
    # The same article under other words is marked for those words.
    other = search(index, SearchRequest(q="الحركة")).hits[0]
    assert "<mark>الحركة</mark>" in other.snippet
