"""The category facet end to end (issue 12): one row of the parameter table, counted by
the engine, filtered by parameter and query syntax, on the command line, in the JSON API
and in the web page's sidebar.

The demo corpus's JSONL and CSV records carry a ``category`` (an Arabic section name,
corpus/README.md); its ``.txt`` articles have none. What the index should hold is read
from the corpus with the real readers, independently of the index.
"""

from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.corpus import read_corpus
from search.searching import SearchRequest, SearchResponse, open_index, search
from tests.support import ROOT, build_index, run_cli
from web import create_app

CORPUS = ROOT / "corpus"
#: A section of the demo corpus (two records: a JSONL and a CSV one, or two JSONL ones).
WATER = "مياه"
#: Articles of that section: two JSON Lines records and one RSS item.
WATER_ARTICLES = 3
ALL = {"q": "", "per_page": "50", "group": "off"}  # every article, each version too
#: The demo corpus's articles (corpus/README.md): two pages of ALL.
DEMO_DOCUMENTS = 57


@pytest.fixture(scope="module")
def corpus_categories() -> Counter[str]:
    """How many demo documents each category has, read from the corpus itself."""
    return Counter(doc.category for doc in read_corpus([CORPUS]) if doc.category)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("category") / "index", CORPUS)


@pytest.fixture(scope="module")
def index(index_dir: Path) -> Any:
    opened = open_index(index_dir)
    yield opened
    opened.close()


def run(index: Any, **params: Any) -> SearchResponse:
    return search(index, SearchRequest.from_params({**ALL, **params}))


def test_the_demo_corpus_has_categories(corpus_categories: Counter[str]) -> None:
    assert corpus_categories[WATER] >= 2
    assert len(corpus_categories) >= 5
    assert sum(corpus_categories.values()) < DEMO_DOCUMENTS  # the .txt articles have none


# --- the search layer -----------------------------------------------------------------


def test_the_facet_counts_every_category(index: Any, corpus_categories: Counter[str]) -> None:
    response = run(index)
    hits = response.hits + run(index, page="2").hits
    assert response.total == DEMO_DOCUMENTS == len(hits)
    counts = response.facets["category"]
    assert counts == dict(corpus_categories)
    with_category = [hit for hit in hits if hit.category]
    assert sum(counts.values()) == len(with_category)
    assert Counter(hit.category for hit in with_category) == Counter(counts)


def test_the_facet_lists_the_largest_category_first(index: Any) -> None:
    counts = run(index).facets["category"]
    ordered = list(counts.items())
    assert ordered == sorted(ordered, key=lambda kv: (-kv[1], kv[0]))
    assert [n for _, n in ordered] == sorted(counts.values(), reverse=True)
    assert counts[next(iter(counts))] == max(counts.values())


def test_the_facet_is_in_the_json_contract(index: Any) -> None:
    data = run(index).to_dict()
    assert set(data["facets"]) >= {"sources", "year", "month", "category"}
    assert data["filters"]["categories"] == []


def test_the_category_parameter_keeps_only_that_category(
    index: Any, corpus_categories: Counter[str]
) -> None:
    everything = run(index).facets["category"]
    for category in corpus_categories:
        response = search(index, SearchRequest.from_params({"q": "", "category": category}))
        assert response.total == everything[category] == corpus_categories[category], category
        assert response.filters["categories"] == [category]
        page = run(index, category=category)
        assert {hit.category for hit in page.hits} == {category}
        assert len(page.hits) == response.total


def test_several_categories_add_up(index: Any, corpus_categories: Counter[str]) -> None:
    first, second = sorted(corpus_categories)[:2]
    response = run(index, category=[first, second])
    assert response.total == corpus_categories[first] + corpus_categories[second]
    assert {hit.category for hit in response.hits} == {first, second}


def test_an_unknown_category_finds_nothing(index: Any) -> None:
    response = run(index, category="قسم لا وجود له")
    assert response.total == 0
    assert response.hits == []


@pytest.mark.parametrize("operator", ["القسم", "التصنيف", "category", "قسم", "تصنيف"])
def test_the_query_syntax_filters_as_the_parameter(index: Any, operator: str) -> None:
    by_parameter = run(index, category=WATER)
    typed = run(index, q=f"{operator}:{WATER}")
    assert typed.total == by_parameter.total == WATER_ARTICLES
    assert {hit.id for hit in typed.hits} == {hit.id for hit in by_parameter.hits}
    assert typed.warnings == []


