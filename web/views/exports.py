"""Any search as a feed and as a file: ``/search.atom``, ``/search.csv``, ``/search.jsonl``.

They take the search page's parameters (the same URL with another suffix), so a reader
follows a search in any feed reader and a researcher downloads its list with every
filter applied. The feed holds the newest matches; the files hold every match up to
``NABA_EXPORT_MAX``, streamed. Bad parameters are a 400, as on the page.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_babel import gettext

from search.searching import (
    SearchRequest,
    csv_lines,
    export_rows,
    jsonl_lines,
    search,
    source_label,
)
from web.i18n import current_language
from web.live_index import get_index
from web.params import doc_url, external_url, query_text, request_args, search_params

bp = Blueprint("exports", __name__)

#: Entries in a search's feed: the newest matches.
FEED_ENTRIES = 20
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _request(**overrides: str) -> SearchRequest:
    params: dict[str, Any] = {**search_params(request_args()), **overrides}
    params.pop("page", None)
    return SearchRequest.from_params(params)


def _title() -> str:
    q = query_text(request_args())
    return gettext("نبأ: «%(q)s»", q=q) if q else gettext("نبأ: أحدث الأخبار")


@bp.get("/search.atom")
def atom() -> Response:
    """The newest matches of a search as an Atom 1.0 feed (RFC 4287)."""
    found = search(get_index(), _request(sort="newest", per_page=str(FEED_ENTRIES)))
    state = {k: v for k, v in request_args().lists() if k not in ("page", "sort")}
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: current_language()})
    page_url = external_url("pages.search", **state)
    dates = [hit.date for hit in found.hits if hit.date]
    _text(feed, "id", page_url)
    _text(feed, "title", _title())
    _text(feed, "updated", _stamp(max(dates) if dates else None))
    _link(feed, external_url("exports.atom", **state), "self", "application/atom+xml")
    _link(feed, page_url, "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", gettext("نبأ"))
    _text(feed, "generator", "Naba")
    for hit in found.hits:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {XML_LANG: "ar"})  # the article's words
        here = _absolute(doc_url(hit.id))
        _text(entry, "id", here)
        _text(entry, "title", hit.title_text)
        _text(entry, "updated", _stamp(hit.date))
        if hit.date:
            _text(entry, "published", _stamp(hit.date))
        original = hit.url if hit.url and hit.url.startswith(("http://", "https://")) else None
        _link(entry, original or here, "alternate", "text/html")
        if original:
            _link(entry, here, "related", "text/html")
        for name in hit.sources:
            who = ET.SubElement(entry, f"{{{ATOM}}}author")
            _text(who, "name", name if current_language() == "en" else source_label(name))
        if hit.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": hit.category})
        summary = _text(entry, "summary", hit.snippet)
        summary.set("type", "html")
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + body
    return Response(xml, mimetype="application/atom+xml")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})


def _stamp(day: dt.date | None) -> str:
    """An RFC 3339 time: the article's day (its time is not kept), or now."""
    if day is None:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{day.isoformat()}T00:00:00Z"


def _absolute(path: str) -> str:
    public = current_app.config.get("PUBLIC_URL")
    return (public + path[len(request.script_root) :]) if public else request.host_url[:-1] + path


def _stream(lines: Iterator[str], mimetype: str, name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/search.csv")
def csv_export() -> Response:
    """Every match (up to ``NABA_EXPORT_MAX``) as CSV, UTF-8 with a byte order mark."""
    wanted = _request()
    rows = export_rows(get_index(), wanted, current_app.config["EXPORT_MAX"])
    return _stream(csv_lines(rows), "text/csv; charset=utf-8", "naba-search.csv")


@bp.get("/search.jsonl")
def jsonl_export() -> Response:
    """Every match (up to ``NABA_EXPORT_MAX``) as JSON Lines."""
    wanted = _request()
    rows = export_rows(get_index(), wanted, current_app.config["EXPORT_MAX"])
    return _stream(jsonl_lines(rows), "application/jsonl; charset=utf-8", "naba-search.jsonl")
