"""The search layer's notices (:mod:`search.notices`) as the site says them: in Arabic,
or in English from the catalogue (``web/i18n.py``).

A value the reader typed is wrapped in ``<bdi>`` by the template filter, so a Latin or
numeric value keeps its place in a right-to-left sentence; everything is escaped.
"""

from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape

from search.searching import Notice
from web.i18n import N_

#: Each code's sentence; ``{value}``-style fields are the notice's values, escaped and
#: isolated, ``{name}`` the parameter's Arabic name.
ARABIC: dict[str, str] = {
    "invalid_year": N_("السنة تُكتب بأربعة أرقام مثل 2023، لا {value}"),
    "invalid_month": N_("الشهر يُكتب هكذا: 2023-08، لا {value}"),
    "invalid_date": N_("{name} يُكتب هكذا: 2023-08-16، لا {value}"),
    "invalid_number": N_("{name} عدد صحيح، لا {value}"),
    "invalid_sort": N_("الترتيب إما حسب الأهمية أو الأحدث أو الأقدم"),
    "invalid_mode": N_("المطابقة إما بالاشتقاق أو حرفية"),
    "invalid_group": N_("تجميع نسخ الخبر الواحد إما on أو off"),
    "invalid_spell": N_("تصحيح الإملاء إما on أو off"),
    "invalid_interval": N_("مدة أعمدة الخط الزمني: تلقائية أو يوم أو أسبوع أو شهر أو سنة"),
    "invalid_calendar": N_("التقويم إما ميلادي أو هجري"),
    "per_page_range": N_("عدد النتائج في الصفحة بين 1 و{max}"),
    "page_too_small": N_("رقم الصفحة 1 أو أكثر"),
    "result_window": N_("لا تُعرض نتائج بعد النتيجة رقم {max}؛ ضيّق البحث بكلمة أو عامل تصفية"),
    "dates_reversed": N_("بداية المدة بعد نهايتها"),
    "query_cut": N_("اقتُطع البحث عند أول {max} حرف"),
    "bad_date_filter": N_("لم يُستخدم تاريخ {value}: اكتبه هكذا 2023 أو 2023-08 أو 2023-08-16"),
    "empty_filter": N_("لم يُستخدم عامل التصفية {name} لأنه بلا قيمة"),
    "bad_hijri_filter": N_("لم يُستخدم الشهر الهجري {value}: اكتبه هكذا رمضان 1444 أو 1444-09"),
    "too_many_words": N_("استُخدمت أول {max} كلمة فقط"),
    "unknown_source": N_("لا مقالات في الأرشيف من {value}؛ من مصادره: {known}"),
}

#: Parameter names as a reader knows them.
NAMES: dict[str, str] = {
    "from": N_("تاريخ البداية"),
    "to": N_("تاريخ النهاية"),
    "page": N_("رقم الصفحة"),
    "per_page": N_("عدد النتائج في الصفحة"),
}


def arabic(notice: Notice | dict) -> Markup:
    """A notice (or its API dict) as a sentence in the page's language (Arabic unless
    the reader chose English), its values escaped and isolated."""
    if isinstance(notice, dict):
        code = notice["code"]
        values = {k: v for k, v in notice.items() if k not in ("code", "message")}
    else:
        code, values = notice.code, dict(notice.values)
    shown = {}
    for key, value in values.items():
        text = gettext(NAMES[value]) if key == "name" and value in NAMES else str(value)
        quoted = f"«{text}»" if key in ("value", "name") else text
        shown[key] = Markup('<bdi dir="auto">{}</bdi>').format(escape(quoted))
    return Markup(gettext(ARABIC[code])).format(**shown)


#: The rules that found an article's date and sources (``search metadata``'s words),
#: as the article page's «where did this come from» panel says them.
RULES: dict[str, str] = {
    "field": N_("حقل في السجل"),
    "filename": N_("تاريخ في اسم الملف"),
    "feed": N_("الموجز (RSS/Atom)"),
    "feed:source": N_("مصدر البند في الموجز"),
    "text:top-line": N_("سطر التاريخ في أعلى المقال"),
    "text:labelled": N_("سطر معنون مثل «تاريخ النشر:»"),
    "text:labelled-update": N_("سطر «آخر تحديث»"),
    "text:dateline": N_("مطلع الخبر"),
    "text:footer": N_("سطر التاريخ في آخر المقال"),
    "dateline": N_("مطلع الخبر، مثل «القاهرة (رويترز) -»"),
    "closing-parenthesis": N_("قوسان في آخر الخبر، مثل «(أ ف ب)»"),
    "credit-line": N_("سطر نسبة الخبر"),
    "byline": N_("سطر الكاتب أو المكان في أعلى المقال"),
    "photo-credit": N_("تعليق صورة"),
    "html:article:published_time": N_("وسم تاريخ النشر في الصفحة (article:published_time)"),
    "html:og:published_time": N_("وسم تاريخ النشر في الصفحة (og:published_time)"),
    "html:itemprop": N_("وسم تاريخ النشر في الصفحة (datePublished)"),
    "html:pubdate": N_("وسم تاريخ النشر في الصفحة (pubdate)"),
    "html:json-ld": N_("بيانات الصفحة المنظّمة (JSON-LD)"),
    "html:time": N_("وسم ‎<time>‎ في الصفحة"),
    "html:og:site_name": N_("اسم الموقع في الصفحة (og:site_name)"),
    "html:title": N_("اسم الموقع في عنوان الصفحة"),
}


def rule_label(rule: str | None) -> str:
    """A metadata rule in the page's language (``label:المصدر`` is the line «المصدر:»); an unknown
    rule is shown as it is, rather than hidden."""
    if not rule:
        return "—"
    if rule.startswith("label:"):
        return gettext("سطر «%(label)s:»", label=rule.removeprefix("label:"))
    return gettext(RULES[rule]) if rule in RULES else rule
