"""axe-core (from npm, ``package.json``) on every page type in real Chromium, light and
dark, desktop and phone: no serious or critical violation (issue 19, point 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext

from tests.browser.conftest import Watcher
from tests.browser.support import DEVICES
from tests.support import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PAGES = {
    "welcome": "/",
    "results": "/search?q=" + quote("الجفاف"),
    "filtered": "/search?q=" + quote("الجفاف") + "&source=Reuters&year=2023",
    "empty": "/search?q=" + quote("كلمةلاوجودلها"),
    "error": "/search?q=x&month=2023-13",
    "notices": "/search?q=" + quote("الجفاف date:2023-99"),
    "page-two": "/search?page=2",
    "timeline-hijri-undated": "/search?q=" + quote("الخط") + "&calendar=hijri&interval=year",
    "article": "/doc/articles/2023-water-drought-04.txt?q=" + quote("الجفاف"),
    "saved-page": "/doc/pages/2024-water-pipeline-01.html",
    "help": "/help",
    "embed": "/embed?q=" + quote("الجفاف"),
    "not-found": "/doc/no-such-article",
}


def violations(context: BrowserContext, url: str) -> list[dict]:
    page = context.new_page()
    page.goto(url)
    page.evaluate("document.fonts.ready")
    # Injected by the driver, not the page (the CSP allows the site's own scripts only).
    page.evaluate(AXE.read_text("utf-8"))
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
          }));
        }"""
    )
    page.close()
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_axe_core_is_installed() -> None:
    assert AXE.is_file(), "run `make dev-deps` (npm ci) to install axe-core"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_serious_accessibility_violation_on_any_page(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    scheme: str,
    device: str,
) -> None:
    assert_no_serious_violation(new_context, scheme, device, base_url, PAGES)


def assert_no_serious_violation(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    scheme: str,
    device: str,
    base_url: str,
    pages: dict[str, str],
) -> None:
    """axe-core on every page of ``pages`` as ``device`` shows it in ``scheme``."""
    context, watcher = new_context(
        viewport=DEVICES[device], color_scheme=scheme, is_mobile=device == "phone", bypass_csp=True
    )
    watcher.expected += ["404", "400"]  # the not-found and bad-request pages' own statuses
    report = {name: violations(context, base_url + path) for name, path in pages.items()}
    bad = {name: found for name, found in report.items() if found}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
