"""``fetch``: feeds and article pages from the web into a corpus folder, as files the
readers take (:mod:`.html`, :mod:`.feeds`); ``reindex`` then picks them up.

One file per article, named by a hash of its URL, so fetching again updates a file
instead of adding a copy: ``<hash>.html`` for a page, ``<hash>.rss`` for a feed item
kept as a feed of one item (its feed's title, the item's link, date, source and content
as the feed gave them). With ``follow``, a feed's items are fetched as pages, and the
page replaces the item's file when it has article text.

Manners and limits, because this runs unattended against other people's servers:

* a clear User-Agent (:data:`USER_AGENT`), ``robots.txt`` obeyed for every URL asked
  (RFC 9309: a missing file allows everything, a server error forbids everything);
* conditional requests: the ``ETag`` and ``Last-Modified`` of each URL are kept in the
  folder (``.naba-fetch.json``, hidden from the readers), so an unchanged feed or page
  costs a ``304``;
* a timeout for the whole of each request (a server that trickles bytes is cut off),
  a size cap (a bigger answer is dropped, never saved cut short), at most
  :attr:`FetchOptions.max_pages` requests a run, at most :data:`MAX_REDIRECTS`
  redirects, each checked against ``robots.txt``, and loops refused;
* files written whole (a temporary file renamed), so a reindex never reads half of one.

The report says what was new, changed, unchanged, skipped (and why) and failed (and why).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import time
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3

from search.corpus.base import Entry, ReadContext
from search.corpus.feeds import feed_problem, parse_feed
from search.corpus.html import declared_charset, decode_page, page_to_document
from search.corpus.records import FieldMap
from search.corpus.report import ReadReport

USER_AGENT = "Naba-fetch/1.0 (Arabic news search; +https://example.org/naba)"
MAX_REDIRECTS = 5
STATE_FILE = ".naba-fetch.json"
_FEED_TYPES = ("rss", "atom", "xml")


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """The limits of one run (the command's options)."""

    follow: bool = False
    timeout: float = 15.0
    max_bytes: int = 5 * 2**20
    max_pages: int = 200
    user_agent: str = USER_AGENT


@dataclass(slots=True)
class FetchReport:
    """What a run did, URL by URL (the files are named in ``files``)."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "files": self.files,
            "requests": self.requests,
        }

    def format(self) -> str:
        lines = [
            f"new: {len(self.new)}, changed: {len(self.changed)}, unchanged: "
            f"{len(self.unchanged)}, skipped: {len(self.skipped)}, failed: {len(self.failed)} "
            f"({self.requests} requests)"
        ]
        lines += [f"  skipped {s['url']}: {s['reason']}" for s in self.skipped]
        lines += [f"  failed {f['url']}: {f['reason']}" for f in self.failed]
        return "\n".join(lines)


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, for the report."""


@dataclass(slots=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes


def file_name(url: str, kind: str) -> str:
    """The file an article's URL is saved as: the same URL, the same file."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24] + "." + kind


class Fetcher:
    """One run: a connection pool, the folder's saved state, the robots files read."""

    def __init__(self, into: Path, options: FetchOptions) -> None:
        self.into = into
        self.options = options
        self.report = FetchReport()
        self._http = urllib3.PoolManager(
            retries=False,
            timeout=urllib3.Timeout(connect=options.timeout, read=options.timeout),
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._state: dict[str, dict[str, str]] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads((into / STATE_FILE).read_text("utf-8"))
            if isinstance(loaded, dict):
                self._state = loaded

    # --- HTTP ----------------------------------------------------------------------------

    def _request(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """One GET, its body read whole within the timeout and the size cap."""
        deadline = time.monotonic() + self.options.timeout
        try:
            answer = self._http.request(
                "GET",
                url,
                # (headers given replace the pool's: the User-Agent goes with each request)
                headers={"User-Agent": self.options.user_agent, **(headers or {})},
                redirect=False,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_network_reason(error)) from None
        try:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self.options.max_bytes:
                raise FetchError(f"too large ({int(length):,} bytes)")
            chunks, size = [], 0
            try:
                for chunk in answer.stream(64 * 1024):
                    size += len(chunk)
                    if size > self.options.max_bytes:
                        raise FetchError(f"too large (more than {self.options.max_bytes:,} bytes)")
                    if time.monotonic() > deadline:
                        raise FetchError(f"too slow (more than {self.options.timeout:g} s)")
                    chunks.append(chunk)
            except urllib3.exceptions.HTTPError as error:
                raise FetchError(f"download cut short: {_network_reason(error)}") from None
        finally:
            answer.release_conn()
        headers_out = {k.lower(): v for k, v in answer.headers.items()}
        return Response(url, answer.status, headers_out, b"".join(chunks))

    def allowed(self, url: str) -> bool:
        """Whether ``robots.txt`` lets this fetcher read ``url``."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(site)
        if robots is None:
            robots = urllib.robotparser.RobotFileParser(site + "/robots.txt")
            try:
                answer = self._request(site + "/robots.txt")
            except FetchError:
                robots.disallow_all = True  # unreachable: assume nothing is allowed
            else:
                if answer.status >= 500:
                    robots.disallow_all = True
                elif answer.status >= 400:
                    robots.allow_all = True
                else:
                    robots.parse(answer.body.decode("utf-8", "replace").splitlines())
            self._robots[site] = robots
        return robots.can_fetch(self.options.user_agent, url)

    def get(self, url: str) -> Response | None:
        """``url`` after its redirects; ``None`` when its server says it has not changed
        since the last run. Raises :class:`FetchError` with the reason."""
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError("not an http(s) address")
            if not self.allowed(url):
                raise FetchError("disallowed by robots.txt")
            if self.report.requests >= self.options.max_pages:
                raise FetchError(f"page limit reached ({self.options.max_pages} requests)")
            headers = {}
            saved = self._state.get(url, {})
            if not saved.get("file") or (self.into / saved["file"]).is_file():
                # (a page whose file was deleted since is asked for whole again)
                if saved.get("etag"):
                    headers["If-None-Match"] = saved["etag"]
                if saved.get("last_modified"):
                    headers["If-Modified-Since"] = saved["last_modified"]
            self.report.requests += 1
            answer = self._request(url, headers)
            if answer.status in (301, 302, 303, 307, 308):
                target = answer.headers.get("location")
                if not target:
                    raise FetchError(f"HTTP {answer.status} without a Location")
                url = urljoin(url, target)
                if url in seen:
                    raise FetchError("redirect loop")
                seen.add(url)
                continue
            if answer.status == 304:
                return None
            if answer.status != 200:
                raise FetchError(f"HTTP {answer.status}")
            return answer
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _remember(self, url: str, answer: Response, file: str | None = None) -> None:
        """What the next run's conditional request sends for ``url``."""
        kept = {
            "etag": answer.headers.get("etag"),
            "last_modified": answer.headers.get("last-modified"),
        }
        kept = {k: v for k, v in kept.items() if v}
        if file:
            kept["file"] = file
        self._state[url] = kept

    # --- files ---------------------------------------------------------------------------

    def _save(self, url: str, name: str, data: bytes, replaces: str | None = None) -> None:
        """Write ``name`` whole and report it new, changed or unchanged."""
        path = self.into / name
        old = path.read_bytes() if path.is_file() else None
        if old == data:
            self.report.unchanged.append(url)
        else:
            fd, temporary = tempfile.mkstemp(prefix=".fetch-", dir=self.into)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
            (self.report.new if old is None else self.report.changed).append(url)
        self.report.files[url] = name
        if replaces:
            with contextlib.suppress(FileNotFoundError):
                (self.into / replaces).unlink()

    def save_state(self) -> None:
        data = json.dumps(self._state, ensure_ascii=False, indent=1, sort_keys=True)
        fd, temporary = tempfile.mkstemp(prefix=".fetch-", dir=self.into)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(temporary, self.into / STATE_FILE)

    # --- feeds and pages ---------------------------------------------------------------------

    def fetch(self, url: str) -> None:
        """A feed (its items saved, or followed) or an article page."""
        try:
            answer = self.get(url)
        except FetchError as error:
            self.report.failed.append({"url": url, "reason": str(error)})
            return
        if answer is None:
            self.report.unchanged.append(url)
            return
        if _is_feed(answer):
            self._feed(url, answer)
        elif _is_html(answer):
            problem = self._page(url, answer)
            if problem:
                self.report.skipped.append({"url": url, "reason": problem})
            else:
                self._remember(url, answer, file_name(url, "html"))
        else:
            kind = answer.headers.get("content-type", "?")
            self.report.failed.append({"url": url, "reason": f"neither a feed nor a page ({kind})"})

    def _page(self, url: str, answer: Response, replaces: str | None = None) -> str | None:
        """Save a page that holds an article; else the reason it is not saved."""
        data = _with_charset(answer)
        report = ReadReport()
        ctx = ReadContext(report=report, field_map=FieldMap())
        name = file_name(url, "html")
        page = page_to_document(decode_page(data, Entry(name, url), ctx), Entry(name, url), ctx)
        if page is None:
            reasons = [p.reason for p in report.problems]
            return reasons[0] if reasons else "no article"
        self._save(url, name, data, replaces=replaces)
        return None

    def _feed(self, url: str, answer: Response) -> None:
        parsed = parse_feed(answer.body)
        problem = feed_problem(parsed)
        if problem is not None:
            self.report.failed.append({"url": url, "reason": f"{problem[0]}: {problem[1]}"})
            return
        self._remember(url, answer)
        title = parsed.feed.get("title", "")
        for item in parsed.entries:
            link = item.get("link") or item.get("id")
            if not link:
                self.report.skipped.append({"url": url, "reason": "an item without a link"})
                continue
            item_file = file_name(link, "rss")
            if self.options.follow:
                try:
                    page = self.get(link)
                except FetchError as error:
                    self.report.failed.append({"url": link, "reason": str(error)})
                    page = None
                    if (self.into / file_name(link, "html")).is_file():
                        continue  # keep the page saved before
                else:
                    if page is None:
                        self.report.unchanged.append(link)
                        continue
                    if _is_html(page) and self._page(link, page, replaces=item_file) is None:
                        self._remember(link, page, file_name(link, "html"))
                        continue
            self._save(link, item_file, one_item_feed(url, title, item))


def _is_feed(answer: Response) -> bool:
    kind = answer.headers.get("content-type", "").lower()
    if any(t in kind for t in _FEED_TYPES):
        return True
    head = answer.body[:512].lstrip().lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def _is_html(answer: Response) -> bool:
    kind = answer.headers.get("content-type", "").lower()
    head = answer.body[:1024].lstrip().lower()
    return "html" in kind or head.startswith((b"<!doctype html", b"<html"))


def _with_charset(answer: Response) -> bytes:
    """The page as saved: when its server declared a charset the page itself does not,
    the declaration is written at its top (the file keeps what the server said)."""
    kind = answer.headers.get("content-type", "")
    _, _, charset = kind.lower().partition("charset=")
    charset = charset.split(";")[0].strip().strip("\"'")
    if not charset or declared_charset(answer.body) is not None:
        return answer.body
    return f'<meta charset="{charset}">\n'.encode("ascii", "ignore") + answer.body


def one_item_feed(feed_url: str, feed_title: str, item: Any) -> bytes:
    """A feed item as an RSS 2.0 file of its own (what :mod:`.feeds` reads back)."""
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = feed_title
    ET.SubElement(channel, "link").text = feed_url
    entry = ET.SubElement(channel, "item")
    contents = [c.get("value", "") for c in item.get("content") or ()]
    values = [
        ("title", item.get("title", "")),
        ("link", item.get("link", "")),
        ("guid", item.get("id", "")),
        ("pubDate", item.get("published") or item.get("updated") or ""),
        ("author", item.get("author", "")),
        ("description", max(contents, key=len) if contents else item.get("summary", "")),
    ]
    for tag, value in values:
        if value:
            ET.SubElement(entry, tag).text = value
    for tag in item.get("tags") or ():
        if tag.get("term"):
            ET.SubElement(entry, "category").text = tag["term"]
    source = item.get("source") or {}
    if source.get("title"):
        ET.SubElement(entry, "source", url=source.get("href") or feed_url).text = source["title"]
    out = io.BytesIO()
    ET.ElementTree(rss).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue() + b"\n"


def _network_reason(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError | urllib3.exceptions.ReadTimeoutError):
        return "timed out"
    reason = getattr(error, "reason", None) or error
    return str(reason).split(": ", 1)[-1][:200] or type(error).__name__


def fetch(urls: Iterable[str], into: Path, options: FetchOptions | None = None) -> FetchReport:
    """Fetch ``urls`` into the folder ``into`` (created if need be)."""
    into.mkdir(parents=True, exist_ok=True)
    fetcher = Fetcher(into, options or FetchOptions())
    for url in urls:
        fetcher.fetch(url.strip())
    fetcher.save_state()
    return fetcher.report
