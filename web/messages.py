"""The search layer's notices (:mod:`search.notices`) as the site says them, in Arabic.

A value the reader typed is wrapped in ``<bdi>`` by the template filter, so a Latin or
numeric value keeps its place in a right-to-left sentence; everything is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from search.searching import Notice

#: Each code's sentence; ``{value}``-style fields are the notice's values, escaped and
#: isolated, ``{name}`` the parameter's Arabic name.
ARABIC: dict[str, str] = {
    "invalid_year": "السنة تُكتب بأربعة أرقام مثل 2023، لا {value}",
    "invalid_month": "الشهر يُكتب هكذا: 2023-08، لا {value}",
    "invalid_date": "{name} يُكتب هكذا: 2023-08-16، لا {value}",
    "invalid_number": "{name} عدد صحيح، لا {value}",
    "invalid_sort": "الترتيب إما حسب الأهمية أو الأحدث أو الأقدم",
    "invalid_mode": "المطابقة إما بالاشتقاق أو حرفية",
    "per_page_range": "عدد النتائج في الصفحة بين 1 و{max}",
    "page_too_small": "رقم الصفحة 1 أو أكثر",
    "result_window": "لا تُعرض نتائج بعد النتيجة رقم {max}؛ ضيّق البحث بكلمة أو عامل تصفية",
    "dates_reversed": "بداية المدة بعد نهايتها",
    "query_cut": "اقتُطع البحث عند أول {max} حرف",
    "bad_date_filter": "لم يُستخدم تاريخ {value}: اكتبه هكذا 2023 أو 2023-08 أو 2023-08-16",
    "empty_filter": "لم يُستخدم عامل التصفية {name} لأنه بلا قيمة",
    "bad_hijri_filter": "لم يُستخدم الشهر الهجري {value}: اكتبه هكذا رمضان 1444 أو 1444-09",
    "too_many_words": "استُخدمت أول {max} كلمة فقط",
    "unknown_source": "لا مقالات في الأرشيف من {value}؛ من مصادره: {known}",
}

#: Parameter names as a reader knows them.
NAMES: dict[str, str] = {
    "from": "تاريخ البداية",
    "to": "تاريخ النهاية",
    "page": "رقم الصفحة",
    "per_page": "عدد النتائج في الصفحة",
}


def arabic(notice: Notice | dict) -> Markup:
    """A notice (or its API dict) as an Arabic sentence, its values escaped and isolated."""
    if isinstance(notice, dict):
        code = notice["code"]
        values = {k: v for k, v in notice.items() if k not in ("code", "message")}
    else:
        code, values = notice.code, dict(notice.values)
    shown = {}
    for key, value in values.items():
        text = NAMES.get(str(value), str(value)) if key == "name" else str(value)
        quoted = f"«{text}»" if key in ("value", "name") else text
        shown[key] = Markup('<bdi dir="auto">{}</bdi>').format(escape(quoted))
    return Markup(ARABIC[code]).format(**shown)


#: The rules that found an article's date and sources (``search metadata``'s words),
#: as the article page's «where did this come from» panel says them.
RULES: dict[str, str] = {
    "field": "حقل في السجل",
    "filename": "تاريخ في اسم الملف",
    "feed": "الموجز (RSS/Atom)",
    "feed:source": "مصدر البند في الموجز",
    "text:top-line": "سطر التاريخ في أعلى المقال",
    "text:labelled": "سطر معنون مثل «تاريخ النشر:»",
    "text:labelled-update": "سطر «آخر تحديث»",
    "text:dateline": "مطلع الخبر",
    "text:footer": "سطر التاريخ في آخر المقال",
    "dateline": "مطلع الخبر، مثل «القاهرة (رويترز) -»",
    "closing-parenthesis": "قوسان في آخر الخبر، مثل «(أ ف ب)»",
    "credit-line": "سطر نسبة الخبر",
    "byline": "سطر الكاتب أو المكان في أعلى المقال",
    "photo-credit": "تعليق صورة",
    "html:article:published_time": "وسم تاريخ النشر في الصفحة (article:published_time)",
    "html:og:published_time": "وسم تاريخ النشر في الصفحة (og:published_time)",
    "html:itemprop": "وسم تاريخ النشر في الصفحة (datePublished)",
    "html:pubdate": "وسم تاريخ النشر في الصفحة (pubdate)",
    "html:json-ld": "بيانات الصفحة المنظّمة (JSON-LD)",
    "html:time": "وسم ‎<time>‎ في الصفحة",
    "html:og:site_name": "اسم الموقع في الصفحة (og:site_name)",
    "html:title": "اسم الموقع في عنوان الصفحة",
}


def rule_label(rule: str | None) -> str:
    """A metadata rule in Arabic (``label:المصدر`` is the line «المصدر:»); an unknown
    rule is shown as it is, rather than hidden."""
    if not rule:
        return "—"
    if rule.startswith("label:"):
        return f"سطر «{rule.removeprefix('label:')}:»"
    return RULES.get(rule, rule)
