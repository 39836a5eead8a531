"""Response headers: the security policy of every response, and CORS for the JSON API.

Content-Security-Policy allows scripts and styles from this origin only: no inline
script, no inline style, no ``eval`` (htmx is configured not to need any). Only the
embed page may be framed, and only by the sites in ``NABA_EMBED_ORIGINS``; every other
response refuses foreign frames (CSP ``frame-ancestors 'self'`` plus the older
``X-Frame-Options`` for browsers that predate it).

CORS is one function, :func:`cors_headers`, applied to ``/api/`` responses: reads (GET,
and POST for long queries) for the origins in ``NABA_CORS_ORIGINS``, never with
credentials.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request

#: What other origins may do with the API: read it (POST carries long queries).
READ_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
#: Endpoints that other sites may put in an iframe.
EMBEDDABLE = frozenset({"embed.frame"})

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}

# A CSP host source: scheme://host[:port] with optional wildcard subdomain, or a keyword.
_SOURCE = re.compile(
    r"\*|'self'|'none'|(?:https?://)?(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?|https?:"
)


# A CORS origin: what a browser sends in ``Origin``, compared as a string.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?")


def check_sources(values: list[str], setting: str) -> list[str]:
    """Refuse anything that is not a plain origin: a ``;`` would smuggle in a directive."""
    bad = [value for value in values if not _SOURCE.fullmatch(value)]
    if bad:
        raise ValueError(f"{setting}: not an origin: {', '.join(bad)}")
    return values


def check_cors_origins(values: list[str]) -> list[str]:
    """The CORS allow-list without trailing slashes, or a ValueError naming what cannot
    work. Browsers send ``Origin`` as ``scheme://host[:port]`` and it is compared as a
    string, so a wildcard (``https://*.example``) or a CSP keyword (``'self'``) would
    never match, silently; and ``null`` would match every sandboxed frame and ``file:``
    page at once, which is an attack, not an allow-list."""
    origins = [value.rstrip("/") for value in values]
    bad = [value for value in origins if value != "*" and not _ORIGIN.fullmatch(value)]
    if bad:
        raise ValueError(
            f"NABA_CORS_ORIGINS: {', '.join(bad)}: list origins as https://host[:port], "
            "or * for any (no wildcards, keywords or null)"
        )
    return origins


def content_security_policy(frame_ancestors: str) -> str:
    """The policy string, with ``frame-ancestors`` decided by the caller."""
    policy = {**BASE_POLICY, "frame-ancestors": frame_ancestors}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def security_headers(response: Response) -> Response:
    """Set the security headers on every response (an ``after_request`` hook)."""
    headers = response.headers
    if request.endpoint in EMBEDDABLE:
        origins = current_app.config["EMBED_ORIGINS"]
        ancestors = "*" if "*" in origins else " ".join(["'self'", *origins])
        headers["Content-Security-Policy"] = content_security_policy(ancestors)
    else:
        headers["Content-Security-Policy"] = content_security_policy("'self'")
        headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


def cors_headers(response: Response) -> Response:
    """CORS for the read-only API: the one place that decides who may read it."""
    if not request.path.startswith("/api/") or request.method not in READ_METHODS:
        return response
    allowed = current_app.config["CORS_ORIGINS"]
    origin = request.headers.get("Origin", "").rstrip("/")
    if "*" in allowed:
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response.vary.add("Origin")
        if origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
        else:
            return response
    if request.method == "OPTIONS":  # a preflight: say what a later GET may do
        response.headers["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
        requested = request.headers.get("Access-Control-Request-Headers")
        if requested:
            response.headers["Access-Control-Allow-Headers"] = requested
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def init_app(app: Flask) -> None:
    """Validate the allow-lists now (a typo should stop the server, not weaken a header)."""
    check_sources(app.config["EMBED_ORIGINS"], "NABA_EMBED_ORIGINS")
    app.config["CORS_ORIGINS"] = check_cors_origins(app.config["CORS_ORIGINS"])
    app.after_request(cors_headers)
    app.after_request(security_headers)
