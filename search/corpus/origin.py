"""Origin strings: where a document came from, as the readers of this package write them.

A reader names each document's source: a file (``corpus/a.txt``), a record of a
multi-record file (``data.jsonl:12``), a member of an archive
(``ant.tar.gz!ant/1.txt``, ``x.zip!y.jsonl:3``). Reindexing reads them back to
decide which indexed documents a read problem protects; the grammar is this
package's, so its parsing is too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

_RECORD = re.compile(r":\d+$")


def normal_origin(origin: str) -> str:
    """An origin with its file path made absolute, so ``corpus/a.txt`` given one run and
    ``/repo/corpus/a.txt`` the next still name the same file."""
    path, bang, member = origin.partition("!")
    suffix = ""
    if not bang:
        match = re.fullmatch(r"(.*?)(:\d+)", path)
        if match:
            path, suffix = match.groups()
    return os.path.abspath(path) + bang + member + suffix


def relative_origin(origin: str, roots: Iterable[str]) -> str:
    """``origin`` with the corpus folder it was read from taken off (``articles/a.txt``,
    ``feeds/wire.jsonl:4``, ``ant.tar.gz!ant/1.txt``), for readers and API clients: where
    in the corpus an article is, not where the server keeps the corpus. Under none of
    ``roots`` (an index built from other paths), only the file's name is kept."""
    full = normal_origin(origin)
    path = origin_file(full.split("!", 1)[0])
    rest = full[len(path) :]
    for root in sorted((os.path.abspath(r) for r in roots), key=len, reverse=True):
        if path.startswith(root + os.sep):
            return path[len(root) + 1 :] + rest
    return os.path.basename(path) + rest


def origin_file(origin: str) -> str:
    """The file part of an origin (no ``!member``, no ``:line``)."""
    return _RECORD.sub("", origin.split("!", 1)[0])


def is_within(origin: str, units: set[str]) -> bool:
    """True if ``origin`` is, or is inside, one of ``units`` (files, folders, archives,
    archive members, records)."""
    if origin in units:
        return True
    # Walk up: a/b.tar.gz!x/y.jsonl:3 -> a/b.tar.gz!x/y.jsonl -> a/b.tar.gz -> a -> ...
    unit = _RECORD.sub("", origin)
    while unit:
        if unit in units:
            return True
        cut = max(unit.rfind("!"), unit.rfind("/"))
        if cut <= 0:
            return False
        unit = unit[:cut]
    return False
