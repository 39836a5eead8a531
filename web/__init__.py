"""Naba's web app: the search page, article pages, the JSON API and the embeddable widget.

The app is a thin layer over :mod:`search.searching`: it turns query strings into the
same parameters ``python -m search query`` takes, calls the same functions, and renders
the result objects. It never touches the engine, so the CLI and the web always agree.

Layout (one obvious place per feature)::

    web/__init__.py     create_app(): configuration, then each module's init_app()
    web/index.py        the open index of this process, `flask reindex`
    web/params.py       query string -> search parameters, and URLs for facet links
    web/formatting.py   Arabic dates and plurals, safe external links (Jinja filters)
    web/assets.py       static files with fingerprinted URLs, the vendored htmx
    web/security.py     security headers on every response, CORS for the API
    web/errors.py       friendly Arabic error pages, JSON errors under /api/
    web/views/          blueprints: pages (/, /search, /doc), api (/api/…), embed;
                        render.py decides between a full page and an htmx fragment
    web/__main__.py     `python -m web`: gunicorn for production
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from search import config as search_config


def split_list(value: str | None, default: str = "*") -> list[str]:
    """Parse an allow-list from the environment: comma and/or space separated."""
    text = default if value is None else value
    return [item for item in text.replace(",", " ").split() if item]


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting the app reads from the environment, in one place (README lists them)."""
    env = os.environ if environ is None else environ
    return {
        # Resolved through search.config so the CLI and the app open the same index.
        "INDEX": str(search_config.index_dir(env.get("NABA_INDEX"))),
        # Sites allowed to frame /embed (CSP frame-ancestors); "*" means any site.
        "EMBED_ORIGINS": split_list(env.get("NABA_EMBED_ORIGINS")),
        # Origins allowed to read the JSON API from a browser; "*" means any origin.
        "CORS_ORIGINS": split_list(env.get("NABA_CORS_ORIGINS")),
        # The widget shows a few results; more belongs on the full search page.
        "EMBED_MAX_LIMIT": 10,
        "JSON_AS_ASCII": False,
    }


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory (the Flask tutorial's shape): defaults from the environment,
    then ``test_config`` on top, then each module registers what it owns."""
    app = Flask(__name__, static_folder=None)  # web.assets serves /static with fingerprints
    app.config.from_mapping(settings_from_env())
    if test_config is not None:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Arabic stays readable in JSON
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the order to_dict() gives, as the CLI
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from web import assets, errors, formatting, index, limits, params, security
    from web.views import api, embed, pages

    index.init_app(app)
    assets.init_app(app)
    formatting.init_app(app)
    params.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    limits.init_app(app)  # after errors: its 429 handler is the more specific one
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    return app
