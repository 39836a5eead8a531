"""``python -m search fetch`` against a real HTTP server on 127.0.0.1 (never the
internet): feeds and pages saved as files the readers take, then indexed; the bad web
(a slow server, a huge page, a redirect loop, a 404, broken XML, windows-1256, robots.txt)
reported, nothing saved cut short, nothing else lost."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from search.corpus import ReadReport, read_corpus
from search.corpus.fetch import STATE_FILE, FetchOptions, fetch, file_name
from tests.support import run_cli

PARAGRAPH = (
    "قالت بلدية مدينة الواحة إن أعمال توسعة الطريق الدائري ستنتهي قبل نهاية الصيف، "
    "وإن حركة السير ستعود إلى طبيعتها في الأحياء الشرقية بعد أشهر من الازدحام. "
)


def page(title: str, words: str = PARAGRAPH, charset: str = "utf-8", extra: str = "") -> str:
    body = "".join(f"<p>{words} ({n})</p>" for n in range(4))
    return (
        f'<!doctype html><html lang="ar"><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="og:site_name" content="بوابة النخيل">{extra}</head><body>'
        '<nav><a href="/">الرئيسية</a><a href="/s">رياضة</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>حقوق النشر محفوظة لبوابة النخيل</footer></body></html>"
    )


def rss(items: list[tuple[str, str]], title: str = "وكالة الواحة") -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 09:30:00 +0300</pubDate>"
        f"<description>&lt;p&gt;{PARAGRAPH} {t}&lt;/p&gt;</description></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{entries}</channel></rss>"
    )


class Site:
    """Routes of a test server: path -> (status, headers, body) or a handler."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None] | tuple] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def add(
        self,
        path: str,
        body: str | bytes,
        kind: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": kind, **(headers or {})}, data)
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    routes = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes.hits.append((self.path, dict(self.headers)))
            route = routes.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if callable(route):
                route(self)
                return
            status, headers, data = route
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    routes.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield routes
    finally:
        server.shutdown()
        server.server_close()


def documents(folder: Path) -> tuple[list, ReadReport]:
    report = ReadReport()
    return list(read_corpus([folder], report=report)), report


def test_a_page_is_saved_by_its_url_and_read_back_as_an_article(site: Site, tmp_path: Path) -> None:
    url = site.add("/news/1", page("افتتاح الطريق الدائري في الواحة"))
    report = fetch([url], tmp_path)
    assert report.new == [url] and not report.failed
    saved = tmp_path / file_name(url, "html")
    assert saved.is_file()
    docs, problems = documents(tmp_path)
    assert [d.title for d in docs] == ["افتتاح الطريق الدائري في الواحة"]
    assert docs[0].sources == ["بوابة النخيل"] and "الأحياء الشرقية" in docs[0].body
    assert "حقوق النشر" not in docs[0].body and not problems.problems
    # The user agent says who is asking.
    assert all("Naba" in headers.get("User-Agent", "") for _, headers in site.hits)


def test_fetching_again_updates_the_same_file_and_asks_conditionally(
    site: Site, tmp_path: Path
) -> None:
    url = site.add("/news/2", page("خبر أول"), headers={"ETag": '"v1"'})
    assert fetch([url], tmp_path).new == [url]
    again = fetch([url], tmp_path)
    assert again.unchanged == [url] and not again.new and not again.changed
    assert site.hits[-1][1].get("If-None-Match") == '"v1"'  # answered 304
    site.add("/news/2", page("خبر أول بعد التعديل"), headers={"ETag": '"v2"'})
    changed = fetch([url], tmp_path)
    assert changed.changed == [url]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        file_name(url, "html")
    ]
    docs, _ = documents(tmp_path)
    assert [d.title for d in docs] == ["خبر أول بعد التعديل"]


def test_a_deleted_file_is_fetched_whole_again(site: Site, tmp_path: Path) -> None:
    url = site.add("/news/3", page("خبر ثالث"), headers={"ETag": '"x"'})
    fetch([url], tmp_path)
    (tmp_path / file_name(url, "html")).unlink()
    assert fetch([url], tmp_path).new == [url]
    assert "If-None-Match" not in site.hits[-1][1]


def test_feed_items_become_one_file_each_and_follow_fetches_their_pages(
    site: Site, tmp_path: Path
) -> None:
    one, two = site.base + "/a/1", site.base + "/a/2"
    feed = site.add(
        "/feed.xml",
        rss([("خبر الموجز الأول", one), ("خبر الموجز الثاني", two)]),
        kind="application/rss+xml",
    )
    report = fetch([feed], tmp_path)
    assert sorted(report.new) == [one, two]
    docs, problems = documents(tmp_path)
    assert sorted(d.title for d in docs) == ["خبر الموجز الأول", "خبر الموجز الثاني"]
    assert {d.url for d in docs} == {one, two} and not problems.problems
    assert all(d.sources == ["وكالة الواحة"] and str(d.date) == "2024-03-05" for d in docs)
    assert all("<p>" not in d.body for d in docs)
    # Following: the first item's page replaces its summary; the second has no page.
    site.add("/a/1", page("الخبر الأول كاملا"))
    followed = fetch([feed], tmp_path, FetchOptions(follow=True))
    assert followed.failed == [{"url": two, "reason": "HTTP 404"}]
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == sorted([file_name(one, "html"), file_name(two, "rss")])
    docs, _ = documents(tmp_path)
    assert sorted(d.title for d in docs) == ["الخبر الأول كاملا", "خبر الموجز الثاني"]


