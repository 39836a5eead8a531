"""Every message a reader of the site sees is Arabic (issue 19, point 3): validation
errors, the query parser's notices, the article's «where did this come from» panel; the
JSON API keeps its English sentence beside a stable code."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from search.searching import NOTICE_CODES
from web.messages import ARABIC, RULES, rule_label

LATIN_WORDS = re.compile(r"\b[a-z]{4,}\b")


def visible_notice(html: str, css_class: str) -> str:
    found = re.search(rf'class="[^"]*{css_class}[^"]*"[^>]*>(.*?)</(?:div|ul|p)>', html, re.S)
    assert found, css_class
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_every_notice_code_is_said_in_arabic() -> None:
    assert set(ARABIC) == set(NOTICE_CODES)
    assert all(re.search("[\u0600-\u06ff]", sentence) for sentence in ARABIC.values())


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"q": "سد", "month": "2023-13"}, "الشهر يُكتب هكذا"),
        ({"q": "سد", "year": "23"}, "السنة تُكتب بأربعة أرقام"),
        ({"q": "سد", "from": "yesterday"}, "تاريخ البداية"),
        ({"q": "سد", "sort": "random"}, "الترتيب إما"),
        ({"q": "سد", "per_page": "500"}, "بين 1 و50"),
        ({"q": "سد", "from": "2024-01-01", "to": "2023-01-01"}, "بداية المدة بعد نهايتها"),
    ],
)
def test_a_bad_parameter_is_explained_in_arabic(
    client: FlaskClient, params: dict, shown: str
) -> None:
    response = client.get("/search", query_string=params)
    assert response.status_code == 400
    message = visible_notice(response.get_data(as_text=True), "notice error")
    assert shown in message
    # Nothing of the English sentence but the value the reader typed.
    typed = " ".join(params.values())
    assert not [w for w in LATIN_WORDS.findall(message) if w not in typed]
    api = client.get("/api/search", query_string=params).get_json()
    assert api["code"] == "invalid_parameter" and LATIN_WORDS.search(api["error"])


def test_a_typed_value_is_escaped_and_isolated(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"month": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in html
    assert '<bdi dir="auto">«&lt;b&gt;x&lt;/b&gt;»</bdi>' in html


def test_query_notices_are_arabic_on_the_page_and_codes_in_the_api(client: FlaskClient) -> None:
    params = {"q": "الجفاف date:2023-99 المصدر:"}
    api = client.get("/api/search", query_string=params).get_json()
    assert [n["code"] for n in api["notices"]] == ["bad_date_filter", "empty_filter"]
    assert api["warnings"] == [n["message"] for n in api["notices"]]
    html = client.get("/search", query_string=params).get_data(as_text=True)
    shown = visible_notice(html, "warnings")
    assert "لم يُستخدم تاريخ" in shown and "«2023-99»" in shown
    assert "«المصدر»" in shown and "بلا قيمة" in shown
    assert not LATIN_WORDS.search(shown)


def test_the_embed_explains_in_arabic(client: FlaskClient) -> None:
    html = client.get("/embed", query_string={"q": "سد", "mode": "fuzzy"}).get_data(as_text=True)
    assert "المطابقة إما بالاشتقاق أو حرفية" in html and "must be one of" not in html


def test_the_provenance_panel_names_rules_in_arabic(client: FlaskClient) -> None:
    html = client.get("/doc/articles/2023-water-drought-04.txt").get_data(as_text=True)
    panel = html.split('class="provenance"', 1)[1].split("</details>", 1)[0]
    assert "text:" not in panel and "closing-parenthesis" not in panel
    assert any(label in panel for label in RULES.values())


def test_every_rule_the_readers_use_has_a_label() -> None:
    assert rule_label("label:المصدر") == "سطر «المصدر:»"
    for rule in ("text:top-line", "dateline", "html:json-ld", "feed", "field"):
        assert rule_label(rule) != rule


def test_the_widget_names_its_pinned_source_in_arabic(client: FlaskClient) -> None:
    html = client.get("/embed", query_string={"source": "Reuters"}).get_data(as_text=True)
    placeholder = re.search(r'placeholder="([^"]*)"', html).group(1)
    assert "رويترز" in placeholder and "Reuters" not in placeholder
