"""Which outlets and agencies an article names as *its* source.

An article mentions many outlets ("قالت وكالة الأنباء المركزية الكورية …") but is
sourced from few, and only where attribution is written. So names are read
only in attribution positions, never in running prose, and a name must fill
the position exactly (after folding): ``شبه الجزيرة الكورية`` is never Al
Jazeera, ``الدول العربية`` never Al Arabiya. The positions, strongest first
(the rule is recorded per source in ``source_rules``):

* ``label:<label>`` — a line opening with a source label: ``المصدر:``,
  ``نص:``, ``نقلا عن``, ``Source:``. Here alone the table's *weak* names count,
  names that are also common words or cities (العربية، الشرق الأوسط، الرياض،
  الوطن، اليوم…): after an explicit "source" label they can only mean the outlet.
* ``dateline`` — the opening of one of the first body lines:
  ``جاكرتا (رويترز) -``, ``بيونغ يانغ (أ ف ب) –``, ``القاهرة /أ ش أ/``,
  SPA's ``بريدة … 2015 م واس /``.
* ``closing-parenthesis`` — ``(رويترز، أسوشييتد برس)`` as the article's last
  line, or ending one of its last two paragraphs after a full stop.
* ``credit-line`` — a short line made only of source names (``فرانس24/ أ ف ب``).
* ``byline`` — a short line near the top made of a place or a reporter and an
  outlet (``أبوظبي - سكاي نيوز عربية``, ``الرياض - واس``, ``فهد العتيبي- سبق:``).
* ``photo-credit`` — ``(رويترز)`` closing a caption (a line with no full stop
  before it), ``via REUTERS``, ``REUTERS/Name``, ``© AFP``. A photo credit says
  who took the picture, not who wrote the story (Al Jazeera routinely runs
  Reuters pictures, seed 003), so photo credits are used **only when no other
  rule found a source**; then they are the best evidence there is.

Generic attributions ("وكالات", "agencies") and photo agencies (Getty, EPA) are
recognised, so they can sit in a list of names, but are never a source.
Known limit: Saudi Al-Jazirah and Al Jazeera are both "الجزيرة"; in text the
bare word means Al Jazeera, and the newspaper needs "صحيفة الجزيرة" (a reader
that has the SaudiNewsNet ``source`` field uses :func:`canonical_source`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.arabic import ARABIC_BLOCK
from search.metadata.dates import find_dates
from search.metadata.fold import Folded, compile_folded, fold_key
from search.metadata.lines import Line, article_lines, is_boilerplate, split_lines

__all__ = [
    "SOURCES",
    "Outlet",
    "SourceTable",
    "canonical_source",
    "canonical_source_or_self",
    "extract_sources",
]


_ARABIC = re.compile(f"[{ARABIC_BLOCK}]")


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet: its display name and every way raw text and data fields write it.

    ``aliases`` name the outlet in any attribution position; ``weak`` ones are
    also ordinary words or places and count only after a source label; ``keys``
    are identifiers used by corpora's structured fields (ANT ``SRC``,
    SaudiNewsNet ``source``).
    """

    name: str
    aliases: tuple[str, ...]
    weak: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    label: str = ""

    @property
    def arabic_name(self) -> str:
        """The name an Arabic reader sees: ``label``, else the first Arabic alias."""
        if self.label:
            return self.label
        return next((a for a in self.aliases if _ARABIC.search(a)), self.name)


