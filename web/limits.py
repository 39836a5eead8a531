"""Per-client rate limits on the JSON API (Flask-Limiter), so one client cannot take
every worker's time from the others.

Only ``/api/`` is limited: the pages are for people, who do not click 120 times a minute,
and ``/healthz`` is for load balancers, which must always get an answer. Each API
endpoint counts separately per client address (``RATE_LIMIT``, default ``120/minute``);
``/api/suggest`` has its own, looser limit (``SUGGEST_RATE_LIMIT``, default
``600/minute``) because the search box calls it on every keystroke.

Settings (app config keys: :mod:`search.settings` reads the environment and
``create_app`` fills them in; ``create_app(test_config)`` keys win)::

    NABA_RATE_LIMIT          RATE_LIMIT           "120/minute"; "off" disables limiting
    NABA_SUGGEST_RATE_LIMIT  SUGGEST_RATE_LIMIT   "600/minute"
                             RATELIMIT_ENABLED    Flask-Limiter's own switch (tests)

Counts live in each process's memory: with several gunicorn workers each worker counts
separately, so a client may get up to ``workers ×`` the limit. That is enough to stop
one runaway script, not a distributed flood (put a reverse proxy in front for that).
A refused request is a 429 JSON error ``{"error": "…", "status": 429}`` with a
``Retry-After`` header in seconds, like every other API error (see :mod:`web.errors`).
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from search.settings import DEFAULT_RATE_LIMIT, DEFAULT_SUGGEST_RATE_LIMIT, OFF, check_rate_limit

SUGGEST_ENDPOINT = "api.api_suggest"
#: Where the app keeps its limiter (Flask-Limiter's own entry is a set of limiters).
EXTENSION = "naba.limiter"


def current_limit() -> str:
    """The limit of this request's endpoint (Flask-Limiter asks on every request, so one
    default covers every API endpoint and suggest can still get its own)."""
    config = current_app.config
    if request.endpoint == SUGGEST_ENDPOINT:
        return str(config["SUGGEST_RATE_LIMIT"])
    return str(config["RATE_LIMIT"])


def exempt() -> bool:
    """Everything but the JSON API is exempt; ``/healthz`` must answer load balancers."""
    return not request.path.startswith("/api/")


def too_many_requests(error: RateLimitExceeded) -> tuple[Response, int]:
    """A 429 as JSON with ``Retry-After``: a client can wait instead of hammering.

    Registered for :class:`RateLimitExceeded` itself, so it wins over the generic
    HTTPException handler of :mod:`web.errors` and the header cannot be lost.
    """
    limiter: Limiter = current_app.extensions[EXTENSION]
    window = limiter.current_limit
    retry_after = math.ceil(window.reset_at - time.time()) if window else 60
    response = jsonify(
        error=f"too many requests: at most {error.description}", code="rate_limited", status=429
    )
    response.headers["Retry-After"] = str(max(1, retry_after))
    return response, 429


def init_app(app: Flask) -> None:
    """Refuse a malformed limit at start-up, and attach the limiter.

    A limiter per app (not a module global) so that each app built by the tests starts
    with empty counts.
    """
    app.config.setdefault("RATE_LIMIT", DEFAULT_RATE_LIMIT)
    app.config.setdefault("SUGGEST_RATE_LIMIT", DEFAULT_SUGGEST_RATE_LIMIT)
    if str(app.config["RATE_LIMIT"]).lower() in OFF:
        app.config["RATELIMIT_ENABLED"] = False
    elif app.config.get("RATELIMIT_ENABLED", True):
        # The environment's values were checked when read; test_config's are checked here,
        # the same way: a typo should stop the server, not disable limits.
        for key in ("RATE_LIMIT", "SUGGEST_RATE_LIMIT"):
            check_rate_limit(f"NABA_{key}", str(app.config[key]))
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.extensions[EXTENSION] = Limiter(
        get_remote_address,
        app=app,
        default_limits=[current_limit],
        default_limits_exempt_when=exempt,
    )
    app.register_error_handler(RateLimitExceeded, too_many_requests)
