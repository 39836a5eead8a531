"""The ``naba-postgres`` system: Naba as shipped, on the PostgreSQL engine.

The same analysis and ranking as ``naba`` (the embedded engine) must give the same
figures (issue 14: MRR@10 within 0.005). Each collection is written into a schema of
its own in a PostgreSQL cluster: ``NABA_EVAL_POSTGRES`` (a ``postgresql://`` URL) names
one, else a throwaway cluster on 127.0.0.1 is started for the run from Debian's
``postgresql`` binaries (``tests/postgres_server.py``) and stopped when it ends.
"""

from __future__ import annotations

import atexit
import itertools
import os
import threading

from search.document import Document
from search.engine import IndexReader, create_index

_lock = threading.Lock()
_url: str | None = None
_schemas = itertools.count()


def _server() -> str:
    global _url
    with _lock:
        if _url is None:
            _url = os.environ.get("NABA_EVAL_POSTGRES")
            if not _url:
                from tests import postgres_server

                cluster = postgres_server.start()
                atexit.register(postgres_server.stop, cluster)
                _url = cluster.url
        return _url


def build(
    documents: dict[str, str], titles: dict[str, str], sources: dict[str, list[str]]
) -> IndexReader:
    """``documents`` (id → body) with their ``titles`` and ``sources`` in a new schema,
    as a reader."""
    url = _server()
    schema = f"eval_{os.getpid()}_{next(_schemas)}"
    index = create_index(f"{url}{'&' if '?' in url else '?'}schema={schema}")
    writer = index.rebuild(workers=1)
    for doc_id, text in documents.items():
        writer.add(
            Document(
                id=doc_id,
                title=titles.get(doc_id, ""),
                body=text,
                sources=list(sources.get(doc_id, ())),
            )
        )
    writer.commit()
    return index.reader()
