"""``python -m benchmarks.engines``: the embedded engine and the PostgreSQL engine, side by side.

    python -m benchmarks.engines [--copies 10] [--keep DIR] [--clients 50] [--seconds 60]
                                 [--no-load] [--no-record]

Issue 14's figures, in one run on one machine. A PostgreSQL cluster of Debian's packages
is started for the run (``tests/postgres_server.py``, on 127.0.0.1, durability settings
as in production: fsync on). Then for ANT (1×) and, with ``--copies N``, ANT copied N
times (the corpus of ``benchmarks.scale``):

* **build**: ``python -m search reindex CORPUS --index LOCATION --full --json`` as its
  own process, for each engine: documents/s, wall time, peak memory of its process tree
  (the database server's own memory is not in it), size on disk;
* **searches**: the 200 queries of ``benchmarks.query`` (facets, snippets, "did you
  mean", ten hits, as the site asks), for each engine in a fresh process: a first pass,
  then a warm pass (the engine's caches, or the database's buffers, filled): p50, p95
  and max; the process's anonymous memory after the warm pass, whose growth from 1× to
  N× is what the archive costs each search worker;
* **parity**: query by query, the same top ten (where scores tie, in any order), the
  same totals and the same facet counts on both engines;
* **load**: ``python -m web`` (gunicorn, two workers) under ``--clients`` readers for
  ``--seconds`` (``benchmarks.load``'s mix), on the PostgreSQL index through the
  primary alone, then with a streaming replica (``pg_basebackup -R``) taking the searches.

Writes the ``engines`` section of docs/benchmarks.md (``engines-scale`` with
``--copies``). ``--keep DIR`` keeps the corpus and the embedded indexes (the database
goes with the run).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ANT_ARCHIVE,
    ROOT,
    machine_info,
    machine_line,
    smaps_rollup,
    table,
    unpacked_ant,
    write_section,
)
from benchmarks.index import run_measured
from benchmarks.load import read_stats, run_locust, server
from benchmarks.query import make_queries, percentile
from benchmarks.scale import make_corpus

#: Issue 14's goals for the PostgreSQL engine at 315k documents (10×).
GOAL_P95_MS = 50.0
GOAL_DOCS_PER_S = 500.0
#: The cluster's settings: a server given a quarter of this machine's memory.
SERVER = {
    "shared_buffers": "2GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}
WORKER_TIMEOUT = 3600


def queries() -> list[dict[str, Any]]:
    """The query benchmark's 200 requests (same titles, same seed)."""
    from collections import Counter

    from search.corpus import read_corpus

    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    titles, sources = [], Counter[str]()
    for doc in read_corpus([ANT_ARCHIVE]):
        titles.append(doc.title)
        sources.update(doc.sources)
    made = make_queries(titles, [s for s, _ in sources.most_common()], 200)
    return [q.params for q in made]


# --- the search worker: one engine, in a process of its own ----------------------------


def _worker(location: str, requests_file: str) -> dict[str, Any]:
    from search.searching import SearchRequest, open_index, search

    logging.getLogger("search").setLevel(logging.ERROR)
    requests = [SearchRequest.from_params(p) for p in json.loads(Path(requests_file).read_text())]
    index = open_index(location)
    answers: list[dict[str, Any]] = []

    def run() -> list[float]:
        times = []
        for request in requests:
            started = time.perf_counter()
            found = search(index, request).to_dict()
            times.append((time.perf_counter() - started) * 1000)
            if len(answers) < len(requests):
                hits = [(h["id"], round(h["score"], 4)) for h in found["hits"]]
                answers.append({"hits": hits, "total": found["total"], "facets": found["facets"]})
        return times

    first = run()
    warm = run()
    return {"first": first, "warm": warm, "answers": answers, "memory": smaps_rollup()}


