"""Any search as an Atom feed and as CSV / JSON Lines files (issue 16, point 3), through
the real app: every filter applied, all matches (not a page), capped by
``NABA_EXPORT_MAX``, escaped, and the same rows from the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from flask.testing import FlaskClient

from tests.browser.support import HOSTILE_WORD, make_app, shared_index
from tests.support import run_cli

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")


def api_ids(client: FlaskClient, params: dict) -> list[str]:
    """Every matching article, as the API pages them: every version of a story (an
    export is a list of articles; grouping is for reading)."""
    ids, page = [], 1
    while True:
        data = client.get(
            "/api/search", query_string={**params, "per_page": 50, "page": page, "group": "off"}
        ).get_json()
        ids += [h["id"] for h in data["hits"]]
        if page >= data["pages"]:
            return ids
        page += 1


def check_atom(feed: ET.Element) -> None:
    """RFC 4287's requirements for what Naba writes (section 4.1)."""
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{tag}")) == 1, tag
    assert RFC3339.match(feed.findtext(f"{A}updated"))
    assert feed.find(f"{A}author/{A}name") is not None  # so entries need none of their own
    assert [link.get("rel") for link in feed.findall(f"{A}link")].count("self") == 1
    ids = set()
    for entry in feed.findall(f"{A}entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{tag}")) == 1, tag
        assert RFC3339.match(entry.findtext(f"{A}updated"))
        assert entry.findtext(f"{A}id") not in ids
        ids.add(entry.findtext(f"{A}id"))
        alternates = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("href").startswith("http")
        assert entry.find(f"{A}summary").get("type") == "html"


def test_a_search_as_an_atom_feed(client: FlaskClient) -> None:
    params = {"q": "الجفاف", "source": "Reuters"}
    response = client.get("/search.atom", query_string=params)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    check_atom(feed)
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo and parsed.version == "atom10"
    newest = client.get(
        "/api/search", query_string={**params, "sort": "newest", "per_page": 20}
    ).get_json()
    assert [e.title for e in parsed.entries] == [
        re.sub("<[^>]+>", "", h["title"]) for h in newest["hits"]
    ]
    assert all("رويترز" in [a.name for a in e.authors] for e in parsed.entries)
    assert parsed.feed.title == "نبأ: «الجفاف»"
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert "/search.atom?" in self_link and "source=Reuters" in self_link


def test_the_feed_is_advertised(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": "الجفاف"}).get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', page)
    assert link and "/search.atom?q=" in link.group(0)
    opensearch = client.get("/opensearch.xml").get_data(as_text=True)
    assert (
        'type="application/atom+xml"' in opensearch and "/search.atom?q={searchTerms}" in opensearch
    )


def test_hostile_documents_are_escaped_in_the_feed(client: FlaskClient) -> None:
    response = client.get("/search.atom", query_string={"q": HOSTILE_WORD})
    body = response.get_data(as_text=True)
    feed = ET.fromstring(response.get_data())  # well-formed, whatever the documents hold
    check_atom(feed)
    assert feed.findall(f"{A}entry")
    assert "<script" not in body and "<img" not in body  # only as &lt;…


def test_csv_holds_every_match_with_its_filters(client: FlaskClient) -> None:
    params = {"q": "الجفاف"}
    response = client.get("/search.csv", query_string=params)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="naba-search.csv"'
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == api_ids(client, params)
    assert len(rows) > 10  # more than a page
    filtered = {"q": "الجفاف", "year": "2023", "source": "Sky News Arabia"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/search.csv", query_string=filtered).get_data().decode("utf-8-sig")
            )
        )
    )
    assert rows and [r["id"] for r in rows] == api_ids(client, filtered)
    assert all(r["date"].startswith("2023") and "سكاي نيوز عربية" in r["sources"] for r in rows)
    assert all("<mark>" not in r["snippet"] for r in rows)


def test_jsonl_rows_and_the_cap(tmp_path: Path) -> None:
    capped = make_app(EXPORT_MAX=5).test_client()
    lines = capped.get("/search.jsonl", query_string={"q": "الجفاف"}).get_data(as_text=True)
    rows = [json.loads(line) for line in lines.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) == {"id", "title", "date", "sources", "category", "url", "snippet", "score"}


def test_bad_parameters_are_a_400_not_a_500(client: FlaskClient) -> None:
    for path in ("/search.csv", "/search.jsonl", "/search.atom"):
        assert client.get(path, query_string={"q": "x", "month": "2023-13"}).status_code == 400


def test_the_command_line_writes_the_same_rows(client: FlaskClient) -> None:
    env = {"NABA_INDEX": str(shared_index())}
    done = run_cli("query", "الجفاف", "--format", "jsonl", env=env)
    assert done.returncode == 0, done.stderr
    cli = [json.loads(line)["id"] for line in done.stdout.decode().splitlines()]
    assert cli == api_ids(client, {"q": "الجفاف"})
    done = run_cli("query", "الجفاف", "--format", "csv", "--year", "2023", env=env)
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert [r["id"] for r in rows] == api_ids(client, {"q": "الجفاف", "year": "2023"})


def test_the_feed_links_follow_the_public_url_not_the_host_header() -> None:
    client = make_app(PUBLIC_URL="https://news.example/naba").test_client()
    body = client.get("/search.atom?q=الجفاف", headers={"Host": "evil.example"}).get_data(True)
    links = re.findall(r'(?:href="|<id>)(https?://[^"<]+)', body)
    assert links and all(
        url.startswith("https://news.example/naba/")
        for url in links
        if "example.com" not in url and "example.org" not in url
    )
    assert "evil.example" not in body
