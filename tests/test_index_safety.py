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
