"""Saved web pages and RSS/Atom feeds as corpus files: pages written for these tests
(``tests/data/web``, each with what a reader should make of it beside it), read by the
real readers through ``read_corpus``, as files and inside archives."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.corpus import ReadReport, read_corpus
from search.document import Document

WEB = Path(__file__).parent / "data" / "web"
PAGES = sorted((WEB / "pages").glob("*.html"))


def read(*paths: Path) -> tuple[list[Document], ReadReport]:
    report = ReadReport()
    return list(read_corpus(list(paths), report=report)), report


def expected(page: Path) -> dict:
    return json.loads(page.with_suffix(".expected.json").read_text("utf-8"))


def test_every_page_has_what_a_reader_should_make_of_it() -> None:
    assert len(PAGES) >= 8
    assert all(p.with_suffix(".expected.json").is_file() for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_saved_page_is_its_article_and_its_metadata(page: Path) -> None:
    want = expected(page)
    docs, report = read(page)
    if want["skip"]:
        assert docs == []
        assert [(p.origin, p.reason) for p in report.problems] == [(str(page), "no article text")]
        return
    assert len(docs) == 1, report.problems
    doc = docs[0]
    assert doc.id == page.name and doc.origin == str(page)
    assert doc.title == want["title"]
    assert (doc.date.isoformat() if doc.date else None) == want["date"]
    assert doc.url == want["url"]
    assert doc.author == want["author"]
    if want["source"]:
        assert doc.sources, doc.source_rules
        assert want["source"] in doc.sources or doc.source_rules
    for sentence in want["must_contain"]:
        assert sentence in doc.body
    for clutter in want["must_not_contain"]:
        assert clutter not in doc.body, clutter
    # Every decision says which rule made it.
    if doc.date is not None:
        assert doc.date_source
    assert set(doc.source_rules) == set(doc.sources)


def test_the_page_markup_rules_are_named() -> None:
    docs, _ = read(WEB / "pages" / "og-full.html", WEB / "pages" / "jsonld-only.html")
    by_name = {d.id: d for d in docs}
    assert by_name["og-full.html"].date_source == "html:article:published_time"
    assert set(by_name["og-full.html"].source_rules.values()) == {"html:og:site_name"}
    assert by_name["jsonld-only.html"].date_source == "html:json-ld"
    assert set(by_name["jsonld-only.html"].source_rules.values()) == {"html:json-ld"}
    fallback, _ = read(WEB / "pages" / "text-fallback.html")
    assert fallback[0].date_source.startswith("text:")


def test_a_declared_windows_1256_page_is_decoded_and_noted() -> None:
    page = WEB / "pages" / "windows-1256.html"
    with pytest.raises(UnicodeDecodeError):
        page.read_bytes().decode("utf-8")
    docs, report = read(page)
    assert docs[0].title == expected(page)["title"]
    assert [(n.reason, n.detail) for n in report.notes] == [
        ("decoded as Windows-1256", "declared by the page")
    ]


def test_pages_inside_archives_are_read_like_files(tmp_path: Path) -> None:
    zipped, tarred = tmp_path / "saved.zip", tmp_path / "saved.tar.gz"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(WEB / "pages" / "og-full.html", "2024/og-full.html")
    with tarfile.open(tarred, "w:gz") as archive:
        archive.add(WEB / "pages" / "time-tag.html", "time-tag.htm")
    docs, report = read(zipped, tarred)
    assert [d.id for d in docs] == ["saved.zip!2024/og-full.html", "saved.tar.gz!time-tag.htm"]
    assert docs[0].title == expected(WEB / "pages" / "og-full.html")["title"]
    assert not report.problems


def test_a_page_that_is_not_html_loses_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "binary.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.htm").write_bytes(b"")
    (tmp_path / "good.html").write_bytes((WEB / "pages" / "og-full.html").read_bytes())
    docs, report = read(tmp_path)
    assert [d.id for d in docs] == ["good.html"]
    assert {Path(p.origin).name for p in report.problems} == {"binary.html", "empty.htm"}


# --- feeds ---------------------------------------------------------------------------------


FEEDS_EXPECTED = WEB / "feeds" / "feeds.expected.json"
FEEDS = json.loads(FEEDS_EXPECTED.read_text("utf-8")) if FEEDS_EXPECTED.is_file() else {}


@pytest.mark.parametrize("name", ["rss2.xml", "atom.xml"])
def test_each_feed_item_is_a_document(name: str) -> None:
    feed = WEB / "feeds" / name
    docs, report = read(feed)
    want = FEEDS[name]
    assert not report.problems
    assert [d.title for d in docs] == [item["title"] for item in want]
    for doc, item in zip(docs, want, strict=True):
        assert doc.url == item["link"]
        assert (doc.date.isoformat() if doc.date else None) == item["date"]
        assert item["source"] in doc.sources
        assert item["body_contains"] in doc.body
        for markup in item["body_not_contains"]:
            assert markup not in doc.body
        # The origin points at the feed, at the line its item starts on.
        path, _, line = doc.origin.rpartition(":")
        assert path == str(feed)
        assert (
            "<item" in feed.read_text("utf-8").splitlines()[int(line) - 1]
            or "<entry" in (feed.read_text("utf-8").splitlines()[int(line) - 1])
        )
    assert len({d.id for d in docs}) == len(docs)


@pytest.mark.parametrize(
    ("name", "reason"), [("broken.xml", "broken feed"), ("not-a-feed.xml", "not a feed")]
)
def test_a_broken_feed_is_reported_and_skipped_whole(
    name: str, reason: str, tmp_path: Path
) -> None:
    docs, report = read(WEB / "feeds" / name)
    assert docs == []
    assert [p.reason for p in report.problems] == [reason]


def test_a_truncated_feed_beside_good_files_costs_only_itself(tmp_path: Path) -> None:
    whole = (WEB / "feeds" / "rss2.xml").read_bytes()
    (tmp_path / "cut.rss").write_bytes(whole[: len(whole) * 2 // 3])
    (tmp_path / "whole.rss").write_bytes(whole)
    docs, report = read(tmp_path)
    assert len(docs) == len(FEEDS["rss2.xml"])
    assert {d.origin.rsplit(":", 1)[0] for d in docs} == {str(tmp_path / "whole.rss")}
    assert [(Path(p.origin).name, p.reason) for p in report.problems] == [
        ("cut.rss", "broken feed")
    ]


# --- on the site ---------------------------------------------------------------------------


def test_a_saved_page_shows_its_byline_and_the_rules_that_read_it(client: FlaskClient) -> None:
    page = client.get("/doc/pages/2024-water-pipeline-01.html")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "الكاتب" in html and "نادية السالم" in html
    assert "وسم تاريخ النشر في الصفحة" in html and "اسم الموقع في الصفحة" in html
    assert "شارك على فيسبوك" not in html  # the site's furniture stayed behind
    record = client.get("/api/doc/pages/2024-water-pipeline-01.html").get_json()
    assert record["author"] == "نادية السالم"
    assert record["url"].startswith("https://alwaha-today.example.org/")


def test_a_feed_item_is_found_and_shown_with_its_feed(client: FlaskClient) -> None:
    found = client.get("/api/search?q=قاعة رقمية للأطفال&source=أخبار الواحة").get_json()
    assert found["total"] >= 1
    hit = found["hits"][0]
    assert hit["url"].startswith("https://oasis-news.example.org/")
    record = client.get(f"/api/doc/{hit['id']}").get_json()
    assert record["origin"].startswith("feeds/oasis-news.rss:")
