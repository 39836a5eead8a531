"""The reader's experience in real Chromium (issue 19): one history entry per search,
the result count read out, the focus kept where the reader was, a skip link to the
results, ``/`` and the arrow keys, typed filters as chips, Arabic notices, the help
page; with screenshots of those states (light and dark, desktop and phone)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import Watcher
from tests.browser.support import results_phrase
from tests.support import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"


def history_length(page: Page) -> int:
    return page.evaluate("history.length")


def test_typing_makes_one_history_entry_and_back_returns_before_it(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/search?q=" + quote("الدوري"))
    before = history_length(page)
    box = page.locator("#q")
    box.fill("")
    for word in ("الطاقة", " الشمسية"):  # two pauses: two requests
        page.keyboard.type(word, delay=30)
        page.wait_for_timeout(900)
    expect(page.locator(".results-count")).to_contain_text("الطاقة الشمسية")
    assert history_length(page) == before + 1
    assert parse_qs(urlsplit(page.url).query) == {"q": ["الطاقة الشمسية"]}
    page.keyboard.press("Enter")  # submitting what was typed adds nothing either
    page.wait_for_timeout(600)
    assert history_length(page) == before + 1
    page.go_back()
    expect(page.locator(".results-count")).to_contain_text("الدوري")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["الدوري"]}


def test_enter_on_a_slow_search_is_neither_lost_nor_fetched_twice(
    page: Page, base_url: str
) -> None:
    # The answer to Enter arrives after the typing's 300 ms trigger has fired. That
    # trigger asks for the same search: it must be dropped without aborting the one in
    # flight (once, both were lost and the page never changed).
    searches: list[str] = []

    def held_back(route: Route) -> None:
        searches.append(route.request.method)
        time.sleep(0.7)
        route.continue_()

    page.goto(base_url + "/")
    page.route("**/search", held_back)
    page.locator("#q").fill("الجفاف")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1200)
    expect(page.locator(".results-count")).to_contain_text(results_phrase({"q": "الجفاف"}))
    assert searches == ["POST"]


def test_the_count_is_read_out_after_each_search(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.type("الجفاف", delay=30)
    expect(page.locator("#live-status")).to_have_text(
        f"{results_phrase({'q': 'الجفاف'})} لـ «الجفاف»"
    )
    expect(page.locator("#live-status")).to_have_attribute("aria-live", "polite")


def test_ticking_a_source_keeps_the_focus_on_its_box(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    box = page.locator('input[name="source"][value="Reuters"]')
    box.focus()
    page.keyboard.press("Space")
    expect(page.locator(".active-filters")).to_contain_text("رويترز")
    expect(box).to_be_focused()  # (a locator wait: a polled function would need eval)
    focused = page.evaluate("(e => [e.name, e.value, e.checked])(document.activeElement)")
    assert focused == ["source", "Reuters", True]
    # and a removed chip leaves the focus on the results, not on <body>
    page.locator('a[aria-label="إزالة المصدر رويترز"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(page.locator("#results-heading")).to_be_focused()


def test_the_skip_link_reaches_the_results_in_a_few_presses(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    expect(page.locator("#q")).to_be_focused()  # autofocus; the skip links come before it
    skip = page.locator('.skip-link[href="#results-heading"]')
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.matches('.skip-link[href=\"#results-heading\"]')"):
            break
    expect(skip).to_be_focused()
    expect(skip).to_have_text("تخطَّ إلى النتائج")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_focused()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.hit-title')"):
            break
    else:
        pytest.fail("the first result is more than eight presses after the skip link")


def test_slash_focuses_the_box_and_arrows_move_between_results(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    titles = page.locator(".hit-title a")
    titles.nth(0).focus()
    page.keyboard.press("ArrowDown")
    expect(titles.nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(titles.nth(2)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(titles.nth(1)).to_be_focused()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    assert page.locator("#q").input_value() == "الجفاف"  # "/" was not typed into it


def test_a_typed_filter_turns_into_a_chip_and_a_ticked_box(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("#q").fill("الجفاف المصدر:رويترز")
    # Typing alone turns it into a chip; Enter then shows the words alone in the box.
    expect(page.locator(".active-filters")).to_contain_text("رويترز")
    page.keyboard.press("Enter")
    expect(page.locator('input[name="source"][value="Reuters"]')).to_be_checked()
    expect(page.locator("#q")).to_have_value("الجفاف")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["الجفاف"], "source": ["Reuters"]}


def test_notices_are_arabic_and_keep_their_order(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف date:2023-99"))
    notice = page.locator(".warnings li").first
    expect(notice).to_contain_text("لم يُستخدم تاريخ")
    text = notice.inner_text()
    assert text.index("لم يُستخدم") < text.index("«2023-99»") < text.index("اكتبه")


def test_the_help_page_is_linked_from_the_box_and_its_examples_search(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.locator("#search-help a").click()
    expect(page.locator("h1")).to_have_text("كيف أبحث في نبأ؟")
    page.locator("table a").nth(1).click()
    expect(page.locator("#q")).to_have_value('"سد الغدير"')
    expect(page.locator(".results-count")).to_contain_text(results_phrase({"q": '"سد الغدير"'}))


def test_the_article_prints_without_the_site_around_it(page: Page, base_url: str) -> None:
    page.goto(base_url + "/doc/articles/2023-water-drought-04.txt")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".provenance").is_hidden()
    assert page.locator(".article-body").is_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_screenshots_of_the_new_states(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
    viewport: dict[str, int],
) -> None:
    context, _ = new_context(viewport=viewport, color_scheme=scheme, is_mobile=device == "phone")
    page = context.new_page()
    states = {
        "chips": "/search?q=" + quote("الجفاف المصدر:رويترز"),
        "notices": "/search?q=" + quote("سد المصدر:foo date:2023-99"),
        "furniture": "/doc/articles/2024-energy-solar-04.txt",
        "help": "/help",
    }
    for name, path in states.items():
        page.goto(base_url + path)
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot = f"{name}-{scheme}-{device}.png"
        page.screenshot(path=str(tmp_path / shot), full_page=True)
        if os.environ.get("NABA_SAVE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / shot).write_bytes((tmp_path / shot).read_bytes())
