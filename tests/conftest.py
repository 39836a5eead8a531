"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import SEEDS

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"the seed articles are expected in {SEEDS}"
    return SEEDS


@pytest.fixture(scope="module")
def app() -> Flask:
    """The real app (application factory) on the shared on-disk index, rate limits off.

    The index is the demo corpus plus the hostile documents, built once per process by
    ``tests.browser.support.shared_index``. The app is module-scoped so that every web
    test module gets a fresh one: what one module leaves behind in an app cannot leak
    into another, yet a module's tests do not pay for a new app each. A test that needs
    other configuration (an empty index, rate limits on, CORS or embed origins) builds
    its own with ``make_app(...)`` rather than changing this one.

    Imported lazily so that test modules which never touch the web app do not import
    Flask and the ``web`` package just to collect.
    """
    from tests.browser.support import make_app

    return make_app()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """Flask's test client on :func:`app`: real requests through the real app, no mocks."""
    return app.test_client()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run (``tests/postgres_server.py``);
    each test module uses schemas of its own in it."""
    from tests import postgres_server

    cluster = postgres_server.start()
    try:
        yield cluster.url
    finally:
        postgres_server.stop(cluster)
