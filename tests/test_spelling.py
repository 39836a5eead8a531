""" "Did you mean" that helps (issue 15): the slips it weighs, and the four misfires the
issue found on the demo corpus, on the real demo index."""

from __future__ import annotations

import pytest

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