_OUTLETS: tuple[Outlet, ...] = (
    # International agencies
    Outlet("Reuters", ("رويترز", "رويتر", "وكالة رويترز", "Reuters", "Thomson Reuters")),
    Outlet(
        "AP",
        (
            "أسوشييتد برس",
            "أسوشيتد برس",
            "اسوشيتدبرس",
            "أسوشيتد بريس",
            "الأسوشيتد برس",
            "وكالة أسوشيتد برس",
            "وكالة أسوشييتد برس",
            "أ ب",
            "AP",
            "Associated Press",
            "The Associated Press",
        ),
    ),
    Outlet(
        "AFP",
        (
            "أ ف ب",
            "أف ب",
            "أفب",
            "فرانس برس",
            "فرانس بريس",
            "وكالة فرانس برس",
            "وكالة الصحافة الفرنسية",
            "الصحافة الفرنسية",
            "الفرنسية",
            "AFP",
            "A.F.P.",
            "Agence France-Presse",
            "Agence France Presse",
        ),
        label="فرانس برس",
    ),
    Outlet("DPA", ("د ب أ", "الألمانية", "وكالة الأنباء الألمانية", "DPA"), label="الألمانية"),
    Outlet("Anadolu", ("الأناضول", "وكالة الأناضول", "الاناضول للأنباء", "Anadolu", "AA")),
    Outlet("Xinhua", ("شينخوا", "وكالة شينخوا", "Xinhua")),
    Outlet("Bloomberg", ("بلومبرغ", "بلومبيرغ", "بلومبرج", "Bloomberg")),
    Outlet("EFE", ("إفي", "وكالة إفي", "EFE")),
    Outlet("Kyodo", ("كيودو", "Kyodo")),
    Outlet("Yonhap", ("يونهاب", "وكالة يونهاب", "Yonhap")),
    Outlet(
        "KCNA",
        (
            "وكالة الأنباء المركزية الكورية",
            "وكالة الأنباء المركزية الكورية الشمالية",
            "الوكالة المركزية الكورية",
            "KCNA",
            "Korean Central News Agency",
        ),
    ),
    Outlet("RIA Novosti", ("ريا نوفوستي", "نوفوستي", "وكالة ريا نوفوستي", "RIA Novosti", "RIA")),
    Outlet("Interfax", ("إنترفاكس", "انترفاكس", "وكالة إنترفاكس", "Interfax")),
    Outlet("TASS", ("تاس", "وكالة تاس", "TASS")),
    Outlet("Sputnik", ("سبوتنيك", "وكالة سبوتنيك", "Sputnik")),
    Outlet("IRNA", ("إرنا", "وكالة إرنا", "IRNA")),
    # Arab agencies
    Outlet(
        "SPA",
        ("واس", "وكالة الأنباء السعودية", "SPA", "Saudi Press Agency"),
        keys=("was", "spa"),
    ),
    Outlet("WAM", ("وام", "وكالة أنباء الإمارات", "WAM")),
    Outlet("QNA", ("قنا", "وكالة الأنباء القطرية", "QNA")),
    Outlet("KUNA", ("كونا", "وكالة الأنباء الكويتية", "KUNA")),
    Outlet("BNA", ("وكالة أنباء البحرين", "BNA"), weak=("بنا",), label="بنا"),
    Outlet("Petra", ("وكالة الأنباء الأردنية", "Petra"), weak=("بترا",), label="بترا"),
    Outlet("SANA", ("سانا", "الوكالة العربية السورية للأنباء", "SANA")),
    Outlet("MENA", ("أ ش أ", "وكالة أنباء الشرق الأوسط", "MENA")),
    # Broadcasters and sites
    Outlet(
        "France 24",
        ("فرانس24", "فرانس 24", "فرانس ٢٤", "France 24", "France24"),
        keys=("france24",),
        label="فرانس 24",
    ),
    Outlet(
        "Al Jazeera",
        (
            "الجزيرة",
            "الجزيرة نت",
            "الجزيرة.نت",
            "قناة الجزيرة",
            "شبكة الجزيرة",
            "Al Jazeera",
            "Aljazeera",
            "aljazeera.net",
        ),
    ),
    Outlet(
        "BBC",
        (
            "بي بي سي",
            "بي.بي.سي",
            "بي بي سي عربي",
            "BBC",
            "BBC Arabic",
            "BBC News",
            "BBC عربي",
            "BBC News عربي",
            "BBC News Arabic",
        ),
        keys=("bbc",),
        label="بي بي سي عربي",
    ),
    Outlet(
        "Sky News Arabia",
        ("سكاي نيوز عربية", "سكاي نيوز", "Sky News Arabia", "Sky News", "skynewsarabia.com"),
        keys=("skynews", "skynewsarabia"),
    ),
    Outlet(
        "Al Arabiya",
        (
            "العربية.نت",
            "العربية نت",
            "قناة العربية",
            "Al Arabiya",
            "AlArabiya",
            "alarabiya.net",
        ),
        weak=("العربية",),
        keys=("alarabia", "alarabiya"),
        label="العربية",
    ),
    Outlet(
        "CNN",
        ("سي إن إن", "سي ان ان", "سي.إن.إن", "CNN", "CNN Arabic", "CNN بالعربية"),
        keys=("cnn",),
    ),
    Outlet("RT", ("روسيا اليوم", "آر تي", "RT", "RT Arabic")),
    Outlet("Euronews", ("يورونيوز", "Euronews")),
    Outlet("Al Mayadeen", ("الميادين", "قناة الميادين", "Al Mayadeen")),
    # Saudi press (SaudiNewsNet's fourteen outlets; Arreyadi has two sites)
    Outlet(
        "Asharq Al-Awsat",
        ("صحيفة الشرق الأوسط", "جريدة الشرق الأوسط", "Asharq Al-Awsat", "aawsat.com"),
        weak=("الشرق الأوسط",),
        keys=("aawsat",),
        label="الشرق الأوسط",
    ),
    Outlet(
        "Al Eqtisadiah",
        ("صحيفة الاقتصادية", "جريدة الاقتصادية", "Al Eqtisadiah", "aleqt.com"),
        weak=("الاقتصادية",),
        keys=("aleqtisadiya", "aleqt"),
        label="الاقتصادية",
    ),
    Outlet(
        "Al-Jazirah",
        ("صحيفة الجزيرة", "جريدة الجزيرة", "Al-Jazirah", "al-jazirah.com"),
        keys=("aljazirah",),
        label="صحيفة الجزيرة",
    ),
    Outlet(
        "Al-Madina",
        ("صحيفة المدينة", "جريدة المدينة", "Al-Madina", "al-madina.com"),
        weak=("المدينة",),
        keys=("almadina",),
        label="المدينة",
    ),
    Outlet(
        "Al Riyadh",
        ("صحيفة الرياض", "جريدة الرياض", "Al Riyadh", "alriyadh.com"),
        weak=("الرياض",),
        keys=("alriyadh",),
        label="الرياض",
    ),
    Outlet(
        "Al-Watan",
        ("صحيفة الوطن", "جريدة الوطن", "Al-Watan", "alwatan.com.sa"),
        weak=("الوطن",),
        keys=("alwatan",),
        label="الوطن",
    ),
    Outlet(
        "Al-Weeam",
        ("الوئام", "صحيفة الوئام", "Al-Weeam", "alweeam.com.sa"),
        keys=("alweeam",),
    ),
    Outlet(
        "Al-Yaum",
        ("صحيفة اليوم", "جريدة اليوم", "Al-Yaum", "alyaum.com"),
        weak=("اليوم",),
        keys=("alyaum",),
        label="اليوم",
    ),
    Outlet(
        "Arriyadi",
        ("صحيفة الرياضي", "Arriyadi", "arreyadi.com.sa"),
        weak=("الرياضي",),
        keys=("arreyadi", "arriyadi"),
        label="الرياضي",
    ),
    Outlet(
        "Arriyadiyah",
        ("صحيفة الرياضية", "Arriyadiyah", "arriyadiyah.com"),
        weak=("الرياضية",),
        keys=("arriyadiyah", "arreyadiyah"),
        label="الرياضية",
    ),
    Outlet("Okaz", ("عكاظ", "صحيفة عكاظ", "جريدة عكاظ", "Okaz", "okaz.com.sa"), keys=("okaz",)),
    Outlet("Sabq", ("سبق", "صحيفة سبق", "سبق الإلكترونية", "Sabq", "sabq.org"), keys=("sabq",)),
    Outlet(
        "Ain Alyoum",
        ("عين اليوم", "صحيفة عين اليوم", "Ain Alyoum", "3alyoum.com"),
        keys=("3alyoum",),
    ),
)

