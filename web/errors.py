"""Errors as a reader or an API client should see them.

Under ``/api/`` every error is JSON (``{"error": "…", "code": "invalid_parameter",
"status": 400}``): the message for people, the code for programs (it never changes
wording); elsewhere it is a page in the site's layout and language, never a stack
trace. A bad search parameter (the search layer's :class:`InvalidRequest`) is a 400 and
a missing index a 503 (the server is up, the data is not yet): neither is a 500.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from search.searching import IndexMissing, InvalidRequest
from web.i18n import N_
from web.views.render import is_fragment_request

#: Headings and explanations for the statuses a reader can meet (translated when shown).
MESSAGES = {
    400: (N_("طلب غير صالح"), N_("في عنوان الصفحة قيمة لا نفهمها. عدّل البحث وحاول مرة أخرى.")),
    404: (N_("الصفحة غير موجودة"), N_("لم نعثر على ما تبحث عنه. ربما حُذف المقال أو تغيّر عنوانه.")),
    405: (N_("طريقة غير مسموح بها"), N_("هذه الصفحة لا تقبل هذا النوع من الطلبات.")),
    413: (
        N_("الطلب أكبر من المسموح"),
        N_("ما أُرسل أكبر مما يقبله البحث. اختصر النص وحاول مرة أخرى."),
    ),
    414: (
        N_("العنوان أطول من المسموح"),
        N_("عنوان الطلب أطول مما يقبله الخادم. اختصر البحث، أو أرسله في جسم الطلب (POST)."),
    ),
    431: (N_("ترويسات الطلب أكبر من المسموح"), N_("ترويسات الطلب أكبر مما يقبله الخادم.")),
    500: (N_("حدث خطأ غير متوقع"), N_("حدث خلل من جهتنا أثناء تجهيز الصفحة. حاول مجددًا بعد قليل.")),
    503: (N_("البحث غير متاح مؤقتًا"), N_("لم يُبنَ فهرس البحث بعد. حاول مجددًا بعد قليل.")),
}


#: The stable ``code`` of each status in JSON errors (``docs/api.md`` lists them).
CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    431: "headers_too_large",
    429: "rate_limited",
    500: "server_error",
    503: "index_missing",
}
#: Headers an error response keeps from Werkzeug's exception (``Allow`` on a 405,
#: ``Retry-After`` on a 429): everything but the body's own.
_BODY_HEADERS = {"content-type", "content-length"}


def wants_json() -> bool:
    """API clients get JSON errors; people get pages."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(
    status: int, message: str | None = None, code: str | None = None
) -> tuple[Response | str, int]:
    """The one place an error becomes a response."""
    title, explanation = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    title, explanation = gettext(title), gettext(explanation)
    if wants_json():
        code = code or CODES.get(status, "server_error" if status >= 500 else "bad_request")
        return jsonify(error=message or title, code=code, status=status), status
    if is_fragment_request():  # htmx swaps it in place of the results it asked for
        return render_template(
            "_error_fragment.html", title=title, explanation=explanation, detail=message
        ), status
    return (
        render_template(
            "error.html", status=status, title=title, explanation=explanation, detail=message
        ),
        status,
    )


def handle_http(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
    if error.code is None or error.code < 400:  # redirects raised as exceptions pass through
        return error
    # API clients get Werkzeug's or the view's explanation; pages show it only for a 400.
    detail = error.description if wants_json() or error.code == 400 else None
    body, status = error_response(error.code, detail)
    response = make_response(body, status)
    for name, value in error.get_headers():
        if name.lower() not in _BODY_HEADERS:
            response.headers[name] = value
    return response, status


def handle_invalid(error: InvalidRequest) -> tuple[Response | str, int]:
    return error_response(400, str(error), "invalid_parameter")


def handle_missing(error: IndexMissing) -> tuple[Response | str, int]:
    return error_response(503, str(error) if wants_json() else None)


def handle_crash(error: InternalServerError) -> tuple[Response | str, int]:
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InvalidRequest, handle_invalid)
    app.register_error_handler(IndexMissing, handle_missing)
    app.register_error_handler(InternalServerError, handle_crash)
