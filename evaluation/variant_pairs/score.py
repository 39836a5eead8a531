"""The learned spelling variants' precision on the pairs checked by hand.

``pairs.tsv`` is ``sample.tsv`` (:mod:`.sample`) with a ``label`` column: 1 when the
two forms are one word spelled two ways, 0 when they are different words (one root's
singular and plural, a noun and its verb, two people). The precision is taken at the
thresholds the product ships (:data:`search.analysis.variants.MIN_SIMILARITY` and
``MAX_TOGETHER``), from each pair's recorded similarity and co-occurrence, so a change
of threshold is measured on the same pairs; ``near`` pairs (just outside the
thresholds when drawn) show what the thresholds turn away.
"""

from __future__ import annotations

import csv
from pathlib import Path

from search.analysis.variants import MAX_TOGETHER, MIN_SIMILARITY

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "pairs.tsv"


def kept(row: dict[str, str]) -> bool:
    together = row["together"]
    return (
        float(row["similarity"]) >= MIN_SIMILARITY
        and together != ""
        and float(together) <= MAX_TOGETHER
    )


def rows(path: Path = PAIRS) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def markdown(path: Path = PAIRS) -> list[str]:
    judged = rows(path)
    if not judged:
        return []
    lines = [
        "## Spelling variants learned from the corpus",
        "",
        f"{len(judged)} candidate pairs of ANT and SaudiNewsNet, drawn by",
        "`evaluation/variant_pairs/sample.py` (most among those the thresholds keep, some just",
        "outside them) and checked by hand (`evaluation/variant_pairs/pairs.tsv`, rules in its",
        f"README). Thresholds shipped: similarity ≥ {MIN_SIMILARITY}, together ≤ {MAX_TOGETHER}.",
        "",
        "| corpus | kept (sample) | one word | precision | turned away | one word |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for corpus in (*sorted({r["corpus"] for r in judged}), "all"):
        mine = [r for r in judged if corpus in ("all", r["corpus"])]
        yes = [r for r in mine if kept(r)]
        no = [r for r in mine if not kept(r)]
        right = sum(r["label"] == "1" for r in yes)
        missed = sum(r["label"] == "1" for r in no)
        precision = f"{right / len(yes):.3f}" if yes else "–"
        lines.append(f"| {corpus} | {len(yes)} | {right} | {precision} | {len(no)} | {missed} |")
    lines.append("")
    return lines