# Recognised in a list of names but never a source: generic attributions and
# photo agencies.
_NOT_SOURCES = (
    "وكالات",
    "الوكالات",
    "وكالات الأنباء",
    "وكالات أنباء",
    "وكالات الانباء العالمية",
    "مواقع",
    "مواقع إلكترونية",
    "متابعات",
    "وسائل إعلام",
    "وسائل الإعلام",
    "مواقع التواصل",
    "مراسلون",
    "مراسلين",
    "صحف",
    "agencies",
    "wires",
    "news agencies",
    "Getty",
    "Getty Images",
    "غيتي",
    "جيتي",
    "غيتي إيماجز",
    "EPA",
    "Shutterstock",
    "Pool",
    "Handout",
    "صورة موزعة",
    "أرشيفية",
    "أرشيف",
    "صورة أرشيفية",
)
_PREFIXES = ("وكاله", "وكاله انباء", "موقع", "قناه", "صحيفه", "جريده", "شبكه", "تلفزيون")


@dataclass(slots=True)
class SourceTable:
    """Canonical outlet names and the folded spellings that lead to them.

    Lookups fold both sides (:func:`~search.metadata.fold.fold_key`), so
    tashkeel, hamza seats, Persian letters, case, dots and hyphens never
    decide a match.
    """

    outlets: tuple[Outlet, ...]
    _strong: dict[str, str] = field(init=False, repr=False)
    _weak: dict[str, str] = field(init=False, repr=False)
    _fields: dict[str, str] = field(init=False, repr=False)
    _ignored: frozenset[str] = field(init=False, repr=False)
    _longest: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._strong, self._weak, self._fields = {}, {}, {}
        for outlet in self.outlets:
            for alias in (outlet.name, *outlet.aliases):
                self._add(self._strong, fold_key(alias), outlet.name)
            for alias in outlet.weak:
                self._add(self._weak, fold_key(alias), outlet.name)
            for key in outlet.keys:
                self._add(self._fields, fold_key(key), outlet.name)
        self._ignored = frozenset(fold_key(n) for n in _NOT_SOURCES)
        self._longest = max(len(k.split()) for k in self._strong)

    @staticmethod
    def _add(table: dict[str, str], key: str, name: str) -> None:
        if table.get(key, name) != name:
            raise ValueError(f"spelling {key!r} given to both {table[key]!r} and {name!r}")
        table[key] = name

    @classmethod
    def default(cls) -> SourceTable:
        """The table Naba ships (international and Arab agencies, broadcasters, Saudi press)."""
        return cls(_OUTLETS)

    @property
    def names(self) -> list[str]:
        """Every canonical name, in table order."""
        return [o.name for o in self.outlets]

    def field_name(self, value: str) -> str | None:
        """Canonical name for a structured field value (identifier, alias or weak alias)."""
        key = fold_key(value)
        if not key:
            return None
        return self._fields.get(key) or self._strong.get(key) or self._weak.get(key)

    def exact(self, part: str, *, weak: bool = False) -> str | None:
        """Canonical name if ``part`` is exactly an outlet's name (prefix words allowed)."""
        key = fold_key(part)
        if not key:
            return None
        found = self._strong.get(key) or (self._weak.get(key) if weak else None)
        if found:
            return found
        for prefix in _PREFIXES:
            if key.startswith(prefix + " "):
                rest = key[len(prefix) + 1 :]
                found = self._strong.get(rest) or (self._weak.get(rest) if weak else None)
                if found:
                    return found
        return None

    def is_ignored(self, part: str) -> bool:
        """Whether ``part`` is a generic attribution or a photo agency (never a source)."""
        return fold_key(part) in self._ignored

    def leading(self, text: str, *, weak: bool = False) -> str | None:
        """Canonical name of an outlet that ``text`` *starts* with (``فرانس24 تابع …``)."""
        words = fold_key(text).split()
        for n in range(min(len(words), self._longest), 0, -1):
            found = self.exact(" ".join(words[:n]), weak=weak)
            if found:
                return found
        return None


