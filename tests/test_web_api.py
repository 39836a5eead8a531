"""The JSON API: the same answers as the command line, 400s for bad parameters, CORS.

``app`` and ``client`` (the real app on the shared index) come from tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.searching import MAX_PER_PAGE, SearchRequest, index_stats, open_index, search
from tests.browser.support import HOSTILE_URL_ID, make_app, shared_index
from tests.support import ROOT, run_cli

# --- /api/search -----------------------------------------------------------------


def test_api_search_is_exactly_the_cli_json(client: FlaskClient) -> None:
    """One contract: `python -m search query --json` and GET /api/search print the same."""
    api = client.get(
        "/api/search?q=الجفاف&source=Anadolu&source=AFP&sort=newest&per_page=3&page=2"
    ).get_json()
    cli = run_cli(
        "query",
        "الجفاف",
        "--index",
        str(shared_index()),
        "--source",
        "Anadolu",
        "--source",
        "AFP",
        "--sort",
        "newest",
        "--per-page",
        "3",
        "--page",
        "2",
        "--json",
    )
    assert cli.returncode == 0, cli.stderr.decode()
    assert api == json.loads(cli.stdout)
    assert api["page"] == 2 and len(api["hits"]) == 3 and api["total"] > 3


@pytest.mark.parametrize(
    "query",
    [
        "q=الجفاف",
        "q=موجة حر&from=2023-01-01&to=2023-12-31",
        "q=الطاقة&year=2024&mode=exact",
        "q=الجفاف&month=2023-08",
        "source=Reuters",
        "",
    ],
)
def test_api_search_matches_the_search_layer(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    params: dict[str, list[str]] = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        params.setdefault(key, []).append(value)
    expected = search(open_index(shared_index()), SearchRequest.from_params(params)).to_dict()
    assert response.get_json() == expected


def test_api_search_shape(client: FlaskClient) -> None:
    data = client.get("/api/search?q=الجفاف").get_json()
    assert set(data) >= {
        "query",
        "total",
        "page",
        "per_page",
        "pages",
        "sort",
        "mode",
        "filters",
        "hits",
        "facets",
        "suggestion",
    }
    hit = data["hits"][0]
    assert set(hit) >= {
        "id",
        "title",
        "title_text",
        "date",
        "sources",
        "url",
        "category",
        "score",
        "snippet",
    }
    assert set(data["facets"]) == {"sources", "year", "month", "category"}
    assert "الجفاف" in json.dumps(data, ensure_ascii=False)  # readable UTF-8, not \\u escapes
    assert "\\u" not in client.get("/api/search?q=الجفاف").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=100000", "per_page"),
        ("per_page=0", "per_page"),
        ("from=yesterday", "from"),
        ("to=2023-02-30", "to"),
        ("from=2024-01-01&to=2023-01-01", "from"),
        ("sort=random", "sort"),
        ("mode=fuzzy", "mode"),
        ("month=2023-13", "month"),
        ("year=23", "year"),
        ("page=500&per_page=50", "page"),
    ],
)
def test_bad_parameters_are_400_json(client: FlaskClient, query: str, message: str) -> None:
    response = client.get(f"/api/search?q=الجفاف&{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == 400 and message in body["error"]


def test_per_page_is_capped(client: FlaskClient) -> None:
    assert client.get(f"/api/search?per_page={MAX_PER_PAGE}").status_code == 200
    assert client.get(f"/api/search?per_page={MAX_PER_PAGE + 1}").status_code == 400


# --- /api/doc, /api/suggest, /api/stats ---------------------------------------------


def test_api_document(client: FlaskClient) -> None:
    data = client.get("/api/doc/articles/2023-water-drought-04.txt?q=الجفاف").get_json()
    assert data["id"] == "articles/2023-water-drought-04.txt"
    assert data["date"] == "2023-08-16"
    assert "<mark>" in data["body_html"]
    assert {
        "title",
        "body_html",
        "sources",
        "url",
        "category",
        "origin",
        "date_source",
        "source_rules",
    } <= set(data)


def test_api_document_keeps_hostile_text_escaped(client: FlaskClient) -> None:
    data = client.get(f"/api/doc/{HOSTILE_URL_ID}").get_json()
    assert "&lt;script&gt;" in data["title"] and "<script>" not in data["title"]
    assert data["url"].startswith("javascript:")  # data as stored; the page never links it


def test_api_unknown_document_is_404_json(client: FlaskClient) -> None:
    response = client.get("/api/doc/articles/nope.txt")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    assert "articles/nope.txt" in response.get_json()["error"]


def test_api_unknown_endpoint_is_404_json(client: FlaskClient) -> None:
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.mimetype == "application/json"


def test_api_suggest(client: FlaskClient) -> None:
    data = client.get("/api/suggest?q=الجف").get_json()
    assert data == {"query": "الجف", "suggestions": ["الجفاف"]}
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    many = client.get("/api/suggest?q=ال&limit=3").get_json()["suggestions"]
    assert len(many) <= 3


def test_api_suggest_opensearch_format(client: FlaskClient) -> None:
    response = client.get("/api/suggest?q=الجف&format=opensearch")
    assert response.mimetype == "application/x-suggestions+json"
    assert json.loads(response.data) == ["الجف", ["الجفاف"]]


@pytest.mark.parametrize("query", ["limit=0", "limit=1000", "limit=x", "format=xml"])
def test_api_suggest_bad_parameters(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/suggest?q=ال&{query}")
    assert response.status_code == 400 and "error" in response.get_json()


def test_api_stats(client: FlaskClient) -> None:
    data = client.get("/api/stats").get_json()
    assert data == index_stats(open_index(shared_index()))
    assert data["documents"] == 60  # 57 demo articles + 3 hostile documents
    assert data["date_min"] <= data["date_max"]
    assert data["sources"]["Reuters"] >= 8


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "documents": 60, "servers": []}


def test_without_an_index_the_api_says_503(tmp_path: Path) -> None:
    client = make_app(tmp_path / "none").test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
    search_response = client.get("/api/search?q=x")
    assert search_response.status_code == 503
    assert "reindex" in search_response.get_json()["error"]


# --- CORS ----------------------------------------------------------------------------


def test_cors_default_allows_any_origin_without_credentials(client: FlaskClient) -> None:
    for url in ("/api/search?q=الجفاف", "/api/stats", "/api/suggest?q=ال", "/api/search?page=-1"):
        response = client.get(url, headers={"Origin": "https://news.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_only_on_the_api(client: FlaskClient) -> None:
    response = client.get("/search?q=x", headers={"Origin": "https://news.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_allow_list() -> None:
    client = make_app(CORS_ORIGINS=["https://a.example", "https://b.example/"]).test_client()
    allowed = client.get("/api/stats", headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/stats", headers={"Origin": "https://evil.example"})
    assert other.status_code == 200
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/api/search",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "HX-Request",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "HX-Request"


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from web import settings_from_env

    env = {
        "NABA_CORS_ORIGINS": "https://a.example, https://b.example",
        "NABA_EMBED_ORIGINS": "https://a.example https://*.b.example",
    }
    settings = settings_from_env(env)
    assert settings["CORS_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert settings["EMBED_ORIGINS"] == ["https://a.example", "https://*.b.example"]
    assert settings_from_env({})["CORS_ORIGINS"] == ["*"]
    monkeypatch.setenv("NABA_INDEX", "/srv/naba/index")
    assert settings_from_env()["INDEX"] == "/srv/naba/index"


# --- the documentation cannot drift from the code ----------------------------------------

API_DOC = ROOT / "docs" / "api.md"


def test_api_doc_lists_every_endpoint(app: Flask) -> None:
    doc = API_DOC.read_text("utf-8")
    rules = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith(("/api/", "/healthz"))]
    assert rules
    for rule in rules:
        assert f"`GET {rule.replace('<path:doc_id>', '<id>')}" in doc, rule


def test_api_doc_lists_the_cors_headers_the_code_sends(client: FlaskClient) -> None:
    doc = API_DOC.read_text("utf-8")
    preflight = client.options(
        "/api/search",
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Test",
        },
    )
    sent = [name for name, _ in preflight.headers.items() if name.startswith("Access-Control-")]
    assert len(sent) == 4
    for name in sent:
        assert f"| `{name}` |" in doc, name


def test_api_doc_example_has_the_real_fields(client: FlaskClient) -> None:
    doc = API_DOC.read_text("utf-8")
    example = json.loads(re.search(r"```json\n(\{\n  \"query\".*?)```", doc, re.S).group(1))
    real = client.get("/api/search?q=موجة حر&sort=newest&per_page=1").get_json()
    assert list(example) == list(real)
    assert list(example["hits"][0]) == list(real["hits"][0])
    assert example["hits"][0]["id"] == real["hits"][0]["id"]  # the demo corpus, as documented
