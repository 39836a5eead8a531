"""The widget other sites embed: ``/embed`` (framed page) and ``/embed.js`` (its loader).

A site owner pastes one ``<div data-naba-search>`` and one ``<script src=…/embed.js>``
(``docs/embedding.md``). The script frames ``/embed``: a search box and a few results
without the site's header and footer, whose links open the full article here, in a new
tab. The framed page reports its height with ``postMessage`` so the iframe never shows
a scrollbar. ``/embed`` is the one page other sites may frame (see
:data:`web.security.EMBEDDABLE`).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from search.params import whole_number
from search.searching import InvalidRequest, SearchRequest, search
from web.assets import send_static
from web.live_index import get_index
from web.params import clean_args, query_cut, query_text, request_args, search_params
from web.views.render import render_page

bp = Blueprint("embed", __name__)

THEMES = ("light", "dark")
DEFAULT_LIMIT = 5
#: What the widget passes on to the search layer; the rest of /search's options stay there.
EMBED_KEYS = ("q", "source", "category", "mode")


def widget_limit(value: str | None) -> int:
    """``limit`` for the widget: a typo in a pasted snippet falls back to the default
    rather than breaking someone else's page; large values are capped."""
    cap = current_app.config["EMBED_MAX_LIMIT"]
    number = whole_number(value) if value is not None else None
    if number is None:
        return DEFAULT_LIMIT
    return max(1, min(number, cap))


@bp.route("/embed", endpoint="frame", methods=["GET", "POST"])
def frame() -> Response:
    """The framed widget, whole or (for htmx, which posts) just its results."""
    values = request_args()
    theme = values.get("theme")
    theme = theme if theme in THEMES else None
    limit = widget_limit(values.get("limit"))
    args = clean_args(values, EMBED_KEYS)
    q = query_text(values)
    response, error = None, None
    if q:
        params = search_params(values)
        params = {k: v for k, v in params.items() if k in EMBED_KEYS}
        params["per_page"] = str(limit)
        try:
            response = search(get_index(), SearchRequest.from_params(params)).to_dict()
        except InvalidRequest as exc:
            error = exc.notice
    return render_page(
        "embed.html",
        "results",
        status=400 if error else 200,
        q=q,
        cut=query_cut(values),
        args=args,
        theme=theme,
        limit=limit,
        pinned=args.get("source", []),
        response=response,
        error=error,
    )


@bp.get("/embed.js")
def loader() -> Response:
    """The loader script, at a stable URL site owners paste (so no fingerprint: an
    hour's cache, then revalidation with the ETag)."""
    return send_static("embed.js", max_age=3600)
