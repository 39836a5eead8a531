"""The light stemmer against a table of real news word pairs (tests/data/stem_pairs.tsv).

``same``: a reader searching one expects the other; ``different``: they are
different words and must stay different terms. Pairs tagged ``seed:NNN`` use
words of the seed articles in ../shared/seeds.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from search.analysis import light_stem, prepare, word_forms

TABLE = Path(__file__).with_name("data") / "stem_pairs.tsv"


def load_pairs() -> list[tuple[str, str, str, str, str]]:
    with TABLE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        rows = list(csv.reader(lines, delimiter="\t"))
    header, body = rows[0], rows[1:]
    assert header == ["word_a", "word_b", "relation", "origin", "note"]
    return [tuple(row) for row in body]  # type: ignore[misc]


PAIRS = load_pairs()


def test_the_table_is_big_enough_and_uses_the_seeds() -> None:
    assert len(PAIRS) >= 150
    assert {relation for _, _, relation, _, _ in PAIRS} == {"same", "different"}
    assert sum(origin.startswith("seed:") for _, _, _, origin, _ in PAIRS) >= 40
    assert len({(a, b) for a, b, *_ in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize(
    ("word_a", "word_b", "relation", "origin", "note"),
    PAIRS,
    ids=[f"{a}-{b}" for a, b, *_ in PAIRS],
)
def test_pair(word_a: str, word_b: str, relation: str, origin: str, note: str) -> None:
    term_a, term_b = word_forms(word_a).term, word_forms(word_b).term
    if relation == "same":
        assert term_a == term_b, f"{note}: {term_a} != {term_b}"
    else:
        assert term_a != term_b, f"{note}: both {term_a}"


@pytest.mark.parametrize(
    "group",
    [
        ["والعلاقات", "العلاقات", "علاقات", "علاقة", "علاقاتهما"],
        ["بالكوريتين", "الكوريتين"],
        ["للصحافيين", "الصحافيين", "صحافيين"],
        ["الإستراتيجية", "الاستراتيجية", "استراتيجية"],
        ["اللبنانيين", "لبنان", "اللبنانية", "بلبنان"],
    ],
)
def test_the_issue_examples_conflate(group: list[str]) -> None:
    assert len({word_forms(word).term for word in group}) == 1, group


def test_root_stemmer_confusions_stay_apart() -> None:
    words = ["المعلمون", "الإعلام", "العالم", "معلومات"]
    assert len({word_forms(word).term for word in words}) == 4


@pytest.mark.parametrize("word", ["من", "في", "قد", "يد", "أب", "دم"])
def test_short_words_are_not_destroyed(word: str) -> None:
    assert light_stem(prepare(word)) == prepare(word)


@pytest.mark.parametrize("word", ["Reuters", "2023", "covid19"])
def test_latin_and_numbers_pass_unchanged(word: str) -> None:
    assert light_stem(prepare(word)) == prepare(word)
