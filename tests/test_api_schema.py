"""The JSON API against its OpenAPI description (issue 18): Schemathesis generates
requests from ``/api/openapi.json``, valid and malformed, and checks every answer: never
a 5xx, a status the description lists, the content type and the body schema it
promises. The app is the real one on the shared test index (rate limits off: the fuzz
sends hundreds of requests from one address). ``NABA_API_FUZZ_EXAMPLES`` sets how many
cases each operation gets (``make fuzz`` runs many more)."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from tests.browser.support import make_app

EXAMPLES = int(os.environ.get("NABA_API_FUZZ_EXAMPLES", "60"))

app = make_app()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

#: What a response must be, whatever was sent. Not "positive data acceptance": the
#: description cannot say that page × per_page ≤ 1000 or that a source must exist.
CONFORMANCE = [
    check
    for check in CHECKS.get_all()
    if check.__name__
    in {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    }
]


def test_the_description_is_served_and_valid_openapi() -> None:
    body = app.test_client().get("/api/openapi.json").get_json()
    assert body["openapi"] == "3.0.3"
    assert {"/api/search", "/api/doc/{id}", "/api/doc", "/api/suggest", "/api/stats"} <= set(
        body["paths"]
    )
    names = [p["name"] for p in body["paths"]["/api/search"]["get"]["parameters"]]
    assert names[:3] == ["q", "source", "category"] and "per_page" in names


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_answer_is_as_described(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CONFORMANCE)
