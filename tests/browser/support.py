"""What the web tests share: one real index (the demo corpus plus hostile documents),
the app built on it, and the app served on loopback for the browser tests.

Shared by ``tests/test_web_*.py`` (Flask test client) and ``tests/browser/`` (Chromium).
The index is built once per test process (:func:`shared_index`), in a temporary
directory removed at exit: indexing the 57 demo articles takes about a second, and
every web test only reads.

The hostile documents are what an attacker who controls a corpus file could write:
markup in titles, bodies, sources and ids, and a ``javascript:`` URL. Every payload sets
``window.__xss`` and opens a dialog if it ever runs, so browser tests can tell.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from search.indexing import reindex
from search.searching import SearchRequest, open_index, search
from tests.support import ROOT
from web import create_app, i18n
from web.formatting import count_noun

CORPUS = ROOT / "corpus"

#: Payloads that must only ever be shown as text.
SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '"><img src=x onerror="window.__xss=1;alert(1)">'
#: Right-to-left override: would make "txt.exe" display as "exe.txt".
BIDI_OVERRIDE = "\u202e"
#: A word only the hostile documents contain, to find them with a query.
HOSTILE_WORD = "خبيثة"
HOSTILE_TXT_ID = "hostile-article.txt"
HOSTILE_URL_ID = "hostile-url"
HOSTILE_MARKUP_ID = 'hostile"><img src=x onerror=alert(1)>'
HOSTILE_SOURCE = '"><svg onload=alert(1)>'


def write_hostile_corpus(folder: Path) -> Path:
    """Write the hostile documents into ``folder/hostile`` and return that folder."""
    hostile = folder / "hostile"
    hostile.mkdir(parents=True, exist_ok=True)
    (hostile / "hostile-article.txt").write_text(
        f"مقالة {HOSTILE_WORD} {SCRIPT} {IMG} {BIDI_OVERRIDE}txt.exe\n"
        "نشر بتاريخ 2023-05-01\n\n"
        f"هذه مقالة {HOSTILE_WORD} تحتوي على شيفرة {SCRIPT} وصورة {IMG} في نصها.\n\n"
        f"وفقرة ثانية {HOSTILE_WORD} فيها <b>وسم</b> و&amp; ورمز <mark>مزيف</mark>.\n\n"
        f"وملف اسمه {BIDI_OVERRIDE}fdp.exe يبدو عكس حقيقته.\n",
        encoding="utf-8",
    )
    records = [
        {
            "id": HOSTILE_URL_ID,
            "title": f"رابط {HOSTILE_WORD} {SCRIPT}",
            "date": "2023-05-02",
            "source": "رويترز",
            "url": "javascript:window.__xss=1;alert(1)",
            "category": f"قسم {IMG}",
            "content": f"خبر {HOSTILE_WORD} رابطه الأصلي ليس رابط ويب. {IMG}",
        },
        {
            "id": HOSTILE_MARKUP_ID,
            "title": f"معرّف {HOSTILE_WORD} غريب",
            "date": "2023-05-03",
            "source": HOSTILE_SOURCE,
            "url": "https://example.org/news/2023/05/03/a?b=1&c=<x>",
            "content": f"خبر {HOSTILE_WORD} معرّفه ومصدره يحتويان على وسوم.",
        },
    ]
    (hostile / "hostile.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    return hostile


@functools.cache
def shared_index() -> Path:
    """The index root of the demo corpus plus the hostile documents, built once."""
    folder = Path(tempfile.mkdtemp(prefix="naba-web-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    hostile = write_hostile_corpus(folder / "corpus")
    root = folder / "index"
    summary = reindex([CORPUS, hostile], index=root, full=True)
    assert summary.format(), "the reindex summary should be printable"
    return root


def make_app(index: Path | None = None, **config: Any) -> Flask:
    """The real app on ``index`` (default: the shared one), as tests configure it.

    Rate limiting is off unless a test turns it on (``RATELIMIT_ENABLED=True``): the
    web tests send hundreds of requests from one address, and tests/test_web_limits.py
    covers the limiter itself.
    """
    settings = {"TESTING": True, "INDEX": str(index or shared_index()), "RATELIMIT_ENABLED": False}
    settings.update(config)
    return create_app(settings)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def expected(params: dict[str, Any]) -> dict[str, Any]:
    """What the search layer answers for ``params`` on the shared index.

    The web tests compare what the pages show with this rather than with numbers written
    into the tests, so a better analyser or source table does not break them.
    """
    handle = open_index(shared_index())
    return search(handle, SearchRequest.from_params(params)).to_dict()


def results_phrase(params: dict[str, Any], language: str = "ar") -> str:
    """The heading the search page shows for ``params``: ``18 نتيجة``, ``4 نتائج``…
    (``18 results`` in English), said by the app's own catalogues."""
    with _PHRASES.test_request_context(f"/?lang={language}"):
        return count_noun(expected(params)["total"], "result")


#: An app with only the interface languages, to say things as the pages say them.
_PHRASES = Flask("phrases")
i18n.init_app(_PHRASES)


# --- screenshots ---------------------------------------------------------------------------

#: Where ``NABA_SAVE_SCREENSHOTS=1`` keeps the screenshots (``make screenshots``).
SCREENSHOTS = ROOT / "docs" / "screenshots"
#: The devices screenshots are taken on, with their viewports.
DEVICES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: Every colour scheme on every device: what the screenshot tests are parametrised over.
SCREENS = [(scheme, device) for scheme in ("light", "dark") for device in DEVICES]


def screen_page(new_context: Any, scheme: str, device: str) -> tuple[Any, Any]:
    """A page (and its console watcher) as ``device`` shows it in ``scheme``."""
    context, watcher = new_context(
        viewport=DEVICES[device], color_scheme=scheme, is_mobile=device == "phone"
    )
    return context.new_page(), watcher


def keep_screenshot(page: Any, folder: Path, name: str, *, full_page: bool = True) -> None:
    """Take ``name``'s screenshot into ``folder``, and into :data:`SCREENSHOTS` too with
    ``NABA_SAVE_SCREENSHOTS=1``; nothing wider than the screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=str(folder / name), full_page=full_page)
    if os.environ.get("NABA_SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / name).write_bytes((folder / name).read_bytes())
