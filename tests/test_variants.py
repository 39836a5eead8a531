"""Spelling variants (issue 15): the rules of a pair, learning them from a real index at
reindex time, searching a word with its variants, and the editor's file.

The corpus is written here: two outlets that spell one name two ways in the same
stories (كوشنر / كوشنير), two look-alike words of different meaning (تويتر / توتير)
and two words of one root that meet in the same articles (مصدر / مصادر).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from search.analysis import term_of
from search.analysis.variants import (
    LOW_SIMILARITY,
    MIN_SIMILARITY,
    accepted,
    candidate_pairs,
    kept,
    read_editor_file,
    skeleton,
    source_overlap,
    variant_edits,
)
from search.indexing import reindex
from search.searching import SearchRequest, open_index, search

KUSHNER = [
    "قال {name} مستشار البيت الأبيض إن خطة السلام ستعلن بعد الانتخابات",
    "التقى {name} صهر الرئيس الأمريكي ولي العهد في الرياض لبحث خطة السلام",
    "جولة {name} في المنطقة تشمل القاهرة وعمان لبحث خطة السلام",
    "أعلن {name} كبير مستشاري البيت الأبيض موعد ورشة المنامة الاقتصادية",
]
TWITTER = [
    "كتب الرئيس في تغريدة على حسابه في تويتر أنه سيزور المنطقة",
    "أغلق موقع تويتر آلاف الحسابات المزيفة ونشر تقريرا عن التغريدات",
    "نشر الوزير على تويتر صورة من الاجتماع وحصدت التغريدة آلاف الإعجابات",
]
TENSION = [
    "حذر الوزير من توتير الأجواء في المنطقة وتصعيد الخلافات بين الجيران",
    "دعا البيان إلى تجنب توتير العلاقات وإلى التهدئة على الحدود",
    "اتهمت الحكومة المعارضة بمحاولة توتير الشارع قبل الانتخابات",
]
SOURCES = [
    "قال مصدر مسؤول في الوزارة إن مصادر أخرى أكدت الخبر الذي نشرته الصحف",
    "نقلت الوكالة عن مصدر أمني أن مصادر محلية تحدثت عن انفجار في السوق",
]
FILLER = [
    "وأضاف",
    "التقرير",
    "أن",
    "الاجتماع",
    "المقبل",
    "سيعقد",
    "في",
    "موعده",
    "بحضور",
    "عدد",
    "من",
    "المسؤولين",
    "والخبراء",
    "وممثلي",
    "الهيئات",
    "الدولية",
    "الذين",
    "سيناقشون",
    "الملفات",
    "المطروحة",
]


def _article(rng: random.Random, sentence: str) -> str:
    tail = " ".join(rng.sample(FILLER, 8))
    return f"{sentence}. {tail}."


def write_corpus(folder: Path, seed: int = 7) -> Path:
    """Forty-odd short articles in two outlets' folders."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n = 0

    def write(title: str, body: str) -> None:
        nonlocal n
        n += 1
        (folder / f"{n:03}.txt").write_text(f"{title}\n\n{body}\n", "utf-8")

    for name, copies in (("جاريد كوشنر", 8), ("جاريد كوشنير", 6)):
        for i in range(copies):
            write(
                f"خبر عن خطة السلام {n}", _article(rng, KUSHNER[i % len(KUSHNER)].format(name=name))
            )
    for sentences in (TWITTER, TENSION):
        for i in range(7):
            write(f"خبر من المنطقة {n}", _article(rng, sentences[i % len(sentences)]))
    for i in range(7):
        write(f"خبر أمني {n}", _article(rng, SOURCES[i % len(SOURCES)]))
    return folder


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variants")
    corpus = write_corpus(root / "corpus")
    summary = reindex([corpus], index=root / "index", full=True)
    assert summary.variants_learned
    return root / "index"


def request(q: str, **params: str) -> SearchRequest:
    return SearchRequest.from_params({"q": q, "per_page": "50", "group": "off", **params})


# --- the form of a pair ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("كوشنر", "كوشنير"),  # a vowel added inside
        ("بولتون", "بولتن"),  # one dropped
        ("جونغ", "جونج"),  # g written two ways
        ("غوغل", "جوجل"),  # twice
        ("امريك", "اميرك"),  # ري / ير
        ("انستغرام", "انستجرام"),
    ],
)
def test_spellings_of_one_foreign_word_have_a_variants_form(a: str, b: str) -> None:
    assert variant_edits(a, b) is not None
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("علم", "عالم"),  # too short: Arabic patterns
        ("سفر", "سفير"),
        ("يضغط", "ضاغط"),  # a vowel at the edge: morphology
        ("عرفتم", "عرفتمو"),
        ("كتاب", "كتاف"),  # ب / ف is not one sound
        ("غوغلي", "جوجلا"),  # three changes
    ],
)
def test_other_differences_are_not_a_variants_form(a: str, b: str) -> None:
    assert variant_edits(a, b) is None


