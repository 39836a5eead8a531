"""Naba's web app: the search page, article pages, the JSON API and the embeddable widget.

The app is a thin layer over :mod:`search.searching`: it turns query strings into the
same parameters ``python -m search query`` takes, calls the same functions, and renders
the result objects. It never touches the engine, so the CLI and the web always agree.

Layout (one obvious place per feature)::

    web/__init__.py     create_app(): config from search.settings, then each init_app()
    web/live_index.py   the open index of this process, `flask reindex`
    web/params.py       query string -> search parameters, and URLs for facet links
    web/timeline.py     a search's timeline as bars to draw (places, names, links)
    web/i18n.py         the interface language (Arabic, or English from ?lang=en)
    web/formatting.py   dates and plurals, safe external links (Jinja filters)
    web/assets.py       static files with fingerprinted URLs, the vendored htmx
    web/security.py     security headers on every response, CORS for the API
    web/errors.py       friendly error pages, JSON errors under /api/
    web/views/          blueprints: pages (/, /search, /doc), api (/api/…), embed;
                        render.py decides between a full page and an htmx fragment
    web/__main__.py     `python -m web`: gunicorn for production
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# split_list is web's as much as search's: the tests build allow-lists with it.
from search.settings import Settings, split_list

__all__ = ["app_config", "check_origins", "create_app", "settings_from_env", "split_list"]


def app_config(settings: Settings) -> dict[str, Any]:
    """The Flask config keys the app's modules read, from the settings (README lists them).

    The modules read keys rather than the :class:`Settings` object so that a test can
    change one of them with ``create_app(test_config)``.
    """
    return {
        "SETTINGS": settings,
        # The index location (a folder, or an engine's URL), and how to open it: its
        # posting cache, read replicas, query timeout (search.engine.IndexOptions).
        "INDEX": settings.index,
        "INDEX_OPTIONS": settings.index_options,
        # The corpus folders: article origins are shown relative to them.
        "CORPUS": list(settings.corpus),
        # Sites allowed to frame /embed (CSP frame-ancestors); "*" means any site.
        "EMBED_ORIGINS": list(settings.embed_origins),
        # Origins allowed to read the JSON API from a browser; "*" means any origin.
        "CORS_ORIGINS": list(settings.cors_origins),
        "RATE_LIMIT": settings.rate_limit or "off",
        # The site's public address for absolute URLs (None: the request's Host).
        "PUBLIC_URL": settings.public_url,
        # Reverse proxies whose X-Forwarded-* headers are believed (ProxyFix).
        "PROXIES": settings.proxies,
        "SUGGEST_RATE_LIMIT": settings.suggest_rate_limit,
        # The most articles one export (/search.csv, /search.jsonl) holds.
        "EXPORT_MAX": settings.export_max,
        # The widget shows a few results; more belongs on the full search page.
        "EMBED_MAX_LIMIT": 10,
        # A POSTed search (a pasted paragraph) is read up to 1 MiB; larger is a 413.
        "MAX_CONTENT_LENGTH": 1 << 20,
        "MAX_FORM_MEMORY_SIZE": 1 << 20,
        "JSON_AS_ASCII": False,
    }


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The app's config as an environment would make it (kept for the tests that ask)."""
    return app_config(Settings.from_env(environ))


def check_origins(settings: Settings) -> None:
    """The allow-list check every app makes, without building one: an entry point calls
    it before forking, so that a bad origin stops the server with one line instead of
    failing each worker as it boots. Raises ValueError naming the variable."""
    from web.security import check_cors_origins, check_sources

    check_sources(list(settings.embed_origins), "NABA_EMBED_ORIGINS")
    check_cors_origins(list(settings.cors_origins))


def create_app(
    test_config: Mapping[str, Any] | None = None, *, settings: Settings | None = None
) -> Flask:
    """Application factory (the Flask tutorial's shape): the config from ``settings``
    (default: read from the environment now), then ``test_config`` on top, then each
    module registers what it owns.

    ``python -m web`` passes the settings it read before forking, so its workers use the
    very values it checked. The object stays in ``app.config["SETTINGS"]``; the keys
    beside it are what the app runs with, ``test_config`` included.
    Raises :class:`search.settings.SettingsError` for a bad variable.
    """
    app = Flask(__name__, static_folder=None)  # web.assets serves /static with fingerprints
    app.config.from_mapping(app_config(Settings.from_env() if settings is None else settings))
    if test_config is not None:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Arabic stays readable in JSON
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the order to_dict() gives, as the CLI
    proxies = int(app.config["PROXIES"])
    if proxies:  # the client's address, scheme, host and prefix as the proxies saw them
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from web import assets, errors, formatting, i18n, limits, live_index, params, security, timeline
    from web.views import api, embed, exports, pages

    live_index.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    params.init_app(app)
    timeline.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    limits.init_app(app)  # after errors: its 429 handler is the more specific one
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(exports.bp)
    return app
