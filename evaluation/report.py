"""Writing the results: Markdown tables, the same figures as JSON, per-question TSV files.

The per-question files hold ids and numbers only (no question or passage
text: the collections' licences do not allow copying them here); join them
with the collection files in ``../shared/eval`` to read the questions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from benchmarks.common import cpu_model

from .harness import METRICS, CollectionResult
from .systems import SYSTEMS

ROUND = 4
SHIPPED = "naba"
#: Naba on the other engine: not a rival, a check (its MRR@10 within ENGINE_TOLERANCE).
ON_POSTGRES = "naba-postgres"
#: Naba's own variants (the other engine, a measured option): not baselines to beat.
NOT_RIVALS = (SHIPPED, ON_POSTGRES, "naba-proximity")
ENGINE_TOLERANCE = 0.005
BASELINE = "whoosh-standard"
# The goal: Naba's MRR@10 best of all systems, and this much above stock
# Whoosh, on these collections.
GOAL_COLLECTIONS = ("arcd-test", "quranqa-dev")
GOAL_GAIN = 0.30
#: Issue 15: on the news topics Naba is above every baseline on these, and its
#: Recall@100 at least NEWS_RECALL; elsewhere no figure of Naba's drops by more than
#: ALLOWED_DROP from the previous run's (``docs/quality.json``).
NEWS = "snn-news"
NEWS_METRICS = ("nDCG@10", "Recall@100")
NEWS_RECALL = 0.95
ALLOWED_DROP = 0.005
NOTES = Path(__file__).with_name("notes.md")
TOP = 3  # document ids kept per question in the TSV files


def as_json(results: list[CollectionResult]) -> dict[str, dict[str, dict[str, float]]]:
    """``{collection: {system: {metric: value}}}``, rounded as in the tables."""
    return {
        c.name: {s: {m: round(r.metrics[m], ROUND) for m in METRICS} for s, r in c.systems.items()}
        for c in results
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def machine_line() -> str:
    """One line naming the machine and the versions the figures depend on."""
    names = ("whoosh-reloaded", "ir-measures", "pytrec-eval-terrier", "snowballstemmer", "nltk")
    packages = ", ".join(f"{p} {_version(p)}" for p in names)
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {packages}"
    )


def _table(result: CollectionResult) -> list[str]:
    best = {m: max(r.metrics[m] for r in result.systems.values()) for m in METRICS}
    lines = [
        "| system | " + " | ".join(METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    labels = {s.name: s.name for s in SYSTEMS}
    for name, r in result.systems.items():
        cells = []
        for m in METRICS:
            text = f"{r.metrics[m]:.3f}"
            cells.append(f"**{text}**" if round(r.metrics[m], 3) == round(best[m], 3) else text)
        lines.append(f"| {labels.get(name, name)} | " + " | ".join(cells) + " |")
    return lines


def goals(
    results: list[CollectionResult], previous: dict[str, dict[str, dict[str, float]]] | None = None
) -> list[str]:
    """Whether Naba's MRR@10 is the best and ≥ 30 % above stock Whoosh where the issue asks;
    on the news topics, whether it is above every baseline; and against ``previous``
    (the last run's figures), whether any of its figures dropped."""
    lines = []
    for c in results:
        if c.name != NEWS or SHIPPED not in c.systems:
            continue
        naba = c.systems[SHIPPED].metrics
        for metric in NEWS_METRICS:
            rivals = {s: r.metrics[metric] for s, r in c.systems.items() if s not in NOT_RIVALS}
            best = max(rivals, key=rivals.__getitem__) if rivals else None
            above = best is None or naba[metric] > rivals[best]
            rival = f"best baseline {best} {rivals[best]:.3f}" if best else "no baseline run"
            lines.append(
                f"- **{c.name}** {metric}: Naba {naba[metric]:.3f}, {rival} "
                f"({'met' if above else 'NOT met'}: goal above every baseline)"
            )
        recall = naba["Recall@100"]
        lines.append(
            f"- **{c.name}** Recall@100: Naba {recall:.3f} "
            f"({'met' if recall >= NEWS_RECALL else 'NOT met'}: goal ≥ {NEWS_RECALL})"
        )
    for c in results:
        before = (previous or {}).get(c.name, {}).get(SHIPPED)
        if not before or SHIPPED not in c.systems or c.name == NEWS:
            continue
        now = c.systems[SHIPPED].metrics
        changes = [f"{m} {before[m]:.3f} → {now[m]:.3f}" for m in METRICS if m in before]
        drops = [m for m in METRICS if m in before and now[m] < before[m] - ALLOWED_DROP]
        lines.append(
            f"- **{c.name}**, Naba against the previous run: {', '.join(changes)} "
            f"({'NOT met: ' + ', '.join(drops) + ' dropped' if drops else 'met'}: "
            f"goal no drop above {ALLOWED_DROP})"
        )
    for c in results:
        if c.name not in GOAL_COLLECTIONS or not {SHIPPED, BASELINE} <= c.systems.keys():
            continue
        mrr = {s: r.metrics["MRR@10"] for s, r in c.systems.items()}
        rivals = {s: v for s, v in mrr.items() if s not in NOT_RIVALS}
        best_rival = max(rivals, key=rivals.__getitem__)
        gain = mrr[SHIPPED] / mrr[BASELINE] - 1 if mrr[BASELINE] else float("inf")
        is_best = mrr[SHIPPED] >= rivals[best_rival]
        lines.append(
            f"- **{c.name}**: Naba {mrr[SHIPPED]:.3f}, best other system {best_rival} "
            f"{rivals[best_rival]:.3f} → {'best' if is_best else 'NOT best'}; "
            f"stock Whoosh {mrr[BASELINE]:.3f} → {gain:+.1%} "
            f"({'met' if is_best and gain >= GOAL_GAIN else 'NOT met'}: "
            f"goal best and ≥ +{GOAL_GAIN:.0%})"
        )
    for c in results:
        if {SHIPPED, ON_POSTGRES} <= c.systems.keys():
            embedded = c.systems[SHIPPED].metrics["MRR@10"]
            postgres = c.systems[ON_POSTGRES].metrics["MRR@10"]
            gap = abs(postgres - embedded)
            lines.append(
                f"- **{c.name}**, the PostgreSQL engine: MRR@10 {postgres:.4f} against "
                f"{embedded:.4f} embedded, {gap:.4f} apart "
                f"({'met' if gap <= ENGINE_TOLERANCE else 'NOT met'}: goal ≤ {ENGINE_TOLERANCE})"
            )
    return lines


def markdown(
    results: list[CollectionResult],
    seconds: float,
    command: str,
    previous: dict[str, dict[str, dict[str, float]]] | None = None,
    extra: list[str] | None = None,
) -> str:
    """The whole ``docs/quality.md``: header, one table per collection, goals, the
    ``extra`` sections (spelling), notes."""
    today = dt.date.today().isoformat()
    out = [
        "# Retrieval quality",
        "",
        f"Generated by `{command}` on {today}, in {seconds:.0f} s, on: {machine_line()}.",
        "Do not edit by hand: the tables, `docs/quality.json` and `docs/quality-runs/` are",
        "rewritten by every run; the text after the tables is `evaluation/notes.md`.",
        "",
        "Metrics by `ir_measures` (trec_eval): MRR@10, nDCG@10, P@10, Recall@100 and MAP over the",
        "first 1,000 results. Every system answers each question through Naba's query path",
        "(`parse_query` → `search.searching.find`: any word matches, in tiers of words matched;",
        "`light10-any` by score alone); systems differ only in their analysis. Best figure",
        "per column in bold. P@10 and Recall@100 count grades 1 and 2 as relevant.",
        "",
        "| system | analysis |",
        "|---|---|",
        *(f"| {s.name} | {s.label} |" for s in SYSTEMS),
        "",
    ]
    for c in results:
        role = "tuning split" if c.role == "tune" else "test split, reported as it came out"
        out += [
            f"## {c.name} ({role})",
            "",
            f"{c.note} {c.queries} questions evaluated.",
            "",
            *_table(c),
            "",
        ]
    goal_lines = goals(results, previous)
    if goal_lines:
        out += ["## Goals", "", *goal_lines, ""]
    out += extra or []
    if NOTES.is_file():
        out += [NOTES.read_text("utf-8").rstrip(), ""]
    return "\n".join(out)


def write_runs(results: list[CollectionResult], folder: Path) -> list[Path]:
    """One TSV per collection × system: each question's outcome, ids and numbers only."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for c in results:
        for name, r in c.systems.items():
            path = folder / f"{c.name}.{name}.tsv"
            header = ["qid", "words", "required", "hits", "first_relevant", *METRICS, "top"]
            rows = ["\t".join(header)]
            for o in r.outcomes:
                cells = [
                    o.qid,
                    str(o.groups),
                    str(o.required),
                    str(o.hits),
                    str(o.first_relevant(c.qrels.get(o.qid, {}))),
                    *(f"{o.metrics.get(m, 0.0):.4f}" for m in METRICS),
                    " ".join(o.ranking[:TOP]),
                ]
                rows.append("\t".join(cells))
            path.write_text("\n".join(rows) + "\n", "utf-8")
            written.append(path)
    return written


def previous_figures(docs: Path) -> dict[str, dict[str, dict[str, float]]] | None:
    """The figures the last run wrote (``quality.json``), to compare with."""
    try:
        return json.loads((docs / "quality.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def write_all(
    results: list[CollectionResult],
    docs: Path,
    runs: Path,
    seconds: float,
    command: str,
    extra: list[str] | None = None,
) -> list[Path]:
    """``quality.md``, ``quality.json`` and the per-question files."""
    docs.mkdir(parents=True, exist_ok=True)
    md = docs / "quality.md"
    previous = previous_figures(docs)
    md.write_text(markdown(results, seconds, command, previous, extra), "utf-8")
    js = docs / "quality.json"
    js.write_text(json.dumps(as_json(results), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return [md, js, *write_runs(results, runs)]
