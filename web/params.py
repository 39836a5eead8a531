"""Query strings in, search parameters and facet-link URLs out.

``/search``, ``/api/search`` and ``/embed`` take the same parameters as
``python -m search query``, in the query string of a GET or the body of a POST (a pasted
paragraph does not fit in a URL: gunicorn's request line holds about 1,300 percent-encoded
Arabic letters); the search layer validates them
(:meth:`search.searching.SearchRequest.from_params`). This module only reshapes the
parameters: empty values are dropped (an HTML form submits ``from=&to=`` for untouched date
fields, which means "no limit", not "bad date"), repeatable keys stay lists.

The same reshaping builds the links of the page: every facet, sort and page link is the
current URL with one change, so each state of the page has its own shareable URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, abort, current_app, g, request, url_for
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from search.searching import BOX_FACETS, FILTER_PARAMS, MAX_QUERY_CHARS, PARAMS

#: The parameters the search layer understands (its table), in the order URLs are written.
SEARCH_KEYS = tuple(param.name for param in PARAMS)
REPEATABLE = frozenset(param.name for param in PARAMS if param.repeatable)
#: The parameters that ask for something (else the page shows its welcome state).
ASKING_KEYS = ("q", *(param.name for param in FILTER_PARAMS))
#: Changing anything but the page starts over from the first page.
RESETS_PAGE = frozenset(SEARCH_KEYS) - {"page"}


def request_args() -> MultiDict[str, str]:
    """This request's parameters: the query string, plus for a POST its body (a form, or
    for API clients a JSON object whose values are strings, numbers or lists of them).

    POST exists for long queries (the htmx form posts, the API accepts both); it asks
    for nothing a GET cannot, and searching changes nothing, so it needs no token.
    """
    if request.method != "POST":
        return request.args
    if not request.is_json:
        return CombinedMultiDict([request.args, request.form])
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object of search parameters")
    values: MultiDict[str, str] = MultiDict()
    for key, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool) or not isinstance(item, str | int):
                abort(400, f"{key} must be a string, a whole number or a list of them")
            values.add(key, str(item))
    return CombinedMultiDict([request.args, values])


def clean_args(
    args: MultiDict[str, str], keys: Iterable[str] = SEARCH_KEYS
) -> dict[str, list[str]]:
    """The non-empty values of ``keys``, stripped, in a stable order."""
    cleaned: dict[str, list[str]] = {}
    for key in keys:
        values = [value.strip() for value in args.getlist(key)]
        values = [value for value in values if value]
        if values:
            cleaned[key] = values if key in REPEATABLE else values[:1]
    return cleaned


def query_text(args: MultiDict[str, str]) -> str:
    """The query as the search layer reads it (cut at ``MAX_QUERY_CHARS``): what the
    search box shows and what every link of the page carries."""
    return args.get("q", "").strip()[:MAX_QUERY_CHARS].strip()


def query_cut(args: MultiDict[str, str]) -> bool:
    """Whether the query is longer than the search layer reads (the page says so)."""
    return len(args.get("q", "").strip()) > MAX_QUERY_CHARS


def search_params(args: MultiDict[str, str]) -> dict[str, str | list[str]]:
    """What :meth:`SearchRequest.from_params` takes: lists for repeatable keys, else strings."""
    return {
        key: values if key in REPEATABLE else values[0] for key, values in clean_args(args).items()
    }


def has_query(args: MultiDict[str, str]) -> bool:
    """Whether the request asks for anything (else the page shows its welcome state)."""
    return bool(clean_args(args, ASKING_KEYS))


def changed_args(
    current: Mapping[str, list[str]], changes: Mapping[str, Any]
) -> dict[str, list[str]]:
    """``current`` with ``changes`` applied; ``None`` removes a key, a list replaces all values.

    Keyword arguments cannot be named ``from``, so ``from_`` stands for ``from``.
    """
    result = {key: list(values) for key, values in current.items()}
    for name, value in changes.items():
        key = name.rstrip("_")
        if value is None or value == [] or value == "":
            result.pop(key, None)
        elif isinstance(value, list | tuple):
            result[key] = [str(v) for v in value]
        else:
            result[key] = [str(value)]
    if "page" not in changes and any(name.rstrip("_") in RESETS_PAGE for name in changes):
        result.pop("page", None)
    return {key: result[key] for key in SEARCH_KEYS if key in result}


def url_with(endpoint: str = "pages.search", **changes: Any) -> str:
    """The current search's URL with ``changes`` (for facet, sort and page links).

    Always a ``/search`` URL by default, also from ``/``: one canonical address per state.
    The query in it is cut where the search layer cuts it, so that a pasted paragraph
    (sent by POST) still gets an address short enough to reload and share.
    """
    return url_for(endpoint, **changed_args(search_state(), changes))


def search_state() -> dict[str, list[str]]:
    """The current search as link parameters: what a result's link carries, so that
    the article's «back» link returns to the same results (filters, sort, page).

    Worked out once per request (a page builds hundreds of links from it: facets,
    pages, a timeline's bars); callers get their own copy."""
    state = g.get("naba_search_state")
    if state is None:
        args = request_args()
        state = clean_args(args)
        if "q" in state:
            state["q"] = [query_text(args)]
        g.naba_search_state = state
    return {key: list(values) for key, values in state.items()}


def doc_url(doc_id: str, endpoint: str = "pages.document", **values: Any) -> str:
    """The address of a document (``endpoint`` ``pages.document`` or ``api.api_document``).

    Ids are corpus paths and go in the path, readable: ``/doc/articles/a.txt``. An id
    with an empty, ``.`` or ``..`` segment (``../x``, ``/x``, ``a//b``) cannot: browsers
    resolve dot segments (``%2e%2e`` too) before sending and the router merges slashes,
    so the link would lead elsewhere; it goes in the query string, ``/doc?id=../x``.
    """
    if any(segment in ("", ".", "..") for segment in doc_id.split("/")):
        return url_for(f"{endpoint}_by_query", id=doc_id, **values)
    return url_for(endpoint, doc_id=doc_id, **values)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for other programs (a browser's search-engine list): under
    ``PUBLIC_URL`` when set, else under the request's root, whose host any client can
    choose (and which, behind a proxy, is right only with ``PROXIES`` set)."""
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        return url_for(endpoint, _external=True, **values)
    return public + url_for(endpoint, **values)[len(request.script_root) :]


def toggled(values: Iterable[str], value: str) -> list[str]:
    """``values`` with ``value`` added, or removed if present (a facet checkbox's link)."""
    values = list(values)
    return [v for v in values if v != value] if value in values else [*values, value]


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show around ``page``, with ``None`` where numbers are skipped."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return [n for n in window if n is None or 1 <= n <= pages]


def init_app(app: Flask) -> None:
    """Give templates the link builders."""
    app.jinja_env.globals.update(
        url_with=url_with,
        search_state=search_state,
        external_url=external_url,
        doc_url=doc_url,
        toggled=toggled,
        page_window=page_window,
        box_facets=BOX_FACETS,
        max_query_chars=MAX_QUERY_CHARS,
    )