SOURCES = SourceTable.default()


def canonical_source(name: str) -> str | None:
    """Canonical outlet name for a field-given source name, ``None`` if unknown.

    Unknown names are not guessed at, so a caller can tell "we know this
    outlet" from "we were told a name" and decide (see
    :func:`canonical_source_or_self`).
    """
    return SOURCES.field_name(name)


def source_label(name: str) -> str:
    """The Arabic display name of a canonical source (the name itself if unknown)."""
    return _ARABIC_NAMES.get(name, name)


_ARABIC_NAMES = {outlet.name: outlet.arabic_name for outlet in SOURCES.outlets}


def canonical_source_or_self(name: str) -> str:
    """The canonical name, or the given name stripped when the table does not know it."""
    return canonical_source(name) or name.strip()


def canonical_sources(value: str) -> list[str]:
    """The outlets a source *field* names: one (``Reuters``) or several (``Reuters / AFP``).

    The whole value is tried first, so a name that contains a separator
    (``فرانس24/ أ ف ب`` is two, but an unknown ``A + B Media`` stays one
    when its parts are not all known) is not cut apart needlessly.
    """
    whole = canonical_source(value)
    if whole:
        return [whole]
    parts = [p.strip(" \t.:()[]«»\"'“”") for p in _SPLIT.split(value.strip())]
    parts = [p for p in parts if p]
    known = [canonical_source(p) for p in parts]
    if len(parts) > 1 and all(known):
        return list(dict.fromkeys(k for k in known if k))
    stripped = value.strip()
    return [stripped] if stripped else []


