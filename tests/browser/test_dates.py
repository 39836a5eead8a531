"""The date panel in real Chromium (issue 16, point 4): quick ranges and date boxes that
take and show Arabic dates right to left."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import Page, expect


def test_an_arabic_date_typed_in_the_box_filters_and_reads_right_to_left(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    box = page.locator('input[name="from"]')
    assert box.get_attribute("type") == "text"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('input[name=from]')).direction")
        == "rtl"
    )
    box.fill("١٦/٨/٢٠٢٣")
    page.locator(".date-range button").click()
    expect(page.locator(".active-filters")).to_contain_text("من 16 أغسطس 2023")
    assert parse_qs(urlsplit(page.url).query)["from"] == ["2023-08-16"]
    expect(page.locator('input[name="from"]')).to_have_value("16 أغسطس 2023")


def test_a_quick_range_narrows_to_the_archive_s_last_year(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    page.locator(".quick-ranges a", has_text="آخر سنة").click()
    expect(page.locator(".quick-ranges a[aria-current]")).to_have_text("آخر سنة")
    start = parse_qs(urlsplit(page.url).query)["from"][0]
    dates = page.locator(".hit-meta time").evaluate_all("ts => ts.map(t => t.dateTime)")
    assert dates and all(d >= start for d in dates)
