"""Draw the spelling-variant pairs to check by hand (``sample.tsv``), without labels.

Usage (from the repository root; each index built by ``python -m search reindex``)::

    python -m evaluation.variant_pairs.sample --index ant=/tmp/ant-index \\
        --index snn=/tmp/snn-index --texts /tmp/variant_pairs_texts.jsonl

Each index's variants are learned as a reindex learns them
(:func:`search.indexing.variants.learn`), and from each corpus are drawn, with a fixed
seed: :data:`KEPT` pairs the neighbours keep (similar neighbours, rarely together),
:data:`NEAR` pairs just outside them (turned down by one of the two tests, or just
below the similarity threshold), so that the thresholds can be checked on both sides;
and every pair of the ``house`` stratum: fairly alike neighbours from outlets that
overlap by at most :data:`HOUSE_DRAWN` (where the house-style threshold was chosen).
``--texts`` (keep it outside the repository: it holds article text) gets a few lines
around each form, for the judge.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from search.analysis.variants import LOW_SIMILARITY, MIN_SIMILARITY, by_neighbours
from search.indexing.variants import learn, near
from search.searching import open_index

HERE = Path(__file__).resolve().parent
KEPT = 110
NEAR = 45
HOUSE_DRAWN = 0.5


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
        kept, outside, house = [], [], []
        for a, b, similarity, together, overlap in table["pairs"]:
            pair = (a, b, similarity, together, overlap)
            if by_neighbours(similarity, together):
                kept.append(pair)
                continue
            if similarity >= MIN_SIMILARITY / 2:
                outside.append(pair)
            if similarity >= LOW_SIMILARITY and overlap is not None and overlap <= HOUSE_DRAWN:
                house.append(pair)
        strata = (("kept", kept, KEPT), ("near", outside, NEAR), ("house", house, len(house)))
        for stratum, pool, size in strata:
            drawn = pool if size == len(pool) else rng.sample(pool, min(size, len(pool)))
            for a, b, similarity, together, overlap in drawn:
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
                        "" if overlap is None else overlap,
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
        print(f"{name}: {len(kept)} kept, {len(outside)} near, {len(house)} house")
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
        "overlap",
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