def in_worker(location: str, requests_file: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.engines", "_worker", location, str(requests_file)]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"error: searching {location} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


def same_answer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same total, facets and top ten; where scores tie, in any order."""
    if a["total"] != b["total"] or a["facets"] != b["facets"]:
        return False
    if [h[0] for h in a["hits"]] == [h[0] for h in b["hits"]]:
        return True

    def tiers(hits: list[list[Any]]) -> list[set[str]]:
        return [{h[0] for h in group} for _, group in groupby(hits, key=lambda h: h[1])]

    # The last tie group may be cut differently at the tenth place.
    return tiers(a["hits"][:-1]) == tiers(b["hits"][:-1]) and {h[0] for h in a["hits"]} == {
        h[0] for h in b["hits"]
    }


# --- building --------------------------------------------------------------------------


def build(corpus: Path, location: str, label: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "search", "reindex", str(corpus), "--index", location]
    run = run_measured(label, [*command, "--full", "--json"])
    summary = run.json()
    return {
        "documents": int(summary["documents"]),
        "wall": run.wall,
        "peak": run.peak_tree_bytes,
        "size": _size(location),
    }


def _size(location: str) -> int:
    from search.searching import open_index

    index = open_index(location)
    try:
        return index.size_bytes()
    finally:
        index.close()


def load(location: str, replicas: str | None, args: argparse.Namespace, work: Path) -> dict:
    extra = {"NABA_INDEX_REPLICAS": replicas} if replicas else {}
    log = work / f"server-{len(extra)}.log"
    with server(location, 2, log, extra) as base:
        stats = run_locust(base, work, args.clients, args.seconds, 1.0)
        rows = read_stats(stats)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "rate": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "errors": int(total["Failure Count"]),
    }


# --- the run ---------------------------------------------------------------------------


def measure_size(
    copies: int, corpus: Path, url: str, work: Path, requests_file: Path
) -> dict[str, Any]:
    """Both engines on one corpus: builds, the two passes, parity."""
    folder = work / f"whoosh-{copies}x"
    location = f"{url}?schema=bench{copies}x"
    print(f"{copies}x: building both engines …", file=sys.stderr, flush=True)
    result: dict[str, Any] = {
        "whoosh": {"build": build(corpus, str(folder), f"whoosh {copies}x")},
        "postgres": {"build": build(corpus, location, f"postgres {copies}x")},
        "location": location,
    }
    for engine, where in (("whoosh", str(folder)), ("postgres", location)):
        print(f"{copies}x: searching on {engine} …", file=sys.stderr, flush=True)
        result[engine]["search"] = in_worker(where, requests_file)
    answers = zip(
        result["whoosh"]["search"].pop("answers"),
        result["postgres"]["search"].pop("answers"),
        strict=True,
    )
    result["different"] = [i for i, (a, b) in enumerate(answers) if not same_answer(a, b)]
    return result


def ms(values: list[float], p: float | None = None) -> str:
    value = statistics.median(values) if p is None else percentile(values, p)
    return f"{value:.1f} ms"


def report(results: dict[int, dict[str, Any]], loads: dict, info: dict, args: Any) -> str:
    sizes = sorted(results)
    build_rows, search_rows = [], []
    for copies in sizes:
        for engine in ("whoosh", "postgres"):
            b = results[copies][engine]["build"]
            s = results[copies][engine]["search"]
            name = f"{copies}× ({b['documents']:,} docs), {engine}"
            build_rows.append(
                [
                    name,
                    f"{b['documents'] / b['wall']:.0f}",
                    f"{b['wall']:.0f} s",
                    f"{b['peak'] / 1e6:.0f} MB",
                    f"{b['size'] / 1e9:.2f} GB",
                ]
            )
            search_rows.append(
                [
                    name,
                    ms(s["first"]),
                    ms(s["first"], 95),
                    ms(s["warm"]),
                    ms(s["warm"], 95),
                    f"{max(s['warm']):.0f} ms",
                    f"{s['memory']['Anonymous'] / 1e6:.0f} MB",
                ]
            )
    parity = "; ".join(
        f"{copies}×: {200 - len(results[copies]['different'])} of 200 the same"
        + (
            f" (different: {results[copies]['different'][:10]})"
            if results[copies]["different"]
            else ""
        )
        for copies in sizes
    )
    options = f" --copies {args.copies}" if args.copies > 1 else ""
    scale = f", ANT and ANT × {args.copies}" if args.copies > 1 else ""
    lines = [
        f"## Engines: embedded (Whoosh) and PostgreSQL{scale}",
        "",
        machine_line(info),
        "",
        f"`python -m benchmarks.engines{options}`: "
        "both engines built from the same corpus by `python -m search reindex --full` and "
        "searched with the query benchmark's 200 queries (facets, snippets, did-you-mean) in "
        "a fresh process each. PostgreSQL 15 from Debian on 127.0.0.1 on the same 2 cores "
        f"(`shared_buffers` {SERVER['shared_buffers']}, fsync on).",
        "",
        table(["build", "docs/s", "wall", "peak memory", "size"], build_rows),
        "",
        table(
            [
                "searches",
                "first p50",
                "first p95",
                "warm p50",
                "warm p95",
                "warm max",
                "worker memory",
            ],
            search_rows,
        ),
        "",
        f"Parity (top ten, totals, facet counts): {parity}.",
    ]
    top = max(sizes)
    pg = results[top]["postgres"]
    p95 = percentile(pg["search"]["warm"], 95)
    rate = pg["build"]["documents"] / pg["build"]["wall"]
    lines += [
        "",
        f"Goals for the PostgreSQL engine at {top}×: warm p95 ≤ {GOAL_P95_MS:.0f} ms "
        f"({'met' if p95 <= GOAL_P95_MS else '**missed**'}, {p95:.1f} ms); build ≥ "
        f"{GOAL_DOCS_PER_S:.0f} docs/s ({'met' if rate >= GOAL_DOCS_PER_S else '**missed**'}, "
        f"{rate:.0f}).",
    ]
    if loads:
        rows = [
            [
                label,
                f"{r['requests']:,}",
                f"{r['rate']:.1f}",
                f"{r['p50']:.0f}",
                f"{r['p95']:.0f}",
                str(r["errors"]),
            ]
            for label, r in loads.items()
        ]
        lines += [
            "",
            f"Load: `python -m web` (2 workers) on the PostgreSQL index, {args.clients} "
            f"readers for {args.seconds} s (`benchmarks.load`'s mix, 1 s think time), "
            "locust on the same machine:",
            "",
            table(["PostgreSQL", "requests", "req/s", "p50 ms", "p95 ms", "errors"], rows),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_worker"]:
        print(json.dumps(_worker(argv[1], argv[2])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engines")
    parser.add_argument("--copies", type=int, default=1, help="also measure ANT × this many")
    parser.add_argument("--keep", help="keep the corpus and the embedded indexes here")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--no-load", action="store_true", help="skip the load tests")
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    from tests import postgres_server

    info = machine_info()
    with tempfile.TemporaryDirectory(prefix="naba-engines-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        requests_file = work / "requests.json"
        requests_file.write_text(json.dumps(queries(), ensure_ascii=False), "utf-8")
        cluster = postgres_server.start(SERVER)
        try:
            results: dict[int, dict[str, Any]] = {}
            with unpacked_ant() as ant:
                results[1] = measure_size(1, ant, cluster.url, work, requests_file)
            if args.copies > 1:
                corpus = make_corpus(args.copies, work)
                results[args.copies] = measure_size(
                    args.copies, corpus, cluster.url, work, requests_file
                )
            loads: dict[str, dict[str, Any]] = {}
            if not args.no_load:
                replica = postgres_server.start_replica(cluster)
                try:
                    top = max(results)
                    location = results[top]["location"]
                    replica_location = location.replace(cluster.url, replica.url)
                    print("load: the primary alone …", file=sys.stderr, flush=True)
                    loads[f"{top}×, primary alone"] = load(location, None, args, work)
                    print("load: primary and replica …", file=sys.stderr, flush=True)
                    loads[f"{top}×, replica + primary"] = load(
                        location, replica_location, args, work
                    )
                finally:
                    postgres_server.stop(replica)
        finally:
            postgres_server.stop(cluster)
    markdown = report(results, loads, info, args)
    print(markdown)
    if not args.no_record:
        section = "engines-scale" if args.copies > 1 else "engines"
        print(f"recorded in {write_section(section, markdown)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
