"""Story groups (issue 16, point 1): which articles are one story lightly edited.

Built from the real seed articles: a copy of one re-edited the way outlets edit wire
copy (new title and lead, a paragraph cut, hamza and diacritics changed) must join it;
the other seeds, on other stories, must not. ``python -m benchmarks.stories`` measures
the same rules on 504 judged pairs of ANT and SaudiNewsNet.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from search.analysis.stories import (
    MIN_SHINGLES,
    StoryText,
    boilerplate,
    one_story,
    story_shingles,
    story_text,
)
from search.corpus import read_corpus
from search.indexing.stories import StoryItem, regroup, shared_shingles, story_groups
from search.stories import word_diff
from tests.support import SEEDS

DAY = dt.date(2023, 8, 16)


def seeds() -> dict[str, str]:
    """Each seed's body by file name."""
    return {doc.id.rsplit("/", 1)[-1]: doc.body for doc in read_corpus([SEEDS])}


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if len(p.split()) > 8]


def edited(body: str) -> str:
    """The seed as another outlet runs it: its own lead, the last paragraph cut, hamza
    dropped and a word in diacritics; what readers see as the same story."""
    kept = paragraphs(body)[:-1]
    text = "\n".join(["أفادت مصادر متطابقة اليوم بأن الأمر يتطور بسرعة كبيرة في المنطقة.", *kept])
    return text.replace("أ", "ا").replace("إ", "ا").replace("الرئيس", "الرَّئيسُ")


def common(a: np.ndarray, b: np.ndarray) -> int:
    return len(np.intersect1d(a, b))


def test_an_edited_copy_is_the_same_story_and_other_seeds_are_not() -> None:
    bodies = seeds()
    assert len(bodies) == 5
    for name, body in bodies.items():
        original, copy = story_shingles(body), story_shingles(edited(body))
        assert one_story(common(original, copy), len(original), len(copy)), name
        for other_name, other in bodies.items():
            if other_name != name:
                theirs = story_shingles(other)
                assert not one_story(common(original, theirs), len(original), len(theirs))


def test_a_flash_inside_the_full_copy_is_the_same_story() -> None:
    body = seeds()["000_b31131a2f6f79b88.txt"]
    full = story_shingles(body)
    flash = story_shingles("\n".join(paragraphs(body)[:2]))
    shared = common(full, flash)
    assert shared / len(flash) > 0.9 and shared / len(full) < 0.45  # mostly not the flash
    assert one_story(shared, len(full), len(flash))


def test_shingles_ignore_diacritics_hamza_and_tatweel_but_not_word_order() -> None:
    plain = story_shingles("قال الرئيس إن الاتفاق سيوقع في الأسبوع المقبل في العاصمة")
    marked = story_shingles("قالَ الرَّئيسُ ان الاتفـــاق سيوقع في الاسبوع المقبل في العاصمة")
    assert np.array_equal(plain, marked)
    shuffled = story_shingles("في العاصمة في الأسبوع المقبل سيوقع الاتفاق إن الرئيس قال")
    assert not common(plain, shuffled)


def test_very_short_texts_never_join() -> None:
    short = story_shingles("انفجار في مرفأ بيروت وسقوط ضحايا")
    assert len(short) < MIN_SHINGLES
    assert not one_story(len(short), len(short), len(short))


def test_a_paragraph_one_outlet_repeats_is_boilerplate_a_wire_copy_is_not() -> None:
    teaser = "اقرأ أيضا: الأمم المتحدة تدعو إلى وقف فوري لإطلاق النار في المدينة المحاصرة"
    wire = "قالت وكالة الأنباء إن الوفدين اتفقا على جولة جديدة من المحادثات في جنيف الشهر المقبل"
    bodies = [("CNN", f"خبر {n} عن موضوع مختلف تماما في كل مرة\n{teaser}") for n in range(3)]
    bodies += [(outlet, wire) for outlet in ("Reuters", "AFP", "Al Jazeera")]
    found = boilerplate((source, story_text(body)) for source, body in bodies)
    assert len(found) == 1
    assert story_shingles(teaser, found).size == 0
    assert story_shingles(wire, found).size > 0


def item(doc_id: str, body: str, date: dt.date | None = DAY) -> StoryItem:
    return StoryItem(doc_id, date, story_shingles(body))


