"""An index someone else could have written is refused (issue 18, item 3).

Whoosh unpickles its table of contents: whoever can write ``index/`` could run code in
the CLI and in every web worker (``/healthz`` was enough). Naba refuses to open an index
with a world-writable file or folder, or a file owned by a user other than the index
folder's owner, with a message that says what to fix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from search.engine import IndexUnsafe, open_index
from search.engine import whoosh_store as store
from search.indexing import reindex
from tests.support import SEEDS, run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    index = tmp_path / "index"
    reindex([corpus], index=index, full=True)
    return index


def _toc(root: Path) -> Path:
    return next(store.live_generation(root).glob("_MAIN_*.toc"))


def test_a_safe_index_opens(root: Path) -> None:
    assert open_index(str(root)).reader().stats().documents == 5


@pytest.mark.parametrize("target", ["toc", "generation", "root", "pointer"])
def test_a_world_writable_part_is_refused(root: Path, target: str) -> None:
    path = {
        "toc": _toc(root),
        "generation": store.live_generation(root),
        "root": root,
        "pointer": root / store.POINTER,
    }[target]
    path.chmod(path.stat().st_mode | 0o002)
    with pytest.raises(IndexUnsafe, match="writable by every user"):
        open_index(str(root))


def test_a_file_of_another_user_is_refused(root: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")  # CI runs as root
    os.chown(_toc(root), 12345, -1)
    with pytest.raises(IndexUnsafe, match="belongs to user 12345"):
        open_index(str(root))


def test_a_running_reader_refuses_a_tampered_commit(root: Path, tmp_path: Path) -> None:
    index = open_index(str(root))
    assert index.reader().stats().documents == 5
    corpus = tmp_path / "corpus"
    (corpus / "late.txt").write_text("خبر متأخر\n\nنص الخبر المتأخر.\n", "utf-8")
    reindex([corpus], index=root)
    newest = max(store.live_generation(root).glob("_MAIN_*.toc"), key=lambda p: p.stat().st_mtime)
    newest.chmod(0o666)
    with pytest.raises(IndexUnsafe):
        index.reader()


def test_group_writable_files_are_allowed(root: Path) -> None:
    _toc(root).chmod(0o664)
    assert open_index(str(root)).reader().stats().documents == 5


def test_the_cli_and_the_site_say_why(root: Path) -> None:
    _toc(root).chmod(0o666)
    result = run_cli("stats", "--index", str(root))
    assert result.returncode != 0
    assert "writable by every user" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_the_site_answers_503_not_500(root: Path) -> None:
    from tests.browser.support import make_app

    _toc(root).chmod(0o666)
    client = make_app(root).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    search = client.get("/api/search?q=الحكومة")
    assert search.status_code == 503 and "writable by every user" in search.get_json()["error"]
    assert client.get("/search?q=الحكومة").status_code == 503


def _tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``root``: size, modification time, inode."""
    return {
        str(path.relative_to(root)): (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        for path in [root, *root.rglob("*")]
        for stat in [path.stat()]
    }


def test_the_site_writes_nothing_to_the_index(root: Path) -> None:
    """So it can run as a user who may only read the index (docs/security.md): served
    from start to searches, articles, suggestions and stats, the tree is unchanged."""
    from tests.browser.support import make_app
    from web.live_index import warm

    before = _tree(root)
    app = make_app(root)
    assert warm(app)
    client = app.test_client()
    for query in ("الحكومة", '"وزارة الصحة"', "انتخابات -رئاسية", "غزة أو لبنان"):
        assert client.get("/search", query_string={"q": query}).status_code == 200
        found = client.get("/api/search", query_string={"q": query, "sort": "newest"})
        for hit in found.get_json()["hits"][:2]:
            assert (
                client.get("/api/doc", query_string={"id": hit["id"], "q": query}).status_code
                == 200
            )
    for path in ("/", "/api/stats", "/healthz", "/api/suggest?q=الح", "/embed?q=الحكومة"):
        assert client.get(path).status_code == 200, path
    assert _tree(root) == before
