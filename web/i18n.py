"""The interface's language: Arabic, the default, or English (Flask-Babel).

Arabic is the source language: templates and messages are written in Arabic and marked
for translation (``_()`` and ``{% trans %}`` in templates, :func:`N_` in Python tables,
said with ``gettext`` where they are shown). ``web/translations/en`` says them in
English; ``web/translations/ar`` holds only what Arabic needs a catalogue for: the six
plural forms of counted nouns (CLDR's zero, one, two, few, many, other), which a
two-form ``ngettext`` call cannot carry. Dates follow CLDR through Babel.

The language is part of the address (``?lang=en``), never guessed from the browser: one
URL is one page, for readers sharing links and for caches. Every URL the app builds
with ``url_for`` carries it on; forms carry it as a hidden field (a GET form drops its
action's query string). The JSON API is English and language-free.

The ``.po`` catalogues are the only ones in the repository: they are compiled when the
app starts, into a folder named by their hash, so nothing generated is committed and a
changed catalogue is never served stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from flask_babel import Babel

#: The interface languages: code -> (its own name, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {"ar": ("العربية", "rtl"), "en": ("English", "ltr")}
DEFAULT_LANGUAGE = "ar"
#: Where the catalogues are written (``make translations`` updates them).
TRANSLATIONS = Path(__file__).parent / "translations"
#: Endpoints whose URLs never carry a language: files and the JSON API.
_LANGUAGE_FREE = ("assets.", "api.", "embed.loader")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined (a table of messages);
    it is translated where it is shown, with ``gettext``."""
    return message


#: Words the search layer hands the page (its parameter table's labels, the date panel's
#: quick ranges), marked here for the catalogue: that layer knows nothing of languages.
#: ``tests/test_i18n.py`` checks this list against the search layer's own.
SEARCH_LAYER_WORDS = (
    N_("المصدر"),
    N_("التصنيف"),
    N_("لا مصادر."),
    N_("آخر 24 ساعة"),
    N_("آخر أسبوع"),
    N_("آخر شهر"),
    N_("آخر سنة"),
)


def current_language() -> str:
    """This request's interface language: ``?lang=`` when it names one, else Arabic."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = getattr(g, "naba_language", None)
    if chosen is None:
        chosen = request.args.get("lang", "")
        chosen = g.naba_language = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return str(chosen)


def is_english() -> bool:
    return current_language() == "en"


def text_direction() -> str:
    return LANGUAGES[current_language()][1]


def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    """``url_for``'s default: the page's language carried on to the page it links to
    (``lang=None`` in a call asks for the default language)."""
    if "lang" in values or endpoint.startswith(_LANGUAGE_FREE):
        return
    language = current_language()
    if language != DEFAULT_LANGUAGE:
        values["lang"] = language


def language_url(language: str) -> str:
    """This page's address in ``language`` (the switch in the page header). naba.js
    rewrites it on click when htmx has moved the address since the page loaded."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if language != DEFAULT_LANGUAGE:
        args.append(("lang", language))
    query = urlencode(args)
    return request.path + (f"?{query}" if query else "")


def compiled_catalogues(source: Path = TRANSLATIONS) -> Path:
    """The ``.mo`` files of ``source``'s ``.po`` catalogues, compiled once per content
    into this user's private folder under the temporary one (workers racing to compile
    all write the same bytes; each writes its own folder and the first rename wins).

    Private, because a translation is trusted markup on every page: a folder another
    user of the machine could have made first is not used."""
    catalogues = sorted(source.glob("*/LC_MESSAGES/*.po"))
    digest = hashlib.sha256()
    for path in catalogues:
        digest.update(path.relative_to(source).as_posix().encode())
        digest.update(path.read_bytes())
    home = _private_folder(Path(tempfile.gettempdir()) / f"naba-translations-{os.getuid()}")
    target = home / digest.hexdigest()[:16]
    if target.is_dir():
        return target
    building = Path(tempfile.mkdtemp(prefix="building-", dir=home))
    for path in catalogues:
        with path.open("rb") as po:
            catalogue = read_po(po, locale=path.parent.parent.name)
        mo = building / path.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as out:
            write_mo(out, catalogue)
    try:
        os.rename(building, target)
    except OSError:  # another worker finished first: its copy is the same
        shutil.rmtree(building, ignore_errors=True)
    return target


def _private_folder(path: Path) -> Path:
    """``path``, made if need be, when it is this user's and no one else may write in it;
    else a new private folder of its own."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022:
        return path
    return Path(tempfile.mkdtemp(prefix="naba-translations-"))


def init_app(app: Flask) -> None:
    """Flask-Babel with the language from the URL, and the templates' helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_catalogues())
    # {% trans %} blocks are written across lines; their msgids are the trimmed text.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    Babel(app, locale_selector=current_language)
    app.url_defaults(keep_language)
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        language_url=language_url,
        languages=LANGUAGES,
    )
