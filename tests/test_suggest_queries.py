"""Autocomplete offers whole queries and titles, and nothing after a bare «ال»
(issue 19, point 6), through the real API on the demo index."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def suggestions(client: FlaskClient, typed: str) -> list[str]:
    return client.get("/api/suggest", query_string={"q": typed}).get_json()["suggestions"]


def test_a_two_word_query_gets_whole_queries_then_titles(client: FlaskClient) -> None:
    found = suggestions(client, "الطاقة الش")
    assert found[0] == "الطاقة الشمسية"
    queries = [s for s in found if s.startswith("الطاقة الش")]
    titles = [s for s in found if not s.startswith("الطاقة الش")]
    assert queries and titles and len(found) <= 8
    # The titles are those of the best articles for the first completion, plain text.
    hits = client.get("/api/search", query_string={"q": found[0], "per_page": 3}).get_json()
    assert titles == [re.sub("<[^>]+>", "", h["title"]) for h in hits["hits"]]


def test_one_word_gets_words_only(client: FlaskClient) -> None:
    assert suggestions(client, "الجف") == ["الجفاف"]


def test_nothing_after_a_bare_article(client: FlaskClient) -> None:
    for typed in ("ال", "موجة ال", "سد وال"):
        assert suggestions(client, typed) == [], typed
