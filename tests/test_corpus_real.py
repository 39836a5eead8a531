"""The readers on the real corpora in ../shared, checked against the raw files.

Expected values are computed here from the raw bytes with the standard library
(tarfile, zipfile, json, email.utils), independently of the readers under test.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from search.corpus import ReadReport, read_corpus
from search.document import Document
from search.metadata import canonical_source, canonical_source_or_self

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ANT = SHARED / "data" / "ant-v2.1.tar.gz"
SAUDI = SHARED / "data" / "saudinewsnet"
SEEDS = SHARED / "seeds"


def _tag(raw: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", raw, re.DOTALL)
    assert match, f"<{tag}> missing"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def ant_raw() -> dict[str, dict[str, str]]:
    """DOCNO → raw fields of every ANT article, read straight from the tarball."""
    assert ANT.is_file(), f"ANT is expected at {ANT}"
    out: dict[str, dict[str, str]] = {}
    with tarfile.open(ANT, "r:gz") as tf:
        for member in tf:
            if member.isfile() and member.name.endswith(".txt"):
                raw = tf.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
                fields = {t: _tag(raw, t) for t in ("DOCNO", "SRC", "TIME", "TITLE", "URL", "CAT")}
                fields["ABSTRACT"], fields["TEXT"] = _tag(raw, "ABSTRACT"), _tag(raw, "TEXT")
                fields["member"] = member.name
                out[fields["DOCNO"]] = fields
    return out


# DOCNOs from different outlets, checked field by field against the raw file.
KNOWN = {
    "AL-culture-590-20180715",  # abstract = the text's start with line breaks removed
    "BB-culture-37-20180220",  # abstract is a separate summary: kept before the text
    "CN-middleEast-836-20180508",  # abstract follows a dateline inside the text
    "FR-internationalNews-29-20180219",
}


@pytest.fixture(scope="module")
def ant_read() -> tuple[ReadReport, float, dict[str, tuple], dict[str, Document]]:
    """One streamed read of ANT: report, seconds, metadata of every doc, KNOWN docs whole."""
    report = ReadReport()
    start = time.perf_counter()
    docs, known = {}, {}
    for doc in read_corpus([ANT], report=report):
        docs[doc.id] = (doc.date, doc.date_source, doc.sources, doc.source_rules, doc.title)
        if doc.id in KNOWN:
            known[doc.id] = doc
    return report, time.perf_counter() - start, docs, known


def test_ant_every_article_read_with_field_date_and_source(
    ant_raw: dict[str, dict[str, str]], ant_read: tuple
) -> None:
    assert len(ant_raw) == 31_525
    empty = {no for no, f in ant_raw.items() if not f["ABSTRACT"] and not f["TEXT"]}
    assert len(empty) == 2  # two France 24 pages whose article was not captured

    report, elapsed, docs, _ = ant_read
    print(f"ANT: {report.read} documents in {elapsed:.1f} s")
    assert elapsed < 60

    assert set(docs) == set(ant_raw) - empty
    assert (report.read, report.skipped) == (31_523, 2)
    assert report.reasons() == {"no body": 2}
    assert {p.origin.rsplit("!", 1)[1] for p in report.problems} == {
        ant_raw[no]["member"] for no in empty
    }
    for docno, (date, date_source, sources, rules, title) in docs.items():
        raw = ant_raw[docno]
        # TIME is RFC 2822; the publication date is the date as written, in its own zone.
        assert date == email.utils.parsedate_to_datetime(raw["TIME"]).date(), docno
        assert date_source == "field"
        canonical = canonical_source(raw["SRC"])
        assert canonical is not None, raw["SRC"]
        assert (sources, rules) == ([canonical], {canonical: "field"}), docno
        assert title == raw["TITLE"]


def test_ant_known_documents_in_full(ant_raw: dict[str, dict[str, str]], ant_read: tuple) -> None:
    docs = ant_read[3]
    assert set(docs) == KNOWN
    for docno, doc in docs.items():
        raw = ant_raw[docno]
        assert doc.url == raw["URL"] and doc.category == raw["CAT"] and doc.title == raw["TITLE"]
        assert doc.origin == f"{ANT}!{raw['member']}"
        text_lines = [line.strip() for line in raw["TEXT"].split("\n")]
        assert doc.body.endswith("\n".join(text_lines))
    assert docs["AL-culture-590-20180715"].date == dt.date(2018, 7, 15)
    assert docs["AL-culture-590-20180715"].sources == ["Al Arabiya"]
    assert not docs["AL-culture-590-20180715"].body.startswith(
        ant_raw["AL-culture-590-20180715"]["ABSTRACT"]
    )
    bbc = ant_raw["BB-culture-37-20180220"]
    assert docs["BB-culture-37-20180220"].body == f"{bbc['ABSTRACT']}\n\n{bbc['TEXT']}"
    cnn = ant_raw["CN-middleEast-836-20180508"]
    assert docs["CN-middleEast-836-20180508"].body == cnn["TEXT"]


def _saudi_raw() -> tuple[int, dict[str, dict[str, str]]]:
    """(number of records, url → record with content) from every zip, with zipfile+json."""
    total, with_body = 0, {}
    for path in sorted(SAUDI.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                records = json.loads(zf.read(name))
                total += len(records)
                with_body.update({r["url"]: r for r in records if r["content"].strip()})
    return total, with_body


def test_saudinewsnet_all_records_and_empty_ones_reported() -> None:
    assert len(list(SAUDI.glob("*.zip"))) == 18
    total, raw = _saudi_raw()
    assert total == 31_030

    report = ReadReport()
    start = time.perf_counter()
    docs = list(read_corpus([SAUDI], report=report))
    elapsed = time.perf_counter() - start
    print(f"SaudiNewsNet: {report.read} documents in {elapsed:.1f} s")

    empty = total - len(raw)
    assert empty == 354
    assert (report.read, report.skipped) == (len(raw), empty)
    assert report.reasons() == {"no body": empty}
    assert all(re.search(r"\.zip!\d{4}-\d\d-\d\d\.json:\d+$", p.origin) for p in report.problems)
    assert {d.id for d in docs} == set(raw)
    for doc in docs:
        record = raw[doc.id]
        assert doc.url == record["url"]
        assert doc.title == record["title"].strip()
        assert doc.body == record["content"].strip().replace("\r\n", "\n").replace("\r", "\n")
        assert doc.date == dt.date.fromisoformat(record["date_extracted"][:10])
        assert doc.date_source == "field"
        assert doc.sources == [canonical_source_or_self(record["source"])]


def test_seeds_folder_gives_five_documents_named_by_file() -> None:
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    report = ReadReport()
    docs = list(read_corpus([SEEDS], report=report))
    assert [d.id for d in docs] == names and len(names) == 5
    assert (report.read, report.skipped, report.notes) == (5, 0, [])
    for doc in docs:
        raw = (SEEDS / doc.id).read_text(encoding="utf-8")
        title, _, body = raw.partition("\n")
        assert doc.title == title.strip()
        assert doc.body == body.strip("\n").rstrip()  # the body exactly as written
        assert doc.origin == str(SEEDS / doc.id)
        assert doc.sources, doc.id  # every seed names its outlet or agency in the text
