"""Property-based tests of the web endpoints: whatever a client sends, no 5xx.

``make test`` runs a bounded number of examples; ``make fuzz`` raises
``NABA_FUZZ_EXAMPLES`` to 10,000. The ``client`` fixture (tests/conftest.py) has rate
limiting off, which these tests rely on: they send thousands of requests from one address.
"""

from __future__ import annotations

import json
import os
import time

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_search_properties import QUERY

EXAMPLES = int(os.environ.get("NABA_FUZZ_EXAMPLES", "200"))
SLOW_SECONDS = 2.0

NAMES = "q source from to year month category sort page per_page mode limit theme format"
VALUE = st.one_of(
    QUERY,
    st.text(max_size=20),
    st.integers(-(10**9), 10**9).map(str),
    st.sampled_from(["relevance", "newest", "oldest", "exact", "dark", "2023", "2023-08"]),
)
PARAMS = st.lists(st.tuples(st.sampled_from(NAMES.split()), VALUE), max_size=8)
ENDPOINTS = st.sampled_from(["/search", "/api/search", "/embed", "/api/suggest", "/"])

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(ENDPOINTS, PARAMS)
def test_no_input_makes_a_server_error(client: FlaskClient, path: str, params) -> None:
    started = time.perf_counter()
    response = client.get(path, query_string=params)
    assert time.perf_counter() - started < SLOW_SECONDS
    assert response.status_code < 500, (path, params)
    if path.startswith("/api/"):
        json.loads(response.get_data(as_text=True))
    else:
        assert response.mimetype == "text/html"


@SETTINGS
@given(st.text(max_size=200).map(lambda s: s.replace("/", "")))
def test_document_ids_are_found_or_404(client: FlaskClient, doc_id: str) -> None:
    for prefix in ("/doc/", "/api/doc/"):
        response = client.get(prefix + doc_id)
        assert response.status_code in (200, 404, 308), (prefix, doc_id)


def test_a_ten_thousand_character_query(client: FlaskClient) -> None:
    started = time.perf_counter()
    response = client.get("/api/search", query_string={"q": "كوريا " * 2000})
    assert time.perf_counter() - started < SLOW_SECONDS
    assert response.status_code in (200, 400)
