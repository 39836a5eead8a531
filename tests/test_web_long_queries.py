"""Long queries (issue 18, item 6): a pasted paragraph is searched, not lost.

gunicorn's default request line (4,094 bytes) held about 650 percent-encoded Arabic
letters, and what did not fit got an English HTML 414 that the page never showed. Now
``python -m web`` takes a request line of 8,190 bytes, so a GET of everything the search
reads (``MAX_QUERY_CHARS`` letters) fits with its filters; the API, the search page and
the widget also take their parameters by POST (the htmx forms post), the query is cut
where the search layer cuts it, the page says so in Arabic, and every address the page
pushes or links to stays short enough to load. What is still too long gets a JSON error
with an Arabic message and a stable code, from gunicorn's worker as from the app.

The server is the real one (``python -m web``, gunicorn) on loopback, with the shared
test index.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient

from search.searching import MAX_QUERY_CHARS
from tests.browser.support import shared_index
from tests.support import ROOT
from web.__main__ import REQUEST_LINE_BYTES

#: Arabic letters are two bytes of UTF-8, six once percent-encoded: the worst case.
LETTERS = "الجفافيهددالمحاصيل"
CUT_NOTICE = f"فبحثنا بأول {MAX_QUERY_CHARS} حرف"


def paragraph(chars: int) -> str:
    words = (LETTERS + " ") * (chars // (len(LETTERS) + 1) + 1)
    return words[:chars]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "NABA_INDEX": str(shared_index()),
        "NABA_WORKERS": "1",
        "NABA_RATE_LIMIT": "off",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=20)


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_get_of_the_longest_query_the_search_reads_fits(server: str) -> None:
    query = urlencode({"q": paragraph(MAX_QUERY_CHARS), "source": "رويترز", "year": "2023"})
    assert len(f"GET /api/search?{query} HTTP/1.1") > 4094 * 1.4  # gunicorn's old default
    status, _, body = fetch(f"{server}/api/search?{query}")
    assert status == 200
    assert not any("cut" in warning for warning in json.loads(body)["warnings"])


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [({}, 414, "uri_too_long"), ({"X-Padding": "x" * 9000}, 431, "headers_too_large")],
)
def test_what_gunicorn_cannot_read_gets_a_json_error_in_arabic(
    server: str, headers: dict[str, str], status: int, code: str
) -> None:
    if status == 414:
        url = f"{server}/api/search?q=" + quote(paragraph(1500))
        assert len(url) > REQUEST_LINE_BYTES
    else:
        url = f"{server}/api/search?q=x"
    got, response_headers, body = fetch(url, headers=headers)
    assert got == status
    assert response_headers["Content-Type"] == "application/json; charset=utf-8"
    error = json.loads(body)
    assert error["code"] == code and error["status"] == status
    assert any("\u0600" <= ch <= "\u06ff" for ch in error["error"])  # Arabic, for people


def test_the_api_takes_a_pasted_paragraph_by_post(server: str) -> None:
    text = paragraph(6000)
    form = fetch(f"{server}/api/search", urlencode({"q": text, "source": "رويترز"}).encode())
    as_json = fetch(
        f"{server}/api/search",
        json.dumps({"q": text, "source": ["رويترز"], "per_page": 5}).encode(),
        {"Content-Type": "application/json"},
    )
    get = fetch(
        f"{server}/api/search?" + urlencode({"q": text[:MAX_QUERY_CHARS], "source": "رويترز"})
    )
    answers = [json.loads(body) for status, _, body in (form, as_json, get) if status == 200]
    assert len(answers) == 3
    assert answers[0]["total"] == answers[1]["total"] == answers[2]["total"]
    assert f"query cut to its first {MAX_QUERY_CHARS} characters" in answers[0]["warnings"]
    assert answers[1]["per_page"] == 5


def test_the_page_searches_a_posted_paragraph_and_pushes_an_address_that_loads(
    server: str,
) -> None:
    text = "الجفاف " + paragraph(5000)
    status, headers, body = fetch(
        f"{server}/search", urlencode({"q": text}).encode(), {"HX-Request": "true"}
    )
    html = body.decode()
    assert status == 200 and CUT_NOTICE in html and 'id="results"' in html
    pushed = headers["HX-Push-Url"]
    assert pushed.startswith("/search?q=") and len(pushed) < REQUEST_LINE_BYTES - 100
    again, _, page = fetch(server + pushed)
    assert again == 200 and CUT_NOTICE not in page.decode()
    # Every link on the page carries the query as searched, so each one loads too.
    links = re.findall(r'(?:href|hx-get)="([^"]*)"', html)
    assert links and max(len(link) for link in links) < REQUEST_LINE_BYTES - 100


def test_the_widget_takes_a_posted_paragraph(server: str) -> None:
    status, _, body = fetch(
        f"{server}/embed", urlencode({"q": paragraph(3000), "limit": "3"}).encode()
    )
    assert status == 200 and CUT_NOTICE in body.decode()


def test_search_boxes_keep_a_form_sent_without_javascript_within_a_url(
    client: FlaskClient,
) -> None:
    for path in ("/", "/embed"):
        assert f'maxlength="{MAX_QUERY_CHARS}"' in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"q=" + b"x" * (2 << 20), "application/x-www-form-urlencoded", 413, "too_large"),
        (b"[1, 2]", "application/json", 400, "bad_request"),
        (b'{"q": {"nested": 1}}', "application/json", 400, "bad_request"),
        (b'{"q": true}', "application/json", 400, "bad_request"),
        (b'{"q": "x", "per_page": "lots"}', "application/json", 400, "invalid_parameter"),
        (b"{not json", "application/json", 400, "bad_request"),
    ],
)
def test_a_bad_post_is_a_json_error_with_a_code(
    client: FlaskClient, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = client.post("/api/search", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["code"] == code


def test_an_oversized_htmx_post_is_swapped_in_as_an_arabic_notice(client: FlaskClient) -> None:
    response = client.post(
        "/search",
        data=b"q=" + b"x" * (2 << 20),
        content_type="application/x-www-form-urlencoded",
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert '<div id="results" class="notice error" role="alert">' in html
    assert "الطلب أكبر من المسموح" in html and "<html" not in html