# --- reading attribution positions ------------------------------------------------------------

_SPLIT = compile_folded(r"\s*(?:[،,/+|&؛;]|\s[-–—]\s|[–—])\s*")
_AND = compile_folded(r"\s+و\s*(?=\S)")


def _names_in(
    group: str, table: SourceTable, *, weak: bool = False, whole: bool = True
) -> list[str] | None:
    """Outlets named by a list like ``رويترز، أسوشييتد برس`` or ``الجزيرة + وكالات``.

    With ``whole``, every part must be a known name or a generic attribution,
    else ``None``: a parenthesis holding anything else is not an attribution.
    """
    found: list[str] = []
    for raw in _SPLIT.split(group.strip()):
        part = raw.strip(" \t.:()[]«»\"'“”")
        if not part:
            continue
        name = table.exact(part, weak=weak)
        if name is None and part.startswith("و") and not table.is_ignored(part):
            name = table.exact(part[1:], weak=weak)
        if name is None and not table.is_ignored(part):
            pieces = [p for p in _AND.split(part) if p]
            names = [table.exact(p, weak=weak) for p in pieces]
            if len(pieces) > 1 and all(
                n or table.is_ignored(p) for n, p in zip(names, pieces, strict=True)
            ):
                found.extend(n for n in names if n)
                continue
        if name:
            found.append(name)
        elif whole and not table.is_ignored(part):
            return None
    return found


@dataclass(frozen=True, slots=True)
class SourceHit:
    """A source found in the text: canonical name, rule, and folded offset of the evidence."""

    name: str
    rule: str
    position: int


