"""Rate limits on the JSON API (web/limits.py), through the real app and Flask's client.

Small limits (3 a minute) keep the tests fast; the behaviour is the same at 120.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.browser.support import make_app

CLIENT_A = {"REMOTE_ADDR": "192.0.2.1"}
CLIENT_B = {"REMOTE_ADDR": "192.0.2.2"}


def limited_client(**config: Any) -> FlaskClient:
    """An app with limiting on (``make_app`` turns it off by default) and small limits."""
    settings = {"RATELIMIT_ENABLED": True, "RATE_LIMIT": "3/minute"}
    settings.update(config)
    return make_app(**settings).test_client()


def test_the_request_after_the_limit_is_a_json_429_with_retry_after() -> None:
    client = limited_client()
    for _ in range(3):
        assert client.get("/api/search?q=غزة", environ_base=CLIENT_A).status_code == 200
    response = client.get("/api/search?q=غزة", environ_base=CLIENT_A)
    assert response.status_code == 429
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "code", "status"}
    assert body["status"] == 429 and body["code"] == "rate_limited"
    assert "3 per 1 minute" in body["error"]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    # The usual security headers are still there on a refusal.
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_other_clients_are_unaffected() -> None:
    client = limited_client()
    for _ in range(4):
        client.get("/api/stats", environ_base=CLIENT_A)
    assert client.get("/api/stats", environ_base=CLIENT_A).status_code == 429
    assert client.get("/api/stats", environ_base=CLIENT_B).status_code == 200


def test_suggest_has_its_own_looser_limit() -> None:
    client = limited_client(SUGGEST_RATE_LIMIT="5/minute")
    for _ in range(5):
        assert client.get("/api/suggest?q=غز", environ_base=CLIENT_A).status_code == 200
    assert client.get("/api/suggest?q=غز", environ_base=CLIENT_A).status_code == 429
    # Typing in the search box does not use up the search budget.
    assert client.get("/api/search?q=غزة", environ_base=CLIENT_A).status_code == 200


@pytest.mark.parametrize("config", [{"RATE_LIMIT": "off"}, {"RATELIMIT_ENABLED": False}])
def test_off_switch(config: dict[str, Any]) -> None:
    client = limited_client(**config)
    for _ in range(10):
        assert client.get("/api/search?q=غزة", environ_base=CLIENT_A).status_code == 200


def test_environment_variable_sets_and_disables_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NABA_RATE_LIMIT", "2/minute")
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [client.get("/api/stats", environ_base=CLIENT_A).status_code for _ in range(3)]
    assert codes == [200, 200, 429]

    monkeypatch.setenv("NABA_RATE_LIMIT", "off")
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [client.get("/api/stats", environ_base=CLIENT_A).status_code for _ in range(5)]
    assert codes == [200] * 5


def test_a_malformed_limit_stops_the_app() -> None:
    with pytest.raises(ValueError, match="NABA_RATE_LIMIT"):
        limited_client(RATE_LIMIT="lots")


def test_pages_and_healthz_are_not_limited() -> None:
    client = limited_client(RATE_LIMIT="1/minute")
    for path in ("/", "/search?q=غزة", "/healthz"):
        for _ in range(5):
            assert client.get(path, environ_base=CLIENT_A).status_code == 200, path
    htmx = {"HX-Request": "true"}
    for _ in range(5):
        response = client.get("/search?q=غزة", headers=htmx, environ_base=CLIENT_A)
        assert response.status_code == 200
