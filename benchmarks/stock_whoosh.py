"""The baseline of the index benchmark: stock Whoosh, as its tutorial would have it.

``python -m benchmarks.stock_whoosh CORPUS INDEX_DIR`` reads the corpus with Naba's
reader (so reading costs the same on both sides) and indexes ``title`` and ``body`` as
plain ``TEXT`` fields (Whoosh's default ``StandardAnalyzer``, positions on, stored so
results can be shown, like Naba's) plus a unique stored ``id``, with one default writer
and one commit. It prints one JSON object (documents, seconds). It is run as its own
process so its peak memory can be measured exactly like Naba's.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from search.corpus import read_corpus


def build(corpus: Path, target: Path) -> dict[str, float]:
    """Index ``corpus`` into a new stock Whoosh index at ``target``."""
    started = time.perf_counter()
    target.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        id=ID(unique=True, stored=True), title=TEXT(stored=True), body=TEXT(stored=True)
    )
    ix = index.create_in(str(target), schema)
    writer = ix.writer()
    documents = 0
    for doc in read_corpus([corpus]):
        writer.add_document(id=doc.id, title=doc.title, body=doc.body)
        documents += 1
    writer.commit()
    ix.close()
    return {"documents": documents, "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m benchmarks.stock_whoosh CORPUS INDEX_DIR", file=sys.stderr)
        return 2
    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    print(json.dumps(build(Path(argv[0]), Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
