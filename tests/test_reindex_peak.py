"""A reindex of the largest file Naba accepts stays under 500 MB (issue 18).

The readers are bounded (``tests/test_corpus_bombs.py``); this is the whole command on
the worst input they let through: one article of ``MAX_ARTICLE_CHARS`` characters, all
of its words different (a word list, a hostile file), so that analysis, the word memo
and Whoosh's in-memory segment each hold as much as one document can make them. Run as
``python -m search reindex`` in a fresh process, whose peak resident memory (and its
children's, should the writer fork) is read from the kernel.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from search.corpus.base import MAX_ARTICLE_CHARS
from tests.support import ROOT

PEAK_LIMIT_MB = 500

_RUN = """
import json, re, resource, sys
from search.cli import main
status = main(["reindex", "--index", sys.argv[1], sys.argv[2]])
own = open("/proc/self/status", encoding="ascii").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", own).group(1)) / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"status": status, "peak": peak, "children": children}))
"""


def unique_words(chars: int) -> str:
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    chosen = random.Random(18)
    words, size = [], 0
    while size < chars:
        word = "".join(chosen.choice(letters) for _ in range(chosen.randint(3, 12)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars]


def test_the_largest_article_accepted_is_indexed_under_500_mb(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    title = "مقالة طويلة جدا\n\n"
    (corpus / "longest.txt").write_text(
        title + unique_words(MAX_ARTICLE_CHARS - len(title)), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(tmp_path / "index"), str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, done.stderr[-2000:]
    assert "added 1," in done.stdout + done.stderr  # indexed, not refused as too long
    assert max(result["peak"], result["children"]) < PEAK_LIMIT_MB, result
