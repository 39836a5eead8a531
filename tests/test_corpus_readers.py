"""Every reader and every kind of bad input, on real files written in ``tmp_path``.

Each test builds the bytes a real corpus would contain (cp1256 exports, a zip cut short
by a failed download, a JSON line cut in half...) and checks both what is read and
what is reported, with file and record.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import logging
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from search.corpus import (
    CorpusFile,
    FieldMap,
    Problem,
    ReadReport,
    list_corpus_files,
    read_corpus,
    read_files,
)
from search.document import Document

ARTICLE = (
    "زعيم كوريا الشمالية يتعهد بتوطيد العلاقات\n"
    "\n"
    "16 أغسطس 2023\n"
    "قالت الوكالة، الثلاثاء، إنّ الزعيم تبادل الرسائل مع الرئيس. (رويترز)\n"
)
# Diacritics, Persian letters, tatweel and a ZWNJ: all must survive reading unchanged.
AS_WRITTEN = "مُحَمَّدٌ قالَ: پژوهش گزارش کرد ـ نمی‌خواهم «اقتباس»؛ ٣٤٥ ۱۲۳"


def read(*paths: Path, **kwargs: object) -> tuple[list[Document], ReadReport]:
    report = ReadReport()
    docs = list(read_corpus(paths, report=report, **kwargs))  # type: ignore[arg-type]
    return docs, report


def reasons(report: ReadReport) -> dict[str, str]:
    """origin → reason, for exact assertions on what was skipped."""
    return {p.origin: p.reason for p in report.problems}


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --- plain text -------------------------------------------------------------------------


def test_text_file_title_body_and_metadata_from_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    (doc,), report = read(path)
    assert doc.id == "a.txt"
    assert doc.title == "زعيم كوريا الشمالية يتعهد بتوطيد العلاقات"
    assert doc.body.startswith("16 أغسطس 2023\nقالت")
    assert doc.date == dt.date(2023, 8, 16)
    assert doc.date_source is not None and doc.date_source.startswith("text:")
    assert doc.sources == ["Reuters"]
    assert doc.source_rules["Reuters"]
    assert doc.origin == str(path)
    assert (report.read, report.skipped) == (1, 0)


def test_text_body_is_kept_as_written_only_newlines_and_bom_change(tmp_path: Path) -> None:
    text = f"العنوان\r\n{AS_WRITTEN}\r\n\r\n  سطر ثانٍ\rسطر ثالث"
    (doc,), _ = read(write(tmp_path / "a.txt", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert doc.title == "العنوان"
    assert doc.body == f"{AS_WRITTEN}\n\n  سطر ثانٍ\nسطر ثالث"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    (doc,), report = read(write(tmp_path / "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode()))
    assert doc.title.startswith("زعيم")
    assert report.notes == []


def test_windows_1256_file_is_decoded_and_noted(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.txt", ARTICLE.encode("cp1256"))
    (doc,), report = read(path)
    assert doc.title == "زعيم كوريا الشمالية يتعهد بتوطيد العلاقات"
    assert "الوكالة" in doc.body
    assert report.notes == [Problem(str(path), "decoded as Windows-1256")]


def test_iso_8859_6_and_utf16_files_are_decoded(tmp_path: Path) -> None:
    plain = "عنوان الخبر\nنص الخبر هنا وهناك\n"
    iso = write(tmp_path / "iso.txt", plain.encode("iso-8859-6"))
    utf16 = write(tmp_path / "u16.txt", plain.encode("utf-16"))
    docs, report = read(iso, utf16)
    assert [(d.title, d.body) for d in docs] == [("عنوان الخبر", "نص الخبر هنا وهناك")] * 2
    assert {n.reason for n in report.notes} == {"decoded as ISO-8859-6", "decoded as UTF-16"}


def test_title_only_file_has_no_body(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "عنوان وحده\n\n")
    docs, report = read(path)
    assert docs == []
    assert reasons(report) == {str(path): "no body"}


def test_filename_date_is_used_only_when_the_text_has_none(tmp_path: Path) -> None:
    undated = write(tmp_path / "2023-08-16-story.txt", "عنوان\nنص بلا تاريخ\n")
    dated = write(tmp_path / "2020-01-01-other.txt", ARTICLE)
    compact = write(tmp_path / "story_20230817.txt", "عنوان\nنص بلا تاريخ\n")
    future = write(tmp_path / "2099-01-01-x.txt", "عنوان\nنص بلا تاريخ\n")
    docs, _ = read(tmp_path, now=dt.date(2024, 1, 1))
    by_id = {d.id: d for d in docs}
    assert (by_id[undated.name].date, by_id[undated.name].date_source) == (
        dt.date(2023, 8, 16),
        "filename",
    )
    assert by_id[dated.name].date == dt.date(2023, 8, 16)
    assert by_id[dated.name].date_source != "filename"
    assert by_id[compact.name].date == dt.date(2023, 8, 17)
    assert (by_id[future.name].date, by_id[future.name].date_source) == (None, None)


# --- bad files --------------------------------------------------------------------------


def test_bad_files_are_reported_with_their_reason_and_the_rest_is_read(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", ARTICLE)
    png = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    nul = write(tmp_path / "nul.txt", "عنوان\nنص".encode() + b"\x00\x00\x01\x02")
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.txt", b"\xef\xbb\xbf \r\n\t\n")
    latin1 = write(tmp_path / "french.txt", "Le président a déclaré à Paris".encode("latin-1"))
    mojibake = write(tmp_path / "moji.txt", ARTICLE.encode("utf-8").decode("cp1256").encode())
    garbled = ARTICLE.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    mojibake2 = write(tmp_path / "moji2.txt", garbled)
    other = write(tmp_path / "report.docx", b"PK\x03\x04 not really")
    docs, report = read(tmp_path)
    assert [d.id for d in docs] == ["good.txt"]
    assert reasons(report) == {
        str(png): "binary file",
        str(nul): "binary file",
        str(empty): "empty file",
        str(blank): "empty file",
        str(latin1): "undecodable text",
        str(mojibake): "mojibake",
        str(mojibake2): "mojibake",
        str(other): "unsupported file type",
    }
    assert (report.read, report.skipped) == (1, 8)


def test_hidden_files_and_markdown_are_skipped_silently(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "# not an article")
    write(tmp_path / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main")
    write(tmp_path / "a.txt", ARTICLE)
    docs, report = read(tmp_path)
    assert [d.id for d in docs] == ["a.txt"]
    assert report.problems == [] and report.notes == []


def test_missing_path_is_reported_not_raised(tmp_path: Path) -> None:
    docs, report = read(tmp_path / "nope")
    assert docs == []
    assert reasons(report) == {str(tmp_path / "nope"): "not found"}
    with pytest.raises(FileNotFoundError):
        list(list_corpus_files([tmp_path / "nope"]))


def test_each_problem_is_logged_on_the_search_corpus_logger(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "empty.txt", b"")
    with caplog.at_level(logging.WARNING, logger="search.corpus"):
        read(path)
    assert [(r.name, r.levelno) for r in caplog.records] == [("search.corpus", logging.WARNING)]
    assert str(path) in caplog.records[0].getMessage()


def test_summary_counts_and_groups_by_reason(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "e1.txt", b"")
    write(tmp_path / "e2.txt", b"")
    write(tmp_path / "b.txt", b"\x00\x01")
    _, report = read(tmp_path)
    summary = report.summary()
    assert summary.splitlines()[0] == "read 1 documents, skipped 3"
    assert "  empty file: 2 (" in summary and "  binary file: 1 (" in summary
    assert summary.index("empty file") < summary.index("binary file")  # most frequent first
    assert report.reasons() == {"empty file": 2, "binary file": 1}


# --- folders ----------------------------------------------------------------------------


def test_nested_folders_give_relative_slash_ids_in_sorted_order(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "b.txt", ARTICLE)
    write(corpus / "a" / "z" / "deep.txt", ARTICLE)
    write(corpus / "a" / "x.txt", ARTICLE)
    docs, report = read(corpus)
    assert [d.id for d in docs] == ["a/x.txt", "a/z/deep.txt", "b.txt"]
    assert docs[1].origin == str(corpus / "a" / "z" / "deep.txt")
    assert report.read == 3


def test_list_corpus_files_reports_what_changed_without_parsing(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.txt", ARTICLE)
    write(tmp_path / "data.zip", b"not even a zip")
    write(tmp_path / "notes.md", "x")
    files = list(list_corpus_files([tmp_path]))
    assert [(f.id, f.size) for f in files] == [
        ("data.zip", 14),
        ("sub/a.txt", len(ARTICLE.encode())),
    ]
    assert files[1].path == tmp_path / "sub" / "a.txt"
    assert files[1].mtime_ns == (tmp_path / "sub" / "a.txt").stat().st_mtime_ns
    # Reading one listed file gives the same id as reading the whole folder.
    (doc,) = read_files([files[1]])
    assert doc.id == "sub/a.txt"
    single = CorpusFile(str(tmp_path / "sub" / "a.txt"), "renamed/a.txt", 0, 0)
    assert next(read_files([single])).id == "renamed/a.txt"


def test_duplicate_ids_are_reported_and_the_later_one_skipped(tmp_path: Path) -> None:
    records = [{"id": "7", "content": "نص أول"}, {"id": 7, "content": "نص ثان"}]
    path = write(tmp_path / "d.jsonl", "\n".join(json.dumps(r) for r in records))
    docs, report = read(path)
    assert [d.body for d in docs] == ["نص أول"]
    assert reasons(report) == {f"{path}:2": "duplicate id"}


# --- TREC -------------------------------------------------------------------------------

TREC = """<DOC>
<DOCNO>X-1</DOCNO>
<URL>http://example.com/1</URL>
<SRC>alarabia</SRC>
<CAT>economy</CAT>
<TITLE>أسعار النفط &amp; الذهب</TITLE>
<TIME>Sun, 15 Jul 2018 21:56:56 +0400</TIME>
<AUTHOR>دبي</AUTHOR>
<ABSTRACT>
ارتفعت أسعار النفط.وقال
</ABSTRACT>
<TEXT>
ارتفعت أسعار النفط.
وقال المتعامل إن السوق مستقرة &lt;نسبيا&gt;.
</TEXT>
</DOC>
<DOC>
<DOCNO> X-2 </DOCNO>
<SRC>BBC</SRC>
<TITLE>عنوان ثان</TITLE>
<TIME>Mon, 02 Apr 2018 10:00:00 GMT</TIME>
<ABSTRACT>ملخص مختلف عن النص.</ABSTRACT>
<TEXT>النص الكامل للخبر.</TEXT>
</DOC>
<DOC><DOCNO>X-3</DOCNO><HEADLINE>لا شيء</HEADLINE><TEXT>
</TEXT></DOC>
<DOC>
<DOCNO>AFP-4</DOCNO>
<DATE_TIME>2001-05-13</DATE_TIME>
<BODY>
<HEADLINE>عنوان في BODY</HEADLINE>
<TEXT>
<P>الفقرة الأولى.</P>
<P>الفقرة الثانية.</P>
</TEXT>
</BODY>
</DOC>
"""


def test_trec_file_with_many_docs(tmp_path: Path) -> None:
    path = write(tmp_path / "news.sgml", TREC)
    docs, report = read(path)
    assert [d.id for d in docs] == ["X-1", "X-2", "AFP-4"]
    one, two, afp = docs
    assert one.title == "أسعار النفط & الذهب"
    # ABSTRACT is TEXT's start with the line break dropped: not repeated in the body.
    assert one.body == "ارتفعت أسعار النفط.\nوقال المتعامل إن السوق مستقرة <نسبيا>."
    assert (one.date, one.date_source) == (dt.date(2018, 7, 15), "field")
    assert (one.sources, one.source_rules) == (["Al Arabiya"], {"Al Arabiya": "field"})
    assert (one.url, one.category) == ("http://example.com/1", "economy")
    assert one.origin == f"{path}:1"
    assert two.body == "ملخص مختلف عن النص.\n\nالنص الكامل للخبر."
    assert two.origin == f"{path}:17"
    assert (two.date, two.sources) == (dt.date(2018, 4, 2), ["BBC"])
    assert afp.title == "عنوان في BODY"
    assert afp.body == "الفقرة الأولى.\n\nالفقرة الثانية."
    assert (afp.date, afp.date_source) == (dt.date(2001, 5, 13), "field")
    assert reasons(report) == {f"{path}:25": "no body"}


def test_txt_file_starting_with_doc_is_trec_and_single_doc_origin_has_no_line(
    tmp_path: Path,
) -> None:
    single = TREC.split("<DOC>\n<DOCNO> X-2")[0]
    path = write(tmp_path / "AL-1.txt", "\ufeff\n" + single)
    (doc,), _ = read(path)
    assert (doc.id, doc.origin) == ("X-1", str(path))


def test_trec_without_extension_is_sniffed_and_unterminated_doc_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "AFP_ARB_20010513", TREC + "<DOC>\n<DOCNO>cut</DOCNO>\n<TEXT>نص")
    docs, report = read(path)
    assert len(docs) == 3
    assert report.reasons() == {"no body": 1, "invalid TREC": 1}
    assert Problem(f"{path}:38", "invalid TREC") in [
        Problem(p.origin, p.reason) for p in report.problems
    ]


def test_sgml_without_docs_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "x.trec", "<html>لا شيء هنا</html>\n")
    assert reasons(read(path)[1]) == {str(path): "invalid TREC"}


# --- JSON, JSON Lines -------------------------------------------------------------------


def test_jsonl_line_cut_in_half_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    good = {"title": "عنوان", "content": "نص الخبر", "url": "http://x/1"}
    line = json.dumps(good, ensure_ascii=False)
    path = write(
        tmp_path / "a.jsonl", f"{line}\n{line[: len(line) // 2]}\n\n{line.replace('/1', '/2')}\n"
    )
    docs, report = read(path)
    assert [d.id for d in docs] == ["http://x/1", "http://x/2"]
    assert [d.origin for d in docs] == [f"{path}:1", f"{path}:4"]
    assert reasons(report) == {f"{path}:2": "invalid JSON"}


def test_json_array_records_ids_and_problems(tmp_path: Path) -> None:
    records = [
        {"source": "alriyadh", "url": "http://r/1", "date_extracted": "2015-07-21 02:51:32",
         "title": "عنوان", "author": "", "content": "نص"},
        {"source": "sabq", "url": "http://r/2", "date_extracted": "2015-07-22 00:00:00",
         "title": "بلا نص", "author": "", "content": ""},
        ["not", "an", "object"],
        {"content": "نص بلا معرف ولا رابط", "title": "ت"},
        {"id": 42, "content": "نص", "date": "not a date", "publisher": "Unknown Weekly"},
    ]  # fmt: skip
    path = write(tmp_path / "2015.json", json.dumps(records, ensure_ascii=False, indent=2))
    docs, report = read(path)
    assert [d.id for d in docs[:1]] == ["http://r/1"]
    assert (docs[0].date, docs[0].date_source, docs[0].sources) == (
        dt.date(2015, 7, 21),
        "field",
        ["Al Riyadh"],
    )
    assert docs[0].origin == f"{path}:2"
    assert len(docs[1].id) == 32 and docs[1].id == read(path)[0][1].id  # stable content hash
    assert docs[2].id == "42"
    assert (docs[2].date, docs[2].date_source) == (None, None)
    assert docs[2].sources == ["Unknown Weekly"]
    assert reasons(report) == {f"{path}:10": "no body", f"{path}:18": "record is not an object"}
    assert [n.reason for n in report.notes] == ["unparseable date field"]


def test_truncated_json_array_keeps_records_before_the_cut(tmp_path: Path) -> None:
    records = [{"id": str(i), "content": "نص " * 50} for i in range(100)]
    text = json.dumps(records, ensure_ascii=False)
    cut = len(text) // 2 + 7
    complete = sum(
        1 for i in range(100) if len(json.dumps(records[: i + 1], ensure_ascii=False)) - 1 <= cut
    )
    path = write(tmp_path / "cut.json", text[:cut])
    docs, report = read(path)
    assert 40 < complete < 60
    assert [d.id for d in docs] == [str(i) for i in range(complete)]
    assert report.reasons() == {"invalid JSON": 1}


def test_json_object_wrapping_a_list_and_concatenated_objects(tmp_path: Path) -> None:
    wrapped = write(
        tmp_path / "w.json",
        json.dumps({"status": "ok", "articles": [{"content": "أ"}, {"content": "ب"}]}),
    )
    several = write(tmp_path / "s.json", '{"content": "ج"}\n{"content": "د"}\n')
    docs, report = read(wrapped, several)
    assert [d.body for d in docs] == ["أ", "ب", "ج", "د"]
    assert [d.origin for d in docs] == [
        f"{wrapped}:1#1",
        f"{wrapped}:1#2",
        f"{several}:1",
        f"{several}:2",
    ]
    assert report.problems == []


def test_text_metadata_fills_in_when_records_have_no_date_or_source_field(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", json.dumps({"title": "عنوان", "text": ARTICLE}) + "\n")
    (doc,), _ = read(path)
    assert doc.date == dt.date(2023, 8, 16) and doc.date_source.startswith("text:")
    assert doc.sources == ["Reuters"] and doc.source_rules["Reuters"] != "field"


# --- CSV and field maps -----------------------------------------------------------------


def test_csv_with_header_mapping_large_and_multiline_fields(tmp_path: Path) -> None:
    big = "كلمة " * 40_000  # 200 KB: over csv's default field limit
    rows = [
        ["headline", "article", "published_at", "outlet", "link", "section"],
        ["عنوان ١", big, "2023-08-16", "aljazeera", "http://c/1", "سياسة"],
        ["عنوان ٢", "سطر أول\nسطر ثان", "2023-08-17", "Reuters", "http://c/2", "اقتصاد"],
        ["ناقص", "حقل"],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = write(tmp_path / "news.csv", buf.getvalue())
    docs, report = read(path)
    assert [(d.id, d.title, d.category) for d in docs] == [
        ("http://c/1", "عنوان ١", "سياسة"),
        ("http://c/2", "عنوان ٢", "اقتصاد"),
    ]
    assert docs[0].body == big.strip()
    assert docs[1].body == "سطر أول\nسطر ثان"
    assert (docs[1].date, docs[1].date_source, docs[1].sources) == (
        dt.date(2023, 8, 17),
        "field",
        ["Reuters"],
    )
    assert [d.origin for d in docs] == [f"{path}:2", f"{path}:3"]
    assert reasons(report) == {f"{path}:5": "invalid CSV"}


def test_semicolon_csv_and_tsv_in_windows_1256(tmp_path: Path) -> None:
    semi = write(tmp_path / "a.csv", "title;body\r\nعنوان;نص الخبر\r\n".encode("cp1256"))
    tsv = write(tmp_path / "b.tsv", "title\tbody\nعنوان\tنص, بفاصلة\n")
    docs, _ = read(semi, tsv)
    assert [(d.title, d.body) for d in docs] == [("عنوان", "نص الخبر"), ("عنوان", "نص, بفاصلة")]


def test_field_map_override_and_parse(tmp_path: Path) -> None:
    record = {
        "headline_ar": "العنوان",
        "headline": "English headline",
        "nass": "النص العربي",
        "content": "",
        "when": "2024-06-19",
        "date": "2001-01-01",
        "wakala": ["رويترز", "أ ف ب"],
        "meta": {"link": "http://n/1"},
    }
    path = write(tmp_path / "x.jsonl", json.dumps(record, ensure_ascii=False))
    fmap = FieldMap(title="headline_ar", body="nass", date="when", source="wakala", url="meta.link")
    assert (
        FieldMap.parse(
            ["title=headline_ar", "body=nass", "date=when", "sources=wakala", "url=meta.link"]
        )
        == fmap
    )
    (doc,), _ = read(path, field_map=fmap)
    assert (doc.title, doc.body, doc.date, doc.url) == (
        "العنوان",
        "النص العربي",
        dt.date(2024, 6, 19),
        "http://n/1",
    )
    assert doc.sources == ["Reuters", "AFP"]
    # With the default map the empty "content" is the only body candidate: nothing to read.
    docs, report = read(path)
    assert docs == [] and reasons(report) == {f"{path}:1": "no body"}


def test_field_map_can_switch_a_field_off_and_rejects_unknown_names() -> None:
    assert FieldMap.parse(["date="]).names("date") == ()
    assert FieldMap.parse(["body=a, b"]).names("body") == ("a", "b")
    assert FieldMap().names("title") == ("title", "headline", "head")
    with pytest.raises(ValueError, match="NAME one of id, title"):
        FieldMap.parse(["author=by"])
    with pytest.raises(ValueError):
        FieldMap.parse(["title"])


def test_switched_off_date_field_is_not_used(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.jsonl", json.dumps({"content": "نص", "date_extracted": "2015-07-21"})
    )
    (doc,), _ = read(path, field_map=FieldMap(date=""))
    assert (doc.date, doc.date_source) == (None, None)


# --- archives ---------------------------------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes | str], **kwargs: int) -> Path:
    with zipfile.ZipFile(path, "w", **kwargs) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def make_tar(path: Path, members: dict[str, bytes | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tf.addfile(info, io.BytesIO(raw))
    return path


def test_zip_members_of_every_format(tmp_path: Path) -> None:
    jsonl = json.dumps({"id": "j1", "content": "نص"}) + "\n"
    path = make_zip(
        tmp_path / "news.zip",
        {
            "2023/a.txt": ARTICLE,
            "2023/b.sgml": TREC,
            "records.jsonl": jsonl,
            "__MACOSX/2023/._a.txt": b"\x00\x05\x16\x07",
            "README.md": "about",
            "bad.txt": b"\x00\x00",
        },
        compression=zipfile.ZIP_DEFLATED,
    )
    docs, report = read(path)
    assert [d.id for d in docs] == ["news.zip!2023/a.txt", "X-1", "X-2", "AFP-4", "j1"]
    assert docs[0].origin == f"{path}!2023/a.txt"
    assert docs[1].origin == f"{path}!2023/b.sgml:1"
    assert docs[4].origin == f"{path}!records.jsonl:1"
    assert reasons(report) == {
        f"{path}!2023/b.sgml:25": "no body",
        f"{path}!bad.txt": "binary file",
    }


def test_truncated_zip_is_reported(tmp_path: Path) -> None:
    whole = make_zip(tmp_path / "w.zip", {"a.txt": ARTICLE * 50}, compression=zipfile.ZIP_DEFLATED)
    cut = write(tmp_path / "cut.zip", whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    docs, report = read(tmp_path)
    assert docs == []
    assert reasons(report) == {str(cut): "corrupt archive"}


def test_zip_member_with_bad_crc_is_reported_and_next_member_read(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "c.zip", {"a.txt": ARTICLE, "b.txt": ARTICLE})
    data = bytearray(path.read_bytes())
    at = data.index("الوكالة".encode())  # inside a.txt's stored (uncompressed) data
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    docs, report = read(path)
    assert [d.id for d in docs] == ["c.zip!b.txt"]
    assert reasons(report) == {f"{path}!a.txt": "corrupt archive member"}


def test_archives_in_a_folder_and_nested_archives(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    inner = make_zip(tmp_path / "inner.zip", {"c.txt": ARTICLE})
    make_tar(
        corpus / "sub" / "batch.tar.gz",
        {"x/a.txt": ARTICLE, "x/inner.zip": inner.read_bytes(), "x/.hidden.txt": "x"},
    )
    make_zip(corpus / "b.zip", {"b.txt": ARTICLE})
    gz = corpus / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(json.dumps({"id": "gz1", "content": "نص"}).encode()))
    docs, report = read(corpus)
    assert [d.id for d in docs] == [
        "b.zip!b.txt",
        "gz1",
        "sub/batch.tar.gz!x/a.txt",
        "sub/batch.tar.gz!x/inner.zip!c.txt",
    ]
    assert docs[3].origin == f"{corpus}/sub/batch.tar.gz!x/inner.zip!c.txt"
    assert report.problems == []


def test_truncated_tar_gz_keeps_members_before_the_damage(tmp_path: Path) -> None:
    members = {f"d/{i:03}.txt": ARTICLE + "٪" * i for i in range(200)}
    whole = make_tar(tmp_path / "whole.tar.gz", members).read_bytes()
    path = write(tmp_path / "cut" / "cut.tar.gz", whole[: len(whole) * 2 // 3])
    docs, report = read(path)
    assert 50 < len(docs) < 200
    assert [d.id for d in docs] == [f"cut.tar.gz!d/{i:03}.txt" for i in range(len(docs))]
    (problem,) = report.problems
    assert problem.reason == "corrupt archive" and problem.origin.startswith(str(path))


def test_not_an_archive_at_all(tmp_path: Path) -> None:
    tgz = write(tmp_path / "x.tgz", "هذا ليس أرشيفا")
    zipped = write(tmp_path / "y.zip", "ولا هذا")
    _, report = read(tgz, zipped)
    assert reasons(report) == {str(tgz): "corrupt archive", str(zipped): "corrupt archive"}


# --- streaming --------------------------------------------------------------------------


def _big_records(n: int) -> list[dict[str, str]]:
    # Date and source fields are given, so the measure is the reader's, not text extraction's.
    return [
        {"id": f"r{i}", "content": "نص الخبر " * 200, "date": "2020-01-02", "src": "BBC"}
        for i in range(n)
    ]


@pytest.mark.parametrize("kind", ["json", "jsonl", "csv", "sgml", "tar.gz"])
def test_large_inputs_are_streamed_not_loaded(tmp_path: Path, kind: str) -> None:
    """Peak memory while reading a ~30 MB input stays a small fraction of it.

    (For tar.gz, 8,000 members: tarfile would otherwise keep every member's header.)
    """
    records = _big_records(8000)
    path = tmp_path / f"big.{kind}"
    if kind == "json":
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    elif kind == "jsonl":
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    elif kind == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    elif kind == "sgml":
        path.write_text(
            "".join(
                f"<DOC>\n<DOCNO>{r['id']}</DOCNO>\n<SRC>BBC</SRC>\n<TIME>2020-01-02</TIME>\n"
                f"<TEXT>\n{r['content']}\n</TEXT>\n</DOC>\n"
                for r in records
            ),
            encoding="utf-8",
        )
    else:
        make_tar(path, {f"{r['id']}.jsonl": json.dumps(r) for r in records})
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_corpus([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == len(records)
    assert size > 25_000_000 or kind == "tar.gz"
    assert peak < 6_000_000, f"peak {peak:,} bytes reading a {size:,}-byte {kind} file"