def test_groups_are_named_by_the_first_article_and_are_transitive() -> None:
    body = seeds()["002_988be0b931674315.txt"]
    parts = paragraphs(body)
    middle = len(parts) // 2
    # The first and the second half are not one story; each is inside the whole.
    items = [
        item("c-whole", "\n".join(parts), DAY + dt.timedelta(days=1)),
        item("a-first-half", "\n".join(parts[:middle]), DAY + dt.timedelta(days=2)),
        item("b-second-half", "\n".join(parts[middle:]), DAY),
        item("d-other", seeds()["004_16044da555cd99ef.txt"], DAY),
        item("e-undated-other", seeds()["003_a858b1da649fe47d.txt"], None),
    ]
    halves = items[1].shingles, items[2].shingles
    assert not one_story(common(*halves), len(halves[0]), len(halves[1]))
    groups = story_groups(items)
    assert groups == ["b-second-half"] * 3 + ["d-other", "e-undated-other"]


def test_copies_far_apart_in_time_are_not_joined() -> None:
    body = seeds()["001_a2a77f4ca517c987.txt"]
    items = [item("a", body, DAY), item("b", body, DAY + dt.timedelta(days=30))]
    assert story_groups(items) == ["a", "b"]
    items = [item("a", body, DAY), item("b", body, DAY + dt.timedelta(days=3))]
    assert story_groups(items) == ["a", "a"]


def test_the_join_counts_exactly_the_shared_shingles() -> None:
    bodies = list(seeds().values())
    items = [item(str(n), body) for n, body in enumerate([*bodies, edited(bodies[0])])]
    first, second, counts, sizes = shared_shingles(items)
    assert sizes.tolist() == [len(item.shingles) for item in items]
    for a, b, count in zip(first.tolist(), second.tolist(), counts.tolist(), strict=True):
        assert count == common(items[a].shingles, items[b].shingles)
    pairs = set(zip(first.tolist(), second.tolist(), strict=True))
    assert (0, 5) in pairs  # the copy meets its original
    assert story_groups([]) == []


def test_a_word_diff_shows_what_a_version_changed_and_ignores_spelling() -> None:
    old = "قال الرئيس إن الاتفاق سيوقع الأسبوع المقبل في جنيف"
    new = "قال الرَّئيس ان الاتفاق سيوقع غدا في جنيف <b>"
    pieces = word_diff(old, new)
    assert [(p.change, p.text.strip()) for p in pieces] == [
        ("same", "قال الرَّئيس ان الاتفاق سيوقع"),
        ("removed", "الأسبوع المقبل"),
        ("added", "غدا"),
        ("same", "في جنيف"),
        ("added", "<b>"),
    ]
    assert "".join(p.text for p in pieces if p.change != "removed") == new
    assert "".join(p.text for p in pieces if p.change == "removed").split() == ["الأسبوع", "المقبل"]
    assert [p.change for p in word_diff(old, old)] == ["same"]


def test_a_story_text_survives_the_round_trip_through_bytes() -> None:
    for body in [*seeds().values(), "", "كلمة"]:
        text = story_text(body)
        back = StoryText.from_bytes(text.to_bytes())
        assert np.array_equal(back.shingles, text.shingles)
        assert np.array_equal(back.starts, text.starts)
        assert np.array_equal(back.keys, text.keys)
        assert np.array_equal(back.without(), text.without())
        assert np.array_equal(np.unique(back.without()), story_shingles(body))


def test_regrouping_an_index_finds_copies_across_outlets_and_leaves_teasers_out() -> None:
    bodies = seeds()
    teaser = "اقرأ أيضا: الأمم المتحدة تدعو إلى وقف فوري لإطلاق النار في المدينة المحاصرة وحولها"
    story = bodies["000_b31131a2f6f79b88.txt"]
    others = [b for name, b in bodies.items() if name != "000_b31131a2f6f79b88.txt"]
    # One outlet appends the same teasers to three unrelated short briefs: not a story.
    briefs = [f"{p}\n{teaser}\n{teaser} 2\n{teaser} 3" for p in (o[:150] for o in others[:3])]
    articles = [
        ("reuters/1", DAY, "Reuters", story),
        ("aljazeera/7", DAY + dt.timedelta(days=1), "Al Jazeera", edited(story)),
        *[(f"cnn/{n}", DAY, "CNN", brief) for n, brief in enumerate(briefs)],
        ("afp/2", DAY, "AFP", others[3]),
    ]
    groups = regroup((i, d, s, story_text(b).to_bytes()) for i, d, s, b in articles)
    assert groups == {"reuters/1": "reuters/1", "aljazeera/7": "reuters/1"}
