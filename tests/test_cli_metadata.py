"""``python -m search metadata`` run as a user runs it: a subprocess, on real files."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

from tests.support import run_cli

ARTICLE = "عنوان الخبر\n16 أغسطس 2023\nقال المتحدث إن الاجتماع انتهى. (رويترز)\n"
KEYS = {
    "id",
    "title",
    "date",
    "date_source",
    "sources",
    "source_rules",
    "url",
    "category",
    "origin",
    "author",
}


def lines(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_metadata_of_one_file(tmp_path: Path) -> None:
    path = tmp_path / "خبر.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = run_cli("metadata", str(path))
    assert result.returncode == 0, result.stderr
    (doc,) = lines(result.stdout)
    assert set(doc) == KEYS  # the model without its body
    assert doc["id"] == "خبر.txt" and doc["title"] == "عنوان الخبر"
    assert (doc["date"], doc["sources"]) == ("2023-08-16", ["Reuters"])
    assert doc["date_source"].startswith("text:") and doc["source_rules"]["Reuters"]
    assert "عنوان الخبر".encode() in result.stdout  # ensure_ascii=False: readable Arabic
    assert result.stderr.decode().strip().endswith("read 1 documents, skipped 0")


def test_metadata_of_a_folder_reports_skipped_inputs_and_still_exits_0(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_bytes(ARTICLE.encode("cp1256"))
    (tmp_path / "sub" / "broken.jsonl").write_text('{"content": "نص", "id": "j1"}\n{"cont\n')
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_cli("metadata", str(tmp_path))
    assert result.returncode == 0
    assert [d["id"] for d in lines(result.stdout)] == ["a.txt", "sub/b.txt", "j1"]
    stderr = result.stderr.decode()
    assert f"{tmp_path}/sub/broken.jsonl:2: invalid JSON" in stderr  # each problem, as it happens
    assert "read 3 documents, skipped 2" in stderr
    assert "  empty file: 1 (" in stderr and "  invalid JSON: 1 (" in stderr
    assert "decoded as Windows-1256: 1" in stderr


def test_metadata_of_archives_and_field_overrides(tmp_path: Path) -> None:
    record = {"headline_ar": "عنوان", "nass": "نص", "guid": "g-1", "wakala": "أ ف ب"}
    zpath = tmp_path / "news.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("2023/a.txt", ARTICLE)
        zf.writestr("records.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    tpath = tmp_path / "news.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        data = ARTICLE.encode()
        info = tarfile.TarInfo("x/b.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))

    result = run_cli(
        "metadata",
        str(zpath),
        str(tpath),
        "--field",
        "title=headline_ar",
        "--field",
        "body=nass",
        "--field",
        "source=wakala",
    )
    assert result.returncode == 0, result.stderr
    docs = lines(result.stdout)
    assert [(d["id"], d["origin"]) for d in docs] == [
        ("news.zip!2023/a.txt", f"{zpath}!2023/a.txt"),
        ("g-1", f"{zpath}!records.jsonl:1"),
        ("news.tar.gz!x/b.txt", f"{tpath}!x/b.txt"),
    ]
    assert (docs[1]["title"], docs[1]["sources"]) == ("عنوان", ["AFP"])
    assert docs[1]["source_rules"] == {"AFP": "field"}

    # Without the overrides the record has no body field it knows: reported, not printed.
    plain = run_cli("metadata", str(zpath))
    assert [d["id"] for d in lines(plain.stdout)] == ["news.zip!2023/a.txt"]
    assert f"{zpath}!records.jsonl:1: no body" in plain.stderr.decode()


def test_missing_path_and_bad_field_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    missing = run_cli("metadata", str(tmp_path / "a.txt"), str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stdout == b""  # nothing read before the arguments are known to be good
    assert f"no such file or directory: {tmp_path / 'nope'}" in missing.stderr.decode()
    bad = run_cli("metadata", str(tmp_path), "--field", "author=by")
    assert bad.returncode == 2 and "bad field mapping 'author=by'" in bad.stderr.decode()
