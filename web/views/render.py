"""Full page or fragment: the one decision every htmx-driven view makes.

An htmx request (``HX-Request: true``) wants only the block it will swap in, plus a
``<title>`` htmx uses to update the tab. A direct visit, a reload or a visit with
JavaScript off wants the whole page — and so does htmx restoring history after a cache
miss (``HX-History-Restore-Request``), since it swaps the response into ``<body>``.
Responses vary on ``HX-Request`` so no cache hands a fragment to a direct visit.
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_fragment_request() -> bool:
    """True for htmx swaps, false for full loads (including htmx history restores)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(
    template: str, block: str, status: int = 200, push_url: str | None = None, **context: Any
) -> Response:
    """Render ``template`` whole, or only its ``block`` for an htmx request.

    ``push_url`` (fragments only) is the canonical URL of the new state, sent as
    ``HX-Push-Url`` so the address bar shows clean, shareable URLs (no ``from=&to=``);
    as ``HX-Replace-Url`` when the page asks (``X-Naba-History: replace``: typing goes
    on, and one history entry is enough for it).
    """
    if is_fragment_request():
        title = render_block(template, "title", **context).strip()  # autoescaped already
        body = render_block(template, block, **context)
        response = make_response(f"<title>{title}</title>\n{body}", status)
        if push_url is not None:
            replace = request.headers.get("X-Naba-History") == "replace"
            response.headers["HX-Replace-Url" if replace else "HX-Push-Url"] = push_url
    else:
        response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    response.vary.add("X-Naba-History")
    return response
