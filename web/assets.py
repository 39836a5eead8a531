"""Static files: fingerprinted URLs, long caching, and htmx from its PyPI package.

Every page links its CSS and JS as ``/static/<name>?v=<hash of the content>``. A request
carrying the current hash is cached for a year (``immutable``): a changed file gets a new
URL, so no visitor ever runs stale code. Without the hash (or with an old one) the file
is served with ``no-cache``, so browsers revalidate with the ETag and get a 304.

htmx is not committed: it is the ``django-js-lib-htmx`` wheel's copy (the package has
no Django dependency), located with importlib and served at ``/static/vendor/…``.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, send_from_directory, url_for
from werkzeug.security import safe_join

STATIC = Path(__file__).resolve().parent / "static"
YEAR = 365 * 24 * 3600

bp = Blueprint("assets", __name__)


def vendor_dir() -> Path:
    """The folder of the installed htmx (fails loudly if the package is missing)."""
    spec = importlib.util.find_spec("js_lib_htmx")
    if spec is None or spec.origin is None:
        raise RuntimeError("htmx is missing: pip install django-js-lib-htmx (requirements.txt)")
    return Path(spec.origin).parent / "static" / "htmx"


def locate(filename: str) -> tuple[Path, str] | None:
    """(directory, name inside it) of a static file, or ``None`` if there is no such file."""
    if filename.startswith("vendor/"):
        directory, name = vendor_dir(), filename.removeprefix("vendor/")
    else:
        directory, name = STATIC, filename
    path = safe_join(str(directory), name)
    if path is None or not Path(path).is_file():
        return None
    return directory, name


_fingerprints: dict[Path, tuple[float, str]] = {}


def fingerprint(filename: str) -> str:
    """A short hash of the file's content, recomputed only when its mtime changes."""
    found = locate(filename)
    if found is None:
        raise FileNotFoundError(f"no static file {filename!r}")
    path = found[0] / found[1]
    mtime = path.stat().st_mtime
    cached = _fingerprints.get(path)
    if cached is None or cached[0] != mtime:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=6).hexdigest()
        cached = _fingerprints[path] = (mtime, digest)
    return cached[1]


def asset_url(filename: str) -> str:
    """The fingerprinted URL templates use: ``asset_url('naba.css')``."""
    return url_for("assets.file", filename=filename, v=fingerprint(filename))


def send_static(filename: str, *, max_age: int | None = None) -> Response:
    """Send a static file with ETag and conditional-request support (304s).

    ``max_age=None`` decides from the URL: a year when it carries the current fingerprint,
    else revalidate every time.
    """
    found = locate(filename)
    if found is None:
        abort(404)
    fingerprinted = max_age is None and request.args.get("v") == fingerprint(filename)
    if max_age is None:
        max_age = YEAR if fingerprinted else 0
    response = send_from_directory(found[0], found[1], max_age=max_age)
    if fingerprinted:
        response.cache_control.immutable = True
    elif max_age == 0:
        response.cache_control.no_cache = True
    return response


@bp.route("/static/<path:filename>", endpoint="file")
def static_file(filename: str) -> Response:
    return send_static(filename)


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links; answer with the SVG icon."""
    return send_static("favicon.svg", max_age=24 * 3600)


def init_app(app: Flask) -> None:
    """Serve /static and give templates ``asset_url``."""
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
