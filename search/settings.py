"""Naba's settings: every environment variable it reads, read in one place, once.

Why one object rather than ``os.environ.get`` where a value is needed:

- **One place reads the environment.** The CLI, the web app and the tests then agree
  on what a variable means and on its default, and the README's Configuration table
  has one module to match.
- **Library code gets values passed in.** A module below the entry points takes a
  cache size, a location or a limit as an argument; it never looks at the environment
  itself, so the same code serves a test, a benchmark or a server with different
  values side by side.
- **A bad value is found at start-up and said in one line.** :meth:`Settings.from_env`
  checks every variable before anything runs and raises :class:`SettingsError`, whose
  message names the variable, the value and what was expected. The entry points
  (``python -m search``, ``python -m web``, ``wsgi.py``) turn it into ``error: …`` on
  stderr and exit status 2: not a traceback on a worker's first query, once per
  gunicorn worker.

The same environment gives the same verdict at every entry point: a value is checked
even where the command at hand does not use it, so a typo cannot wait for the one
command that does.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from search.engine.base import (
    DEFAULT_CACHE_MB,
    DEFAULT_MAX_REPLICA_LAG,
    DEFAULT_QUERY_TIMEOUT_MS,
    IndexOptions,
)

#: The repository: the default index and corpus live here.
ROOT = Path(__file__).resolve().parents[1]

DEFAULT_INDEX = str(ROOT / "index")
DEFAULT_CORPUS = (str(ROOT / "corpus"),)
#: An export of 10,000 articles is a few megabytes: a list to read, not the archive.
DEFAULT_EXPORT_MAX = 10_000
DEFAULT_PROGRESS_SECONDS = 10.0
DEFAULT_PORT = 8000
DEFAULT_WORKERS = 2
DEFAULT_RATE_LIMIT = "120/minute"
DEFAULT_SUGGEST_RATE_LIMIT = "600/minute"
#: Values of ``NABA_RATE_LIMIT`` that turn limiting off.
OFF = frozenset({"off", "none", "0", "false", "no"})

T = TypeVar("T")


class SettingsError(ValueError):
    """A variable Naba cannot use; the message is one line, meant for the operator."""


def split_list(value: str | None, default: str = "*") -> list[str]:
    """An allow-list: comma and/or space separated; unset means ``default``, while an
    empty value stays empty (an allow-list that allows no one)."""
    text = default if value is None else value
    return [item for item in text.replace(",", " ").split() if item]


def check_rate_limit(variable: str, value: str) -> str:
    """``value`` if Flask-Limiter can parse it, else a :class:`SettingsError`.

    The defaults are known to parse: they skip the check, so that commands which never
    serve the web do not import :mod:`limits` (a fifth of a second) to learn nothing.
    """
    if value in (DEFAULT_RATE_LIMIT, DEFAULT_SUGGEST_RATE_LIMIT):
        return value
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        off = " (or 'off')" if variable == "NABA_RATE_LIMIT" else ""
        raise SettingsError(
            f"{variable} must be a rate limit such as '120/minute' or '10/second;1000/day'"
            f"{off}, not {value!r}"
        ) from None
    return value


def _text(environ: Mapping[str, str], name: str) -> str | None:
    """The variable's value without surrounding blanks; unset and blank are the same."""
    value = environ.get(name, "").strip()
    return value or None


def _number(
    environ: Mapping[str, str],
    name: str,
    default: T,
    parse: Callable[[str], T],
    valid: Callable[[T], bool],
    expected: str,
) -> T:
    text = _text(environ, name)
    if text is None:
        return default
    try:
        value = parse(text)
    except ValueError:
        pass
    else:
        if valid(value):
            return value
    raise SettingsError(f"{name} must be {expected}, not {text!r}")


def _public_url(text: str | None) -> str | None:
    """An absolute http(s) URL with a host and no query, without its trailing slash."""
    if text is None:
        return None
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(ch.isspace() or ord(ch) < 0x20 for ch in text)
    ):
        raise SettingsError(
            f"NABA_PUBLIC_URL must be the site's address such as "
            f"'https://news.example/naba', not {text!r}"
        )
    return text.rstrip("/")


