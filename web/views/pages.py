"""What people read: the search page, article pages and the OpenSearch description.

``/`` and ``/search`` are one view: with nothing asked, the page welcomes the reader
with the newest articles and the facets of the whole archive; with a query or a filter
it shows results. Every link on the page is a full URL of a state (see
:mod:`web.params`), so the page works without JavaScript and htmx only makes it faster.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from search.searching import (
    InvalidRequest,
    SearchRequest,
    canonical_date,
    compare_versions,
    get_document,
    index_stats,
    more_like_this,
    quick_ranges,
    search,
    split_typed,
    story_versions,
)
from web.i18n import N_
from web.live_index import get_index
from web.params import (
    clean_args,
    has_query,
    query_cut,
    query_text,
    request_args,
    search_params,
    url_with,
)
from web.views.render import is_fragment_request, render_page

bp = Blueprint("pages", __name__)

#: Articles on the welcome page (no query): the newest ones.
WELCOME_HITS = 10


@bp.get("/", endpoint="home")
@bp.route("/search", endpoint="search", methods=["GET", "POST"])
def search_page() -> Response:
    """The search page, whole or (for htmx) just its results block.

    The htmx form posts (a pasted paragraph fits in no URL); the address it pushes is
    the GET URL of the same state (:func:`url_with`), with the query as it was searched.
    """
    args = request_args()
    changes = _canonical_changes(args)
    if changes:
        return redirect(url_with(**changes), 303)
    asked = has_query(args)
    params = search_params(args)
    if not asked:
        # Without words or filters relevance means nothing: show what is new.
        params.setdefault("sort", "newest")
        params.setdefault("per_page", str(WELCOME_HITS))
    context: dict[str, Any] = {
        "q": query_text(args),
        "cut": query_cut(args),
        "args": clean_args(args),
        "asked": asked,
        "response": None,
        "error": None,
    }
    status, push_url = 200, url_with()
    try:
        # The timeline (matches per period) is drawn for searches, not the welcome page.
        found = search(get_index(), SearchRequest.from_params(params, timeline=asked))
        if found.total and found.page > found.pages:
            # A page past the end (an old link, a shrunk archive, a typed number): the
            # last page, at its own address, rather than a count over no results.
            push_url = url_with(page=found.pages if found.pages > 1 else None)
            if not is_fragment_request():
                return redirect(push_url)
            params["page"] = str(found.pages)
            found = search(get_index(), SearchRequest.from_params(params, timeline=asked))
        context["response"] = found.to_dict()
    except InvalidRequest as error:
        context["error"] = error.notice
        status = 400
    if not asked:
        context["stats"] = index_stats(get_index())
    context["quick_ranges"] = quick_ranges(get_index())
    return render_page("search.html", "results", status=status, push_url=push_url, **context)


def _canonical_changes(args: Any) -> dict[str, Any]:
    """What makes this request's address the canonical one of its state: filters typed
    in the query (``source:رويترز``, ``هجري:1444-09``) moved to parameters, so they show
    as ticked boxes and removable chips; days typed in the date boxes as readers write
    them (``16 أغسطس 2023``) as links write them. Empty when the address is canonical."""
    typed_text, typed = split_typed(query_text(args))
    current = clean_args(args)
    changes: dict[str, Any] = {}
    if typed:
        changes["q"] = typed_text or None
        for name, values in typed.items():
            kept = [] if name in ("from", "to") else current.get(name, [])
            changes[name] = list(dict.fromkeys([*kept, *values]))
    for bound in ("from", "to"):
        written = current.get(bound, [""])[0]
        day = canonical_date(bound, written) if written and bound not in changes else None
        if day and day != written:
            changes[bound] = [day]
    return changes


@bp.get("/doc", endpoint="document_by_query")
@bp.get("/doc/<path:doc_id>")
def document(doc_id: str | None = None) -> str:
    """One article; ``?q=`` (set by result links) highlights the query's words in it.

    ``/doc?id=…`` carries the ids a path cannot (see :func:`web.params.doc_url`).
    """
    if doc_id is None:
        doc_id = request.args.get("id", "")
    q = query_text(request.args) or None
    index = get_index()
    doc = get_document(index, doc_id, q, current_app.config["CORPUS"])
    if doc is None:
        abort(404)
    # The story's versions by time, and (``?compare=``) what this one changed against one.
    versions = story_versions(index, doc_id)
    compare = request.args.get("compare", "")
    changes = compare_versions(index, doc_id, compare) if compare else None
    shown = {v["id"] for v in versions}
    similar = [h for h in more_like_this(index, doc_id, limit=8) if h["id"] not in shown][:5]
    # The search the reader came from (a result's link carries it), for the way back.
    back = clean_args(request.args)
    if q:
        back["q"] = [q]
    return render_template(
        "doc.html",
        doc=doc.to_dict(),
        similar=similar,
        q=q or "",
        back=back,
        versions=versions,
        compare=compare if changes is not None else "",
        changes=changes,
    )


#: The help page's examples: what to type, and what it finds (each one a search link;
#: the meanings are translated where the page shows them).
HELP_EXAMPLES = (
    (
        "العلاقات الكورية",
        N_("المقالات التي فيها الكلمتان معا؛ ومن أربع كلمات فأكثر، ثلاثة أرباعها"),
    ),
    ('"سد الغدير"', N_("العبارة كما هي (أو بين «»)")),
    ("بوتين -لافروف", N_('مقالات عن بوتين ليس فيها لافروف (أو ‎-"عبارة"‎)')),
    ("لافروف أو جاكرتا", N_("مقالات فيها إحدى الكلمتين (أو OR)")),
    ("المصدر:رويترز الجفاف", N_("الجفاف في أخبار رويترز وحدها، بأي كتابة لاسم المصدر")),
    ("التاريخ:2023-08 الجفاف", N_("الجفاف في أغسطس 2023 (أو سنة 2023، أو يوم 2023-08-16)")),
    ("القسم:مياه", N_("مقالات قسم بعينه كما تسميه المقالات")),
    ("هجري:«رمضان 1444» الجفاف", N_("الجفاف في شهر هجري بعينه (أو 1444-09)")),
)


@bp.get("/help", endpoint="help")
def help_page() -> str:
    """How to search, with examples to click (linked from the search box)."""
    return render_template("help.html", examples=HELP_EXAMPLES)


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """Lets browsers add Naba as a search engine, with suggestions as the user types."""
    xml = render_template("opensearch.xml")
    return Response(xml, mimetype="application/opensearchdescription+xml")
