"""Draw the candidate pairs of the story-grouping test set (``pairs.tsv``), without labels.

Usage (from the repository root, with the venv active)::

    python evaluation/story_pairs/sample.py \\
        --ant /tmp/story_ant/ant_multisource \\
        --snn /work/shared/data/saudinewsnet \\
        --out evaluation/story_pairs/sample.tsv \\
        --stats evaluation/story_pairs/population.json \\
        --texts /tmp/story_pairs_texts.jsonl

Either corpus may be left out. ``--out`` gets one row per drawn pair (no judgment);
``--stats`` the population of every stratum;
``--texts`` (optional, keep it outside the repository: it holds article text) gets the
drawn documents as JSON Lines for ``show.py``, the side-by-side viewer used for judging.
The run is deterministic: same corpora, same ``--seed`` and sizes, same rows.

Documents are read with Naba's own reader (:func:`search.corpus.read_corpus`), so every
id is the one ``python -m search reindex`` gives the document: ANT's ``DOCNO``,
SaudiNewsNet's ``url``. Neither depends on the path the corpus is read from.

Method (README.md explains why):

1. The population is every pair of documents of one corpus whose dates are at most
   ``--window`` (3) days apart.
2. Two independent signals, each computed for every pair that can have a non-zero value:

   * ``jaccard``: Jaccard similarity of the sets of word 5-shingles of the body, words
     being Naba's exact (normalised, unstemmed) forms (``search.analysis``). Computed
     exactly for every pair sharing at least one shingle that occurs in at most
     ``--max-shingle-df`` documents (boilerplate shingles, which occur everywhere, are
     only ignored for finding pairs, not for computing the value); every other pair
     counts as 0.
   * ``cosine``: cosine of TF-IDF vectors (1 + log tf, smoothed idf) of the stemmed,
     non-stop-word terms of the title and the first ``--lead-words`` (60) words of the
     body. Computed exactly for *every* pair of the population, block by block.

   ``containment`` (shared shingles / shingles of the smaller document) is reported too,
   because a truncated copy has a low Jaccard but a high containment.
3. Pairs are put in disjoint strata: a signal bin (the first of :data:`BINS` that
   matches) crossed with ``cross``/``same`` (two outlets or one). A fixed number of pairs
   is drawn uniformly at random from each stratum, plus a ``random`` stratum drawn
   uniformly from the whole population. Each row carries its stratum's population size,
   so precision and recall can be re-weighted to the population.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from search.analysis.analyzers import find_words, word_forms
from search.corpus import ReadReport, read_corpus

SHINGLE = 5


@dataclass(frozen=True, slots=True)
class Bin:
    name: str
    description: str
    #: (jaccard, containment, cosine) -> bool; bins are tried in order
    test: Callable[[float, float, float], bool]


#: The signal bins, tried in order: a pair belongs to the first whose test it passes.
BINS: tuple[Bin, ...] = (
    Bin("identical", "jaccard >= 0.999", lambda j, k, c: j >= 0.999),
    Bin("copy", "0.7 <= jaccard < 0.999", lambda j, k, c: j >= 0.7),
    Bin("edited", "0.3 <= jaccard < 0.7", lambda j, k, c: j >= 0.3),
    Bin("contained", "jaccard < 0.3, containment >= 0.5", lambda j, k, c: k >= 0.5),
    Bin("heavy", "0.1 <= jaccard < 0.3, containment < 0.5", lambda j, k, c: j >= 0.1),
    Bin("trace", "0.02 <= jaccard < 0.1, containment < 0.5", lambda j, k, c: j >= 0.02),
    Bin("same_event", "jaccard < 0.02, cosine >= 0.5", lambda j, k, c: c >= 0.5),
    Bin("related", "jaccard < 0.02, 0.3 <= cosine < 0.5", lambda j, k, c: c >= 0.3),
    Bin("rest", "jaccard < 0.02, cosine < 0.3 (drawn only through `random`)", lambda j, k, c: True),
)
#: Pairs drawn per bin and corpus, half from pairs of two outlets and half from pairs of
#: one outlet (the other half takes up what one half lacks); ``random`` is drawn
#: uniformly from the whole population, whatever its bin and outlets.
DEFAULT_SIZES = {
    "ant": {
        "identical": 10,
        "copy": 30,
        "edited": 50,
        "contained": 30,
        "heavy": 50,
        "trace": 44,
        "same_event": 50,
        "related": 30,
        "random": 30,
    },
    "snn": {
        "identical": 8,
        "copy": 20,
        "edited": 26,
        "contained": 20,
        "heavy": 26,
        "trace": 20,
        "same_event": 26,
        "related": 16,
        "random": 18,
    },
}
#: The lowest cosine kept for pairs with no shared shingle (lower ones are only counted).
KEEP_COSINE = 0.3


@dataclass(slots=True)
class Doc:
    id: str
    title: str
    body: str
    date: dt.date
    sources: tuple[str, ...]
    shingles: frozenset[int]


def stable_hash(text: str) -> int:
    """A 63-bit hash that is the same in every run (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def exact_words(text: str) -> list[str]:
    """The words of a text in Naba's exact form (normalised, unstemmed), in order."""
    out = []
    for w in find_words(text):
        forms = word_forms(w)
        if forms.exact:
            out.append(forms.exact)
    return out


def shingles(words: list[str]) -> frozenset[int]:
    if len(words) < SHINGLE:
        return frozenset([stable_hash(" ".join(words))]) if words else frozenset()
    return frozenset(
        stable_hash(" ".join(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)
    )


def lead_terms(title: str, body: str, lead_words: int) -> list[str]:
    """Stemmed, non-stop-word terms of the title and the first words of the body."""
    words = find_words(title) + find_words(body)[:lead_words]
    out = []
    for w in words:
        forms = word_forms(w)
        if forms.term and not forms.stopped:
            out.append(forms.term)
    return out


def load(paths: list[str], lead_words: int) -> tuple[list[Doc], list[list[str]], ReadReport]:
    report = ReadReport()
    docs: list[Doc] = []
    leads: list[list[str]] = []
    for d in read_corpus(paths, report=report):
        if d.date is None:
            continue
        docs.append(
            Doc(d.id, d.title, d.body, d.date, tuple(d.sources), shingles(exact_words(d.body)))
        )
        leads.append(lead_terms(d.title, d.body, lead_words))
    order = sorted(range(len(docs)), key=lambda i: (docs[i].date, docs[i].id))
    return [docs[i] for i in order], [leads[i] for i in order], report


def shingle_pairs(docs: list[Doc], window: int, max_df: int) -> dict[tuple[int, int], float]:
    """Jaccard of every in-window pair sharing a shingle of document frequency <= max_df."""
    postings: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        for s in d.shingles:
            postings[s].append(i)
    ordinals = [d.date.toordinal() for d in docs]
    candidates: set[tuple[int, int]] = set()
    for plist in postings.values():
        if 2 <= len(plist) <= max_df:
            for x, i in enumerate(plist):  # plist is in document (date) order
                for j in plist[x + 1 :]:
                    if ordinals[j] - ordinals[i] > window:
                        break
                    candidates.add((i, j))
    out = {}
    for i, j in candidates:
        a, b = docs[i].shingles, docs[j].shingles
        inter = len(a & b)
        out[(i, j)] = inter / (len(a) + len(b) - inter)
    return out


def containment(a: Doc, b: Doc) -> float:
    small = min(len(a.shingles), len(b.shingles))
    return len(a.shingles & b.shingles) / small if small else 0.0


def tfidf(leads: list[list[str]]) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Per document: sorted term ids and L2-normalised TF-IDF weights (float32)."""
    vocab: dict[str, int] = {}
    counts = []
    for terms in leads:
        c = Counter(terms)
        counts.append({vocab.setdefault(t, len(vocab)): n for t, n in c.items()})
    df = np.zeros(len(vocab), dtype=np.int64)
    for c in counts:
        for t in c:
            df[t] += 1
    n = len(leads)
    idf = np.log((n + 1) / (df + 1)) + 1.0
    ids, weights = [], []
    for c in counts:
        t = np.array(sorted(c), dtype=np.int64)
        w = np.array([1.0 + math.log(c[x]) for x in t]) * idf[t] if len(t) else np.zeros(0)
        norm = np.linalg.norm(w)
        ids.append(t)
        weights.append((w / norm if norm else w).astype(np.float32))
    return ids, weights, len(vocab)


def cosine_pass(
    docs: list[Doc],
    ids: list[np.ndarray],
    weights: list[np.ndarray],
    vocab_size: int,
    outlet: np.ndarray,
    window: int,
    keep: float,
    block: int,
) -> tuple[dict[tuple[int, int], float], np.ndarray, int, int]:
    """Exact cosine of every in-window pair (i < j in date order), block by block.

    Returns the pairs with cosine >= ``keep``, a histogram of all cosines in bins of
    0.01 (for population counts), the number of in-window pairs and how many of them
    pair two articles of one outlet (``outlet``: an outlet number per document).
    """
    ordinals = np.array([d.date.toordinal() for d in docs])
    n = len(docs)
    kept: dict[tuple[int, int], float] = {}
    hist = np.zeros(101, dtype=np.int64)
    total = same = 0
    local = np.full(vocab_size, -1, dtype=np.int64)
    for start in range(0, n, block):
        rows = range(start, min(n, start + block))
        stop = int(np.searchsorted(ordinals, ordinals[rows[-1]] + window, side="right"))
        cols = range(start, stop)
        row_terms = np.unique(np.concatenate([ids[i] for i in rows]))
        local[row_terms] = np.arange(len(row_terms))
        r = np.zeros((len(rows), len(row_terms)), dtype=np.float32)
        for x, i in enumerate(rows):
            r[x, local[ids[i]]] = weights[i]
        c = np.zeros((len(cols), len(row_terms)), dtype=np.float32)
        for y, j in enumerate(cols):
            lj = local[ids[j]]
            m = lj >= 0
            c[y, lj[m]] = weights[j][m]
        local[row_terms] = -1
        sims = r @ c.T
        ri = np.arange(start, start + len(rows))[:, None]
        cj = np.arange(start, stop)[None, :]
        valid = (cj > ri) & (ordinals[cj] - ordinals[ri] <= window)
        total += int(valid.sum())
        same += int((valid & (outlet[ri] == outlet[cj])).sum())
        vals = np.clip(sims[valid], 0.0, 1.0)
        hist += np.bincount(np.floor(vals * 100 + 1e-6).astype(np.int64), minlength=101)[:101]
        xs, ys = np.nonzero(valid & (sims >= keep))
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            kept[(start + x, start + y)] = float(sims[x, y])
    return kept, hist, total, same


def cosine_of(i: int, j: int, ids: list[np.ndarray], weights: list[np.ndarray]) -> float:
    _, xi, xj = np.intersect1d(ids[i], ids[j], assume_unique=True, return_indices=True)
    return float(np.dot(weights[i][xi], weights[j][xj]))


def bin_of(j: float, k: float, c: float) -> str:
    for b in BINS:
        if b.test(j, k, c):
            return b.name
    raise AssertionError


def relation(a: Doc, b: Doc) -> str:
    """``cross``: the two articles come from different outlets; ``same``: from one."""
    return "same" if set(a.sources) & set(b.sources) else "cross"


def random_pairs(
    docs: list[Doc], window: int, count: int, rng: random.Random
) -> list[tuple[int, int]]:
    """``count`` distinct pairs drawn uniformly from all in-window pairs (rejection)."""
    ordinals = [d.date.toordinal() for d in docs]
    out: list[tuple[int, int]] = []
    seen = set()
    while len(out) < count:
        i, j = sorted(rng.sample(range(len(docs)), 2))
        if ordinals[j] - ordinals[i] <= window and (i, j) not in seen:
            seen.add((i, j))
            out.append((i, j))
    return out


def split_sizes(total: int, pools: dict[str, int]) -> dict[str, int]:
    """Half of ``total`` for each relation; a relation short of pairs leaves its share
    to the other."""
    cross = min(pools.get("cross", 0), (total + 1) // 2)
    same = min(pools.get("same", 0), total - cross)
    cross = min(pools.get("cross", 0), total - same)
    return {"cross": cross, "same": same}


def run_corpus(
    name: str, paths: list[str], args: argparse.Namespace, rng: random.Random
) -> tuple[list[dict], list[Doc], dict]:
    t0 = time.time()
    docs, leads, report = load(paths, args.lead_words)
    log(f"{name}: {len(docs)} documents read in {time.time() - t0:.0f}s ({report.read} read)")
    jac = shingle_pairs(docs, args.window, args.max_shingle_df)
    log(f"{name}: {len(jac)} pairs share a rare shingle")
    ids, weights, vocab = tfidf(leads)
    outlets = {s: n for n, s in enumerate(sorted({d.sources for d in docs}))}
    outlet = np.array([outlets[d.sources] for d in docs])
    cos, hist, total, total_same = cosine_pass(
        docs, ids, weights, vocab, outlet, args.window, KEEP_COSINE, args.block
    )
    log(f"{name}: {total} in-window pairs, {len(cos)} with cosine >= {KEEP_COSINE}")

    # Every pair with a non-zero signal, in its bin.
    members: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    signals: dict[tuple[int, int], tuple[float, float, float]] = {}
    for pair in sorted(set(jac) | set(cos)):
        i, j = pair
        jv = jac.get(pair, 0.0)
        kv = containment(docs[i], docs[j]) if pair in jac else 0.0
        cv = cos[pair] if pair in cos else cosine_of(i, j, ids, weights)
        signals[pair] = (jv, kv, cv)
        members[(bin_of(jv, kv, cv), relation(docs[i], docs[j]))].append(pair)
    population = {f"{b}/{r}": len(v) for (b, r), v in sorted(members.items())}
    listed_same = sum(len(v) for (b, r), v in members.items() if r == "same" and b != "rest")
    listed = sum(len(v) for (b, r), v in members.items() if b != "rest")
    population["rest/same"] = total_same - listed_same
    population["rest/cross"] = (total - total_same) - (listed - listed_same)
    population["random"] = total

    sizes = DEFAULT_SIZES[name]
    drawn: list[tuple[str, tuple[int, int]]] = []
    taken: set[tuple[int, int]] = set()
    for b in BINS:
        if b.name == "rest":
            continue
        want = split_sizes(
            round(sizes[b.name] * args.scale),
            {r: len(members.get((b.name, r), [])) for r in ("cross", "same")},
        )
        for r in ("cross", "same"):
            pick = rng.sample(members.get((b.name, r), []), want[r])
            for pair in sorted(pick):
                drawn.append((f"{b.name}/{r}", pair))
                taken.add(pair)
    for pair in random_pairs(docs, args.window, round(sizes["random"] * args.scale), rng):
        if pair not in taken:
            taken.add(pair)
            drawn.append(("random", pair))

    rows = []
    for stratum, (i, j) in drawn:
        if (i, j) in signals:
            jv, kv, cv = signals[(i, j)]
        else:  # a random pair with no shared rare shingle and a low cosine
            sa, sb = docs[i].shingles, docs[j].shingles
            inter = len(sa & sb)
            jv = inter / len(sa | sb) if sa | sb else 0.0
            kv = containment(docs[i], docs[j])
            cv = cosine_of(i, j, ids, weights)
        a, b = sorted((docs[i], docs[j]), key=lambda d: d.id)
        rows.append(
            {
                "corpus": name,
                "stratum": stratum,
                "id_a": a.id,
                "id_b": b.id,
                "jaccard": f"{jv:.3f}",
                "containment": f"{kv:.3f}",
                "cosine": f"{cv:.3f}",
                "signal_bin": f"{bin_of(jv, kv, cv)}/{relation(a, b)}",
                "date_a": a.date.isoformat(),
                "date_b": b.date.isoformat(),
                "source_a": "|".join(a.sources),
                "source_b": "|".join(b.sources),
                "stratum_population": population.get(stratum, 0),
            }
        )
    stats = {
        "documents": len(docs),
        "in_window_pairs": total,
        "in_window_pairs_same_outlet": total_same,
        "population": population,
        "drawn": dict(Counter(r["stratum"] for r in rows)),
        "cosine_histogram_percent": hist.tolist(),
    }
    return rows, docs, stats


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


COLUMNS = (
    "corpus",
    "stratum",
    "id_a",
    "id_b",
    "jaccard",
    "containment",
    "cosine",
    "signal_bin",
    "date_a",
    "date_b",
    "source_a",
    "source_b",
    "stratum_population",
)


def write_tsv(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(str(r[c]) for c in COLUMNS) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ant", help="ANT, unpacked (the folder holding the outlets' folders)")
    p.add_argument("--snn", help="SaudiNewsNet: the folder of YYYY-MM-DD.zip files")
    p.add_argument("--out", type=Path, required=True, help="sample TSV to write")
    p.add_argument("--texts", type=Path, help="JSON Lines of the drawn documents (for show.py)")
    p.add_argument("--stats", type=Path, help="JSON of population counts per stratum")
    p.add_argument("--seed", type=int, default=20180218, help="random seed (default 20180218)")
    p.add_argument("--window", type=int, default=3, help="max days between a pair's dates")
    p.add_argument("--lead-words", type=int, default=60, help="body words in the cosine's text")
    p.add_argument("--max-shingle-df", type=int, default=50, help="see module docstring")
    p.add_argument("--scale", type=float, default=1.0, help="multiply every stratum's size")
    p.add_argument("--block", type=int, default=256, help="rows per cosine block (memory)")
    args = p.parse_args(argv)
    if not (args.ant or args.snn):
        p.error("give --ant, --snn or both")

    all_rows: list[dict] = []
    stats = {}
    texts = {}
    for name, path in (("ant", args.ant), ("snn", args.snn)):
        if not path:
            continue
        rng = random.Random(f"{args.seed}:{name}")
        rows, docs, stats[name] = run_corpus(name, [path], args, rng)
        all_rows += rows
        wanted = {r["id_a"] for r in rows} | {r["id_b"] for r in rows}
        for d in docs:
            if d.id in wanted:
                texts[d.id] = {
                    "id": d.id,
                    "title": d.title,
                    "date": d.date.isoformat(),
                    "sources": list(d.sources),
                    "body": d.body,
                }
        for s, n in sorted(stats[name]["population"].items()):
            log(f"{name}: stratum {s}: population {n}")
    write_tsv(args.out, all_rows)
    if args.texts:
        with args.texts.open("w", encoding="utf-8") as f:
            for d in texts.values():
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {len(all_rows)} pairs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
