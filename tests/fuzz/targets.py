"""The fuzz targets: functions of ``bytes`` that raise only when Naba has a bug.

They import no atheris, so ``tests/test_fuzz.py`` can run every seed through them in the
test process; ``python -m tests.fuzz`` imports this module under atheris'
instrumentation to run them coverage-guided.

What counts as a bug is what the code promises, not just "no exception":

* :func:`query_parser`: :func:`search.query.parse_query` "never raises" and reports what it
  ignored in ``warnings``; URL parameters may fail only with
  :class:`search.params.InvalidRequest` (the web app turns that into a 400, anything else
  into a 500).
* :func:`corpus_reader`: the readers "never raise" for bad input, they report it. Their
  last line of defence, ``files._guarded``, turns an *unexpected* exception into a
  ``"read error"`` problem so that one bad file costs one file in production; a fuzzer
  must not be fooled by that net, so such a problem is raised again here, with the
  original exception (caught from the ``search.corpus`` log) as its cause.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from search.corpus import Problem, ReadReport, read_corpus
from search.corpus.base import MAX_ARTICLE_CHARS, MAX_TITLE_CHARS
from search.document import Document
from search.engine import Mode
from search.params import BY_NAME, InvalidRequest
from search.query import MAX_GROUPS, ParsedQuery, parse_query
from search.request import SearchRequest
from web.messages import arabic

__all__ = [
    "CORPUS_SUFFIXES",
    "SUFFIX_BY_SELECTOR",
    "TARGETS",
    "ReaderBug",
    "corpus_reader",
    "query_parser",
    "suffix_for",
]


class ReaderBug(AssertionError):
    """A corpus reader broke a promise (crashed behind the safety net, or made a bad
    document). An ``AssertionError`` so that it reads as a failed check, not as bad input."""


# --- the query parser and the request parameters ------------------------------------------

# Parameters in the input, URL-style (``q=…&year=2023``) or one per line; a seed can so
# drive every parameter with readable text.
_PARAM_SEPARATORS = re.compile(r"[&\n]")
_MODES: tuple[Mode, ...] = ("stemmed", "exact")


def _decode(data: bytes) -> str:
    """The bytes as text, invalid UTF-8 kept as lone surrogates.

    ``surrogateescape`` rather than ``replace``: lone surrogates (category ``Cs``) are
    what a broken client or a JSON body with ``\\udc80`` can hand the parser, and the
    parser has a rule for them, which the fuzzer should reach.
    """
    return data.decode("utf-8", "surrogateescape")


def _check_parsed(parsed: ParsedQuery, mode: str) -> None:
    """What :mod:`search.query` documents about its result, beyond not raising."""
    if len(parsed.query.groups) > MAX_GROUPS:
        raise AssertionError(f"{len(parsed.query.groups)} groups, more than {MAX_GROUPS}")
    for notice in parsed.warnings:
        # Each one a known code whose English and Arabic sentences can be written.
        str(notice)
        arabic(notice)
    if mode == "exact" and parsed.terms:
        raise AssertionError(f"stemmed terms in exact mode: {sorted(parsed.terms)!r}")
    # What the searcher and "did you mean" read next; these must not raise either.
    parsed.filters  # noqa: B018
    parsed.words  # noqa: B018


def _params_from(text: str) -> dict[str, list[str]]:
    """``name=value`` pairs of the text (``&``- or newline-separated), repeats kept."""
    params: dict[str, list[str]] = {}
    for part in _PARAM_SEPARATORS.split(text):
        name, sep, value = part.partition("=")
        if sep:
            params.setdefault(name.strip(), []).append(value)
    return params


def _request(params: Mapping[str, Any]) -> None:
    """Read URL parameters as the web app and the API do; only ``InvalidRequest`` may fail.

    A request that is valid is then combined with its own query, as a search does
    (typed filters merged with the request's, engine filters, the response's filters).
    """
    try:
        request = SearchRequest.from_params(params)
    except InvalidRequest:
        return
    parsed = parse_query(request.q, mode=request.mode)
    _check_parsed(parsed, request.mode)
    request.all_filters(parsed)
    request.engine_filters(parsed)
    request.filters_dict()


def query_parser(data: bytes) -> None:
    """Parse the input as a query (both modes) and as search parameters.

    The whole text is the query; its ``name=value`` parts are a request; and the whole
    text is also sent as the value of each parameter on its own, so every value parser
    (dates, numbers, sources…) sees arbitrary text.
    """
    text = _decode(data)
    for mode in _MODES:
        _check_parsed(parse_query(text, mode=mode), mode)
    params = _params_from(text)
    if params:
        _request(params)
    for name in BY_NAME:
        _request({name: text})
    _request({"q": text, "year": [text, text], "from": text, "to": text})


# --- the corpus readers ---------------------------------------------------------------------

#: File types the fuzzer writes its input as, chosen by the input's first byte. Every
#: reader is here, plus gzip around a text format and a name with no extension (read as
#: TREC when it starts with ``<DOC>``, the path TREC collections without extensions take).
SUFFIX_BY_SELECTOR: dict[str, str] = {
    "t": ".txt",
    "r": ".trec",
    "s": ".sgml",
    "j": ".json",
    "l": ".jsonl",
    "c": ".csv",
    "v": ".tsv",
    "z": ".zip",
    "a": ".tar",
    "g": ".tar.gz",
    "b": ".tar.bz2",
    "x": ".tar.xz",
    "q": ".jsonl.gz",
    "u": "",
}
#: The same types in a fixed order: any other first byte picks one of these by its value.
CORPUS_SUFFIXES: tuple[str, ...] = tuple(SUFFIX_BY_SELECTOR.values())
#: Relative dates in the text (``أمس``) are anchored here, so a run is reproducible.
_NOW = dt.date(2024, 1, 15)


def suffix_for(selector: int) -> str:
    """The file type for an input's first byte: a letter of :data:`SUFFIX_BY_SELECTOR`
    (so seed files read as what they are), else one picked by the byte's value."""
    suffix = SUFFIX_BY_SELECTOR.get(chr(selector))
    return suffix if suffix is not None else CORPUS_SUFFIXES[selector % len(CORPUS_SUFFIXES)]


