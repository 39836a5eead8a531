"""``python -m benchmarks.scale``: the embedded engine on ANT and on ANT copied N times.

    python -m benchmarks.scale [--copies 10] [--no-record] [--keep DIR]

A news archive grows every day; this measures what grows with it (issue 13). The large
corpus is made here from ``../shared/data``: ANT unpacked, then copied ``--copies`` times
into one folder (``copy-01/`` … ``copy-NN/``, see :func:`multiply_corpus`), each copy with
its own document ids. Then, in one run and on the same machine, for 1× (``copy-01`` alone)
and N× (the whole folder):

* the full build, ``python -m search reindex PATH --index DIR --full --procs 2 --json`` as its
  own process: docs/s, wall and CPU time, peak memory of the process tree (sampled as
  in ``benchmarks.index``), and the index's size on disk; the N× index must hold N times
  the 1× documents, which shows that every copy got its own ids;
* opening the index: ``open_index(dir)`` then ``index_stats(index)`` (which maps the
  per-document arrays the build stored), in a fresh process, median of three;
* latency: the query benchmark's 200 queries, 50 quoted phrases, and facet-only browsing
  (an empty query, newest first, and with a source filter), each set in a fresh worker
  process that opens the index and makes three passes as ``benchmarks.query`` does (first
  pass right after opening, warm, posting cache off): p50, p95 and max of each pass;
* memory: ``/proc/PID/smaps_rollup`` of the 200-query worker after its warm pass
  (anonymous, private and shared pages, Rss and Pss), and of each worker of the production
  server (gunicorn, two workers, as ``benchmarks.load`` starts it) after the same 200
  queries over HTTP, where pages of the index file both workers read count as shared;
* adding documents: while that server runs, an incremental ``reindex`` of the corpus plus
  :data:`ADDED` new files (wall time, what it read, the files it did not reopen), then the
  first search after it, which must find all of them.

The goals of issue 13 (for 315k documents, i.e. 10×) stand next to the N× figures as
"goal" columns, met or missed. ``--keep DIR`` keeps the corpus and both indexes in DIR
(a later run with the same ``--copies`` and ``--keep`` reuses the corpus).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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
from benchmarks.index import GIB, Run, _children, _size, mb, run_measured
from benchmarks.query import make_queries, percentile, three_passes

#: Issue 13's goals at 315k documents (ANT × 10) on this machine.
GOAL_COPIES = 10
GOAL_DOCS_PER_S = 600.0
GOAL_BUILD_PEAK = GIB
GOAL_PRIVATE_BYTES = 0.5e9
GOAL_PRIVATE_PER_DOC = 1.6e3
GOAL_OPEN_S = 0.5
GOAL_P95_MS = {("queries", "first"): 40.0, ("queries", "warm"): 20.0}
GOAL_P95_MS |= {("queries", "off"): 60.0, ("phrases", "warm"): 20.0}
PHRASES = 50
OPEN_RUNS = 3
SERVER_WORKERS = 2
WORKER_TIMEOUT = 1800
#: Documents an incremental reindex adds to each index while the server runs, and the
#: made-up word they all hold (in no ANT article).
ADDED = 1000
ADDED_WORD = "قرنفليةمضافة"
GOAL_ADD_S = 30.0

PASSES = {"first": "first pass", "warm": "warm", "off": "posting cache off"}
SETS = {"queries": "200 queries", "phrases": "quoted phrases", "browse": "browsing (no words)"}

# --- the corpus ----------------------------------------------------------------------

_DOCNO = re.compile(rb"(<docno(?:\s[^>]*)?>)\s*", re.IGNORECASE)


def _link(source: Path, target: Path) -> None:
    """A hard link (no bytes copied), or a copy where links cannot be made."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def multiply_corpus(source: Path, target: Path, copies: int) -> int:
    """Copy every file under ``source`` ``copies`` times into ``target/copy-KK/``.

    Ids must differ between copies, or the reindex reports each repeated id and skips
    the document. A one-article file's id is its path relative to the corpus folder, so
    the ``copy-KK/`` folder makes it new, and a hard link is enough. A TREC file (ANT's
    ``.txt`` files are ``<DOC>`` records) takes its id from ``DOCNO`` instead, whatever the
    path, so from the second copy on its ``DOCNO`` values get a ``cKK-`` prefix and the
    file is written anew; the first copy keeps ANT's own ids, so ``copy-01`` alone is the
    1× corpus. Records with an id field of their own (JSON, CSV) would keep their ids:
    count the documents of the result to be sure. Returns the number of files written.
    """
    if copies < 1:
        raise ValueError("copies must be 1 or more")
    files = sorted(p for p in source.rglob("*") if p.is_file())
    made: set[Path] = set()
    for path in files:
        relative = path.relative_to(source)
        data: bytes | None = None
        for k in range(1, copies + 1):
            dest = target / f"copy-{k:02d}" / relative
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            if k > 1 and data is None:
                data = path.read_bytes()
            prefix = f"c{k:02d}-".encode()
            renamed, count = (
                _DOCNO.subn(lambda m, pre=prefix: m.group(1) + pre, data) if data else (b"", 0)
            )
            if count:
                dest.write_bytes(renamed)
            else:
                _link(path, dest)
    return len(files) * copies


