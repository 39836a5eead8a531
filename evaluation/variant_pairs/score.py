"""The learned spelling variants' precision on the pairs checked by hand.

``pairs.tsv`` is ``sample.tsv`` (:mod:`.sample`) with a ``label`` column: 1 when the
two forms are one word spelled two ways, 0 when they are different words (one root's
singular and plural, a noun and its verb, two people). The precision is taken with the
rule the product ships (:func:`search.analysis.variants.kept`), from each pair's
recorded similarity, co-occurrence and outlet overlap, so a change of threshold is
measured on the same pairs. The ``kept`` stratum is a sample (each pair stands for
``stratum_size / drawn`` pairs of its corpus), the ``house`` stratum every such pair,
so the precision weighs each pair by its stratum; ``near`` pairs (just outside the
neighbours' thresholds when drawn) show what the rule turns away.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from search.analysis.variants import (
    LOW_SIMILARITY,
    MAX_OVERLAP,
    MAX_TOGETHER,
    MIN_SIMILARITY,
    by_neighbours,
    kept,
)

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "pairs.tsv"


def _number(value: str) -> float | None:
    return float(value) if value not in ("", "None") else None


def shipped(row: dict[str, str]) -> bool:
    """Whether the shipped rule keeps the pair."""
    return kept(float(row["similarity"]), _number(row["together"]), _number(row["overlap"]))


def rows(path: Path = PAIRS) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _by_neighbours(row: dict[str, str]) -> bool:
    """Whether the neighbours alone keep the pair (the house stratum holds the others)."""
    return by_neighbours(float(row["similarity"]), _number(row["together"]))


def precision(judged: list[dict[str, str]]) -> tuple[int, int, float | None]:
    """Kept pairs (those the neighbours keep from the ``kept`` sample, the others from
    the ``house`` stratum, so that no pair stands in both), the right ones among them,
    and the precision with each pair weighed by its stratum."""
    drawn = Counter((r["corpus"], r["stratum"]) for r in judged)
    keeps = {"kept": _by_neighbours, "house": shipped}
    yes = [r for r in judged if r["stratum"] in keeps and keeps[r["stratum"]](r)]
    weight = {id(r): int(r["stratum_size"]) / drawn[r["corpus"], r["stratum"]] for r in yes}
    total = sum(weight.values())
    right = sum(weight[id(r)] for r in yes if r["label"] == "1")
    return len(yes), sum(r["label"] == "1" for r in yes), (right / total if total else None)


def markdown(path: Path = PAIRS) -> list[str]:
    judged = rows(path)
    if not judged:
        return []
    lines = [
        "## Spelling variants learned from the corpus",
        "",
        f"{len(judged)} candidate pairs of ANT and SaudiNewsNet, drawn by",
        "`evaluation/variant_pairs/sample.py` (a sample of those the neighbours keep, some just",
        "outside them, and every pair of fairly alike neighbours from different outlets) and",
        "checked by hand (`evaluation/variant_pairs/pairs.tsv`, rules in its README). Kept:",
        f"similarity ≥ {MIN_SIMILARITY}, or ≥ {LOW_SIMILARITY} with outlets overlapping by at",
        f"most {MAX_OVERLAP}; together ≤ {MAX_TOGETHER} either way. Precision weighs each pair",
        "by its stratum (the sampled ones stand for more).",
        "",
        "| corpus | kept (checked) | one word | precision | turned away | one word |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for corpus in (*sorted({r["corpus"] for r in judged}), "all"):
        mine = [r for r in judged if corpus in ("all", r["corpus"])]
        count, right, value = precision(mine)
        no = [r for r in mine if not shipped(r)]
        missed = sum(r["label"] == "1" for r in no)
        shown = f"{value:.3f}" if value is not None else "–"
        lines.append(f"| {corpus} | {count} | {right} | {shown} | {len(no)} | {missed} |")
    lines.append("")
    return lines