def test_candidates_need_both_forms_frequent() -> None:
    frequencies = {"كوشنر": 40, "كوشنير": 4, "بولتون": 9, "بولتن": 9}
    assert candidate_pairs(frequencies, 5) == [("بولتن", "بولتون")]
    assert set(candidate_pairs(frequencies, 3)) == {("كوشنر", "كوشنير"), ("بولتن", "بولتون")}


# --- learning at reindex time ------------------------------------------------------------


def learned(index_root: Path) -> dict:
    table = open_index(index_root).manifest("variants")
    assert table is not None
    return table


def test_the_reindex_learns_a_name_spelled_two_ways(index_root: Path) -> None:
    table = learned(index_root)
    kept = {(a, b) for a, b, *_ in table["pairs"]}
    from search.analysis.variants import accepted

    pairs = {tuple(sorted(p)) for p in accepted(table)}
    assert tuple(sorted((term_of("كوشنر"), term_of("كوشنير")))) in pairs
    # Look-alikes with other neighbours, and one root's words that meet in articles,
    # were candidates and were turned down.
    twitter = tuple(sorted((term_of("تويتر"), term_of("توتير"))))
    assert twitter in {tuple(sorted(p)) for p in kept} and twitter not in pairs
    sources = tuple(sorted((term_of("مصدر"), term_of("مصادر"))))
    assert sources not in pairs


def test_a_word_is_searched_with_its_variants_typed_form_first(index_root: Path) -> None:
    index = open_index(index_root)
    response = search(index, request("كوشنر"))
    assert response.total == 14  # both outlets' articles
    assert response.variants == [{"word": "كوشنر", "also": ["كوشنير"]}]
    first = [hit.document.body for hit in response.hits[:8]]
    assert all("كوشنر" in body for body in first)  # the typed spelling scores higher
    # Exact mode searches the letters typed.
    exact = search(index, request("كوشنر", mode="exact"))
    assert exact.total == 8 and exact.variants == []
    # Look-alikes stay apart.
    assert search(index, request("تويتر")).variants == []


def test_the_api_says_what_was_added(index_root: Path) -> None:
    data = search(open_index(index_root), request("كوشنير")).to_dict()
    assert data["variants"] == [{"word": "كوشنير", "also": ["كوشنر"]}]
    assert data["total"] == 14


# --- the editor's file ---------------------------------------------------------------------


def test_the_editor_vetoes_and_adds_pairs_without_a_reindex(index_root: Path) -> None:
    path = index_root / "variants.txt"
    index = open_index(index_root)
    try:
        path.write_text("# الاسمان لشخص واحد؟ لا\nكوشنر != كوشنير\nتويتر = توتير\n", "utf-8")
        assert search(index, request("كوشنر")).total == 8
        assert search(index, request("تويتر")).variants == [{"word": "تويتر", "also": ["توتير"]}]
        path.write_text("", "utf-8")
        os.utime(path, ns=(1, 1))  # a different stamp, even within one clock tick
        assert search(index, request("كوشنر")).total == 14
    finally:
        path.unlink(missing_ok=True)


def test_the_editors_file_reads_whole_words_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "variants.txt"
    path.write_text("الأمريكية = الأميركية\nسطر بلا علامة\nأ = أ\nجونغ ≠ جونج  # كوريا\n", "utf-8")
    rules = read_editor_file(path, term_of)
    assert rules.added == {tuple(sorted((term_of("أمريكا"), term_of("أميركا"))))}
    assert rules.vetoed == {tuple(sorted(("جونغ", "جونج")))}
    assert len(rules.problems) == 2 and all(":2:" in p or ":3:" in p for p in rules.problems)
    assert read_editor_file(tmp_path / "none.txt", term_of).added == frozenset()


# --- carried over, learned again ---------------------------------------------------------


