"""Pool the news topics for judging: the top 20 of several systems, merged.

Usage (from the repository root)::

    python -m evaluation.news.pool --texts /tmp/news_pool

``evaluation/news/pool.tsv`` gets one row per pooled (topic, document) with the
systems that retrieved it in their top ``--depth`` (added to the rows already
there); ``--texts`` (keep it outside
the repository: it holds article text) gets one JSON Lines file per topic with each
pooled article's title, date, source and text, for the judges. Documents already in
``qrels.tsv`` are marked, so a later pool (a new system) only asks for new judgments.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from search.corpus import read_corpus
from search.searching import find

from ..collections import EVAL_DATA
from ..systems import SYSTEMS
from . import HERE, articles, judgments, topics

DEFAULT_SYSTEMS = (
    "whoosh-standard",
    "normalise",
    "snowball",
    "light10",
    "isri",
    "light10-any",
    "naba",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.news.pool", description=__doc__)
    parser.add_argument("--systems", default=",".join(DEFAULT_SYSTEMS))
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--texts", type=Path, help="folder for the judges' JSON Lines files")
    parser.add_argument("--out", type=Path, default=HERE / "pool.tsv")
    args = parser.parse_args(argv)
    corpus = EVAL_DATA.parent / "data" / "saudinewsnet"
    read = articles(corpus)
    bodies, titles = read.bodies, read.titles
    pooled: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name in args.systems.split(","):
        system = next(s for s in SYSTEMS if s.name == name)
        reader = system.build(bodies, titles, read.sources)
        for topic in topics():
            parsed = system.query(topic.query, reader)
            result, _ = find(
                reader, parsed, parsed.filters, sort="relevance", offset=0, limit=args.depth
            )
            for hit in result.hits:
                pooled[topic.id][hit.document.id].append(name)
        reader.close()
        print(f"{name}: pooled", flush=True)
    judged = judgments()
    # A later pool (a new system) adds to the earlier one: the rows it had stay.
    if args.out.exists():
        for row in csv.DictReader(args.out.open(encoding="utf-8"), delimiter="\t"):
            names = pooled[row["topic"]][row["document"]]
            names[:0] = [n for n in row["systems"].split(",") if n not in names]
    with args.out.open("w", encoding="utf-8") as out:
        out.write("topic\tdocument\tjudged\tsystems\n")
        for topic in topics():
            for doc, names in pooled[topic.id].items():
                seen = "yes" if doc in judged.get(topic.id, {}) else "no"
                out.write(f"{topic.id}\t{doc}\t{seen}\t{','.join(names)}\n")
    sizes = {t: len(d) for t, d in pooled.items()}
    low, high = min(sizes.values()), max(sizes.values())
    print(f"pool: {sum(sizes.values())} documents, {low}–{high} a topic")
    if args.texts:
        args.texts.mkdir(parents=True, exist_ok=True)
        wanted = {doc for docs in pooled.values() for doc in docs}
        meta = {d.id: d for d in read_corpus([corpus]) if d.id in wanted}
        for topic in topics():
            with (args.texts / f"{topic.id}.jsonl").open("w", encoding="utf-8") as out:
                for doc in sorted(pooled[topic.id]):
                    if doc in judged.get(topic.id, {}):
                        continue
                    d = meta[doc]
                    record = {
                        "topic": topic.id,
                        "id": doc,
                        "title": d.title,
                        "date": d.date.isoformat() if d.date else None,
                        "source": ", ".join(d.sources),
                        "text": d.body[:2500],
                    }
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