_LABELS = {
    "المصدر": "المصدر",
    "المصادر": "المصدر",
    "مصدر": "المصدر",
    "مصدر الخبر": "المصدر",
    "مصادر": "المصدر",
    "نص": "نص",
    "النص": "نص",
    "نقلا عن": "نقلا عن",
    "source": "Source",
    "sources": "Source",
}
_LABEL_RE = compile_folded(
    r"^\s*[(\[]?\s*(?P<label>مصدر\s+الخبر|المصادر|المصدر|مصادر|مصدر|النص|نص|sources?)\s*[:：]"
    r"\s*(?P<value>.+)$"
    r"|^\s*[(\[]?\s*(?P<label2>نقلا\s+عن)\s*[:：]?\s*(?P<value2>.+)$",
    re.IGNORECASE,
)
_DATELINE_PAREN = re.compile(r"^(?P<head>[^()\n]{0,80}?)\s*\((?P<src>[^()\n]{1,60})\)\s*[-–—]")
_DATELINE_SLASH = re.compile(r"^(?P<head>[^/()\n]{1,80}?)\s*/\s*(?P<src>[^/\n]{1,40}?)\s*/")
_DATELINE_AFTER_DATE = re.compile(r"\s*(?P<src>[^\W\d_][^/()\-–—\n]{0,30}?)\s*(?:/|[-–—]|$)")
_TRAILING_GROUP = compile_folded(r"\((?P<src>[^()\n]{1,80})\)\s*[.۔]?\s*$")
_WHOLE_GROUP = compile_folded(r"^\s*\((?P<src>[^()\n]{1,80})\)\s*[.۔]?\s*$")
_CAPTION_GROUP = re.compile(r"\((?P<src>[^()\n]{1,80})\)\s*$")
_CAPTION_MAX = 160
_REPORTED = compile_folded(
    r"(?<!\w)(?:ب?حسب(?:ما)?|وفق(?:ا|ما)?|نقلا|نقلت(?:ه|ها)?|نقله|ذكرت(?:ه)?|ذكر|اوردت(?:ه)?|"
    r"افادت|اعلنت|قالت|قال|اكدت|لوكاله|وكاله|صرح|تصريحات)(?!\w)"
)
_SENTENCE_END = compile_folded(r"[.!?؟…\"»”']\s*$")
_BYLINE_SPLIT = compile_folded(r"\s*(?:[-–—:|/()]|،)\s*")
_PHOTO_PATTERNS = (
    re.compile(r"\bvia\s+(?P<src>[A-Za-z][A-Za-z .\-]{1,40})", re.IGNORECASE),
    re.compile(r"(?<![\w/])(?P<src>[A-Z][A-Z]{1,15})\s*/\s*[A-Z][a-z]"),
    compile_folded(
        r"(?:©|\(c\)|photo\s*:|credit\s*:|صوره\s*:|تصوير\s*:|الصوره\s*(?:من|:)|\(صوره\s*:?)"
        r"\s*(?P<src>[^()\n©]{1,40})",
        re.IGNORECASE,
    ),
)
_DASH = re.compile(r"[-–—]")
_CREDIT_LINE_MAX = 50
_BYLINE_MAX = 60
_BYLINE_LINES = 5
_DATELINE_LINES = 8
_DATELINE_HEAD_WORDS = 6


def _label_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """``المصدر: …`` lines; the value may trail other words (``نص: فرانس24 تابع``)."""
    hits: list[SourceHit] = []
    for line in lines:
        m = _LABEL_RE.match(line.text)
        if not m:
            continue
        label_text = m.group("label") or m.group("label2")
        value = m.group("value") or m.group("value2")
        label = _LABELS[" ".join(label_text.casefold().split())]
        names = _names_in(value, table, weak=True, whole=False) or []
        if not names:
            lead = table.leading(value, weak=True)
            names = [lead] if lead else []
        hits.extend(SourceHit(n, f"label:{label}", line.start) for n in names)
    return hits


def _dateline_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """``مدينة (وكالة) -``, ``مدينة /وكالة/`` and SPA's ``مدينة <تاريخ> واس`` openings."""
    hits: list[SourceHit] = []
    for line in lines[1:_DATELINE_LINES]:
        text = line.text
        if _credit_line(text, table):  # "فرانس 24/ أ ف ب/ رويترز" has no place name
            continue
        names: list[str] | None = None
        for pattern in (_DATELINE_PAREN, _DATELINE_SLASH):
            m = pattern.match(text)
            if m and len(m.group("head").split()) <= _DATELINE_HEAD_WORDS:
                names = _names_in(m.group("src"), table)
                if names:
                    break
        if not names and _EARLY_DIGIT.match(text):
            early = [d for d in find_dates(text[:120]) if d.start <= 40]
            if early:
                m = _DATELINE_AFTER_DATE.match(text, early[0].end)
                if m:
                    names = _names_in(m.group("src"), table)
        if names:
            hits.extend(SourceHit(n, "dateline", line.start) for n in names)
    return hits


_EARLY_DIGIT = re.compile(r"^\D{0,40}\d")


def furniture_line(text: str, table: SourceTable) -> bool:
    """Lines that may follow the last paragraph: labels, tags, buttons, credit lines
    (``text`` folded)."""
    return bool(
        _LABEL_RE.match(text)
        or _TAGS.match(text)
        or is_boilerplate(text)
        or _credit_line(text, table)
    )


_TAGS = compile_folded(
    r"^\s*(?:كلمات\s+(?:دلاليه|مفتاحيه)|الكلمات\s+المفتاحيه|الوسوم|وسوم|tags|keywords|"
    r"مواضيع|مواضيع\s+ذات\s+صله|سمات|اقرا\s+المزيد\s+عن)\s*[:：]?",
    re.IGNORECASE,
)


