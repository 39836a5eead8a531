"""The web app's pages, driven through Flask's test client on a real index.

Covers the search page (results, facets, sort, pages, "did you mean", empty and error
states, htmx fragments), article pages, error pages, escaping of hostile documents and
queries, security headers, static files and ``flask reindex``. The JSON API is in
``test_web_api.py``, the widget in ``test_web_embed.py``, the browser in ``browser/``.
``client`` (the real app on the shared index) comes from tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from search.searching import source_label
from tests.browser.support import (
    CORPUS,
    HOSTILE_MARKUP_ID,
    HOSTILE_SOURCE,
    HOSTILE_TXT_ID,
    HOSTILE_URL_ID,
    HOSTILE_WORD,
    expected,
    make_app,
    results_phrase,
    shared_index,
)
from tests.support import ROOT
from web.live_index import warm

HX = {"HX-Request": "true"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def hrefs(html: str) -> list[str]:
    return [attrs["href"] or "" for _, attrs in tags(html) if "href" in attrs]


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


# --- the search page ------------------------------------------------------------


def test_home_page_is_an_arabic_rtl_page_with_a_search_box(client: FlaskClient) -> None:
    response = client.get("/")
    html = text_of(response)
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert re.search(r'<input id="q" name="q" type="search"[^>]*autofocus', html)
    assert 'action="/search"' in html and 'method="get"' in html
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    assert "أحدث المقالات" in html
    assert "يضم الأرشيف" in html  # stats of the whole archive
    assert 'href="/search?year=2024"' in html  # facets of the whole archive, canonical URLs


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    """The CSP forbids them; a stray one would be silently blocked in browsers."""
    for url in ("/", "/search?q=الجفاف", "/doc/articles/2023-water-drought-04.txt", "/nope"):
        found = tags(text_of(client.get(url)))
        assert all(attrs.get("src") for tag, attrs in found if tag == "script"), url
        assert not [tag for tag, _ in found if tag == "style"], url
        assert not [attrs for _, attrs in found if "style" in attrs], url
        assert not [name for _, attrs in found for name in attrs if name.startswith("on")], url


def test_search_shows_titles_dates_sources_and_snippets(client: FlaskClient) -> None:
    # Every version of a story as a result of its own (the one of 2023-08-16 included).
    html = text_of(client.get("/search", query_string={"q": "موجة حر", "group": "off"}))
    assert results_phrase({"q": "موجة حر"}) in html
    assert "لـ «<bdi>موجة حر</bdi>»" in html
    # the article of 2023-08-16, in one consistent Arabic form, with its Hijri date
    assert '<time datetime="2023-08-16">16 أغسطس 2023</time>' in html
    assert "29 محرم 1445 هـ" in html
    assert '<bdi class="source" title="' in html
    assert re.search(r'<p class="snippet" hx-disable>.*<mark>', html)
    assert 'href="/doc/articles/2023-water-drought-04.txt?q=' in html


def test_source_facet_has_counts_and_filters(client: FlaskClient) -> None:
    counts = expected({"q": "الجفاف"})["facets"]["sources"]
    everything = text_of(client.get("/search", query_string={"q": "الجفاف"}))
    assert re.search(r'name="source" value="Anadolu" data-autosubmit>', everything)
    for name, count in counts.items():
        shown = re.escape(source_label(name))  # the facet shows the Arabic name
        label = rf'<bdi class="facet-name">{shown}</bdi>\s*<span class="count">'
        assert re.search(rf"{label}{count}</span>", everything), name
    assert results_phrase({"q": "الجفاف"}) in everything

    filtered = text_of(client.get("/search", query_string={"q": "الجفاف", "source": "Anadolu"}))
    assert results_phrase({"q": "الجفاف", "source": "Anadolu"}) in filtered
    assert re.search(r'name="source" value="Anadolu" data-autosubmit checked>', filtered)
    # other sources keep their counts, so a second one can be added (multi-select)
    assert re.search(
        rf'<bdi class="facet-name">{source_label("AFP")}</bdi>\s*'
        rf'<span class="count">{counts["AFP"]}</span>',
        filtered,
    )
    two = client.get("/search?q=الجفاف&source=Anadolu&source=AFP")
    assert results_phrase({"q": "الجفاف", "source": ["Anadolu", "AFP"]}) in text_of(two)
    # the active filter can be removed with one link
    assert f'aria-label="إزالة المصدر {source_label("Anadolu")}"' in filtered


def test_year_facet_drills_down_to_months(client: FlaskClient) -> None:
    html = text_of(client.get("/search", query_string={"q": "الجفاف"}))
    year_link = re.search(r'href="(/search\?q=[^"]*year=2023)"', html)
    assert year_link, "each year is a link"
    assert "month=" not in html  # months appear only under the chosen year

    url = year_link.group(1).replace("&amp;", "&")
    in_year = text_of(client.get(url))
    assert results_phrase({"q": "الجفاف", "year": "2023"}) in in_year
    assert '<input type="hidden" name="year" value="2023">' in in_year
    month = re.search(
        r'href="(/search\?[^"]*month=2023-08)"[^>]*>\s*<span class="facet-name">'
        r"أغسطس 2023</span>",
        in_year,
    )
    assert month
    in_month = text_of(client.get(month.group(1).replace("&amp;", "&")))
    assert results_phrase({"q": "الجفاف", "year": "2023", "month": "2023-08"}) in in_month
    assert "كل السنوات" in in_month


def test_date_range_filters(client: FlaskClient) -> None:
    html = text_of(client.get("/search?q=الجفاف&from=2023-01-01&to=2023-12-31"))
    assert results_phrase({"q": "الجفاف", "from": "2023-01-01", "to": "2023-12-31"}) in html
    assert 'name="from" value="1 يناير 2023"' in html  # the box shows it as it reads
    assert "من 1 يناير 2023" in html  # the active-filter chip


def test_sort_links_and_order(client: FlaskClient) -> None:
    html = text_of(client.get("/search?q=الجفاف&sort=newest"))
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', html)
    assert dates == sorted(dates, reverse=True)
    assert re.search(r'class="sort-link" aria-current="true">الأحدث<', html)
    for label in ("الأكثر صلة", "الأحدث", "الأقدم"):
        assert f">{label}</a>" in html
    oldest = text_of(client.get("/search?q=الجفاف&sort=oldest"))
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', oldest)
    assert dates == sorted(dates)


def test_pagination_links_keep_the_query(client: FlaskClient) -> None:
    first = text_of(client.get("/search?q=الجفاف&source=Anadolu&per_page=2"))
    assert 'aria-current="page">1<' in first
    next_link = re.search(r'href="([^"]+)" hx-get="[^"]+" class="page-step" rel="next"', first)
    assert next_link
    params = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert params == {"q": ["الجفاف"], "source": ["Anadolu"], "per_page": ["2"], "page": ["2"]}
    second = text_of(client.get(next_link.group(1).replace("&amp;", "&")))
    assert 'rel="prev"' in second and 'aria-current="page">2<' in second


def test_facet_links_start_again_from_page_one(client: FlaskClient) -> None:
    html = text_of(client.get("/search?q=الجفاف&page=2"))
    year_links = re.findall(r'href="(/search\?[^"]*year=\d{4}[^"]*)"', html)
    assert year_links and not any("page=" in link for link in year_links)


def test_did_you_mean_is_a_link(client: FlaskClient) -> None:
    # ذ is not next to د on the keyboard: a suggestion, not a sure correction.
    suggestion = expected({"q": "السدوذ"})["suggestion"]
    assert suggestion == "السدود"
    html = text_of(client.get("/search?q=السدوذ"))
    assert "هل تقصد" in html
    assert re.search(
        r'<a href="/search\?q=%D8%A7%D9%84%D8%B3%D8%AF%D9%88%D8%AF"[^>]*>'
        r"<bdi>السدود</bdi></a>",
        html,
    )


def test_a_sure_correction_shows_its_results_and_offers_the_typed_words(
    client: FlaskClient,
) -> None:
    """ق is next to ف: «الجفاق» finds nothing, «الجفاف» is searched at once (issue 15)."""
    found = expected({"q": "الجفاق"})
    assert found["corrected"] == "الجفاف" and found["query"] == "الجفاق"
    assert found["total"] == expected({"q": "الجفاف"})["total"] > 0
    html = text_of(client.get("/search?q=الجفاق"))
    assert "نتائج عن «<bdi>الجفاف</bdi>»" in html and "هل تقصد" not in html
    link = re.search(r'<a href="(/search\?[^"]*spell=off[^"]*)"[^>]*><bdi>الجفاق</bdi></a>', html)
    assert link is not None
    as_typed = text_of(client.get(link.group(1).replace("&amp;", "&")))
    assert "لا نتائج" in as_typed and "نتائج عن" not in as_typed


def test_no_results_has_a_clear_empty_state(client: FlaskClient) -> None:
    html = text_of(client.get("/search?q=زلزال&source=AFP&mode=exact"))
    assert "لا نتائج" in html
    assert "لم نعثر على مقالات مطابقة" in html
    assert "أزل عوامل التصفية" in html
    assert "ابحث بالاشتقاق" in html


def test_bad_parameters_on_the_page_are_a_400_page_not_a_500(client: FlaskClient) -> None:
    for query in ("page=-1", "per_page=100000", "from=yesterday", "sort=random", "month=2023-13"):
        response = client.get(f"/search?q=الجفاف&{query}")
        assert response.status_code == 400, query
        assert "تعذّر تنفيذ البحث" in text_of(response)


def test_empty_form_fields_mean_no_filter(client: FlaskClient) -> None:
    """A form submits untouched date fields as ``from=&to=``."""
    response = client.get("/search?q=الجفاف&from=&to=&mode=")
    assert response.status_code == 200
    assert results_phrase({"q": "الجفاف"}) in text_of(response)


# --- htmx: fragment or full page --------------------------------------------------


def test_htmx_request_gets_only_the_results_block(client: FlaskClient) -> None:
    response = client.get("/search?q=الجفاف&from=&to=", headers=HX)
    html = text_of(response)
    assert html.startswith("<title>الجفاف — نبأ</title>")
    assert '<div id="results"' in html
    assert "<html" not in html and 'id="q"' not in html and "site-header" not in html
    assert response.headers["HX-Push-Url"] == "/search?q=%D8%A7%D9%84%D8%AC%D9%81%D8%A7%D9%81"
    assert "HX-Request" in response.headers["Vary"]


def test_full_page_without_htmx_and_for_history_restore(client: FlaskClient) -> None:
    full = client.get("/search?q=الجفاف")
    assert "<html" in text_of(full) and "HX-Push-Url" not in full.headers
    assert "HX-Request" in full.headers["Vary"]
    restore = client.get("/search?q=الجفاف", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in text_of(restore)


def test_search_form_is_wired_for_htmx_and_works_without_it(client: FlaskClient) -> None:
    html = text_of(client.get("/search?q=الجفاف"))
    form = re.search(r'<form id="search-form"[^>]*>', html).group(0)
    assert 'action="/search"' in form and 'hx-post="/search"' in form
    assert 'hx-target="#results"' in form and 'hx-push-url="true"' in form
    box = re.search(r'<input id="q"[^>]*>', html, re.S).group(0)
    assert 'hx-trigger="input changed delay:300ms"' in box
    assert 'list="q-suggestions"' in box and 'data-suggest-url="/api/suggest"' in box
    assert '<noscript><button type="submit"' in html  # facet checkboxes without JavaScript
    assert 'content=\'{"includeIndicatorStyles":false' in html


# --- article pages ---------------------------------------------------------------------


def test_document_page_shows_metadata_highlights_and_similar(client: FlaskClient) -> None:
    response = client.get("/doc/bbc-2024-05-12-ghadeer-dam-rains", query_string={"q": "الجفاف"})
    html = text_of(response)
    assert response.status_code == 200
    assert '<h1 class="article-title">' in html and "<mark>الجفاف</mark>" in html
    assert '<time datetime="2024-05-12">12 مايو 2024</time>' in html
    assert (
        'href="https://example.com/bbc-arabic/2024/05/12/ghadeer-dam-spring-rains" '
        'rel="noopener noreferrer nofollow"' in html
    )
    assert "مقالات ذات صلة" in html
    assert "العودة إلى نتائج «<bdi>الجفاف</bdi>»" in html


def test_document_ids_with_slashes(client: FlaskClient) -> None:
    response = client.get("/doc/articles/2023-water-drought-04.txt")
    assert response.status_code == 200
    assert "<mark>" not in text_of(response)  # nothing to highlight without ?q=


def test_unknown_document_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/doc/articles/no-such-article.txt")
    html = text_of(response)
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in html and '<html lang="ar" dir="rtl">' in html


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in text_of(response)


def test_crash_is_a_friendly_500() -> None:
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    html = text_of(response)
    assert response.status_code == 500
    assert "حدث خطأ غير متوقع" in html and "a bug" not in html
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_no_index_is_a_503_page(tmp_path: Path) -> None:
    client = make_app(tmp_path / "empty-index").test_client()
    response = client.get("/search?q=الجفاف")
    assert response.status_code == 503
    assert "البحث غير متاح مؤقتًا" in text_of(response)


# --- escaping ------------------------------------------------------------------------


def assert_inert(html: str) -> None:
    """No hostile markup survived as markup: no inline script, image, svg (but the
    timeline's own chart) or handler."""
    found = tags(html)
    assert all(attrs.get("src") for tag, attrs in found if tag == "script")
    assert not [
        tag
        for tag, attrs in found
        if tag == "img" or (tag == "svg" and attrs.get("class") != "timeline-chart")
    ]
    assert not [name for _, attrs in found for name in attrs if name.startswith("on")]
    assert not [link for link in hrefs(html) if "javascript" in link.lower()]


def test_hostile_documents_render_as_text_in_results(client: FlaskClient) -> None:
    html = text_of(client.get("/search", query_string={"q": HOSTILE_WORD}))
    assert results_phrase({"q": HOSTILE_WORD}) == "3 نتائج"
    assert "3 نتائج" in html
    assert_inert(html)
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in html  # the source, in the facet panel


def test_hostile_document_pages_render_as_text(client: FlaskClient) -> None:
    for doc_id in (HOSTILE_TXT_ID, HOSTILE_URL_ID, HOSTILE_MARKUP_ID):
        response = client.get(f"/doc/{doc_id}", query_string={"q": HOSTILE_WORD})
        assert response.status_code == 200, doc_id
        assert_inert(text_of(response))


def test_bidi_overrides_in_documents_are_not_rendered(client: FlaskClient) -> None:
    pages = [
        client.get("/search", query_string={"q": HOSTILE_WORD}),
        client.get(f"/doc/{HOSTILE_TXT_ID}", query_string={"q": HOSTILE_WORD}),
        client.get("/embed", query_string={"q": HOSTILE_WORD}),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "\u202e" not in text_of(response), response.request.path


def test_javascript_url_never_becomes_a_link(client: FlaskClient) -> None:
    html = text_of(client.get(f"/doc/{HOSTILE_URL_ID}"))
    assert "الرابط الأصلي" not in html
    assert not any(link.lower().lstrip().startswith("javascript") for link in hrefs(html))
    https = text_of(client.get(f"/doc/{HOSTILE_MARKUP_ID}"))
    assert 'href="https://example.org/news/2023/05/03/a?b=1&amp;c=&lt;x&gt;"' in https


def test_hostile_query_is_escaped(client: FlaskClient) -> None:
    for q in ("<script>window.__xss=1</script>", '"><img src=x onerror=alert(1)>'):
        for headers in ({}, HX):
            html = text_of(client.get("/search", query_string={"q": q}, headers=headers))
            assert "<script>window" not in html and "<img src=x" not in html
            assert "&lt;" in html


def test_hostile_source_filter_is_escaped(client: FlaskClient) -> None:
    html = text_of(client.get("/search", query_string={"source": HOSTILE_SOURCE}))
    assert "نتيجة واحدة" in html
    assert_inert(html)


# --- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=الجفاف",
        "/doc/articles/2023-water-drought-04.txt",
        "/nope",
        "/api/stats",
        "/opensearch.xml",
        "/static/naba.css",
    ],
)
def test_security_headers_everywhere_but_embed(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "base-uri 'none'" in csp
    assert "form-action 'self'" in csp and "img-src 'self' data:" in csp
    assert "frame-ancestors 'self'" in csp
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# --- static files ----------------------------------------------------------------------


def test_static_files_are_fingerprinted_and_cached(client: FlaskClient) -> None:
    html = text_of(client.get("/"))
    for name in ("naba.css", "naba.js", "vendor/htmx.min.js"):
        url = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', html).group(1)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304


def test_static_without_current_fingerprint_is_revalidated(client: FlaskClient) -> None:
    response = client.get("/static/naba.css?v=stale")
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.immutable
    assert (
        client.get(
            "/static/naba.css", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_htmx_is_served_from_the_python_package(client: FlaskClient) -> None:
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"htmx" in response.data[:2000]
    assert not (Path(__file__).parents[1] / "web" / "static" / "vendor").exists()


def test_static_paths_cannot_escape(client: FlaskClient) -> None:
    for url in (
        "/static/../__init__.py",
        "/static/%2e%2e/__init__.py",
        "/static/vendor/../../__init__.py",
        "/static/nope.css",
    ):
        assert client.get(url).status_code == 404, url


def test_favicon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


# --- OpenSearch ------------------------------------------------------------------------


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    xml = text_of(response)
    assert response.mimetype == "application/opensearchdescription+xml"
    assert 'template="http://localhost/search?q={searchTerms}"' in xml
    assert (
        'type="application/x-suggestions+json" method="get" '
        'template="http://localhost/api/suggest?q={searchTerms}&amp;format=opensearch"' in xml
    )


# --- flask reindex ---------------------------------------------------------------------


def test_flask_reindex_runs_the_search_reindex(tmp_path: Path) -> None:
    app = make_app(tmp_path / "index")
    # a server started before the first reindex answers 503, then serves the new index
    assert app.test_client().get("/healthz").status_code == 503
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reindex", str(CORPUS / "feeds"), "--full"])
    assert result.exit_code == 0, result.output
    assert "22" in result.output  # 7 + 6 JSONL records, 4 CSV records, 5 RSS items
    stats = app.test_client().get("/healthz").get_json()
    assert stats == {"status": "ok", "documents": 22, "servers": []}
    again = runner.invoke(args=["reindex", str(CORPUS / "feeds")])
    assert again.exit_code == 0 and "unchanged 22" in again.output
    missing = runner.invoke(args=["reindex", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2


# --- python -m web ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_python_m_web_serves_with_gunicorn_workers() -> None:
    port = free_port()
    env = {**os.environ, "NABA_INDEX": str(shared_index()), "NABA_WORKERS": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok", "documents": 60, "servers": []}
                    assert r.headers["Server"] == "gunicorn"
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert output.count("Booting worker") == 2


def test_a_worker_warms_the_index_before_serving_and_copes_without_one(
    tmp_path: Path,
) -> None:
    assert warm(make_app())
    empty = make_app(tmp_path / "no-index-yet")
    assert not warm(empty)
    assert empty.test_client().get("/healthz").status_code == 503


def test_query_warnings_are_shown(client: FlaskClient) -> None:
    warnings = expected({"q": "الجفاف source:"})["warnings"]
    assert warnings
    html = text_of(client.get("/search", query_string={"q": "الجفاف source:"}))
    # In Arabic, the typed operator isolated so it keeps its place; not the API's English.
    assert "لم يُستخدم عامل التصفية" in html and "«source»" in html and "بلا قيمة" in html
    assert warnings[0] not in html
