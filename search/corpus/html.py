"""Saved article pages (``.html``, ``.htm``): one page, one document.

What newsrooms and researchers keep is pages saved from sites: the article among menus,
share buttons, related headlines, comments and footers. The article's text is taken by
trafilatura (measured against readability-lxml on pages written for the tests:
``benchmarks/html_extraction.py``); the metadata is read from the page's own markup,
each value with the rule that found it, so ``python -m search metadata`` can say why:

* title: ``og:title``, else JSON-LD ``headline``, else ``<title>`` without the site's
  name (``العنوان - الموقع``, ``الموقع :: العنوان``), else the first ``<h1>``;
* date (``date_source`` ``html:<rule>``): ``article:published_time`` (and its
  ``itemprop``/``pubdate`` spellings), else JSON-LD ``datePublished``, else a
  ``<time datetime>``; the day as written, in the page's own time zone;
* sources (rule ``html:og:site_name`` or ``html:json-ld``): ``og:site_name``, else the
  JSON-LD publisher; known outlets by their canonical name;
* url: ``<link rel=canonical>``, else ``og:url``, else JSON-LD ``url``;
* author: ``<meta name=author>``, ``article:author``, JSON-LD ``author``.

Whatever the markup lacks comes from Naba's own rules on the text (a dateline, «نُشر
بتاريخ …»), as for a plain-text article. The declared charset is honoured (``<meta
charset>``, ``http-equiv``, a BOM): old Arabic sites declare ``windows-1256``. A page
with no article text (a section's front page, a list of links) is reported and skipped.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import lxml.html
import trafilatura
from lxml import etree

from search.corpus.base import Entry, ReadContext, short_title, too_long
from search.corpus.encoding import ENCODING_NAMES, open_text
from search.corpus.text import date_from_filename
from search.document import Document
from search.metadata import canonical_sources, extract_metadata, parse_date

#: A saved page larger than this is not one article (pages with inline images run to a
#: few megabytes).
MAX_PAGE_BYTES = 20 * 2**20
#: Fewer words than this is no article: a front page's teasers, a paywall's first line.
MIN_ARTICLE_WORDS = 30

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:»«•·]|::)\s+")
_SPACE = re.compile(r"\s+")


def read_html(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    """The :data:`~search.corpus.files.Reader` of saved pages."""
    data = raw.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        ctx.report.skip(
            entry.origin, "too large for one article", f"more than {MAX_PAGE_BYTES:,} bytes"
        )
        return
    doc = page_to_document(decode_page(data, entry, ctx), entry, ctx)
    if doc is not None:
        yield doc


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares (a BOM, ``<meta charset>``, ``http-equiv``), if Python
    knows it; ``iso-8859-1`` is read as ``windows-1252``, as browsers do."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom):
            return codec
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    found = _CHARSET.search(data[:8192])
    if not found:
        return None
    try:
        codec = codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode_page(data: bytes, entry: Entry, ctx: ReadContext) -> str:
    """The page's text: by its declared charset, else by the corpus's own rules
    (:mod:`search.corpus.encoding`: UTF-8, Windows-1256, ISO-8859-6…)."""
    codec = declared_charset(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            ctx.report.note(entry.origin, f"declared charset {codec} does not decode it")
        else:
            if codec not in ("utf-8", "utf-8-sig"):
                name = ENCODING_NAMES.get(codec, codec)
                ctx.report.note(entry.origin, f"decoded as {name}", "declared by the page")
            return text
    decoded = open_text(io.BytesIO(data))
    if decoded.encoding in ENCODING_NAMES:
        ctx.report.note(entry.origin, f"decoded as {ENCODING_NAMES[decoded.encoding]}")
    return decoded.stream.read()


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed item's content), a paragraph per block: for
    text that is all article, where the page extractor's boilerplate rules would only
    cost sentences."""
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _SPACE.sub(" ", fragment).strip()
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in blocks:
            element.tail = "\n\n" + (element.tail or "")
    lines = [_SPACE.sub(" ", line).strip() for line in root.text_content().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- the page's own metadata ----------------------------------------------------------------


class PageMeta:
    """What a page's markup says about the article: ``<meta>`` tags, JSON-LD, ``<link>``."""

    def __init__(self, root: Any) -> None:
        self.meta: dict[str, str] = {}
        for element in root.iter("meta"):
            key = (element.get("property") or element.get("name") or "").strip().lower()
            key = key or (element.get("itemprop") or "").strip().lower()
            content = (element.get("content") or "").strip()
            if key and content and key not in self.meta:
                self.meta[key] = content
        self.canonical = ""
        for link in root.iter("link"):
            rel = (link.get("rel") or "").lower().split()
            if "canonical" in rel and not self.canonical:
                self.canonical = (link.get("href") or "").strip()
        self.objects = list(_json_ld(root))
        #: Objects by ``@id``: a ``@graph``'s article names its publisher by reference.
        self.by_id = {o["@id"]: o for o in self.objects if isinstance(o.get("@id"), str)}
        self.titles = [_clean(t.text_content()) for t in root.iter("title")]
        self.h1 = [_clean(h.text_content()) for h in root.iter("h1")]
        self.times = [
            (t.get("datetime") or "").strip()
            for t in root.iter("time")
            if (t.get("datetime") or "").strip()
        ]

    def ld(self, key: str) -> Any:
        """The first value of ``key`` in the page's JSON-LD articles (then any object)."""
        ordered = sorted(self.objects, key=lambda o: not _is_article(o))
        for item in ordered:
            value = item.get(key)
            if value:
                return value
        return None

    def site_name(self) -> tuple[str, str] | None:
        if self.meta.get("og:site_name"):
            return self.meta["og:site_name"], "html:og:site_name"
        publisher = _name(self._resolve(self.ld("publisher")))
        if publisher:
            return publisher, "html:json-ld"
        named = self._title_site()
        return (named, "html:title") if named else None

    def _resolve(self, value: Any) -> Any:
        """A JSON-LD value with ``{"@id": …}`` references replaced by their objects."""
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(value["@id"], value)
        return value

    def _title_site(self) -> str | None:
        """The site's name in ``<title>``: the part beside the headline the page prints
        as its ``<h1>`` (``الموقع :: العنوان``), when there is exactly one."""
        if not self.titles or not self.h1:
            return None
        parts = _TITLE_SEPARATORS.split(self.titles[0])
        headline = _key(self.h1[0])
        rest = [p for p in parts if _key(p) != headline]
        return rest[0] if len(parts) == 2 and len(rest) == 1 else None

    def title(self) -> str:
        for candidate in (self.meta.get("og:title"), self.meta.get("twitter:title")):
            if candidate:
                return self._without_site(_clean(candidate))
        headline = self.ld("headline")
        if isinstance(headline, str) and headline.strip():
            return _clean(headline)
        if self.titles and self.titles[0]:
            return self._without_site(self.titles[0])
        return self.h1[0] if self.h1 else ""

    def _without_site(self, title: str) -> str:
        """``title`` without the site's name the page added before or after it."""
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        publisher = self.meta.get("og:site_name") or _name(self._resolve(self.ld("publisher")))
        names = {_key(publisher)} if publisher else set()
        for h1 in self.h1:  # the headline itself, as the page prints it
            if _key(h1) in {_key(p) for p in parts}:
                return h1
        if _key(parts[-1]) in names:
            return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
        if _key(parts[0]) in names:
            return " - ".join(parts[1:]) if len(parts) > 2 else parts[1]
        return title

    def date(self, ctx: ReadContext) -> tuple[Any, str] | None:
        candidates = [
            (self.meta.get("article:published_time"), "html:article:published_time"),
            (self.meta.get("datepublished"), "html:itemprop"),
            (self.meta.get("pubdate"), "html:pubdate"),
            (self.meta.get("og:published_time"), "html:og:published_time"),
            (_first_text(self.ld("datePublished")), "html:json-ld"),
            *((value, "html:time") for value in self.times[:1]),
        ]
        for value, rule in candidates:
            if value:
                day = parse_date(value, now=ctx.now)
                if day is not None:
                    return day, rule
        return None

    def url(self) -> str | None:
        ld_url = self.ld("url")
        page = self.ld("mainEntityOfPage")
        if isinstance(page, dict):
            page = page.get("@id") or page.get("url")
        for candidate in (self.canonical, self.meta.get("og:url"), ld_url, page):
            if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
                return candidate.strip()
        return None

    def author(self) -> str | None:
        for candidate in (self.meta.get("author"), self.meta.get("article:author")):
            if candidate and not candidate.startswith(("http://", "https://")):
                return _clean(candidate)
        return _name(self._resolve(self.ld("author"))) or None


def _json_ld(root: Any) -> Iterator[dict[str, Any]]:
    """Every object of the page's JSON-LD blocks, ``@graph`` and lists flattened."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                yield item


def _is_article(item: dict[str, Any]) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.endswith(("Article", "Posting")) for k in kinds)


def _name(value: Any) -> str:
    """A person's or organisation's name from JSON-LD (a string, an object, a list)."""
    if isinstance(value, list):
        names = [_name(v) for v in value]
        return "، ".join(n for n in names if n)
    if isinstance(value, dict):
        value = value.get("name")
    return _clean(value) if isinstance(value, str) else ""


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _key(text: str) -> str:
    return _clean(text).casefold()


# --- the document ---------------------------------------------------------------------------


def page_to_document(html: str, entry: Entry, ctx: ReadContext) -> Document | None:
    """One article from a page's HTML; reports and returns ``None`` when it has none."""
    try:
        root = parse_page(html)
    except (etree.ParserError, ValueError) as error:
        ctx.report.skip(entry.origin, "not a web page", str(error) or "empty")
        return None
    page = PageMeta(root)
    body = article_text(root)
    if len(body.split()) < MIN_ARTICLE_WORDS:
        ctx.report.skip(entry.origin, "no article text", f"{len(body.split())} words found")
        return None
    if too_long(body, entry.origin, ctx):
        return None
    title = short_title(page.title(), entry.origin, ctx)
    body = _after_headline(body, title)
    meta = extract_metadata(f"{title}\n{body}" if title else body, now=ctx.now)
    doc = Document(id=entry.id, title=title or meta.title, body=body, origin=entry.origin)
    doc.url = page.url()
    dated = page.date(ctx)
    if dated is not None:
        doc.date, doc.date_source = dated
    elif meta.date is not None:
        doc.date, doc.date_source = meta.date, meta.date_source
    else:
        doc.date = date_from_filename(entry.id, ctx.now)
        doc.date_source = "filename" if doc.date else None
    site = page.site_name()
    if site is not None:
        doc.sources = canonical_sources(site[0])
        doc.source_rules = dict.fromkeys(doc.sources, site[1])
    else:
        doc.sources, doc.source_rules = list(meta.sources), dict(meta.source_rules)
    doc.author = page.author()
    return doc


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def parse_page(html: str) -> Any:
    """The page's element tree, from its decoded text (its own charset declaration,
    already honoured, is not obeyed a second time)."""
    return lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)