def _credit_line(text: str, table: SourceTable) -> list[str]:
    """Names on a short line made only of source names (``فرانس24/ أ ف ب``), else ``[]``."""
    if len(text.strip()) > _CREDIT_LINE_MAX or _WHOLE_GROUP.match(text):
        return []
    return _names_in(text, table) or []


def _closing_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """A parenthesised list closing the article (furniture after it is looked past)."""
    hits: list[SourceHit] = []
    content = [ln for ln in lines[1:] if not furniture_line(ln.text, table)]
    for line in content[-2:]:
        whole = _WHOLE_GROUP.match(line.text)
        if whole:
            names = _names_in(whole.group("src"), table)
        else:
            m = _TRAILING_GROUP.search(line.text)
            if not m or not _SENTENCE_END.search(line.text[: m.start()]):
                continue
            names = _names_in(m.group("src"), table)
        hits.extend(SourceHit(n, "closing-parenthesis", line.start) for n in names or [])
    return hits


def _credit_line_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """Short lines made only of source names, anywhere in the article but its title."""
    return [
        SourceHit(n, "credit-line", line.start)
        for line in lines[1:]
        for n in _credit_line(line.text, table)
    ]


def _byline_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """A place or reporter and an outlet, near the top; other parts must be short names."""
    hits: list[SourceHit] = []
    for line in lines[1 : 1 + _BYLINE_LINES]:
        text = line.text.strip()
        if len(text) > _BYLINE_MAX:
            colon = text.find(":")
            text = text[:colon] if 0 < colon <= _BYLINE_MAX else ""
            if not _DASH.search(text):
                continue
        if not _BYLINE_SPLIT.search(text):
            continue
        names: list[str] = []
        for raw in _BYLINE_SPLIT.split(text):
            part = raw.strip(" .\"'«»“”")
            if not part:
                continue
            name = table.exact(part)
            if name:
                names.append(name)
            elif len(part.split()) > 3 or any(ch.isdigit() for ch in part):
                names = []
                break
        hits.extend(SourceHit(n, "byline", line.start) for n in names)
    return hits


def _photo_hits(lines: list[Line], table: SourceTable) -> list[SourceHit]:
    """Credits closing a caption, and wire-photo credits (``via REUTERS``).

    A caption is short, has no full stop before or after its credit, and
    reports no speech: "…، حسبما أوردت وكالة الأنباء السعودية (واس)." is prose
    naming an agency, not a picture's credit.
    """
    hits: list[SourceHit] = []
    for line in lines:
        m = _CAPTION_GROUP.search(line.text)
        if (
            m
            and len(line.text.strip()) <= _CAPTION_MAX
            and not _SENTENCE_END.search(line.text[: m.start()])
            and not _REPORTED.search(line.text[: m.start()])
        ):
            for n in _names_in(m.group("src"), table) or []:
                hits.append(SourceHit(n, "photo-credit", line.start))
        for pattern in _PHOTO_PATTERNS:
            for pm in pattern.finditer(line.text):
                name = table.leading(pm.group("src"))
                if name:
                    hits.append(SourceHit(name, "photo-credit", line.start + pm.start()))
    return hits


_ATTRIBUTION_RULES = (_label_hits, _dateline_hits, _closing_hits, _credit_line_hits, _byline_hits)


def _merge(hits: Iterable[SourceHit]) -> dict[str, str]:
    """First rule wins per source; rules are fed strongest first, then in text order."""
    rules: dict[str, str] = {}
    for hit in hits:
        rules.setdefault(hit.name, hit.rule)
    return rules


def extract_sources(text: str, *, table: SourceTable | None = None) -> dict[str, str]:
    """Canonical source → rule that found it, ordered strongest rule first.

    See the module docstring for the rules and why photo credits are only a
    fallback.
    """
    table = table or SOURCES
    lines = article_lines(split_lines(Folded.of(text)))
    if not lines:
        return {}
    found: list[SourceHit] = []
    for rule in _ATTRIBUTION_RULES:
        found.extend(sorted(rule(lines, table), key=lambda h: h.position))
    if not found:
        found = sorted(_photo_hits(lines[1:], table), key=lambda h: h.position)
    return _merge(found)
