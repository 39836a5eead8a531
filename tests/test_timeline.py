"""A search's timeline (issue 16, point 2): the ``day`` facet of both engines, the
periods :mod:`search.timeline` groups it into, the JSON API, the command line and the
search page's SVG chart. Counts are compared with what the search layer answers for the
same parameters, never with numbers written here."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from search.engine import DAY_FACET, UNDATED, FacetSpec
from search.query import parse_query
from search.searching import Index, SearchRequest, open_index, search, timeline
from search.timeline import (
    DAILY_UP_TO,
    MAX_BUCKETS,
    MONTHLY_UP_TO,
    WEEKLY_UP_TO,
    build_timeline,
    choose_interval,
)
from tests.support import ROOT, build_index, run_cli

DROUGHT = "الجفاف"
#: Searches whose timelines the tests check: words, filters of every kind, typed ones.
SEARCHES: list[dict[str, Any]] = [
    {"q": ""},
    {"q": DROUGHT},
    {"q": "الخط"},  # one of its matches is undated
    {"q": DROUGHT, "year": "2023"},
    {"q": DROUGHT, "month": ["2023-08", "2023-10"]},
    {"q": "", "from": "2023-07-01", "to": "2023-09-30"},
    {"q": "", "source": "Reuters", "calendar": "hijri"},
    {"q": "التاريخ:2024 الطاقة"},
    {"q": "", "interval": "day", "from": "2022-01-01"},
]


# --- grouping days into periods (no index) -------------------------------------------


def days(*pairs: tuple[str, int], undated: int = 0) -> dict[str, int]:
    counts = dict(pairs)
    if undated:
        counts[UNDATED] = undated
    return counts


@pytest.mark.parametrize(
    ("length", "interval"),
    [
        (1, "day"),
        (DAILY_UP_TO, "day"),
        (DAILY_UP_TO + 1, "week"),
        (WEEKLY_UP_TO, "week"),
        (WEEKLY_UP_TO + 1, "month"),
        (MONTHLY_UP_TO, "month"),
        (MONTHLY_UP_TO + 1, "year"),
    ],
)
def test_the_interval_follows_the_range_s_length(length: int, interval: str) -> None:
    assert choose_interval(length) == interval
    start = dt.date(2023, 1, 1)
    end = start + dt.timedelta(days=length - 1)
    built = build_timeline(days((start.isoformat(), 1), (end.isoformat(), 1)))
    assert built.interval == interval


def test_empty_periods_are_kept_so_the_axis_has_its_gaps() -> None:
    built = build_timeline(days(("2023-01-15", 2), ("2023-05-02", 3)), interval="month")
    assert [b.period for b in built.buckets] == [f"2023-0{m}" for m in range(1, 6)]
    assert [b.count for b in built.buckets] == [2, 0, 0, 0, 3]
    # the first and last periods are cut to the range: a bar's link finds its count
    assert built.buckets[0].start == dt.date(2023, 1, 15)
    assert built.buckets[-1].end == dt.date(2023, 5, 2)
    assert built.buckets[1].start == dt.date(2023, 2, 1)
    assert built.buckets[1].end == dt.date(2023, 2, 28)


def test_weeks_run_monday_to_sunday_and_are_named_as_iso_weeks() -> None:
    built = build_timeline(days(("2023-08-16", 1), ("2023-08-30", 4)), interval="week")
    assert [b.period for b in built.buckets] == ["2023-W33", "2023-W34", "2023-W35"]
    assert built.buckets[1].start.weekday() == 0 and built.buckets[1].end.weekday() == 6


def test_the_request_s_range_is_the_axis_within_the_archive() -> None:
    counts = days(("2023-03-10", 1))
    built = build_timeline(
        counts,
        start=dt.date(2023, 1, 1),
        end=dt.date(9999, 12, 31),
        archive=(dt.date(2020, 1, 1), dt.date(2023, 4, 20)),
    )
    assert built.buckets[0].start == dt.date(2023, 1, 1)
    assert built.buckets[-1].end == dt.date(2023, 4, 20)
    assert built.interval == "week"
    assert built.dated == 1


def test_undated_matches_are_counted_apart() -> None:
    built = build_timeline(days(("2023-03-10", 4), undated=3))
    assert built.undated == 3 and built.dated == 4
    alone = build_timeline(days(undated=2))
    assert alone.buckets == [] and alone.undated == 2


def test_an_interval_that_would_draw_too_many_bars_is_widened() -> None:
    counts = days(("1990-01-01", 1), ("2020-12-31", 1))
    built = build_timeline(counts, interval="day")
    assert built.interval == "month"
    assert len(built.buckets) <= MAX_BUCKETS
    assert build_timeline(days(("0001-01-01", 1), ("9999-12-31", 1)), interval="day").dated == 2


def test_hijri_months_are_umm_al_qura_months() -> None:
    # Safar 1445 ran from 17 August to 15 September 2023 (Umm al-Qura).
    counts = days(("2023-08-16", 1), ("2023-08-17", 2), ("2023-09-15", 4), ("2023-09-16", 8))
    built = build_timeline(counts, interval="month", calendar="hijri")
    assert built.calendar == "hijri"
    assert [(b.period, b.count) for b in built.buckets] == [
        ("1445-01", 1),
        ("1445-02", 6),
        ("1445-03", 8),
    ]
    assert built.buckets[1].start == dt.date(2023, 8, 17)
    assert built.buckets[1].end == dt.date(2023, 9, 15)


def test_outside_the_hijri_table_the_timeline_stays_gregorian() -> None:
    counts = days(("1900-05-01", 1), ("1901-02-01", 1))
    built = build_timeline(counts, interval="month", calendar="hijri")
    assert built.calendar == "gregorian"
    assert built.buckets[0].period == "1900-05"


# --- the day facet on both engines ---------------------------------------------------


@pytest.fixture(scope="module")
def demo_indexes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Index]:
    """The demo corpus in each engine."""
    folder = build_index(tmp_path_factory.mktemp("timeline") / "index", ROOT / "corpus")
    url = f"{request.getfixturevalue('postgres_url')}?schema=timeline"
    build_index(url, ROOT / "corpus")  # type: ignore[arg-type]
    return {"whoosh": open_index(folder), "postgresql": open_index(url)}


def day_facet(index: Index, params: dict[str, Any]) -> tuple[int, dict[str, int]]:
    request = SearchRequest.from_params(params)
    parsed = parse_query(request.q)
    filters = request.engine_filters(parsed)
    result = index.reader().search(
        parsed.query, filters, sort="relevance", offset=0, limit=0,
        facets=FacetSpec({DAY_FACET: filters}),
    )  # fmt: skip
    return result.total, result.facets[DAY_FACET]


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: json.dumps(p, ensure_ascii=False))
def test_both_engines_count_the_same_days(
    demo_indexes: dict[str, Index], params: dict[str, Any]
) -> None:
    (total, counts), (pg_total, pg_counts) = (
        day_facet(demo_indexes[name], params) for name in ("whoosh", "postgresql")
    )
    assert (total, counts) == (pg_total, pg_counts)
    assert sum(counts.values()) == total


@pytest.mark.parametrize("engine", ["whoosh", "postgresql"])
def test_each_day_s_count_is_what_a_search_of_that_day_finds(
    demo_indexes: dict[str, Index], engine: str
) -> None:
    index = demo_indexes[engine]
    total, counts = day_facet(index, {"q": DROUGHT})
    assert total and counts
    for day, count in counts.items():
        if day == UNDATED:
            continue
        that_day = SearchRequest.from_params({"q": DROUGHT, "from": day, "to": day})
        assert search(index, that_day).total == count


def test_the_day_facet_is_only_counted_when_asked(demo_indexes: dict[str, Index]) -> None:
    index = demo_indexes["whoosh"]
    plain = search(index, SearchRequest.from_params({"q": DROUGHT}))
    assert plain.timeline is None and DAY_FACET not in plain.facets
    assert "timeline" not in plain.to_dict()
    asked = search(index, SearchRequest.from_params({"q": DROUGHT}, timeline=True))
    assert asked.timeline is not None and DAY_FACET not in asked.facets
    assert asked.to_dict()["facets"] == plain.to_dict()["facets"]


@pytest.mark.parametrize("engine", ["whoosh", "postgresql"])
@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: json.dumps(p, ensure_ascii=False))
def test_the_periods_add_up_to_the_total_and_each_is_what_its_range_finds(
    demo_indexes: dict[str, Index], engine: str, params: dict[str, Any]
) -> None:
    index = demo_indexes[engine]
    answer = timeline(index, SearchRequest.from_params(params))
    line = answer["timeline"]
    assert sum(b["count"] for b in line["buckets"]) + line["undated"] == answer["total"]
    assert answer["total"] == search(index, SearchRequest.from_params(params)).total
    for bucket in line["buckets"][:: max(1, len(line["buckets"]) // 12)]:
        narrowed = {**params, "from": bucket["start"], "to": bucket["end"]}
        assert search(index, SearchRequest.from_params(narrowed)).total == bucket["count"], bucket


# --- the JSON API and the command line ---------------------------------------------


def test_the_api_answers_the_search_layer_s_timeline(client: FlaskClient) -> None:
    from tests.browser.support import shared_index

    index = open_index(shared_index())
    for params in SEARCHES:
        answer = client.get("/api/timeline", query_string=params)
        assert answer.status_code == 200, params
        assert answer.get_json() == timeline(index, SearchRequest.from_params(params))


def test_api_search_is_unchanged_by_default(client: FlaskClient) -> None:
    assert "timeline" not in client.get("/api/search", query_string={"q": DROUGHT}).get_json()


@pytest.mark.parametrize(
    "params",
    [
        {"interval": "hour"},
        {"calendar": "julian"},
        {"interval": ""},  # empty: the default
        {"year": "0000"},
        {"month": "0000-01"},
        {"month": "9999-12", "calendar": "hijri", "interval": "day"},
        {"from": "0001-01-01", "to": "9999-12-31", "interval": "day"},
        {"from": "2023-05-01", "to": "2023-01-01"},
        {"interval": ["day", "<svg onload=alert(1)>"]},
    ],
)
def test_bad_or_odd_parameters_are_a_400_or_an_answer_never_a_500(
    client: FlaskClient, params: dict[str, Any]
) -> None:
    for path in ("/api/timeline", "/search"):
        response = client.get(path, query_string={"q": DROUGHT, **params})
        assert response.status_code in (200, 400), (path, params, response.status_code)
        if path == "/api/timeline" and response.status_code == 400:
            assert response.get_json()["code"] == "invalid_parameter"
        assert b"<svg onload" not in response.data
    api = client.get("/api/timeline", query_string={"q": DROUGHT, **params})
    if api.status_code == 200:
        assert len(api.get_json()["timeline"]["buckets"]) <= 400


def test_the_command_line_prints_the_same_timeline(client: FlaskClient) -> None:
    from tests.browser.support import shared_index

    done = run_cli(
        "query", DROUGHT, "--index", str(shared_index()), "--timeline", "--calendar", "hijri",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)["timeline"]
    api = client.get("/api/timeline", query_string={"q": DROUGHT, "calendar": "hijri"})
    assert printed == api.get_json()["timeline"]
    text = run_cli("query", DROUGHT, "--index", str(shared_index()), "--timeline")
    assert "timeline (month, gregorian)" in text.stdout.decode()


# --- the search page's chart ---------------------------------------------------------


def page_of(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.get_data(as_text=True))


def bars(tree: Any) -> list[Any]:
    """The chart's bars that are links (those of periods with matches)."""
    return tree.xpath('//figure[@class="timeline"]//*[local-name()="svg"]/*[local-name()="a"]')


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_bar_links_to_its_period_with_its_count_as_its_name(
    client: FlaskClient, language: str
) -> None:
    params = {"q": DROUGHT, "lang": language}
    tree = page_of(client, "/search?q=" + quote(DROUGHT) + f"&lang={language}")
    line = client.get("/api/timeline", query_string=params).get_json()["timeline"]
    filled = [b for b in line["buckets"] if b["count"]]
    links = bars(tree)
    assert len(links) == len(filled) > 1
    xs = []
    for link, bucket in zip(links, filled, strict=True):
        query = parse_qs(urlsplit(link.get("href")).query)
        assert query["from"] == [bucket["start"]] and query["to"] == [bucket["end"]]
        assert query["q"] == [DROUGHT]
        # named «أغسطس 2023: مقالان» ("August 2023: 2 articles"): its count is in its name
        name = link.get("aria-label")
        if language == "en" or bucket["count"] > 2:  # Arabic says one and two in words
            assert re.search(rf"\b{bucket['count']}\b", name), name
        assert link.xpath('string(*[local-name()="title"])') == name
        xs.append(float(link.xpath('*[local-name()="rect"]/@x')[0]))
    # oldest at the right in Arabic, at the left in English
    assert xs == sorted(xs, reverse=language == "ar")