def _after_headline(body: str, title: str) -> str:
    """The body without the headline printed above it (and a breadcrumb above that)."""
    paragraphs = body.split("\n\n")
    for at, paragraph in enumerate(paragraphs[:3]):
        if title and _key(paragraph) == _key(title) and at + 1 < len(paragraphs):
            return "\n\n".join(paragraphs[at + 1 :])
    return body


def article_text(root: Any) -> str:
    """The article's paragraphs (trafilatura), a blank line between them; empty when
    what is left is a list of links or teasers rather than an article."""
    _unwrap_layout_tables(root)
    text = trafilatura.extract(
        root,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not text:
        return ""
    paragraphs = [p for p in (_clean(line) for line in text.split("\n")) if p]
    listed = sum(len(p.split()) for p in paragraphs if p.startswith(("- ", "• ", "* ")))
    if listed * 2 > sum(len(p.split()) for p in paragraphs):
        return ""  # a front page's headlines and teasers
    return "\n\n".join(paragraphs)


def _unwrap_layout_tables(root: Any) -> None:
    """Tables that lay a page out (cells holding blocks or long text, as older Arabic
    news sites are built) become plain blocks: trafilatura reads a table as data, cell
    by cell, and took a whole layout's menus and footers with its article."""
    for table in root.iter("table"):
        cells = table.xpath(".//td|.//th")
        if not any(
            cell.xpath(".//div|.//p|.//table|.//ul|.//br") or len(cell.text_content()) > 200
            for cell in cells
        ):
            continue  # a real table of figures
        for element in [table, *table.xpath(".//tbody|.//thead|.//tfoot|.//tr|.//td|.//th")]:
            element.tag = "div"
