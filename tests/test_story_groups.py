"""Story groups through the real reindex, in both engines (issue 16, point 1).

The demo corpus holds one story in three versions (``corpus/README.md``): Sky News
Arabia's, Al Jazeera's the same day and Reuters' the next. A reindex finds them (full or
incremental, as files come and go), both engines store the same groups, and the article
page lists the versions by time and shows what one changed against another.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.engine import STORY_FACET, EngineQuery, Filters, open_index
from search.indexing import reindex
from search.searching import SearchRequest, compare_versions, search, story_versions
from tests.support import ROOT
from web import create_app

CORPUS = ROOT / "corpus"
ORIGINAL = "articles/2023-water-drought-04.txt"
ALJAZEERA = "articles/2023-water-drought-04-aljazeera.txt"
WIRE = "articles/2023-water-drought-04-wire.txt"
STORY = {ORIGINAL, ALJAZEERA, WIRE}


@pytest.fixture(scope="module", params=["whoosh", "postgres"])
def location(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An index of the demo corpus in each engine."""
    if request.param == "whoosh":
        where = str(tmp_path_factory.mktemp("stories") / "index")
    else:
        where = f"{request.getfixturevalue('postgres_url')}?schema=stories"
    summary = reindex([CORPUS], index=where, full=True)
    assert summary.story_groups == 1
    yield where


def members(location: str, story: str) -> set[str]:
    reader = open_index(location).reader()
    found = reader.search(
        EngineQuery(), Filters({STORY_FACET: (story,)}), sort="oldest", offset=0, limit=20
    )
    return {hit.document.id for hit in found.hits}


def test_a_reindex_finds_the_story_and_names_it_by_its_first_version(location: str) -> None:
    reader = open_index(location).reader()
    # Al Jazeera and Sky News Arabia on the same day: the smaller id comes first.
    assert {doc_id: reader.story_of(doc_id) for doc_id in STORY} == dict.fromkeys(STORY, ALJAZEERA)
    assert reader.story_of("articles/2022-water-drought-01.txt") is None
    assert members(location, ALJAZEERA) == STORY
    texts = {doc_id: data for doc_id, _, _, data in reader.story_texts()}
    assert len(texts) == 57 and all(texts.values())


def test_the_versions_are_listed_oldest_first_and_compared_word_by_word(location: str) -> None:
    index = open_index(location)
    versions = story_versions(index, WIRE)
    assert [v["id"] for v in versions] == [ALJAZEERA, ORIGINAL, WIRE]
    assert [v["date"] for v in versions] == ["2023-08-16", "2023-08-16", "2023-08-17"]
    assert story_versions(index, "articles/2022-water-drought-01.txt") == []
    changes = compare_versions(index, WIRE, ORIGINAL)
    assert changes is not None
    added = " ".join(p["text"] for p in changes if p["change"] == "added")
    removed = " ".join(p["text"] for p in changes if p["change"] == "removed")
    assert "أعلنت السلطات" in added  # Reuters' own lead
    assert "هيئة الأرصاد" in removed  # the paragraph it cut
    assert "الاسبوع" not in added  # a hamza dropped is not a change
    assert compare_versions(index, WIRE, "articles/2022-water-drought-01.txt") is None


def test_both_engines_group_alike(postgres_url: str, tmp_path: Path) -> None:
    folder = str(tmp_path / "index")
    database = f"{postgres_url}?schema=stories_parity"
    for where in (folder, database):
        reindex([CORPUS], index=where, full=True)
    mine, theirs = open_index(folder).reader(), open_index(database).reader()
    ids = [doc_id for doc_id, *_ in mine.story_texts()]
    assert {i: mine.story_of(i) for i in ids} == {i: theirs.story_of(i) for i in ids}


