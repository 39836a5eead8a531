""" "Did you mean" that helps (issue 15): the slips it weighs, and the four misfires the
issue found on the demo corpus, on the real demo index."""

from __future__ import annotations

import pytest

from search.indexing import reindex
from search.searching import SearchRequest, open_index, search
from search.spelling import slip_cost
from tests.browser.support import shared_index


@pytest.mark.parametrize(
    ("typed", "word", "cost"),
    [
        ("الجفافف", "الجفاف", 0.5),  # a letter doubled
        ("الجفاف", "الجفافف", 0.5),  # a double typed once
        ("الجفاق", "الجفاف", 1.0),  # ق is next to ف
        ("العلاقتت", "العلاقات", 1.0),  # ت is next to ا
        ("لافرف", "لافروف", 1.0),  # a letter dropped
        ("لافورف", "لافروف", 1.0),  # two letters swapped
        ("المالي", "الماضي", 1.5),  # ل is far from ض
    ],
)
def test_a_slip_costs_what_it_would_take_to_make(typed: str, word: str, cost: float) -> None:
    assert slip_cost(typed, word) == cost


def test_two_unrelated_letters_cost_more_than_a_long_word_may_slip() -> None:
    # خ and ق are far apart on the keyboard; ب and ل are neighbours.
    assert slip_cost("الانتخابات", "الانتقالات") == 2.5


@pytest.fixture(scope="module")
def demo():
    return open_index(shared_index())


def run(index, q: str):
    return search(index, SearchRequest.from_params({"q": q}))


def test_the_issues_misfires_are_gone(demo) -> None:
    # A real word of the archive is not «corrected» to a more frequent look-alike.
    assert run(demo, "قطارات").suggestion is None
    assert run(demo, "التضخم المالي").suggestion is None
    # Nor is a word the archive lacks turned into another word two unlikely slips away.
    assert run(demo, "الانتخابات").suggestion != "الانتقالات"
    # One extra letter: the results of the word, not a bare link.
    fixed = run(demo, "الجفافف")
    assert fixed.corrected == "الجفاف" and fixed.total == run(demo, "الجفاف").total > 0


# --- a small archive written for the rules -----------------------------------------------

FILLER = "وأضاف المتحدث أن الاجتماع المقبل سيعقد في العاصمة لبحث الملفات العالقة بين الطرفين"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    """Articles on the army (الجيش) and a village called الجش, on a boat that sank
    (مركب) and on a war (حرب), some of which mention a sinking too."""
    root = tmp_path_factory.mktemp("spelling")
    corpus = root / "corpus"
    corpus.mkdir()
    articles = (
        [f"قال رئيس أركان الجيش الأميركي في مؤتمر صحفي رقم {i} إن القوات جاهزة" for i in range(20)]
        + [f"زار الوفد قرية الجش الزراعية للمرة {i} واطلع على المحاصيل" for i in range(3)]
        + [f"غرق مركب يقل مهاجرين قبالة السواحل في الحادث رقم {i}" for i in range(8)]
        + [f"تواصلت حرب الاستنزاف في المنطقة لليوم {i} وسط دعوات للتهدئة" for i in range(34)]
        + [f"غرق جنود خلال حرب الاستنزاف في النهر في الواقعة رقم {i}" for i in range(6)]
    )
    for n, text in enumerate(articles):
        (corpus / f"{n:03}.txt").write_text(f"خبر اليوم {n}\n\n{text}. {FILLER}.\n", "utf-8")
    reindex([corpus], index=root / "index", full=True)
    return open_index(root / "index")


def test_a_slip_that_made_another_real_word_is_suggested(archive) -> None:
    # الجش is a word of three articles, none with أركان or الأميركي; الجيش, one slip
    # away, is in twenty with both: suggested, not searched in the reader's place.
    response = run(archive, "أركان الجش الأميركي")
    assert response.suggestion == "أركان الجيش الأميركي"
    assert response.corrected is None


def test_a_real_word_with_no_likelier_slip_among_the_others_articles_is_left_alone(
    archive,
) -> None:
    # No article has الجش with الزراعية and مركب, but الجيش has none with them either.
    response = run(archive, "الجش الزراعية مركب")
    assert response.complete == 0
    assert response.suggestion is None and response.corrected is None
    # And a query its articles answer is never «corrected», however rare its words.
    assert run(archive, "قرية الجش").suggestion is None


def test_the_other_words_articles_choose_between_equally_likely_slips(archive) -> None:
    # مرب is one slip from مركب (8 articles, all with غرق) and from حرب (40, six with
    # غرق): the more frequent word no longer wins on its frequency counted twice.
    assert slip_cost("مرب", "مركب") == slip_cost("مرب", "حرب") == 1.0
    assert run(archive, "غرق مرب").corrected == "غرق مركب"