def _replicas(text: str | None) -> tuple[str, ...]:
    """Comma-separated database URLs; which engine takes them is the factory's business."""
    urls = tuple(url.strip() for url in (text or "").split(",") if url.strip())
    for url in urls:
        if "://" not in url or any(ch.isspace() for ch in url):
            raise SettingsError(
                "NABA_INDEX_REPLICAS must be database URLs separated by commas, such as "
                f"'postgresql://naba@replica1/naba', not {url!r}"
            )
    return urls


@dataclass(frozen=True, slots=True)
class Settings:
    """What the environment asks of Naba, typed and checked; see the README's
    Configuration table. The defaults are those of an empty environment."""

    #: ``NABA_INDEX``: where the index lives. A location string, not a path: a folder
    #: today, and other engines' URLs (``postgresql://…``) are to be valid too.
    index: str = DEFAULT_INDEX
    #: ``NABA_CORPUS``: what ``reindex`` reads when given no paths.
    corpus: tuple[str, ...] = DEFAULT_CORPUS
    #: ``NABA_CACHE_MB``: decoded postings a searching process keeps (a PostgreSQL
    #: index: its per-document columns, when they fit in half of it); 0 turns it off.
    #: Decoding a common word's postings costs milliseconds in Python, so the words
    #: readers keep typing stay decoded; 128 MB holds every posting list of the four
    #: scored fields that ANT's 200 benchmark queries touch, several times over.
    cache_mb: int = DEFAULT_CACHE_MB
    #: ``NABA_INDEX_REPLICAS``: read replicas of a database index, comma-separated;
    #: searches go to the healthy ones in turn, reindexing to ``index`` only.
    index_replicas: tuple[str, ...] = ()
    #: ``NABA_MAX_REPLICA_LAG``: seconds a replica may be behind and still be searched.
    max_replica_lag: float = DEFAULT_MAX_REPLICA_LAG
    #: ``NABA_QUERY_TIMEOUT_MS``: a database engine stops a search statement running
    #: longer (a 503, not a hung worker).
    query_timeout_ms: int = DEFAULT_QUERY_TIMEOUT_MS
    #: ``NABA_PROGRESS_SECONDS``: how often a reindex logs progress without a terminal.
    progress_seconds: float = DEFAULT_PROGRESS_SECONDS
    #: ``PORT``: where ``python -m web`` listens (platforms that start it set this).
    port: int = DEFAULT_PORT
    #: ``NABA_WORKERS``: gunicorn worker processes.
    workers: int = DEFAULT_WORKERS
    #: ``NABA_CORS_ORIGINS``: origins whose pages may read the JSON API; ``*`` is any.
    cors_origins: tuple[str, ...] = ("*",)
    #: ``NABA_EMBED_ORIGINS``: sites that may frame ``/embed``; ``*`` is any.
    embed_origins: tuple[str, ...] = ("*",)
    #: ``NABA_RATE_LIMIT``: per-client limit on each ``/api/`` endpoint; None is off.
    rate_limit: str | None = DEFAULT_RATE_LIMIT
    #: ``NABA_SUGGEST_RATE_LIMIT``: the looser limit of ``/api/suggest``.
    suggest_rate_limit: str = DEFAULT_SUGGEST_RATE_LIMIT
    #: ``NABA_PUBLIC_URL``: the site's address as readers reach it
    #: (``https://news.example/naba``), for the absolute URLs of ``/opensearch.xml``; unset,
    #: they follow the request's ``Host``, which any client can set.
    public_url: str | None = None
    #: ``NABA_PROXIES``: how many reverse proxies in front set ``X-Forwarded-*``, whose
    #: headers are then believed (Werkzeug's ProxyFix); 0 believes none of them.
    proxies: int = 0
    #: ``NABA_EXPORT_MAX``: the most articles one export (``/search.csv``,
    #: ``/search.jsonl``, ``query --format csv``) holds.
    export_max: int = DEFAULT_EXPORT_MAX
    #: ``NABA_VARIANTS``: the editor's file of spelling variants to add or veto (a
    #: folder index's own ``variants.txt`` when unset; a database index has none).
    variants_file: str | None = None

    @property
    def index_options(self) -> IndexOptions:
        """What opening the index needs beside its location."""
        return IndexOptions(
            cache_mb=self.cache_mb,
            replicas=self.index_replicas,
            max_replica_lag=self.max_replica_lag,
            query_timeout_ms=self.query_timeout_ms,
            variants_file=self.variants_file,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable (``os.environ`` unless ``environ`` is given).

        Raises :class:`SettingsError` for the first value that is not usable.
        """
        env = os.environ if environ is None else environ
        corpus = tuple(p for p in (_text(env, "NABA_CORPUS") or "").split(os.pathsep) if p)
        rate_limit = _text(env, "NABA_RATE_LIMIT") or DEFAULT_RATE_LIMIT
        suggest = _text(env, "NABA_SUGGEST_RATE_LIMIT") or DEFAULT_SUGGEST_RATE_LIMIT
        limited = rate_limit.lower() not in OFF
        if limited:  # with limiting off neither limit is ever parsed, so neither is checked
            check_rate_limit("NABA_RATE_LIMIT", rate_limit)
            check_rate_limit("NABA_SUGGEST_RATE_LIMIT", suggest)
        return cls(
            index=_text(env, "NABA_INDEX") or DEFAULT_INDEX,
            corpus=corpus or DEFAULT_CORPUS,
            cache_mb=_number(
                env,
                "NABA_CACHE_MB",
                DEFAULT_CACHE_MB,
                int,
                lambda mb: mb >= 0,
                "a whole number of megabytes ≥ 0",
            ),
            index_replicas=_replicas(_text(env, "NABA_INDEX_REPLICAS")),
            max_replica_lag=_number(
                env,
                "NABA_MAX_REPLICA_LAG",
                DEFAULT_MAX_REPLICA_LAG,
                float,
                lambda seconds: math.isfinite(seconds) and seconds >= 0,
                "a number of seconds ≥ 0",
            ),
            query_timeout_ms=_number(
                env,
                "NABA_QUERY_TIMEOUT_MS",
                DEFAULT_QUERY_TIMEOUT_MS,
                int,
                lambda ms: 1 <= ms <= 3_600_000,
                "a whole number of milliseconds from 1 to 3600000",
            ),
            progress_seconds=_number(
                env,
                "NABA_PROGRESS_SECONDS",
                DEFAULT_PROGRESS_SECONDS,
                float,
                lambda seconds: math.isfinite(seconds) and seconds >= 0,
                "a number of seconds ≥ 0",
            ),
            port=_number(
                env,
                "PORT",
                DEFAULT_PORT,
                int,
                lambda port: 1 <= port <= 65535,
                "a port number from 1 to 65535",
            ),
            workers=_number(
                env,
                "NABA_WORKERS",
                DEFAULT_WORKERS,
                int,
                lambda workers: workers >= 1,
                "a whole number of worker processes ≥ 1",
            ),
            # Not _text: an empty allow-list is a choice (no one), unlike an unset one.
            cors_origins=tuple(split_list(env.get("NABA_CORS_ORIGINS"))),
            embed_origins=tuple(split_list(env.get("NABA_EMBED_ORIGINS"))),
            rate_limit=rate_limit if limited else None,
            suggest_rate_limit=suggest,
            public_url=_public_url(_text(env, "NABA_PUBLIC_URL")),
            proxies=_number(
                env,
                "NABA_PROXIES",
                0,
                int,
                lambda count: 0 <= count <= 10,
                "a whole number of proxies from 0 to 10",
            ),
            export_max=_number(
                env,
                "NABA_EXPORT_MAX",
                DEFAULT_EXPORT_MAX,
                int,
                lambda count: 1 <= count <= 1_000_000,
                "a whole number of articles from 1 to 1000000",
            ),
            variants_file=_text(env, "NABA_VARIANTS"),
        )
