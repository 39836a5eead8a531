"""Draw the spelling-variant pairs to check by hand (``sample.tsv``), without labels.

Usage (from the repository root; each index built by ``python -m search reindex``)::

    python -m evaluation.variant_pairs.sample --index ant=/tmp/ant-index \\
        --index snn=/tmp/snn-index --texts /tmp/variant_pairs_texts.jsonl

Each index's variants are learned as a reindex learns them
(:func:`search.indexing.variants.learn`), and from each corpus are drawn, with a fixed
seed: :data:`KEPT` pairs the shipped thresholds keep (the learned table whose precision
is reported) and :data:`NEAR` pairs just outside them (turned down by one of the two
tests, or just below the similarity threshold), so that the thresholds can be
checked on both sides. ``--texts`` (keep it outside the repository: it holds article
text) gets a few lines around each form, for the judge.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from search.analysis.variants import MAX_TOGETHER, MIN_SIMILARITY
from search.indexing.variants import learn
from search.searching import open_index

HERE = Path(__file__).resolve().parent
KEPT = 110
NEAR = 45


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.variant_pairs.sample")
    parser.add_argument("--index", action="append", required=True, help="NAME=LOCATION")
    parser.add_argument("--out", type=Path, default=HERE / "sample.tsv")
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    rows = []
    texts = []
    for spec in args.index:
        name, _, location = spec.partition("=")
        reader = open_index(location).reader()
        table = learn(reader)
        written = table["written"]
        frequencies = table["frequencies"]
        kept, near = [], []
        for a, b, similarity, together in table["pairs"]:
            passes = together is not None and together <= MAX_TOGETHER
            if similarity >= MIN_SIMILARITY and passes:
                kept.append((a, b, similarity, together))
            elif similarity >= MIN_SIMILARITY / 2:
                near.append((a, b, similarity, together))
        for stratum, pool, size in (("kept", kept, KEPT), ("near", near, NEAR)):
            for a, b, similarity, together in rng.sample(pool, min(size, len(pool))):
                rows.append(
                    [
                        name,
                        stratum,
                        a,
                        b,
                        written[a],
                        written[b],
                        frequencies[a],
                        frequencies[b],
                        similarity,
                        "" if together is None else together,
                        len(pool),
                    ]
                )
                if args.texts:
                    texts.append(
                        {
                            "corpus": name,
                            "a": written[a],
                            "b": written[b],
                            "around_a": [t[:160] for t in list(near(reader, a))[:3]],
                            "around_b": [t[:160] for t in list(near(reader, b))[:3]],
                        }
                    )
        print(f"{name}: {len(kept)} kept, {len(near)} near")
    header = [
        "corpus",
        "stratum",
        "a",
        "b",
        "written_a",
        "written_b",
        "df_a",
        "df_b",
        "similarity",
        "together",
        "stratum_size",
    ]
    with args.out.open("w", encoding="utf-8") as out:
        out.write("\t".join(header) + "\n")
        for row in rows:
            out.write("\t".join(str(v) for v in row) + "\n")
    if args.texts:
        with args.texts.open("w", encoding="utf-8") as out:
            for i, record in enumerate(texts, 1):
                out.write(json.dumps({"n": i, **record}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} pairs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
