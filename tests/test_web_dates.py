"""Dates as news readers expect them (issue 16, point 4): quick ranges counted back from
the newest article, date boxes that take and show Arabic dates, and Hijri months as a
filter (``hijri:«رمضان 1444»``). Through the real app on the demo index."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from search.searching import SearchRequest, open_index, search
from tests.browser.support import shared_index


def location(response: TestResponse) -> dict[str, list[str]]:
    assert response.status_code == 303, response.status_code
    return parse_qs(urlsplit(response.headers["Location"]).query)


def api(client: FlaskClient, params: dict) -> dict:
    return client.get("/api/search", query_string={**params, "per_page": 50}).get_json()


def test_quick_ranges_count_back_from_the_newest_article(client: FlaskClient) -> None:
    newest = client.get("/api/stats").get_json()["date_max"]  # the demo archive stops in 2025
    html = client.get("/search", query_string={"q": "الجفاف"}).get_data(as_text=True)
    ranges = re.findall(r'href="([^"]*from=([0-9-]+))"[^>]*class="chip"[^>]*>([^<]+)</a>', html)
    labels = {label: start for _, start, label in ranges}
    assert list(labels) == ["آخر 24 ساعة", "آخر أسبوع", "آخر شهر", "آخر سنة"]
    assert labels["آخر 24 ساعة"] == newest
    year = api(client, {"q": "الجفاف", "from": labels["آخر سنة"]})
    assert year["total"] and all(h["date"] >= labels["آخر سنة"] for h in year["hits"])


def test_a_date_typed_as_readers_write_it_is_taken(client: FlaskClient) -> None:
    for written in ("16 أغسطس 2023", "١٦/٨/٢٠٢٣", "16/08/2023"):
        where = location(client.get("/search", query_string={"q": "الجفاف", "from": written}))
        assert where == {"q": ["الجفاف"], "from": ["2023-08-16"]}, written
    html = client.get("/search?q=الجفاف&from=2023-08-16").get_data(as_text=True)
    assert 'name="from" value="16 أغسطس 2023"' in html  # shown as it is read, right to left
    assert 'type="date"' not in html
    bad = client.get("/search", query_string={"q": "الجفاف", "from": "أمس"})
    assert bad.status_code == 400 and "تاريخ البداية" in bad.get_data(as_text=True)


def test_a_hijri_month_is_a_filter() -> None:
    index = open_index(str(shared_index()))
    found = search(index, SearchRequest.from_params({"q": 'hijri:"رمضان 1444"'}))
    assert found.filters["from"] == "2023-03-23" and found.filters["to"] == "2023-04-20"
    assert found.total and all(
        "2023-03-23" <= h.date.isoformat() <= "2023-04-20" for h in found.hits
    )
    arabic = search(index, SearchRequest.from_params({"q": "هجري:«1444 رمضان»"}))
    assert [h.id for h in arabic.hits] == [h.id for h in found.hits]


def test_the_page_turns_a_hijri_month_into_its_days(client: FlaskClient) -> None:
    where = location(client.get("/search", query_string={"q": "الجفاف هجري:1444-09"}))
    assert where == {"q": ["الجفاف"], "from": ["2023-03-23"], "to": ["2023-04-20"]}
    page = client.get("/search", query_string={"q": "سد هجري:شوال"}).get_data(as_text=True)
    assert "لم يُستخدم الشهر الهجري" in page and "«شوال»" in page