@pytest.mark.parametrize("engine", ["whoosh", "postgres"])
def test_incremental_reindexes_keep_the_groups_up_to_date(
    engine: str, postgres_url: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    where = (
        str(tmp_path / "index")
        if engine == "whoosh"
        else f"{postgres_url}?schema=stories_{id(tmp_path) % 10**6}"
    )
    wire = corpus / WIRE
    kept = wire.read_text("utf-8")
    wire.unlink()
    reindex([corpus], index=where, full=True)
    assert members(where, ALJAZEERA) == {ORIGINAL, ALJAZEERA}
    # The Reuters copy arrives: it joins the story without rewriting the others.
    wire.write_text(kept, "utf-8")
    summary = reindex([corpus], index=where)
    assert summary.mode == "incremental" and summary.added == 1 and summary.story_groups == 1
    assert members(where, ALJAZEERA) == STORY
    # Al Jazeera's version goes: the story is named by the next first version.
    (corpus / ALJAZEERA).unlink()
    reindex([corpus], index=where)
    assert open_index(where).reader().story_of(WIRE) == ORIGINAL
    assert members(where, ORIGINAL) == {ORIGINAL, WIRE}
    # And the last copy: what is left is a story of its own.
    wire.unlink()
    summary = reindex([corpus], index=where)
    assert summary.story_groups == 0
    assert open_index(where).reader().story_of(ORIGINAL) is None


def test_the_article_page_lists_the_versions_and_shows_a_comparison(location: str) -> None:
    client = create_app({"INDEX": location, "TESTING": True}).test_client()
    page = client.get(f"/doc/{ORIGINAL}").get_data(as_text=True)
    assert page.count('class="compare-link"') == 2 and 'aria-current="page"' in page
    assert page.index(ALJAZEERA) < page.index(WIRE)  # oldest first
    compared = client.get(f"/doc/{ORIGINAL}", query_string={"compare": WIRE})
    html = compared.get_data(as_text=True)
    assert compared.status_code == 200 and "<del>" in html and "<ins>" in html
    assert "عن نسخة <bdi>رويترز</bdi>" in html
    english = client.get(f"/doc/{ORIGINAL}", query_string={"compare": WIRE, "lang": "en"})
    assert "against <bdi>Reuters</bdi>" in english.get_data(as_text=True)
    stranger = client.get(f"/doc/{ORIGINAL}", query_string={"compare": "<script>"})
    assert stranger.status_code == 200 and "version-diff" not in stranger.get_data(as_text=True)


def test_results_show_one_version_per_story_with_the_others_beside_it(location: str) -> None:
    index = open_index(location)
    grouped = search(index, SearchRequest.from_params({"q": "موجة حر"}))
    every = search(index, SearchRequest.from_params({"q": "موجة حر", "group": "off"}))
    assert grouped.total == every.total  # articles, either way
    assert grouped.facets == every.facets  # facet counts stay counts of articles
    assert grouped.stories == every.total - 2 and every.stories is None
    (story,) = [hit for hit in grouped.hits if hit.id in STORY]
    assert story.id == next(hit.id for hit in every.hits if hit.id in STORY)  # the best-ranked
    assert {v.id for v in story.versions} | {story.id} == STORY
    assert [v.date for v in story.versions] == sorted(v.date for v in story.versions)
    assert [h.id for h in grouped.hits if h.id not in STORY] == [
        h.id for h in every.hits if h.id not in STORY
    ]
    assert all(not hit.versions for hit in every.hits)


def test_a_page_counts_stories_and_no_story_is_split_across_pages(location: str) -> None:
    index = open_index(location)
    pages = []
    for page in (1, 2, 3):
        found = search(
            index, SearchRequest.from_params({"q": "الجفاف", "per_page": "5", "page": str(page)})
        )
        pages.append([hit.id for hit in found.hits])
        shown = [v.id for hit in found.hits for v in hit.versions]
        assert not set(shown) & {h for p in pages for h in p}
    everything = [doc_id for page in pages for doc_id in page]
    assert len(everything) == len(set(everything))
    assert len(set(everything) & STORY) == 1
    assert found.pages == -(-found.stories // 5)


def test_the_web_and_the_api_group_and_ungroup(location: str) -> None:
    client = create_app({"INDEX": location, "TESTING": True}).test_client()
    page = client.get("/search", query_string={"q": "موجة حر"}).get_data(as_text=True)
    assert "ونسختان أخريان من: " in page and 'class="hit-versions"' in page
    english = client.get("/search", query_string={"q": "موجة حر", "lang": "en"})
    assert "and 2 other versions from: " in english.get_data(as_text=True)
    off = client.get("/search", query_string={"q": "موجة حر", "group": "off"})
    assert 'class="hit-versions"' not in off.get_data(as_text=True)
    assert 'name="group" value="off" data-autosubmit checked' in off.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "موجة حر"}).get_json()
    assert api["stories"] == api["total"] - 2
    assert sum(len(h["versions"]) for h in api["hits"]) == 2
    bad = client.get("/api/search", query_string={"q": "x", "group": "maybe"})
    assert bad.status_code == 400 and bad.get_json()["code"] == "invalid_parameter"
