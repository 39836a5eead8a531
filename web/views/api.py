"""The JSON API: the pages' data for programs, documented in ``docs/api.md``.

``/api/search`` answers with exactly what ``python -m search query --json`` prints
(:meth:`SearchResponse.to_dict`): the same parameters go through the same
:meth:`SearchRequest.from_params`, so the web and the command line cannot disagree.
Bad parameters are the search layer's :class:`InvalidRequest`, answered as a 400 JSON
error by :mod:`web.errors`; CORS headers come from :func:`web.security.cors_headers`.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from search.params import whole_number
from search.searching import (
    IndexMissing,
    SearchRequest,
    get_document,
    index_servers,
    index_stats,
    search,
    suggest,
    timeline,
)
from web import openapi
from web.live_index import get_index
from web.params import request_args, search_params

bp = Blueprint("api", __name__)

SUGGEST_DEFAULT = 8
SUGGEST_MAX = 20


@bp.route("/api/search", methods=["GET", "POST"])
def api_search() -> Response:
    """A search; POST takes the same parameters as a form or a JSON object, for queries
    too long for a URL."""
    request_ = SearchRequest.from_params(search_params(request_args()))
    return jsonify(search(get_index(), request_).to_dict())


@bp.route("/api/timeline", methods=["GET", "POST"])
def api_timeline() -> Response:
    """A search's matches per day, week, month or year (``interval``, ``calendar``), and
    those without a date apart: the search page's timeline, without the hits."""
    request_ = SearchRequest.from_params(search_params(request_args()))
    return jsonify(timeline(get_index(), request_))


@bp.get("/api/doc", endpoint="api_document_by_query")
@bp.get("/api/doc/<path:doc_id>")
def api_document(doc_id: str | None = None) -> Response:
    """One document; ``?q=`` highlights the query's words in ``title`` and ``body_html``.
    ``/api/doc?id=…`` takes any id, also those a path cannot carry (``../x``)."""
    if doc_id is None:
        doc_id = request.args.get("id", "")
    q = request.args.get("q", "").strip() or None
    doc = get_document(get_index(), doc_id, q, current_app.config["CORPUS"])
    if doc is None:
        abort(404, f"no document {doc_id!r}")
    return jsonify(doc.to_dict())


@bp.get("/api/suggest")
def api_suggest() -> Response:
    """Completions of a prefix for the search box.

    ``format=opensearch`` answers ``[query, [completions]]``, the
    ``application/x-suggestions+json`` shape browsers ask for.
    """
    q = request.args.get("q", "")
    limit = whole_number(request.args.get("limit", str(SUGGEST_DEFAULT)))
    if limit is None or not 1 <= limit <= SUGGEST_MAX:
        abort(400, f"limit must be a whole number from 1 to {SUGGEST_MAX}")
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "opensearch"):
        abort(400, "format must be json or opensearch")
    completions = suggest(get_index(), q.strip(), limit=limit) if q.strip() else []
    if fmt == "opensearch":
        response = jsonify([q, completions])
        response.mimetype = "application/x-suggestions+json"
        return response
    return jsonify(query=q, suggestions=completions)


@bp.get("/api/stats")
def api_stats() -> Response:
    """Size and coverage of the index: documents, date range, documents per source."""
    return jsonify(index_stats(get_index()))


@bp.get("/api/openapi.json")
def api_description() -> Response:
    """The API described in OpenAPI 3.0 (:mod:`web.openapi`), for clients and fuzzers."""
    return jsonify(openapi.description())


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """For load balancers: 200 while an index is being served, 503 before the first one
    or while no database server answers. A database index lists its servers: a replica
    that is down or lagging is ``degraded``, still 200 (searches go elsewhere)."""
    try:
        index = get_index()
        documents = index_stats(index)["documents"]
    except IndexMissing as error:
        return jsonify(status="unavailable", error=str(error)), 503
    servers = index_servers(index)
    status = "ok" if all(s["status"] == "ok" for s in servers) else "degraded"
    return jsonify(status=status, documents=documents, servers=servers), 200
