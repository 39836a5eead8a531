"""JSON errors carry a stable ``code`` beside their message, and error responses keep
the headers HTTP requires of them (issue 18, item 7: a 405 had lost its ``Allow``)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from web.errors import CODES


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/search?q=x&per_page=100000", 400, "invalid_parameter"),
        ("/api/search?q=x&sort=random", 400, "invalid_parameter"),
        ("/api/suggest?q=x&limit=0", 400, "bad_request"),
        ("/api/doc/no/such/article.txt", 404, "not_found"),
        ("/api/nothing-here", 404, "not_found"),
    ],
)
def test_api_errors_have_a_stable_code(
    client: FlaskClient, path: str, status: int, code: str
) -> None:
    response = client.get(path)
    body = response.get_json()
    assert response.status_code == status
    assert body == {"error": body["error"], "code": code, "status": status}
    assert body["error"]


def test_a_405_says_which_methods_are_allowed(client: FlaskClient) -> None:
    for path in ("/api/search", "/search"):
        response = client.put(path)
        assert response.status_code == 405
        assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))
    assert set(client.delete("/api/stats").headers["Allow"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
    assert client.put("/api/search").get_json()["code"] == "method_not_allowed"


def test_every_code_is_documented() -> None:
    from tests.support import ROOT

    api = (ROOT / "docs" / "api.md").read_text("utf-8")
    for code in [*CODES.values(), "invalid_parameter"]:
        assert f"`{code}`" in api, code
