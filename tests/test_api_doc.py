"""``docs/api.md``'s examples are the real API's answers (issue 19, point 7): every
``curl`` example with its output is sent to the real app on the demo corpus and the
documented JSON must be what comes back, so the page cannot drift from the code.

A documented string ending in ``…`` stands for a longer one that starts with it; the
index's ``generation`` and ``size_bytes`` change with every build and are only checked
for their type. After a deliberate change to the API,
``NABA_WRITE_API_DOCS=1 python -m pytest tests/test_api_doc.py`` writes the real answers
into the page (long strings cut with ``…``), to be read and committed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.support import ROOT, build_index

API_DOC = ROOT / "docs" / "api.md"
HOST = "http://127.0.0.1:8000"
VARYING = {"generation", "size_bytes"}
CUT_AT = 120


@dataclass
class Example:
    """One documented request and where its answer is written in the page."""

    command: str
    path: str
    params: list[tuple[str, str]]
    start: int  # the answer's span in the page's text
    end: int
    inline: bool  # on the lines after the command, compact, as curl prints it
    raw: str = ""  # the answer as the page shows it

    @property
    def documented(self) -> Any:
        return json.loads(self.raw)


_CONSOLE = re.compile(r"```console\n(.*?)```", re.S)
_JSON_AFTER = re.compile(r"\s*```json\n(.*?)```", re.S)


def examples() -> list[Example]:
    text = API_DOC.read_text("utf-8")
    found = []
    for block in _CONSOLE.finditer(text):
        body_start = block.start(1)
        lines = block.group(1).split("\n")
        offset = body_start
        for i, line in enumerate(lines):
            line_start = offset
            offset += len(line) + 1
            if not line.startswith("$ curl -s ") and not line.startswith("$ curl -sG "):
                continue
            if "|" in line or line.endswith("\\"):
                continue  # piped, or a request body on the next lines: not an answer
            words = shlex.split(line[2:])
            url = next(w for w in words if w.startswith(HOST))
            params: list[tuple[str, str]] = []
            for flag, value in pairwise(words):
                if flag in ("--data-urlencode", "-d"):
                    key, _, val = value.partition("=")
                    params.append((key, val))
            where = urlsplit(url)
            params += [tuple(p.split("=", 1)) for p in where.query.split("&") if p]  # type: ignore[misc]
            answer = lines[i + 1] if i + 1 < len(lines) else ""
            if answer and not answer.startswith("$"):
                start = line_start + len(line) + 1
                found.append(
                    Example(line, where.path, params, start, start + len(answer), True, answer)
                )
                continue
            following = _JSON_AFTER.match(text, block.end())
            if following:
                found.append(
                    Example(
                        line,
                        where.path,
                        params,
                        following.start(1),
                        following.end(1),
                        False,
                        following.group(1),
                    )
                )
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The app on the demo corpus alone, as a new user's `make run` serves it."""
    from tests.browser.support import make_app

    index = build_index(tmp_path_factory.mktemp("api-doc") / "index", ROOT / "corpus")
    return make_app(index).test_client()


def matches(documented: Any, real: Any, key: str = "") -> bool:
    if key in VARYING:
        return type(documented) is type(real)
    if isinstance(documented, str) and documented.endswith("…") and isinstance(real, str):
        return real.startswith(documented[:-1].rstrip()) and len(real) >= len(documented) - 1
    if isinstance(documented, dict) and isinstance(real, dict):
        return list(documented) == list(real) and all(
            matches(documented[k], real[k], k) for k in documented
        )
    if isinstance(documented, list) and isinstance(real, list):
        return len(documented) == len(real) and all(
            matches(d, r) for d, r in zip(documented, real, strict=True)
        )
    return documented == real


def cut(value: Any) -> Any:
    """An answer as the page shows it: long strings cut with ``…``."""
    if isinstance(value, str) and len(value) > CUT_AT + 20:
        return value[:CUT_AT].rstrip() + "…"
    if isinstance(value, dict):
        return {k: cut(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cut(v) for v in value]
    return value


def test_the_page_has_examples_to_check() -> None:
    paths = {e.path for e in EXAMPLES}
    assert {"/api/search", "/api/doc/articles/2023-water-drought-04.txt", "/api/stats"} <= paths
    assert {"/api/suggest", "/healthz"} <= paths


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.command[7:60] for e in EXAMPLES])
def test_a_documented_answer_is_the_real_answer(demo_client: FlaskClient, example: Example) -> None:
    response = demo_client.get(example.path, query_string=example.params)
    real = json.loads(response.get_data(as_text=True))
    if os.environ.get("NABA_WRITE_API_DOCS") == "1":
        _write(example, real)
        return
    assert matches(example.documented, real), (
        f"docs/api.md shows for `{example.command}`:\n"
        f"{json.dumps(example.documented, ensure_ascii=False)[:2000]}\nthe API answers:\n"
        f"{json.dumps(real, ensure_ascii=False)[:2000]}\n"
        "(NABA_WRITE_API_DOCS=1 writes the real answer into the page)"
    )


def _write(example: Example, real: Any) -> None:
    text = API_DOC.read_text("utf-8")
    if example.inline:
        shown = json.dumps(real, ensure_ascii=False, separators=(",", ":"))
    else:
        shown = json.dumps(cut(real), ensure_ascii=False, indent=2) + "\n"
    # Spans of later examples move with this one: it is found again by its old text.
    Path(API_DOC).write_text(text.replace(example.raw, shown, 1), "utf-8")