@functools.cache
def _workdir() -> Path:
    """The folder the input is written to, one per process (a folder per input would cost
    more than reading most inputs).

    ``NABA_FUZZ_WORKDIR`` when set (``tests/test_fuzz.py`` points it into pytest's
    ``tmp_path``), because libFuzzer ends the process with C ``exit()``, so Python's
    ``atexit`` never runs under ``python -m tests.fuzz``; otherwise a temporary folder,
    removed at exit when the process ends normally (in-process tests).
    """
    given = os.environ.get("NABA_FUZZ_WORKDIR")
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        return path
    path = Path(tempfile.mkdtemp(prefix="naba-fuzz-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


class _Errors(logging.Handler):
    """Keeps the exceptions ``files._guarded`` logs (at DEBUG) when it catches a reader bug."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.caught: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.caught.append(record.exc_info[1])


@contextmanager
def _reader_log() -> Iterator[_Errors]:
    """Listen to the ``search.corpus`` log for one input, and keep it off stderr.

    Every skipped file is logged as a warning; with no handler configured Python would
    print each one, which would drown the fuzzer's output and slow it down. The logger's
    settings are restored afterwards, so tests run in the same process see it unchanged.
    """
    logger = logging.getLogger("search.corpus")
    handler = _Errors()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _check_document(doc: Document) -> None:
    """What the readers promise about every document they yield."""
    if not isinstance(doc, Document):
        raise ReaderBug(f"a reader yielded {type(doc).__name__}, not a Document")
    if not isinstance(doc.id, str) or not doc.id:
        raise ReaderBug(f"document without an id, from {doc.origin!r}")
    if not doc.body.strip():
        raise ReaderBug(f"document {doc.id!r} with an empty body, from {doc.origin!r}")
    if len(doc.body) > MAX_ARTICLE_CHARS:
        raise ReaderBug(f"document {doc.id!r}: body of {len(doc.body):,} characters")
    if len(doc.title) > MAX_TITLE_CHARS + 2:  # + " …" where a long title was cut
        raise ReaderBug(f"document {doc.id!r}: title of {len(doc.title):,} characters")
    # What the indexer and `search metadata` compute from every document.
    doc.content_hash  # noqa: B018
    doc.metadata()


def _explain(problem: Problem, caught: list[BaseException]) -> str:
    """The report's line for a reader bug, with the traceback the safety net swallowed.

    In the message itself rather than as ``__cause__``: atheris prints only the outermost
    exception, and the traceback is what a person fixing the reader needs.
    """
    lines = [f"a reader raised behind the safety net: {problem}"]
    if caught:
        lines += ["", "the exception it raised:", *traceback.format_exception(caught[0])]
    return "\n".join(line.rstrip("\n") for line in lines)


def corpus_reader(data: bytes) -> None:
    """Write the input as a corpus file (its type chosen by the first byte) and read it all.

    Reported-and-skipped is the expected outcome for most inputs; an exception, a
    ``"read error"`` (an exception the reader itself did not handle) or a document that
    breaks the model's promises is a bug.
    """
    if not data:
        return
    path = _workdir() / f"article{suffix_for(data[0])}"
    path.write_bytes(data[1:])
    report = ReadReport()
    with _reader_log() as errors:
        for doc in read_corpus([path], report=report, now=_NOW):
            _check_document(doc)
    for problem in report.problems:
        if problem.reason == "read error":
            raise ReaderBug(_explain(problem, errors.caught))


#: Target name (as given to ``python -m tests.fuzz``) → function and seed folder.
TARGETS: dict[str, tuple[Callable[[bytes], None], str]] = {
    "query_parser": (query_parser, "query"),
    "corpus_reader": (corpus_reader, "corpus"),
}
