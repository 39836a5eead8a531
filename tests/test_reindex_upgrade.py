"""An index written by another version of Naba (its schema names classes that moved)
is reported as such and rebuilt by the next reindex instead of breaking it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from search.engine import IndexIncompatible, open_index
from tests.support import ROOT, SEEDS, run_cli


def _old_index(root: Path, module_dir: Path) -> None:
    """An index whose pickled schema needs a module that is gone by the time it is read."""
    module_dir.mkdir()
    (module_dir / "vanished_analysis.py").write_text(
        textwrap.dedent(
            """
            from whoosh.analysis import Filter

            class OldFilter(Filter):
                def __call__(self, tokens):
                    return tokens
            """
        ),
        "utf-8",
    )
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(module_dir)!r})
        from pathlib import Path
        from whoosh.analysis import RegexTokenizer
        from whoosh.fields import ID, TEXT, Schema
        from whoosh import index
        from search.engine.whoosh_store import new_generation, switch_to
        from vanished_analysis import OldFilter

        root = Path({str(root)!r})
        generation = new_generation(root)
        schema = Schema(id=ID(stored=True), body=TEXT(analyzer=RegexTokenizer() | OldFilter()))
        ix = index.create_in(str(generation), schema)
        writer = ix.writer()
        writer.add_document(id="old", body="old text")
        writer.commit()
        switch_to(root, generation)
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    (module_dir / "vanished_analysis.py").unlink()


def test_an_index_of_another_version_is_named_and_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "index"
    _old_index(root, tmp_path / "old_code")
    with pytest.raises(IndexIncompatible, match="reindex --full"):
        open_index(root)
    stats = run_cli("stats", "--index", str(root))
    message = stats.stderr.decode("utf-8")
    assert stats.returncode == 2 and "reindex --full" in message
    assert "Traceback" not in message

    result = run_cli("reindex", str(SEEDS), "--index", str(root), "--json")
    assert result.returncode == 0, result.stderr.decode("utf-8")
    summary = json.loads(result.stdout)
    assert summary["mode"] == "full" and summary["documents"] == 5
    assert open_index(root).reader().get("old") is None