def test_a_small_incremental_reindex_carries_the_table_over(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    before = open_index(root).manifest("variants")
    (corpus / "999.txt").write_text("خبر جديد\n\nنص قصير عن الطقس.\n", "utf-8")
    summary = reindex([corpus], index=root)
    assert summary.committed and not summary.variants_learned
    after = open_index(root).manifest("variants")
    assert after is not None and after["pairs"] == before["pairs"]
    assert after["changed_since"] == 1
    assert json.dumps(after, ensure_ascii=False)  # JSON as stored
    # A full rebuild learns them again.
    assert reindex([corpus], index=root, full=True).variants_learned


def test_an_unchanged_archive_learns_again_a_table_of_an_older_format(tmp_path: Path) -> None:
    # Naba upgraded, the archive untouched: the old table is read by nobody, so the
    # next reindex, with nothing to commit, learns the table again.
    corpus = write_corpus(tmp_path / "corpus")
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    index = open_index(root)
    learned = index.manifest("variants")
    index.save_manifest({**learned, "version": learned["version"] - 1}, "variants")
    assert not accepted(open_index(root).manifest("variants"))
    summary = reindex([corpus], index=root)
    assert not summary.committed and summary.variants_learned
    assert accepted(open_index(root).manifest("variants")) == accepted(learned)
    assert not reindex([corpus], index=root).variants_learned  # and only once


def test_the_postgresql_engine_learns_the_same_table(
    index_root: Path, postgres_url: str, tmp_path: Path
) -> None:
    """Learning goes through the reader's interface (vocabulary, search): both engines
    learn the same pairs, and the database keeps them with its commit."""
    corpus = write_corpus(tmp_path / "corpus")
    location = f"{postgres_url}?schema=variants"
    summary = reindex([corpus], index=location, full=True)
    assert summary.variants_learned
    database = open_index(location)
    table = database.manifest("variants")
    assert table is not None
    assert table["pairs"] == learned(index_root)["pairs"]
    found = search(database, request("كوشنر"))
    assert found.total == 14 and found.variants == [{"word": "كوشنر", "also": ["كوشنير"]}]


def test_the_page_says_what_was_added_and_links_to_the_typed_letters(index_root: Path) -> None:
    from tests.browser.support import make_app

    client = make_app(index_root).test_client()
    html = client.get("/search?q=كوشنر").get_data(as_text=True)
    notice = html.split('<p class="variants-notice">', 1)[1].split("</p>", 1)[0]
    assert "يشمل أيضا:" in notice and "<bdi>كوشنير</bdi>" in notice
    assert "mode=exact" in notice
    english = client.get("/search?q=كوشنر&lang=en").get_data(as_text=True)
    assert "Also searched:" in english
    assert "variants-notice" not in client.get("/search?q=كوشنر&mode=exact").get_data(as_text=True)
    assert client.get("/api/search?q=كوشنر").get_json()["variants"] == [
        {"word": "كوشنر", "also": ["كوشنير"]}
    ]


# --- a house style: one name, two outlets, two spellings --------------------------------

STORY = [
    "قال دونالد {name} المرشح للرئاسة إن حملته ستزور ولاية أيوا الأسبوع المقبل",
    "هاجم دونالد {name} منافسيه في المناظرة التي بثها التلفزيون مساء الخميس",
    "تصدر دونالد {name} استطلاعات الرأي بين الجمهوريين وفق مسح نشر أمس",
    "رد دونالد {name} على الانتقادات بتصريحات جديدة أثارت جدلا واسعا",
    "وعد دونالد {name} ناخبيه ببناء جدار على الحدود مع المكسيك",
]
OTHER_NEWS = ["وتراجعت أسعار النفط في الأسواق", "وارتفعت أسهم الشركات في البورصة",
              "وأعلنت الحكومة خطة جديدة للنقل", "وافتتح المعرض الدولي للكتاب أبوابه"]  # fmt: skip


def write_house_corpus(folder: Path, *, mixed: bool) -> Path:
    """ترمب in stories 0-2, ترامب in stories 2-4 (one story in common: fairly alike
    neighbours); Reuters writes the one and Anadolu the other, or (``mixed``) each
    writes both alike."""
    rng = random.Random(3)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(16):
        spelling = n % 2
        name = ("ترمب", "ترامب")[spelling]
        outlet = ("رويترز", "الأناضول")[(n // 2) % 2 if mixed else spelling]
        sentence = STORY[2 * spelling + (n // 2) % 3].format(name=name)
        tail = " ".join(rng.sample(FILLER, 10))
        body = f"واشنطن ({outlet}) - {sentence}. {rng.choice(OTHER_NEWS)} {tail}."
        (folder / f"{n:03}.txt").write_text(f"خبر سياسي {n}\n\n{body}\n", "utf-8")
    return folder


@pytest.mark.parametrize("mixed", [False, True])
def test_two_spellings_from_two_outlets_are_one_name(tmp_path: Path, mixed: bool) -> None:
    corpus = write_house_corpus(tmp_path / "corpus", mixed=mixed)
    reindex([corpus], index=tmp_path / "index", full=True)
    table = open_index(tmp_path / "index").manifest("variants")
    a, b = term_of("ترمب"), term_of("ترامب")
    [entry] = [p for p in table["pairs"] if {p[0], p[1]} == {a, b}]
    similarity, together, overlap = entry[2:]
    # Fairly alike neighbours, never in one article: not enough on their own.
    assert LOW_SIMILARITY <= similarity < MIN_SIMILARITY and together == 0
    # One outlet each: a house style, so one name. Both outlets writing both: no
    # evidence beyond the neighbours, so apart.
    assert (overlap == 0) is not mixed
    assert ((a, b) in accepted(table) or (b, a) in accepted(table)) is not mixed


def test_outlets_overlap_by_their_shares_and_an_outlet_alone_says_nothing() -> None:
    assert source_overlap({"A": 6, "B": 2}, {"C": 5}) == 0
    assert source_overlap({"A": 6, "B": 2}, {"A": 3, "B": 1}) == 1
    assert source_overlap({"A": 1, "B": 1}, {"A": 3, "B": 1}) == 0.75
    assert source_overlap({}, {"A": 1}) == 1
    assert kept(0.18, 0.0, 0.2) and not kept(0.18, 0.0, 0.8) and not kept(0.1, 0.0, 0.0)
    assert not kept(0.18, 0.5, 0.0) and kept(0.3, 0.05, None)
