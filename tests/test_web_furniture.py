"""Snippets and article text without the page's furniture (issue 19, point 4): date and
«آخر تحديث» lines, «المصدر:» lines and English photo captions, which metadata extraction
recognises, stay out of snippets and the welcome page; the article page shows them
apart from the body. On the seed articles (real pages, messy on purpose)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.arabic import ARABIC_BLOCK
from search.metadata import split_furniture
from search.searching import SearchRequest, open_index, search
from tests.support import SEEDS, build_index

CAPTION = "THIS IMAGE WAS PROVIDED BY A THIRD PARTY"


@pytest.fixture(scope="module")
def seeds_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from tests.browser.support import make_app

    index = build_index(tmp_path_factory.mktemp("seeds") / "index", SEEDS)
    return make_app(index)


@pytest.fixture(scope="module")
def seeds_client(seeds_app: Flask) -> FlaskClient:
    return seeds_app.test_client()


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8").split("\n", 1)[1]


def test_the_furniture_of_the_seeds_is_set_apart() -> None:
    text, furniture = split_furniture(seed("001"))
    assert "المصدر: فرانس24" in furniture and "فرانس24/ أ ف ب" in furniture
    assert any(line.startswith("تاريخ النشر:") for line in furniture)
    assert "المصدر: فرانس24" not in text
    text, furniture = split_furniture(seed("003"))
    assert sum(CAPTION in line for line in furniture) == 3 and CAPTION not in text
    # The article's own paragraphs all stay.
    assert len(text.split()) > 0.8 * len(seed("003").split()) - 150


def test_no_paragraph_of_the_demo_corpus_is_taken_for_furniture() -> None:
    for path in sorted(Path("corpus/articles").glob("*.txt")):
        _, furniture = split_furniture(path.read_text("utf-8").split("\n", 1)[1])
        # Short lines, or captions in Latin script: never an Arabic paragraph.
        arabic = [line for line in furniture if re.search(f"[{ARABIC_BLOCK}]", line)]
        assert all(len(line.split()) < 15 for line in arabic), (path, furniture)


def test_snippets_skip_the_furniture(seeds_app: Flask) -> None:
    index = open_index(str(seeds_app.config["INDEX"]))
    for q in ("بوتين كيم", "النيجر", ""):
        found = search(index, SearchRequest.from_params({"q": q, "sort": "newest"}))
        for hit in found.hits:
            assert CAPTION not in hit.snippet and "المصدر:" not in hit.snippet, (q, hit.id)


def test_the_article_page_shows_the_furniture_apart(seeds_client: FlaskClient) -> None:
    (doc_id,) = [
        h["id"]
        for h in seeds_client.get("/api/search?q=بوتين بيونغ يانغ").get_json()["hits"]
        if h["id"].startswith("003")
    ]
    record = seeds_client.get(f"/api/doc/{doc_id}").get_json()
    assert CAPTION not in record["body_html"]
    assert sum(CAPTION in line for line in record["furniture_html"]) == 3
    html = seeds_client.get(f"/doc/{doc_id}").get_data(as_text=True)
    body, aside = html.split('class="article-body"', 1)[1].split('class="article-furniture"', 1)
    assert CAPTION not in body and CAPTION in aside
    assert json.dumps(record["furniture_html"], ensure_ascii=False)  # plain strings
