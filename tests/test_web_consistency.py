"""The page never contradicts itself (issue 19, point 1): every facet count is the number
of results its link returns, under all the other active filters, and a page past the
end leads to the last page instead of a count over no results. Driven through the real
app on the demo index."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

#: Searches with filters of every kind, alone and together.
STATES = [
    {"from": "2023-01-01", "to": "2023-06-30"},
    {"q": "الجفاف", "from": "2022-06-01", "to": "2023-12-31"},
    {"q": "الجفاف", "year": "2023"},
    {"q": "سد", "source": "Reuters"},
    {"to": "2022-12-31", "category": "مياه"},
    {"q": "الطاقة", "month": "2024-06", "source": "AFP"},
]


def api(client: FlaskClient, params: dict[str, str | list[str]]) -> dict:
    response = client.get("/api/search", query_string={**params, "per_page": "1"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("state", STATES, ids=lambda s: "&".join(f"{k}={v}" for k, v in s.items()))
def test_every_facet_count_is_what_its_link_returns(client: FlaskClient, state: dict) -> None:
    facets = api(client, state)["facets"]
    checked = 0
    for value, count in facets["year"].items():
        # The year link: this year, no month, the rest kept (the date range too).
        link = {**{k: v for k, v in state.items() if k not in ("year", "month")}, "year": value}
        assert api(client, link)["total"] == count, (value, count)
        checked += 1
    for value, count in facets["month"].items():
        link = {k: v for k, v in state.items() if k not in ("year", "month")}
        assert api(client, {**link, "year": value[:4], "month": value})["total"] == count
        checked += 1
    for facet, param in (("sources", "source"), ("category", "category")):
        for value, count in facets[facet].items():
            # A box's count: the results with that value alone, the other filters kept.
            link = {**{k: v for k, v in state.items() if k != param}, param: value}
            assert api(client, link)["total"] == count, (facet, value, count)
            checked += 1
    assert checked


def test_a_date_range_leaves_no_year_outside_it(client: FlaskClient) -> None:
    facets = api(client, {"from": "2023-01-01", "to": "2023-06-30"})["facets"]
    assert set(facets["year"]) == {"2023"}
    assert all("2023-01" <= month <= "2023-06" for month in facets["month"])


def test_a_page_past_the_end_redirects_to_the_last_page(client: FlaskClient) -> None:
    total = api(client, {"q": "الجفاف"})["total"]
    last = -(-total // 10)
    assert last >= 2
    response = client.get("/search", query_string={"q": "الجفاف", "page": str(last + 3)})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert parse_qs(target.query) == {"q": ["الجفاف"], "page": [str(last)]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "لم نعثر" not in page and 'aria-current="page"' in page


def test_htmx_gets_the_last_page_and_its_address(client: FlaskClient) -> None:
    response = client.get(
        "/search", query_string={"q": "الجفاف", "page": "40"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    pushed = parse_qs(urlsplit(response.headers["HX-Push-Url"]).query)
    assert pushed["page"] != ["40"] and int(pushed["page"][0]) >= 2
    assert "لم نعثر" not in response.get_data(as_text=True)


def test_a_single_page_of_results_drops_the_page_number(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": '"سد الغدير"', "page": "9"})
    assert response.status_code == 302
    assert "page" not in parse_qs(urlsplit(response.headers["Location"]).query)


def test_the_newest_articles_can_be_paged_without_a_query(client: FlaskClient) -> None:
    first = client.get("/").get_data(as_text=True)
    assert 'class="pagination"' in first and "page=2" in first
    second = client.get("/search?page=2").get_data(as_text=True)
    assert "أحدث المقالات" in second and 'aria-current="page">2<' in second
    ids = [h["id"] for h in client.get("/api/search?sort=newest&per_page=20").get_json()["hits"]]
    shown = second.split('class="hit-list"', 1)[1]
    # The second page holds the 11th to 20th newest articles.
    assert all(doc_id.rsplit("/", 1)[-1] in shown for doc_id in ids[10:20])
    assert not any(doc_id.rsplit("/", 1)[-1] in shown for doc_id in ids[:10])


def test_the_article_back_link_keeps_filters_sort_and_page(client: FlaskClient) -> None:
    state = {"q": "الجفاف", "source": "Reuters", "sort": "newest", "page": "1", "year": "2022"}
    results = client.get("/search", query_string=state).get_data(as_text=True)
    link = results.split('class="hit-title"><a href="', 1)[1].split('"', 1)[0]
    article = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    back = article.split('<p class="back"><a href="', 1)[1].split('"', 1)[0]
    kept = parse_qs(urlsplit(back.replace("&amp;", "&")).query)
    assert kept == {key: [value] for key, value in state.items()}


# --- filters typed in the query (point 2) -------------------------------------------------


def test_a_typed_filter_becomes_a_ticked_box_and_a_chip(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "الجفاف source:رويترز"})
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert parse_qs(target.query) == {"q": ["الجفاف"], "source": ["Reuters"]}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Reuters" data-autosubmit checked' in html
    assert 'aria-label="إزالة المصدر رويترز"' in html
    # The search box shows the words; the filter is the chip.
    assert re.search(r'<input[^>]+name="q"[^>]+value="الجفاف"', html)


def test_typed_dates_and_sections_become_parameters_too(client: FlaskClient) -> None:
    cases = {
        'المصدر:«فرانس برس» القسم:"مياه" سد': {
            "q": ["سد"],
            "source": ["AFP"],
            "category": ["مياه"],
        },
        "التاريخ:2023-08 الجفاف": {"q": ["الجفاف"], "month": ["2023-08"]},
        "date:2023-08-16": {"from": ["2023-08-16"], "to": ["2023-08-16"]},
    }
    for typed, params in cases.items():
        response = client.get("/search", query_string={"q": typed, "source": "AP"})
        location = parse_qs(urlsplit(response.headers["Location"]).query)
        expected = {**params, "source": ["AP", *params.get("source", [])]}
        assert location == expected, typed


def test_an_unreadable_or_negated_filter_stays_in_the_query(client: FlaskClient) -> None:
    for typed in ("الجفاف date:2023-99", "الجفاف -source:AFP"):
        assert client.get("/search", query_string={"q": typed}).status_code == 200


def test_the_api_lists_typed_filters_among_those_in_force(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "الجفاف source:رويترز"}).get_json()
    assert data["filters"]["sources"] == ["Reuters"]
    assert all("Reuters" in hit["sources"] for hit in data["hits"])


def test_an_unknown_source_is_named_with_the_known_ones(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": 'سد المصدر:"فرانس 24"'}).get_json()
    assert data["total"] == 0
    (notice,) = [n for n in data["notices"] if n["code"] == "unknown_source"]
    assert notice["value"] == "فرانس 24" and "رويترز" in notice["known"]
    page = client.get("/search", query_string={"q": "سد", "source": "foo"}).get_data(as_text=True)
    assert "لا مقالات في الأرشيف من" in page and "«foo»" in page and "رويترز" in page
