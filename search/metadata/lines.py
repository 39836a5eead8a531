"""The shape of a raw article: its lines, where it ends, which lines are page furniture.

Text copied from a news site is the article plus whatever the page put around
it: share buttons, a font-size control, and often a "read also" block holding
*another* story with its own date and photo credits (seed 001). Title, date and
source rules all need the same answer to "which lines are this article?", so it
is computed once here.

Where the article ends: a line that is only a "read also"/"related" header
(``إقرأ أيضاً:``) opens another story, so everything after it is left out. A
line that *starts* with such a marker and goes on (``إقرأ أيضا: <headline>``)
is an inline teaser inside the article (CNN Arabic does this): only that line
is skipped, the article goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.metadata.fold import Folded, compile_folded


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the folded text: ``start`` is its folded offset, ``no`` its 0-based number."""

    no: int
    start: int
    text: str

    @property
    def stripped(self) -> str:
        """The line without surrounding whitespace."""
        return self.text.strip()


def split_lines(folded: Folded) -> list[Line]:
    """All lines of the folded text, with offsets (``\\r`` of CRLF dropped)."""
    lines: list[Line] = []
    start = 0
    for no, part in enumerate(folded.text.split("\n")):
        lines.append(Line(no, start, part.rstrip("\r")))
        start += len(part) + 1
    return lines


_READ_ALSO = (
    r"(?:ا?قرا|طالع)\s+(?:ايضا|كذلك|المزيد\s+عن)"
    r"|(?:مواضيع|اخبار|مقالات|قصص)\s+(?:ذات\s+صله|متعلقه|مشابهه|قد\s+تهمك)"
    r"|ذات\s+صله|قد\s+يهمك(?:\s+ايضا)?|قد\s+يعجبك(?:\s+ايضا)?|اخترنا\s+لك"
    r"|read\s+(?:also|more)|related(?:\s+(?:articles?|news|stories|posts))?|see\s+also"
)
_READ_ALSO_HEADER = compile_folded(rf"^\W*(?:{_READ_ALSO})\W*$", re.IGNORECASE)
_READ_ALSO_TEASER = compile_folded(rf"^\W*(?:{_READ_ALSO})\s*[:：\-–—]", re.IGNORECASE)


def is_read_also_header(text: str) -> bool:
    """Whether the line only announces related stories (so another story follows)."""
    return bool(_READ_ALSO_HEADER.match(text))


def article_lines(lines: list[Line]) -> list[Line]:
    """The non-empty lines of the article itself, in order (see the module docstring).

    A header seen before the article has two non-empty lines is not taken as an
    end: a related block cannot come before the story it relates to, and
    cutting there would throw the whole article away.
    """
    result: list[Line] = []
    for line in lines:
        text = line.stripped
        if not text:
            continue
        if is_read_also_header(text):
            if len(result) >= 2:
                break
            continue
        if _READ_ALSO_TEASER.match(text):
            continue
        result.append(line)
    return result


_SOCIAL = (
    r"فيسبوك|فيس\s+بوك|تويتر|واتساب|واتس\s+اب|تلغرام|تيليجرام|تليجرام|لينكدان|لينكد\s+ان|"
    r"ماسنجر|انستغرام|انستجرام|يوتيوب|facebook|twitter|whatsapp|telegram|linkedin|"
    r"messenger|instagram|youtube|pinterest|reddit|email|e-mail|x"
)
_BUTTON = (
    r"ا?نشر(?:ها|ه)?|شارك(?:ها|ه|نا)?|مشاركه(?:\s+الخبر)?|شارك\s+(?:الخبر|المقال|القصه)|"
    r"share(?:\s+(?:this|on|via))?|tweet|طباعه|اطبع|print|حفظ|save|ارسل|ارسال|"
    r"نسخ\s+الرابط|copy\s+link|البريد\s+الالكتروني|تعليق(?:ات)?|comments?|"
    r"ا?قرا\s+المزيد|المزيد|read\s+more|more|اعلان|advertisement|ad|"
    r"تابع(?:نا)?|follow(?:\s+us)?|" + _SOCIAL
)
_BOILERPLATE = compile_folded(
    r"^(?:"
    # font size controls: "+ الخط -", "حجم الخط", "A+ A-"
    r"[\s+\-–—]*(?:حجم\s+)?الخط[\s+\-–—]*|(?:\s*a\s*[+\-–]\s*)+|[\s+\-–—]+"
    # share/print/read-more buttons, alone or in a row
    rf"|(?:\s*(?:{_BUTTON})\s*[:：|•·,،/]?)+"
    # follow-us lines: "تابعونا على تويتر", "Follow us on Facebook"
    rf"|\s*(?:تابع(?:نا|ونا|وا)?|follow(?:\s+us)?)\s+(?:على|عبر|on)\s+.{{0,60}}"
    # breadcrumbs: "الرئيسية > أخبار > عالم"
    r"|\s*(?:الرئيسية|home)\s*[>»›/|].*"
    r"|\s*(?:تخطى\s+إلى\s+المحتوى|skip\s+to\s+(?:main\s+)?content).*"
    # a line with no letter at all ("***", "|", "—", "12")
    r"|[\W\d_]*"
    r")$",
    re.IGNORECASE,
)


def is_boilerplate(text: str) -> bool:
    """Whether a (folded) line is page furniture rather than article text."""
    return bool(_BOILERPLATE.match(text.strip()))
