"""The embeddable widget: /embed (the only frameable page) and its loader /embed.js.

``client`` (the real app on the shared index) comes from tests/conftest.py.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.browser.support import HOSTILE_WORD, expected, make_app


def test_embed_may_be_framed_by_any_site_by_default(client: FlaskClient) -> None:
    response = client.get("/embed")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_embed_frame_ancestors_from_configuration() -> None:
    client = make_app(EMBED_ORIGINS=["https://a.example", "https://*.b.example"]).test_client()
    csp = client.get("/embed?q=الجفاف").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://a.example https://*.b.example;" in csp + ";"
    # everything else still refuses foreign frames
    other = client.get("/search?q=الجفاف")
    assert "frame-ancestors 'self'" in other.headers["Content-Security-Policy"]
    assert other.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/embed.js").headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("bad", ["https://a.example; script-src *", "'unsafe-inline'", "a b;c"])
def test_embed_origins_that_would_inject_a_directive_are_refused(bad: str) -> None:
    from web import split_list

    with pytest.raises(ValueError, match="NABA_EMBED_ORIGINS"):
        make_app(EMBED_ORIGINS=split_list(bad))


def test_embed_is_compact_and_opens_articles_in_a_new_tab(client: FlaskClient) -> None:
    html = client.get("/embed?q=الجفاف").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl" class="embed">' in html
    assert "site-header" not in html and "site-footer" not in html and "facet" not in html
    links = re.findall(r'<a href="(/doc/[^"]+)" target="_blank" rel="noopener">', html)
    assert len(links) == 5  # the default limit
    assert 'href="/search?q=%D8%A7%D9%84%D8%AC%D9%81%D8%A7%D9%81" target="_blank"' in html
    assert f"كل النتائج ({expected({'q': 'الجفاف'})['total']}) على نبأ" in html
    assert re.search(r'<script src="/static/embed-frame\.js\?v=[0-9a-f]+" defer>', html)


def test_embed_without_query_is_just_the_box(client: FlaskClient) -> None:
    html = client.get("/embed").get_data(as_text=True)
    assert 'id="q"' in html and 'class="hit' not in html


def test_embed_theme(client: FlaskClient) -> None:
    assert 'data-theme="dark"' in client.get("/embed?theme=dark").get_data(as_text=True)
    assert 'data-theme="light"' in client.get("/embed?theme=light").get_data(as_text=True)
    assert "data-theme" not in client.get("/embed?theme=<b>").get_data(as_text=True)


@pytest.mark.parametrize(("limit", "shown"), [("3", 3), ("1000", 10), ("0", 1), ("x", 5)])
def test_embed_limit_is_capped(client: FlaskClient, limit: str, shown: int) -> None:
    html = client.get(f"/embed?q=الجفاف&limit={limit}").get_data(as_text=True)
    assert html.count('<li class="hit">') == shown
    assert f'name="limit" value="{shown}"' in html


def test_embed_pins_a_source(client: FlaskClient) -> None:
    html = client.get("/embed?q=الجفاف&source=Anadolu&limit=10").get_data(as_text=True)
    shown = min(10, expected({"q": "الجفاف", "source": "Anadolu"})["total"])
    assert shown > 1 and html.count('<li class="hit">') == shown
    shown_sources = re.findall(r'<bdi class="source" title="([^"]+)">', html)
    assert set(shown_sources) == {"Anadolu"}
    assert '<input type="hidden" name="source" value="Anadolu">' in html


def test_embed_htmx_fragment_never_pushes_history(client: FlaskClient) -> None:
    response = client.get("/embed?q=الجفاف", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.startswith("<title>") and '<div id="results" class="embed-results">' in html
    assert "<html" not in html and "HX-Push-Url" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_embed_escapes_hostile_documents(client: FlaskClient) -> None:
    html = client.get("/embed", query_string={"q": HOSTILE_WORD}).get_data(as_text=True)
    assert "&lt;script&gt;" in html and "<script>window" not in html
    assert "<img src=x" not in html


def test_embed_bad_parameter_is_400_not_500(client: FlaskClient) -> None:
    response = client.get("/embed?q=الجفاف&mode=fuzzy")
    assert response.status_code == 400 and "تعذّر البحث" in response.get_data(as_text=True)


def test_embed_js_loader(client: FlaskClient) -> None:
    response = client.get("/embed.js")
    script = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 3600 and "ETag" in response.headers
    assert "[data-naba-search]" in script
    assert "event.origin !== nabaOrigin" in script and "event.source ===" in script
    etag = response.headers["ETag"]
    assert client.get("/embed.js", headers={"If-None-Match": etag}).status_code == 304