def test_robots_txt_is_obeyed(site: Site, tmp_path: Path) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", kind="text/plain")
    secret = site.add("/private/1", page("سري"))
    public = site.add("/public/1", page("عام"))
    report = fetch([secret, public], tmp_path)
    assert report.failed == [{"url": secret, "reason": "disallowed by robots.txt"}]
    assert report.new == [public]
    assert "/private/1" not in [path for path, _ in site.hits]


def test_the_bad_web_is_reported_and_nothing_is_saved_cut_short(site: Site, tmp_path: Path) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.end_headers()
        for _ in range(40):  # a byte at a time: each read is quick, the whole is not
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.end_headers()  # no Content-Length: the cap must hold while reading
        for _ in range(100):
            handler.wfile.write(b"<p>" + "كلمة ".encode() * 2000 + b"</p>")

    def truncated(handler: BaseHTTPRequestHandler) -> None:
        data = page("خبر مقطوع").encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])  # then the connection closes
        handler.close_connection = True

    site.routes["/slow"] = slow
    site.routes["/huge"] = huge
    site.routes["/truncated"] = truncated
    site.add("/loop/a", "", status=302, headers={"Location": "/loop/b"})
    site.add("/loop/b", "", status=302, headers={"Location": "/loop/a"})
    site.add("/broken.xml", rss([("خبر", site.base + "/x")])[:-40], kind="application/rss+xml")
    good = site.add("/good", page("خبر سليم"))
    paths = ("/slow", "/huge", "/loop/a", "/missing", "/broken.xml", "/truncated")
    urls = [site.base + p for p in paths]
    options = FetchOptions(timeout=1.5, max_bytes=200_000)
    report = fetch([*urls, good], tmp_path, options)
    reasons = {f["url"]: f["reason"] for f in report.failed}
    assert reasons[urls[0]].startswith("too slow")
    assert reasons[urls[1]].startswith("too large")
    assert reasons[urls[2]] == "redirect loop"
    assert reasons[urls[3]] == "HTTP 404"
    assert reasons[urls[4]].startswith("broken feed")
    assert reasons[urls[5]].startswith("download cut short")
    assert report.new == [good]
    saved = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert saved == [file_name(good, "html")]


def test_a_page_without_article_text_is_skipped_with_the_reason(site: Site, tmp_path: Path) -> None:
    links = "".join(f'<li><a href="/n/{n}">عنوان {n}</a></li>' for n in range(10))
    url = site.add("/section", f"<html><body><nav>{links}</nav><footer>حقوق</footer></body></html>")
    report = fetch([url], tmp_path)
    assert report.skipped == [{"url": url, "reason": "no article text"}]
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]


def test_a_windows_1256_page_keeps_its_arabic(site: Site, tmp_path: Path) -> None:
    # Declared by the server only: the saved file carries the declaration.
    text = page("أمطار غزيرة على وادي النخيل", charset="windows-1256")
    text = text.replace('<meta charset="windows-1256">', "")
    url = site.add("/cp", text.encode("cp1256"), kind="text/html; charset=windows-1256")
    assert fetch([url], tmp_path).new == [url]
    docs, _ = documents(tmp_path)
    assert docs[0].title == "أمطار غزيرة على وادي النخيل"
    assert "الطريق الدائري" in docs[0].body


def test_last_modified_is_sent_back(site: Site, tmp_path: Path) -> None:
    stamp = email.utils.formatdate(usegmt=True)
    url = site.add("/lm", page("خبر بتاريخ تعديل"), headers={"Last-Modified": stamp})
    fetch([url], tmp_path)
    state = json.loads((tmp_path / STATE_FILE).read_text("utf-8"))
    assert state[url]["last_modified"] == stamp
    fetch([url], tmp_path)
    assert site.hits[-1][1].get("If-Modified-Since") == stamp


def test_the_page_limit_holds(site: Site, tmp_path: Path) -> None:
    urls = [site.add(f"/p/{n}", page(f"خبر رقم {n}")) for n in range(4)]
    report = fetch(urls, tmp_path, FetchOptions(max_pages=2))
    assert len(report.new) == 2
    assert [f["reason"] for f in report.failed] == ["page limit reached (2 requests)"] * 2


def test_the_command_fetches_into_the_corpus_and_reindex_picks_it_up(
    site: Site, tmp_path: Path
) -> None:
    url = site.add("/news/cli", page("خبر من سطر الأوامر"))
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    env = {"NABA_CORPUS": str(corpus), "NABA_INDEX": str(index)}
    done = run_cli("fetch", url, "--json", env=env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["new"] == [url] and answer["into"] == str(corpus)
    assert run_cli("reindex", env=env).returncode == 0
    found = run_cli("query", "الطريق الدائري", "--json", env=env)
    hits = json.loads(found.stdout)["hits"]
    assert [h["title"] for h in hits] == ["خبر من سطر الأوامر"]
    missing = run_cli("fetch", site.base + "/nothing", "--into", str(corpus), env=env)
    assert missing.returncode == 1 and "HTTP 404" in missing.stdout.decode()


def test_flask_fetch_is_the_same_command(site: Site, tmp_path: Path) -> None:
    from tests.browser.support import make_app

    url = site.add("/news/flask", page("خبر عبر فلاسك"))
    runner = make_app(tmp_path / "index").test_cli_runner()
    result = runner.invoke(args=["fetch", url, "--into", str(tmp_path / "web"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new"] == [url]
    assert (tmp_path / "web" / file_name(url, "html")).is_file()
