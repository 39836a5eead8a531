"""One-edit variants for "did you mean" (``search.analysis.spelling``)."""

from __future__ import annotations

from search.analysis.spelling import ARABIC_LETTERS, one_edit_variants


def test_every_kind_of_slip_is_one_edit_away() -> None:
    variants = one_edit_variants("لافروف")
    assert "لافرف" in variants  # a letter missing
    assert "لافرووف" in variants  # a letter doubled
    assert "لاغروف" in variants  # a neighbouring key
    assert "لفاروف" in variants  # two letters swapped
    assert "نافروف" in variants  # the first letter too
    assert "لافروف" not in variants


def test_variants_stay_in_the_words_script_and_folded_alphabet() -> None:
    arabic = one_edit_variants("سد")
    assert all(set(v) <= set(ARABIC_LETTERS) for v in arabic)
    assert not any(c in v for v in arabic for c in "أإآةى")  # folded away by normalisation
    latin = one_edit_variants("putin")
    assert "putn" in latin and "puttin" in latin
    assert all(v.isascii() for v in latin)
    assert one_edit_variants("a") >= {"b", "aa"} and "" not in one_edit_variants("a")


def test_a_word_of_n_letters_has_a_bounded_number_of_variants() -> None:
    n, letters = 8, len(ARABIC_LETTERS)
    word = "المفاوضات"[:n]
    assert len(one_edit_variants(word)) <= n + (n - 1) + n * letters + (n + 1) * letters