def test_the_query_syntax_combines_with_words(index: Any) -> None:
    words = run(index, q="الطاقة الشمسية")
    narrowed = run(index, q=f"الطاقة الشمسية التصنيف:{WATER}")
    assert 0 < narrowed.total < words.total
    assert {hit.category for hit in narrowed.hits} == {WATER}
    assert {hit.id for hit in narrowed.hits} <= {hit.id for hit in words.hits}


def test_the_facet_is_counted_under_the_other_filters_not_its_own(index: Any) -> None:
    everything = run(index)
    chosen = run(index, category=WATER)
    # Its own filter does not narrow it: the other categories keep their counts, so
    # ticking a second one shows what it would add.
    assert chosen.facets["category"] == everything.facets["category"]
    # The other facets are counted under it: the sources are those of its documents.
    sources = Counter(source for hit in chosen.hits for source in hit.sources)
    assert chosen.facets["sources"] == dict(sources)
    assert chosen.facets["sources"] != everything.facets["sources"]
    assert sum(chosen.facets["sources"].values()) < sum(everything.facets["sources"].values())


def test_other_filters_narrow_the_category_counts(index: Any) -> None:
    in_2024 = run(index, year="2024")
    expected = Counter(hit.category for hit in in_2024.hits if hit.category)
    assert in_2024.total == len(in_2024.hits)
    assert in_2024.facets["category"] == dict(expected)
    assert in_2024.facets["category"] != run(index).facets["category"]


# --- the command line -----------------------------------------------------------------


def test_the_cli_filters_by_category(index_dir: Path, index: Any) -> None:
    done = run_cli("query", "", "--category", WATER, "--index", str(index_dir), "--json")
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["total"] == run(index, category=WATER).total == WATER_ARTICLES
    assert data["filters"]["categories"] == [WATER]
    assert {hit["category"] for hit in data["hits"]} == {WATER}
    assert data["facets"]["category"] == run(index).facets["category"]


def test_the_cli_query_syntax_matches_the_option(index_dir: Path) -> None:
    done = run_cli("query", f"القسم:{WATER}", "--index", str(index_dir), "--json")
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["total"] == WATER_ARTICLES
    assert data["filters"]["categories"] == [WATER]  # typed in the query, and in force


# --- the web app ----------------------------------------------------------------------


def make_app(index_dir: Path) -> Flask:
    return create_app({"TESTING": True, "INDEX": str(index_dir), "RATELIMIT_ENABLED": False})


@pytest.fixture(scope="module")
def client(index_dir: Path) -> FlaskClient:
    return make_app(index_dir).test_client()