def make_corpus(copies: int, work: Path) -> Path:
    """``work/corpus`` holding ANT × ``copies``; reused when a kept one has as many."""
    folder, marker = work / "corpus", work / "corpus.json"
    kept: Any = None
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(marker.read_text("utf-8"))
    if isinstance(kept, dict) and kept.get("copies") == copies and folder.is_dir():
        print(f"reusing the corpus in {folder}", file=sys.stderr)
        return folder
    marker.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    with unpacked_ant() as ant:
        files = multiply_corpus(ant, folder, copies)
    marker.write_text(json.dumps({"copies": copies, "files": files}), "utf-8")
    took = time.perf_counter() - started
    print(f"  {files:,} files in {took:.0f} s", file=sys.stderr, flush=True)
    return folder


# --- the query sets ------------------------------------------------------------------


def query_sets() -> dict[str, list[dict[str, Any]]]:
    """The request parameters of each set: the query benchmark's 200 queries (same titles,
    same seed), quoted phrases made the same way, and browsing without words."""
    from search.corpus import read_corpus

    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    titles, source_counts = [], Counter[str]()
    for doc in read_corpus([ANT_ARCHIVE]):
        titles.append(doc.title)
        source_counts.update(doc.sources)
    sources = [s for s, _ in source_counts.most_common()]
    queries = make_queries(titles, sources, 200)
    phrases = [q for q in make_queries(titles, sources, PHRASES * 10) if q.kind == "phrase"]
    browse: list[dict[str, Any]] = [{"sort": "newest", "page": page} for page in range(1, 6)]
    browse.append({"sort": "oldest"})
    for source in sources[:8]:
        browse += [{"source": [source]}, {"source": [source], "sort": "newest"}]
        browse.append({"source": [source], "sort": "newest", "page": 2})
    return {
        "queries": [q.params for q in queries],
        "phrases": [q.params for q in phrases[:PHRASES]],
        "browse": browse,
    }


# --- measuring in fresh processes ----------------------------------------------------


def _worker_open(index: Path) -> dict[str, Any]:
    """Open ``index`` and build its per-document arrays, timed apart from the engine's
    modules, which the first index object of a process imports (whatever the index size):
    an empty folder's index object pays for them first."""
    from search.engine import create_index
    from search.searching import index_stats, open_index

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="naba-scale-empty-") as empty:
        create_index(empty)
    started = time.perf_counter()
    handle = open_index(index)
    opened = time.perf_counter()
    stats = index_stats(handle)
    done = time.perf_counter()
    return {
        "imports_s": started - began,
        "open_s": opened - started,
        "arrays_s": done - opened,
        "documents": stats["documents"],
        "memory": smaps_rollup(),
    }


def _worker_passes(index: Path, requests_file: Path) -> dict[str, Any]:
    """Three passes over one set on a freshly opened index (``query.three_passes``), and
    this process's memory after the warm one."""
    from search.searching import SearchRequest, open_index

    params = json.loads(requests_file.read_text("utf-8"))
    started = time.perf_counter()
    handle = open_index(index)
    open_s = time.perf_counter() - started
    passes = three_passes(handle, [SearchRequest.from_params(p) for p in params], smaps_rollup)
    return {
        "open_s": open_s,
        "first": passes.first,
        "warm": passes.warm,
        "off": passes.uncached,
        "totals": passes.totals,
        "memory": passes.after_warm,  # the posting cache as the warm pass left it
        "cache_bytes": passes.cache_bytes,
        "cache_budget": passes.cache_budget,
    }


