"""The smaller holes of issue 18, item 7, each with the test that had failed on main.

- An article URL with a bidi control (U+202E) was link text that could read backwards
  (``…/txt.exe`` as ``…/exe.txt``); ids and file names in the data panel too.
- Ids with ``..`` segments or a leading ``/`` made links that browsers resolve elsewhere.
- ``NABA_CORS_ORIGINS`` took ``null``, wildcards and CSP keywords, which never match
  (``null`` then matched every sandboxed frame).
- ``/opensearch.xml`` built its URLs from whatever ``Host`` a client sent.
- ``/api/doc`` and the article's data panel showed the server's file paths.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from search.settings import Settings, SettingsError
from tests.browser.support import make_app
from tests.support import build_index
from web import check_origins, create_app

RLO = "\u202e"
ODD_IDS = ["../escape", "/leading-slash", "twice//slashed", "dot/./segment", ".."]


@pytest.fixture(scope="module")
def odd_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "wire").mkdir()
    records = [
        {
            "id": doc_id,
            "title": f"خبر عن المطر رقم {n}",
            "content": "هطلت أمطار غزيرة على المدينة وامتلأت السدود بالمياه.",
            "date": "2024-03-01",
            "source": "رويترز",
            "url": f"https://news.example/files/{RLO}fdp.exe" if n == 0 else None,
        }
        for n, doc_id in enumerate(ODD_IDS)
    ]
    lines = "\n".join(json.dumps({k: v for k, v in r.items() if v}) for r in records)
    (corpus / "wire" / "odd.jsonl").write_text(lines + "\n", encoding="utf-8")
    index = build_index(tmp_path_factory.mktemp("index") / "index", corpus)
    return make_app(index, CORPUS=[str(corpus)])


def test_odd_ids_get_links_that_lead_to_them(odd_app: Flask) -> None:
    client = odd_app.test_client()
    html = client.get("/search", query_string={"q": "المطر", "per_page": "10"}).get_data(True)
    links = re.findall(r'<h2 class="hit-title"><a href="([^"]+)"', html)
    assert len(links) == len(ODD_IDS)
    for link in links:
        path = urlsplit(link).path
        # What a browser does to the path before sending it: no dot or empty segment.
        assert not any(s in (".", "..", "") for s in path.split("/")[1:]), link
        page = client.get(link.replace("&amp;", "&"))
        assert page.status_code == 200, link
    for doc_id in ODD_IDS:
        api = client.get("/api/doc", query_string={"id": doc_id})
        assert api.status_code == 200 and api.get_json()["id"] == doc_id
    assert client.get("/doc?id=").status_code == 404


def test_bidi_controls_in_urls_and_ids_are_shown_not_obeyed(odd_app: Flask) -> None:
    client = odd_app.test_client()
    html = client.get("/doc", query_string={"id": ODD_IDS[0]}).get_data(True)
    link_text = re.search(r'class="original-link"[^>]*>([^<]*)</a>', html)[1]
    assert RLO not in link_text and "%E2%80%AEfdp.exe" in link_text


def test_paths_are_shown_relative_to_the_corpus(odd_app: Flask) -> None:
    client = odd_app.test_client()
    doc = client.get("/api/doc", query_string={"id": ODD_IDS[1]}).get_json()
    assert doc["origin"] == "wire/odd.jsonl:2"
    html = client.get("/doc", query_string={"id": ODD_IDS[1]}).get_data(True)
    assert "wire/odd.jsonl:2" in html and "/tmp/" not in html and str(Path.home()) not in html


def test_paths_outside_the_corpus_folders_keep_only_the_file_name(odd_app: Flask) -> None:
    elsewhere = make_app(odd_app.config["INDEX"], CORPUS=["/nowhere"]).test_client()
    doc = elsewhere.get("/api/doc", query_string={"id": ODD_IDS[1]}).get_json()
    assert doc["origin"] == "odd.jsonl:2"


@pytest.mark.parametrize(
    "origin", ["null", "https://*.example", "'self'", "*.example", "https:", "news.example"]
)
def test_cors_origins_that_never_match_are_refused(origin: str) -> None:
    settings = Settings.from_env({"NABA_CORS_ORIGINS": f"https://ok.example {origin}"})
    with pytest.raises(ValueError, match="NABA_CORS_ORIGINS") as refused:
        check_origins(settings)
    assert origin in str(refused.value)
    with pytest.raises(ValueError, match="NABA_CORS_ORIGINS"):
        create_app(settings=settings)


def test_cors_lets_other_origins_post_long_queries() -> None:
    client = make_app(CORS_ORIGINS=["https://a.example/"]).test_client()
    preflight = client.options(
        "/api/search",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"},
    )
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    posted = client.post(
        "/api/search", json={"q": "الجفاف"}, headers={"Origin": "https://a.example"}
    )
    assert posted.headers["Access-Control-Allow-Origin"] == "https://a.example"


def test_opensearch_urls_follow_the_public_url_not_the_host_header() -> None:
    client = make_app(PUBLIC_URL="https://news.example/naba").test_client()
    xml = client.get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(True)
    urls = re.findall(r'(?:template="|>)(https?://[^"<{?]+)', xml)
    assert len(urls) == 6  # the page, the feed, suggestions, itself, the form, the icon
    assert all(url.startswith("https://news.example/naba/") for url in urls), urls
    assert "evil.example" not in xml


def test_behind_a_proxy_its_forwarded_headers_are_believed_only_when_configured() -> None:
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "news.example",
        "X-Forwarded-Prefix": "/naba",
    }
    trusting = make_app(PROXIES=1).test_client()
    xml = trusting.get("/opensearch.xml", headers=forwarded).get_data(True)
    assert 'template="https://news.example/naba/search?q=' in xml
    direct = make_app().test_client().get("/opensearch.xml", headers=forwarded).get_data(True)
    assert "news.example" not in direct


def test_the_public_url_is_checked_at_start_up() -> None:
    with pytest.raises(SettingsError, match="NABA_PUBLIC_URL"):
        Settings.from_env({"NABA_PUBLIC_URL": "javascript:alert(1)//"})