class Page(HTMLParser):
    """The facet fieldsets (legend → checkbox options with their counts) and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.fieldsets: dict[str, list[dict[str, Any]]] = {}
        self.links: list[dict[str, Any]] = []
        self.scripts: list[dict[str, Any]] = []
        self._legend: list[str] | None = None
        self._legend_text = ""
        self._options: list[dict[str, Any]] | None = None
        self._count: dict[str, Any] | None = None
        self._link: dict[str, Any] | None = None
        self._script: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "fieldset":
            self._options = []
            self._legend_text = ""
        elif tag == "legend":
            self._legend = []
        elif tag == "input" and self._options is not None and attributes.get("type") == "checkbox":
            self._options.append(
                {
                    "name": attributes.get("name"),
                    "value": attributes.get("value"),
                    "checked": "checked" in attributes,
                    "count": "",
                }
            )
        elif tag == "span" and "count" in (attributes.get("class") or "").split():
            if self._options:
                self._count = self._options[-1]
        elif tag == "a":
            self._link = {**attributes, "text": ""}
            self.links.append(self._link)
        elif tag == "script":
            self._script = {**attributes, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag: str) -> None:
        if tag == "legend" and self._legend is not None:
            self._legend_text = "".join(self._legend).strip()
            self._legend = None
        elif tag == "fieldset" and self._options is not None:
            self.fieldsets[self._legend_text] = self._options
            self._options = None
        elif tag == "span":
            self._count = None
        elif tag == "a":
            self._link = None
        elif tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._legend is not None:
            self._legend.append(data)
        if self._count is not None:
            self._count["count"] += data.strip()
        if self._link is not None:
            self._link["text"] += data
        if self._script is not None:
            self._script["text"] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def category_options(html: str) -> dict[str, dict[str, Any]]:
    page = parse(html)
    assert "التصنيف" in page.fieldsets, f"no «التصنيف» fieldset: {sorted(page.fieldsets)}"
    options = page.fieldsets["التصنيف"]
    assert options and all(o["name"] == "category" for o in options)
    return {o["value"]: o for o in options}


def test_the_sidebar_lists_the_categories_with_counts(
    client: FlaskClient, index: Any, corpus_categories: Counter[str]
) -> None:
    response = client.get("/search?q=")
    assert response.status_code == 200
    options = category_options(response.get_data(as_text=True))
    counts = run(index).facets["category"]
    assert list(options) == list(counts)  # in the facet's order, largest first
    assert {value: int(o["count"]) for value, o in options.items()} == dict(corpus_categories)
    assert options[WATER]["count"] == str(counts[WATER])
    assert not any(o["checked"] for o in options.values())


def test_a_chosen_category_is_checked_and_a_removable_chip(client: FlaskClient, index: Any) -> None:
    response = client.get("/search", query_string={"category": WATER})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    options = category_options(html)
    assert options[WATER]["checked"]
    assert not any(o["checked"] for value, o in options.items() if value != WATER)
    # Counted under every filter but its own: the others stay visible with their counts.
    assert {v: int(o["count"]) for v, o in options.items()} == run(index).facets["category"]
    chips = [
        link
        for link in parse(html).links
        if "removable" in (link.get("class") or "").split() and link["text"].strip() == WATER
    ]
    assert len(chips) == 1, chips
    chip = chips[0]
    assert chip.get("aria-label") == f"إزالة التصنيف {WATER}"
    assert "category" not in parse_qs(urlsplit(chip["href"]).query)
    # And the results are that category's.
    shown = set()
    for link in parse(html).links:
        where = urlsplit(link["href"])
        if where.path.startswith("/doc/"):
            shown.add(where.path.removeprefix("/doc/"))
        elif where.path == "/doc":  # an id a path cannot carry (a URL): /doc?id=…
            shown.add(parse_qs(where.query)["id"][0])
    assert shown == {hit.id for hit in run(index, category=WATER).hits}


def test_the_api_filters_by_category(client: FlaskClient, index: Any) -> None:
    response = client.get("/api/search", query_string={"category": WATER})
    assert response.status_code == 200
    data = response.get_json()
    assert data["total"] == run(index, category=WATER).total == WATER_ARTICLES
    assert data["filters"]["categories"] == [WATER]
    assert {hit["category"] for hit in data["hits"]} == {WATER}
    typed = client.get("/api/search", query_string={"q": f"التصنيف:{WATER}"}).get_json()
    assert typed["total"] == data["total"]


def test_the_api_and_the_cli_agree(client: FlaskClient, index_dir: Path) -> None:
    api = client.get("/api/search", query_string={"category": WATER}).get_json()
    done = run_cli("query", "", "--category", WATER, "--index", str(index_dir), "--json")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == api


# --- escaping -------------------------------------------------------------------------

HOSTILE = "<script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    folder = tmp_path_factory.mktemp("hostile-category")
    corpus = folder / "corpus"
    corpus.mkdir()
    records = [
        {
            "id": "hostile-category-1",
            "title": "خبر عن قسم غريب",
            "date": "2024-03-01",
            "source": "رويترز",
            "category": HOSTILE,
            "content": "نص الخبر الأول عن قسم غريب الاسم.",
        },
        {
            "id": "plain-category-1",
            "title": "خبر عادي",
            "date": "2024-03-02",
            "source": "رويترز",
            "category": WATER,
            "content": "نص خبر عادي عن المياه.",
        },
    ]
    (corpus / "hostile.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    index_dir = build_index(folder / "index", corpus)
    return make_app(index_dir).test_client()


def test_a_hostile_category_is_only_ever_text(hostile_client: FlaskClient) -> None:
    api = hostile_client.get("/api/search", query_string={"category": HOSTILE}).get_json()
    assert api["total"] == 1  # stored and matched as it was written
    assert api["facets"]["category"] == {HOSTILE: 1, WATER: 1}
    for query in ({"q": ""}, {"category": HOSTILE}, {"q": "قسم"}, {"q": f"category:{HOSTILE}"}):
        # (a typed filter is turned into the parameter first: followed here)
        response = hostile_client.get("/search", query_string=query, follow_redirects=True)
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert HOSTILE not in html, query
        # Every script on the page is the app's own file; none came from the data.
        scripts = parse(html).scripts
        assert scripts and all(s.get("src") and not s["text"].strip() for s in scripts), query
    html = hostile_client.get("/search", query_string={"category": HOSTILE}).get_data(as_text=True)
    options = category_options(html)
    assert options[HOSTILE]["checked"]  # the parser unescaped what the page escaped
    assert "&lt;script&gt;" in html