def test_the_chart_has_a_text_alternative_and_no_inline_style(client: FlaskClient) -> None:
    response = client.get("/search?q=" + quote("الخط") + "&interval=year")
    page = response.get_data(as_text=True)
    tree = lxml_html.fromstring(page)
    figure = tree.xpath('//figure[@class="timeline"]')[0]
    assert figure.xpath('.//*[local-name()="svg"]/@aria-labelledby') == [
        "timeline-title timeline-summary"
    ]
    assert figure.xpath('string(.//*[@id="timeline-summary"])').strip()
    line = client.get("/api/timeline", query_string={"q": "الخط", "interval": "year"}).get_json()
    rows = figure.xpath(".//details//tbody/tr")
    assert [int(r.xpath("string(td)")) for r in rows] == [
        b["count"] for b in line["timeline"]["buckets"]
    ]
    undated = figure.xpath('string(.//*[@class="timeline-undated"])')
    assert line["timeline"]["undated"] and "بلا تاريخ" in undated
    chart = page[page.index('<figure class="timeline"') : page.index("</figure>")]
    assert "style=" not in chart and "<script" not in chart


def test_the_hijri_switch_labels_the_months_hijri(client: FlaskClient) -> None:
    tree = page_of(client, "/search?q=" + quote(DROUGHT))
    switch = tree.xpath('//a[@class="timeline-switch"]/@href')[0]
    assert parse_qs(urlsplit(switch).query)["calendar"] == ["hijri"]
    hijri = page_of(client, switch)
    names = [a.get("aria-label") for a in bars(hijri)]
    assert names and all(" هـ: " in name for name in names)
    # a bar's link keeps the calendar, and the form keeps it while typing
    assert "calendar=hijri" in bars(hijri)[0].get("href")
    assert hijri.xpath('//input[@type="hidden"][@name="calendar"]/@value') == ["hijri"]


def test_a_bar_s_link_shows_as_many_results_as_its_bar(client: FlaskClient) -> None:
    from tests.browser.support import expected

    params = {"q": DROUGHT, "year": "2023"}
    tree = page_of(client, "/search?q=" + quote(DROUGHT) + "&year=2023")
    line = client.get("/api/timeline", query_string=params).get_json()["timeline"]
    filled = [b for b in line["buckets"] if b["count"]]
    for link, bucket in zip(bars(tree), filled, strict=True):
        query = {k: v[0] for k, v in parse_qs(urlsplit(link.get("href")).query).items()}
        assert "year" not in query  # the period lies within the year: one filter, not two
        assert expected(query)["total"] == bucket["count"]


def test_the_welcome_page_has_no_timeline(client: FlaskClient) -> None:
    assert not page_of(client, "/").xpath('//figure[@class="timeline"]')


def test_hostile_text_in_the_query_is_escaped_in_the_chart(client: FlaskClient) -> None:
    payload = '"><svg onload=alert(1)>'
    response = client.get("/search", query_string={"q": f"{DROUGHT} {payload}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg onload" not in page and "onload=alert(1)>" not in page.replace("&gt;", "")
