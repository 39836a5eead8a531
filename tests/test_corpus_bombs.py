"""Decompression bombs and huge records are refused without being read whole
(issue 18, item 2). A small zip whose member unpacks to 300 MB, or a ``.jsonl.gz`` with
one 300 MB line, had been read into memory before the size check (peaks of 1.6 and
1.1 GB). Each test reads the bomb in a fresh process and checks its peak memory."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support import ROOT

BOMB_CHARS = 150_000_000  # compresses to about 150 KB
PEAK_LIMIT_MB = 200  # the interpreter and the corpus modules take about 30 MB of it
GOOD = json.dumps({"id": "good", "title": "خبر", "body": "نص الخبر الجيد."}, ensure_ascii=False)


def _read_in_fresh_process(path: Path) -> dict:
    """Read ``path`` as a corpus in a new interpreter: ids, problems, peak RSS in MB."""
    code = f"""
import json, re
from search.corpus import ReadReport, read_corpus
report = ReadReport()
ids = [d.id for d in read_corpus([{str(path)!r}], report=report)]
# VmHWM: this program's own peak (ru_maxrss keeps the forking parent's across exec).
status = open("/proc/self/status", encoding="ascii").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
print(json.dumps({{"ids": ids, "reasons": [p.reason for p in report.problems], "peak": peak}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _chunks(total: int, piece: bytes) -> bytes:
    return piece * (total // len(piece))


def test_a_jsonl_gz_with_one_huge_line_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(GOOD.encode() + b"\n")
        out.write(b'{"id": "bomb", "title": "x", "body": "')
        out.write(_chunks(BOMB_CHARS, b"a" * 65536))
        out.write(b'"}\n')
        out.write(GOOD.replace('"good"', '"after"').encode() + b"\n")
    result = _read_in_fresh_process(path)
    assert result["ids"] == ["good", "after"]
    assert result["reasons"] == ["too large for one record"]
    assert result["peak"] < PEAK_LIMIT_MB, result["peak"]


def test_a_zip_member_that_unpacks_huge_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a-good.txt", "خبر\n\nنص الخبر الجيد.\n")
        with archive.open("b-bomb.txt", "w") as member:
            member.write("عنوان\n\n".encode())
            for _ in range(BOMB_CHARS // 65536):
                member.write(b"a" * 65536)
    result = _read_in_fresh_process(path)
    assert result["ids"] == ["bomb.zip!a-good.txt"]
    assert result["reasons"] == ["too large for one article"]
    assert result["peak"] < PEAK_LIMIT_MB, result["peak"]


def test_a_huge_trec_record_is_skipped_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "records.txt.gz"
    good = (
        "<DOC>\n<DOCNO>{}</DOCNO>\n<TITLE>خبر</TITLE>\n<TEXT>\nنص الخبر الجيد.\n</TEXT>\n</DOC>\n"
    )
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(good.format("first").encode())
        out.write(b"<DOC>\n<DOCNO>lines</DOCNO>\n<TEXT>\n")  # many ordinary lines
        for _ in range(BOMB_CHARS // 2 // 65536):
            out.write(b"a" * 65535 + b"\n")
        out.write(b"</TEXT>\n</DOC>\n")
        out.write(good.format("middle").encode())
        out.write(b"<DOC>\n<DOCNO>line</DOCNO>\n<TEXT>\n")  # one endless line
        out.write(_chunks(BOMB_CHARS // 2, b"b" * 65536))
        out.write(b"\n</TEXT>\n</DOC>\n")
        out.write(good.format("last").encode())
    result = _read_in_fresh_process(path)
    assert result["ids"] == ["first", "middle", "last"]
    assert result["reasons"] == ["too large for one record"] * 2
    assert result["peak"] < PEAK_LIMIT_MB, result["peak"]
