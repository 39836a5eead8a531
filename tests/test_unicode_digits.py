"""Numbers in requests: decimal digits only, ASCII or Arabic-Indic (issue 18, item 4).

``str.isdigit`` accepts superscripts and circled digits (``²``, ``①``) that ``int``
refuses; each such parameter answered a 500 (and the CLI a traceback). A reader typing
Arabic-Indic digits (``٢٠٢٣``) means the same number as ``2023``.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from search.params import whole_number
from tests.support import run_cli


@pytest.mark.parametrize("text", ["²²²²", "①", "٣²", "1_0", "-1", "", " ", "3.0", "Ⅻ"])
def test_only_decimal_digits_make_a_number(text: str) -> None:
    assert whole_number(text) is None


@pytest.mark.parametrize(("text", "number"), [("2023", 2023), ("٢٠٢٣", 2023), (" 7 ", 7)])
def test_ascii_and_arabic_indic_digits_are_numbers(text: str, number: int) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "query",
    ["year=²²²²", "page=²", "per_page=①", "year=①②③④", "page=1_0"],
)
def test_odd_digits_in_the_api_are_a_clear_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/search?q=الحكومة&{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and "must" in body["error"]


@pytest.mark.parametrize("query", ["year=²²²²", "page=²"])
def test_odd_digits_on_the_page_are_answered(client: FlaskClient, query: str) -> None:
    assert client.get(f"/search?q=الحكومة&{query}").status_code == 400


def test_arabic_indic_digits_mean_the_same_year(client: FlaskClient) -> None:
    ascii_digits = client.get("/api/search?year=2023").get_json()
    arabic = client.get("/api/search?year=٢٠٢٣").get_json()
    assert arabic["total"] == ascii_digits["total"] > 0


def test_suggest_limit_in_odd_digits_is_a_400(client: FlaskClient) -> None:
    assert client.get("/api/suggest?q=الح&limit=²").status_code == 400
    assert client.get("/api/suggest?q=الح&limit=٣").status_code == 200


def test_the_widget_falls_back_to_its_default_limit(client: FlaskClient) -> None:
    assert client.get("/embed?q=الحكومة&limit=①").status_code == 200


def test_the_cli_reports_an_odd_year_without_a_traceback() -> None:
    result = run_cli("query", "الحكومة", "--year", "²²²²")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "Traceback" not in err and "year must look like 2023" in err