def _worker(argv: list[str]) -> int:
    """``python -m benchmarks.scale _worker open INDEX | passes INDEX REQUESTS.json``."""
    logging.getLogger("search").setLevel(logging.ERROR)
    kind, index, *rest = argv
    if kind == "open":
        result = _worker_open(Path(index))
    else:
        result = _worker_passes(Path(index), Path(rest[0]))
    print(json.dumps(result))
    return 0


def in_fresh_process(*args: str) -> dict[str, Any]:
    """Run a ``_worker`` in its own Python process; its one-line JSON result."""
    command = [sys.executable, "-m", "benchmarks.scale", "_worker", *args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"error: {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


def _search_total(base: str, query: str) -> tuple[int, float]:
    """One search over HTTP: its total and how long it took, in ms."""
    began = time.perf_counter()
    with urllib.request.urlopen(f"{base}/api/search?{urlencode({'q': query})}", timeout=120) as r:
        total = int(json.loads(r.read())["total"])
    return total, (time.perf_counter() - began) * 1000


def make_additions(folder: Path, count: int) -> Path:
    """``count`` new one-article files (ids of their own), each with :data:`ADDED_WORD`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"added-{n:05d}.txt").write_text(
            f"خبر مضاف رقم {n}\n\nنص الخبر المضاف رقم {n} عن {ADDED_WORD} والأمطار.\n", "utf-8"
        )
    # As old as the corpus: not "racily clean" for the run after the next.
    for path in folder.iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    return folder


def server_memory(
    index: Path,
    requests: list[dict[str, Any]],
    folder: Path,
    corpus_path: Path,
    additions: Path,
) -> dict[str, Any]:
    """The production server (two gunicorn workers) after ``requests`` over HTTP: each
    worker's ``smaps_rollup`` and the master's; requests that failed are counted. Then,
    while it serves, an incremental reindex adds the files of ``additions``: how long it
    took, what it read, and the first search after it (which must find them all)."""
    from benchmarks.load import server

    def fetch(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                return bool(response.status == 200)
        except OSError:  # HTTPError too
            return False

    with server(index, SERVER_WORKERS, folder / "server.log") as base:
        urls = [f"{base}/api/search?{urlencode(p, doseq=True)}" for p in requests]
        with ThreadPoolExecutor(SERVER_WORKERS) as pool:
            failed = sum(not ok for ok in pool.map(fetch, urls))
        masters = _children(os.getpid())  # the server is this process's only child now
        if len(masters) != 1:
            raise SystemExit(f"error: cannot tell the server's process among {masters}")
        workers = _children(masters[0])
        memory = {
            "failed": failed,
            "master": smaps_rollup(masters[0]),
            "workers": [smaps_rollup(pid) for pid in workers],
        }
        before, _ = _search_total(base, ADDED_WORD)
        command = [sys.executable, "-m", "search", "reindex", str(corpus_path), str(additions)]
        update = run_measured("incremental", [*command, "--index", str(index), "--json"])
        summary = update.json()
        after, first_ms = _search_total(base, ADDED_WORD)
        _, second_ms = _search_total(base, ADDED_WORD)
    return memory | {
        "update": {
            "wall": update.wall,
            "peak": update.peak_tree_bytes,
            "added": summary["added"],
            "read": summary["read"],
            "unchanged_files": summary["unchanged_files"],
            "found_before": before,
            "found_after": after,
            "first_ms": first_ms,
            "second_ms": second_ms,
        }
    }


# --- one scale -----------------------------------------------------------------------


def measure(
    label: str,
    corpus_path: Path,
    index: Path,
    sets: dict[str, Path],
    folder: Path,
    expected: int | None = None,
) -> dict[str, Any]:
    """Build, open, query and weigh one scale; prints how long each step took. Stops
    when the index does not hold the ``expected`` number of documents."""

    def step(what: str) -> float:
        print(f"{label}: {what} …", file=sys.stderr, flush=True)
        return time.perf_counter()

    def took(started: float) -> None:
        print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    shutil.rmtree(index, ignore_errors=True)
    started = step("full build (reindex --full --procs 2)")
    command = [sys.executable, "-m", "search", "reindex", str(corpus_path), "--index", str(index)]
    build: Run = run_measured(label, [*command, "--full", "--procs", "2", "--json"])
    summary = build.json()
    took(started)
    if expected is not None and int(summary["documents"]) != expected:
        raise SystemExit(
            f"error: the {label} index holds {int(summary['documents']):,} documents, not "
            f"{expected:,}: ids repeat across copies (skipped: {summary.get('reasons')})"
        )
    started = step(f"open and per-document arrays, {OPEN_RUNS} fresh processes")
    opens = [in_fresh_process("open", str(index)) for _ in range(OPEN_RUNS)]
    took(started)
    passes = {}
    for name, requests_file in sets.items():
        started = step(f"{SETS[name]}: three passes in a fresh process")
        passes[name] = in_fresh_process("passes", str(index), str(requests_file))
        took(started)
    started = step(
        f"server ({SERVER_WORKERS} gunicorn workers) after the 200 queries, then + {ADDED:,}"
        " documents"
    )
    requests = json.loads(sets["queries"].read_text("utf-8"))
    additions = make_additions(folder / f"added-{label}", ADDED)
    server = server_memory(index, requests, folder, corpus_path, additions)
    took(started)
    return {
        "documents": int(summary["documents"]),
        "skipped": int(summary.get("skipped", 0)),
        "reasons": summary.get("reasons", {}),
        "build": build,
        "size": _size(index),
        "opens": opens,
        "passes": passes,
        "server": server,
    }


# --- the report ----------------------------------------------------------------------


def gb(value: float) -> str:
    return f"{value / 1e9:.2f} GB"


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 1000 else f"{value:,.0f} ms"


def verdict(value: float, goal: float, *, at_least: bool = False) -> str:
    """``met``, or how far from the goal: a multiple of it for a ceiling, a share of it
    for a floor."""
    if (value >= goal) if at_least else (value <= goal):
        return "met"
    if at_least:
        return f"**missed** ({value / goal:.0%} of it)"
    return f"**missed** ({value / goal:.1f}× it)"


def _open_figures(result: dict[str, Any]) -> dict[str, float]:
    opens = result["opens"]
    return {
        "imports_s": statistics.median(o["imports_s"] for o in opens),
        "open_s": statistics.median(o["open_s"] for o in opens),
        "arrays_s": statistics.median(o["arrays_s"] for o in opens),
        "total_s": statistics.median(o["open_s"] + o["arrays_s"] for o in opens),
        "anon": statistics.median(o["memory"]["Anonymous"] for o in opens),
        "file": statistics.median(o["memory"]["File"] for o in opens),
    }


def report(
    copies: int,
    one: dict[str, Any],
    many: dict[str, Any],
    info: dict[str, str],
    load: tuple[float, float],
) -> str:
    n = f"{copies}×"
    docs1, docsn = one["documents"], many["documents"]
    b1, bn = one["build"], many["build"]
    rate1, raten = docs1 / b1.wall, docsn / bn.wall
    o1, on = _open_figures(one), _open_figures(many)
    m1, mn = one["passes"]["queries"]["memory"], many["passes"]["queries"]["memory"]
    goals_apply = copies == GOAL_COPIES
    goal_note = (
        "The goals are issue 13's, for 10× (315k documents) on this machine."
        if goals_apply
        else f"The goals are issue 13's, for 10× (315k documents); this run made {n}, so"
        " the verdicts only say where the figures stand."
    )

    def row(
        name: str,
        v1: float,
        vn: float,
        fmt: Any,
        goal: str = "",
        met: str = "",
    ) -> list[str]:
        ratio = f"{vn / v1:.1f}×" if v1 else ""
        return [name, fmt(v1), fmt(vn), ratio, goal or "—", met or "—"]

    q1, qn = one["passes"]["queries"], many["passes"]["queries"]
    # The goal counts the posting cache at its default budget; the queries fill only part.
    full1 = m1["Anonymous"] - q1["cache_bytes"] + q1["cache_budget"]
    fulln = mn["Anonymous"] - qn["cache_bytes"] + qn["cache_budget"]
    budget = f"{qn['cache_budget'] / 2**20:.0f} MB"
    main_rows = [
        row("documents", docs1, docsn, lambda v: f"{v:,}"),
        row("build: wall", b1.wall, bn.wall, lambda v: f"{v:,.0f} s"),
        row(
            "build: docs/s",
            rate1,
            raten,
            lambda v: f"{v:,.0f}",
            f"≥ {GOAL_DOCS_PER_S:.0f}",
            verdict(raten, GOAL_DOCS_PER_S, at_least=True),
        ),
        row("build: CPU (all processes)", b1.cpu, bn.cpu, lambda v: f"{v:,.0f} s"),
        row("build: cores busy (CPU / wall)", b1.cpu / b1.wall, bn.cpu / bn.wall, "{:.2f}".format),
        row(
            "build: peak RSS, process tree",
            b1.peak_tree_bytes,
            bn.peak_tree_bytes,
            mb,
            "≤ 1 GiB",
            verdict(bn.peak_tree_bytes, GOAL_BUILD_PEAK),
        ),
        row(
            "build: peak RSS, largest process",
            b1.peak_process_bytes,
            bn.peak_process_bytes,
            mb,
        ),
        row("index size on disk", one["size"], many["size"], mb),
        row(
            "open: the engine's modules (once per process)",
            o1["imports_s"],
            on["imports_s"],
            lambda v: f"{v:.2f} s",
        ),
        row("open: `open_index`", o1["open_s"], on["open_s"], lambda v: f"{v:.2f} s"),
        row("open: per-document arrays", o1["arrays_s"], on["arrays_s"], lambda v: f"{v:.2f} s"),
        row(
            "open: total",
            o1["total_s"],
            on["total_s"],
            lambda v: f"{v:.2f} s",
            f"≤ {GOAL_OPEN_S} s",
            verdict(on["total_s"], GOAL_OPEN_S),
        ),
        row("memory after open: anonymous", o1["anon"], on["anon"], gb),
        row("memory after open: file pages", o1["file"], on["file"], gb),
        row("search worker after the queries: anonymous", m1["Anonymous"], mn["Anonymous"], gb),
        row("… of which the posting cache", q1["cache_bytes"], qn["cache_bytes"], mb),
        row(
            f"… with the posting cache full ({budget})",
            full1,
            fulln,
            gb,
            f"≤ {GOAL_PRIVATE_BYTES / 1e9} GB",
            verdict(fulln, GOAL_PRIVATE_BYTES),
        ),
        row(
            "… per document",
            full1 / docs1,
            fulln / docsn,
            lambda v: f"{v / 1e3:.2f} KB",
            f"≤ {GOAL_PRIVATE_PER_DOC / 1e3} KB",
            verdict(fulln / docsn, GOAL_PRIVATE_PER_DOC),
        ),
        row("… file pages (index, code)", m1["File"], mn["File"], gb),
        row("… Private_Clean + Private_Dirty", m1["Private"], mn["Private"], gb),
        row("… Shared_Clean + Shared_Dirty", m1["Shared"], mn["Shared"], gb),
        row("… Rss", m1["Rss"], mn["Rss"], gb),
        row("… Pss", m1["Pss"], mn["Pss"], gb),
    ]
    u1, un = one["server"]["update"], many["server"]["update"]
    main_rows += [
        row(
            f"+ {ADDED:,} documents, incremental, server running: wall",
            u1["wall"],
            un["wall"],
            lambda v: f"{v:.1f} s",
            f"≤ {GOAL_ADD_S:.0f} s",
            verdict(un["wall"], GOAL_ADD_S),
        ),
        row("… peak RSS, process tree", u1["peak"], un["peak"], mb),
        row("… documents read (added)", u1["read"], un["read"], lambda v: f"{v:,}"),
        row("… files not reopened", u1["unchanged_files"], un["unchanged_files"], "{:,}".format),
        row(
            f"… first search after it: ms (found {u1['found_after']:,} / {un['found_after']:,}"
            f" of {ADDED:,}; before: {u1['found_before']} / {un['found_before']})",
            u1["first_ms"],
            un["first_ms"],
            ms,
        ),
        row("… the search after that: ms", u1["second_ms"], un["second_ms"], ms),
    ]
    header = ["figure", "1×", n, f"{n} / 1×", "goal at 10×", f"at {n}"]

    lat_rows = []
    for name, title in SETS.items():
        p1, pn = one["passes"][name], many["passes"][name]
        hits = (
            f" (median hits {statistics.median(p1['totals']):,.0f} / "
            f"{statistics.median(pn['totals']):,.0f})"
        )
        for key, pass_name in PASSES.items():
            t1, tn = p1[key], pn[key]
            goal = GOAL_P95_MS.get((name, key))
            p95 = percentile(tn, 95)
            lat_rows.append(
                [
                    f"{title}{hits if key == 'first' else ''}",
                    pass_name,
                    ms(statistics.median(t1)),
                    ms(percentile(t1, 95)),
                    ms(max(t1)),
                    ms(statistics.median(tn)),
                    ms(p95),
                    ms(max(tn)),
                    f"p95 ≤ {goal:.0f} ms" if goal else "—",
                    verdict(p95, goal) if goal else "—",
                ]
            )
    lat_header = ["set", "pass", "1× p50", "1× p95", "1× max"]
    lat_header += [f"{n} p50", f"{n} p95", f"{n} max", "goal at 10×", f"at {n}"]
    sizes = {name: len(one["passes"][name]["first"]) for name in SETS}

    server_rows = []
    for label, result in (("1×", one), (n, many)):
        s = result["server"]
        for i, w in enumerate(s["workers"], 1):
            server_rows.append(
                [
                    label,
                    f"worker {i}",
                    gb(w["Anonymous"]),
                    gb(w["Private"]),
                    gb(w["Shared"]),
                    gb(w["Rss"]),
                    gb(w["Pss"]),
                ]
            )
        total_pss = s["master"]["Pss"] + sum(w["Pss"] for w in s["workers"])
        server_rows.append([label, "whole server (Pss)", "", "", "", "", f"**{gb(total_pss)}**"])
    failed = {label: r["server"]["failed"] for label, r in (("1×", one), (n, many))}
    server_header = ["index", "process", "anonymous", "private", "shared", "Rss", "Pss"]

    return f"""## Scale: ANT and ANT × {copies}

{machine_line(info)} Load average (1 min) before/after: {load[0]:.1f} / {load[1]:.1f}.

`python -m benchmarks.scale --copies {copies}`: ANT unpacked and copied {copies} times into one
corpus folder (`copy-01/` … `copy-{copies:02d}/`); from the second copy on, each file's
`DOCNO` (ANT's document id) gets a `cKK-` prefix, so every copy's documents have their own
ids: the {n} index holds {docsn:,} documents, {docsn / docs1:.2f} × the {docs1:,} of the 1×
index (`copy-01/` alone, ANT's own ids). **The copies repeat ANT's vocabulary** (and its
titles, dates and sources): the term dictionaries do not grow as a real archive's would (a
real archive {copies} times as large has many more distinct words, names and numbers),
while every posting list is {copies} times as long. Figures that follow the number of
documents (per-document arrays, postings, facets, memory per document) are realistic; those
that follow the vocabulary (dictionary size and lookups, "did you mean") are optimistic at
{n}.

Each build is its own process (`python -m search reindex PATH --index DIR --full --procs 2
--json`), its process tree's memory sampled every 0.1 s as in the index benchmark. *Open* is
`open_index(dir)` then `index_stats(index)` (which maps the per-document arrays the build
stored) in a fresh process, median of {OPEN_RUNS} (the index was just written, so its files are
in the page cache); the engine's modules, imported when a process makes its first index object,
are timed apart and not counted in the total. Latency: each set in a fresh worker process that
opens the index and makes three passes, as the query benchmark does: right after opening (the
first query also maps the per-document arrays), warm, and with the posting cache off. *Warm*
repeats the same requests, so their postings, phrase matches and marked hits are all
memoised: it is what a popular search costs, *first pass* what a new one costs. The
search worker's memory is its `/proc/PID/smaps_rollup` after the 200 queries' warm pass (the
posting cache holding what they left; default budget {budget}): *anonymous* is the memory only
this process can use (it was started on its own, not forked); *file pages* are the index files
and code it has read, which other processes on the same files share (in a lone process they
count as `Private_Clean` too, hence private above anonymous). The goal on a worker's private
memory is judged on its anonymous memory with the posting cache counted at its full budget.

{goal_note} *Cores busy* below 2 means other work took part of the two cores during a build
(CPU time is then the steadier figure).

{table(header, main_rows)}

Latency ({sizes["queries"]} queries of the query benchmark, {sizes["phrases"]} quoted phrases
made the same way, {sizes["browse"]} facet-only pages: empty query newest and oldest first,
pages 1–5, and each of the 8 largest sources in the default order, newest first, and its
second page newest first):

{table(lat_header, lat_rows)}

The production server, `python -m web --workers {SERVER_WORKERS}` (gunicorn, started as
`benchmarks.load` does), after the same 200 queries over HTTP from two clients
(failed requests: 1× {failed["1×"]}, {n} {failed[n]}); pages of the index and of the code
both workers map count as shared:

{table(server_header, server_rows)}

Where the memory and the open time went (cProfile and `smaps_rollup`): first, Whoosh's
`BufferFile` wraps each part of a memory-mapped segment in `io.BytesIO`, which copies it, so
every search worker held a private copy of the whole index, and opening an index was mostly
that copying (0.58 s of 0.94 s at 1×). `search/engine/whoosh_storage.py` reads the parts in
place from the map (at 1×, after opening and five searches: private memory 538 → 80 MB,
anonymous 291 → 52 MB, old and new code side by side). Then the per-document arrays (live,
date, id rank, field lengths, facet columns), which every worker built in Python from
Whoosh's columns (one call per document and column: 8.4 s under the profiler at 10×, the date
column walked document by document the largest part, then the id list and its sort, then the
facet postings; 1.9 s without it, after reading the columns segment by segment), and held as
private arrays. The writer now builds them once, right after each commit
(`search/engine/whoosh_arrays.py`), and stores them with the commit as `.npy` files
(9 MB at 10×) that every worker memory-maps: opening the 10× index went from 2.6 s to a
few tens of milliseconds, and the pages are shared between workers. An incremental reindex
opens only the corpus files whose size or time changed (`search/indexing/manifest.py`),
so adding documents to a large archive no longer reads it all again.
What is left is the cold path: a word's postings are decoded from Whoosh's posting blocks
in Python (each block of 128 postings is a zlib-compressed pickle, and the exact-word fields'
blocks carry every posting's positions, unpickled even when only the frequency is needed:
17 ms for the 21,000 postings of one common word's exact form in one segment at 10×). The
first pass and the cache-off pass pay it for every word they have not seen, and under load
a sync worker busy with such a request holds up the requests queued behind it (the
`load-scale` section). A posting format of Naba's own (numpy blocks, positions apart) is
where that would go next.
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return _worker(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--copies", type=int, default=10, help="copies of ANT (default 10)")
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the corpus and both indexes in DIR (reused corpus)"
    )
    args = parser.parse_args(argv)
    if not 2 <= args.copies <= 100:
        parser.error("--copies must be 2–100")

    info = machine_info()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    print("making the query sets from ANT's titles …", file=sys.stderr, flush=True)
    sets = query_sets()
    print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    with contextlib.ExitStack() as stack:
        if args.keep:
            work = Path(args.keep).resolve()
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="naba-scale-")))
        files = {}
        for name, requests in sets.items():
            files[name] = work / f"{name}.json"
            files[name].write_text(json.dumps(requests, ensure_ascii=False), "utf-8")
        print(f"making ANT × {args.copies} in {work} …", file=sys.stderr, flush=True)
        corpus_root = make_corpus(args.copies, work)
        one = measure("1×", corpus_root / "copy-01", work / "index-1x", files, work)
        index = work / f"index-{args.copies}x"
        expected = args.copies * one["documents"]
        many = measure(f"{args.copies}×", corpus_root, index, files, work, expected)
    load = (load_before, os.getloadavg()[0])
    print(f"the whole run took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    section = report(args.copies, one, many, info, load)
    print(section)
    if not args.no_record:
        print(f"recorded in {write_section('scale', section)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
