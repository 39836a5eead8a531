"""Real Chromium against the real app served on loopback.

Debian's ``chromium`` package provides the browser (``playwright install`` would
download one, which this project never does); Playwright only drives it. A missing
browser fails the tests loudly rather than skipping them.

Every page a test opens is watched: a JavaScript dialog, a Content-Security-Policy
violation or a console error fails the test at teardown. That is how the XSS tests see
that no hostile payload ran, and how every other test checks that nothing inline was
blocked by the CSP.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from werkzeug.wrappers import Request, Response

from tests.browser.support import make_app, serve
from tests.support import ROOT

CHROMIUM = os.environ.get("NABA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Collects what must never happen on a page (read at teardown of the `page` fixture).
WATCH_SCRIPT = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The app on the shared test index, on a free loopback port."""
    with serve(make_app(TESTING=False)) as url:
        yield url


def documented_snippet(base_url: str) -> str:
    """The embed snippet exactly as docs/embedding.md tells site owners to paste it."""
    text = (ROOT / "docs" / "embedding.md").read_text("utf-8")
    snippet = re.search(r"```html\n(.*?)```", text, re.S)
    assert snippet, "docs/embedding.md should show the snippet in an html code block"
    return snippet.group(1).replace("https://naba.example", base_url)


@pytest.fixture(scope="session")
def host_url(base_url: str) -> Iterator[str]:
    """Another site (another port, so another origin) that pastes the documented snippet."""
    snippet = documented_snippet(base_url)

    def host_site(environ: dict, start_response: Callable) -> object:
        body = snippet if Request(environ).path == "/" else ""
        page = f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>موقع مضيف</title></head>
<body>
  <h1>صحيفة تجريبية</h1>
  {body}
  <p id="after">نهاية الصفحة</p>
</body></html>"""
        return Response(page, mimetype="text/html")(environ, start_response)

    with serve(host_site) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium "
            "(or set NABA_CHROMIUM to its path)"
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Watcher:
    """What a page did that it should not have: dialogs, CSP violations, console errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.expected: list[str] = []  # console errors a test provokes on purpose

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(x in e for x in self.expected)]

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(WATCH_SCRIPT)
        context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("dialog", self.on_dialog)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., tuple[BrowserContext, Watcher]]]:
    """Make browser contexts (viewport, colour scheme, JavaScript on/off) that are watched."""
    made: list[tuple[BrowserContext, Watcher]] = []

    def make(**options: object) -> tuple[BrowserContext, Watcher]:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("locale", "ar")
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        watcher = Watcher()
        watcher.attach(context)
        made.append((context, watcher))
        return context, watcher

    yield make
    problems = []
    for context, watcher in made:
        for page in context.pages:
            if page.is_closed():
                continue
            for frame in page.frames:
                # a frame that navigated away mid-check has nothing to report
                with contextlib.suppress(PlaywrightError):
                    problems += frame.evaluate("window.__problems || []")
        context.close()
        assert not watcher.dialogs, f"a script opened a dialog: {watcher.dialogs}"
        problems += watcher.unexpected_errors()
    assert not problems, f"the page reported problems: {problems}"


@pytest.fixture
def page(new_context: Callable[..., tuple[BrowserContext, Watcher]]) -> Page:
    """A desktop-sized, watched page."""
    context, _ = new_context()
    return context.new_page()
