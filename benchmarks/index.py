"""``python -m benchmarks index``: a full ANT rebuild, Naba (1 and 2 processes) vs stock Whoosh.

Every build runs as its own process, the way a user runs it (``python -m search reindex
--full``), so its memory can be measured from outside: the resident memory of the whole
process tree (the reindex and Whoosh's worker processes) is sampled every 0.1 s, and the
largest single process's high-water mark (``VmHWM``) is read too. The tree sum counts
pages shared by forked workers once per process, so it is an upper bound.

Goals (from the issue): at least 2× stock Whoosh's documents per second using both
cores, and peak memory under 1 GiB. After the builds, an unchanged incremental run and a
small change (edits, deletions, additions) show what ``make index`` costs day to day.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, machine_info, machine_line, table, unpacked_ant, write_section

GIB = 1 << 30
STOCK = "stock Whoosh, 1 process"
SAMPLE_EVERY = 0.1


@dataclass(slots=True)
class Run:
    """One measured process: wall and CPU time (whole tree), memory, and its output."""

    label: str
    returncode: int
    wall: float
    cpu: float
    peak_tree_bytes: int
    peak_process_bytes: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if self.returncode != 0 or not lines:
            raise SystemExit(
                f"error: {self.label} failed (exit {self.returncode}):\n{self.stderr[-2000:]}"
            )
        return json.loads(lines[-1])


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(p) for p in handle.read().split()]
        except OSError:
            continue
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of one process in bytes; zeros if it has gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return rss, hwm


def run_measured(label: str, cmd: list[str]) -> Run:
    """Run ``cmd`` from the repository root, sampling its process tree's memory.

    The child is reaped with ``os.wait4``, whose resource usage covers that child and
    the workers it waited for, and nothing else this benchmark ran before (unlike
    ``RUSAGE_CHILDREN``, whose ``ru_maxrss`` is the largest of all children so far).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    peak = {"tree": 0, "process": 0}
    done = threading.Event()
    outputs: dict[str, bytes] = {}

    def sample() -> None:
        while not done.is_set():
            total = 0
            for pid in _tree(proc.pid):
                rss, hwm = _memory(pid)
                total += rss
                peak["process"] = max(peak["process"], hwm)
            peak["tree"] = max(peak["tree"], total)
            time.sleep(SAMPLE_EVERY)

    def drain(name: str, stream: Any) -> None:
        outputs[name] = stream.read()

    threads = [
        threading.Thread(target=sample, daemon=True),
        threading.Thread(target=drain, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", proc.stderr), daemon=True),
    ]
    for thread in threads:
        thread.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for thread in threads:
        thread.join()
    peak["process"] = max(peak["process"], usage.ru_maxrss * 1024)
    peak["tree"] = max(peak["tree"], peak["process"])
    return Run(
        label,
        proc.returncode,
        wall,
        usage.ru_utime + usage.ru_stime,
        peak["tree"],
        peak["process"],
        outputs.get("out", b"").decode("utf-8", "replace"),
        outputs.get("err", b"").decode("utf-8", "replace"),
    )


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _reindex(corpus: Path, index: Path, *extra: str) -> list[str]:
    command = ["reindex", str(corpus), "--index", str(index), "--json", *extra]
    return [sys.executable, "-m", "search", *command]


def _change_corpus(corpus: Path, count: int) -> dict[str, int]:
    """Edit, delete and add ``count`` articles each, spread over the corpus."""
    files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
    step = max(1, len(files) // (3 * count))
    picked = files[::step][: 3 * count]
    edit, delete, copy = picked[:count], picked[count : 2 * count], picked[2 * count :]
    for path in edit:
        text = path.read_text("utf-8")
        path.write_text(text.replace("</TEXT>", "\nتحديث: أضيفت هذه الجملة للاختبار.\n</TEXT>"))
    for path in delete:
        path.unlink()
    for i, path in enumerate(copy):
        text = path.read_text("utf-8")
        text = text.replace("<DOCNO>", f"<DOCNO>bench-copy-{i}-", 1)
        path.with_name(f"bench-copy-{i}-{path.name}").write_text(text, "utf-8")
    return {"edited": len(edit), "deleted": len(delete), "added": len(copy)}


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks index")
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the 2-process Naba index root here (for `query`)"
    )
    parser.add_argument("--changes", type=int, default=100, help="edits/deletions/additions")
    parser.add_argument(
        "--rounds", type=int, default=1, help="build each N times, keep the fastest (default 1)"
    )
    args = parser.parse_args(argv)

    info = machine_info()
    load_before = os.getloadavg()
    with unpacked_ant() as ant, tempfile.TemporaryDirectory(prefix="naba-bench-ix-") as tmp:
        out = Path(tmp)
        print(f"ANT unpacked in {ant}; indexes in {out}", file=sys.stderr)
        runs: dict[str, Run] = {}
        by_round: list[dict[str, Run]] = []
        stock_label, one_label, two_label = STOCK, "Naba, --procs 1", "Naba, --procs 2"
        targets = {stock_label: out / "stock", one_label: out / "naba1", two_label: out / "naba2"}
        commands = {
            stock_label: [sys.executable, "-m", "benchmarks.stock_whoosh", str(ant)],
            one_label: _reindex(ant, targets[one_label], "--full", "--procs", "1"),
            two_label: _reindex(ant, targets[two_label], "--full", "--procs", "2"),
        }
        commands[stock_label].append(str(targets[stock_label]))
        for round_ in range(args.rounds):  # interleaved, so a busy spell hits every build
            by_round.append({})
            for label, cmd in commands.items():
                print(f"round {round_ + 1}: {label} …", file=sys.stderr, flush=True)
                shutil.rmtree(targets[label], ignore_errors=True)  # every build from scratch
                run = run_measured(label, cmd)
                print(f"  {run.wall:.1f} s", file=sys.stderr, flush=True)
                by_round[-1][label] = run
                if label not in runs or run.wall < runs[label].wall:
                    runs[label] = run
        stock = runs[STOCK].json()
        summaries = {label: runs[label].json() for label in list(commands)[1:]}
        sizes = {STOCK: _size(targets[STOCK])}
        docs = {STOCK: int(stock["documents"])}
        for label, summary in summaries.items():
            sizes[label] = int(summary["size_bytes"])
            docs[label] = int(summary["documents"])

        print("running the unchanged incremental run …", file=sys.stderr, flush=True)
        unchanged = run_measured("unchanged", _reindex(ant, out / "naba2"))
        unchanged_summary = unchanged.json()
        changes = _change_corpus(ant, args.changes)
        print(f"changed the corpus: {changes}; incremental run …", file=sys.stderr, flush=True)
        changed = run_measured("changed", _reindex(ant, out / "naba2"))
        changed_summary = changed.json()
        if args.keep:
            keep = Path(args.keep)
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(out / "naba2", keep)
    load_after = os.getloadavg()

    base = runs[STOCK]
    base_rate = docs[STOCK] / base.wall
    rows = []
    for label, run in runs.items():
        rate = docs[label] / run.wall
        rows.append(
            [
                label,
                f"{docs[label]:,}",
                f"{run.wall:.0f} s",
                f"{rate:,.0f}",
                f"{rate / base_rate:.2f}×",
                f"{run.cpu:.0f} s",
                f"{run.cpu / base.cpu:.2f}×",
                f"{run.cpu / run.wall:.2f}",
                mb(run.peak_tree_bytes),
                mb(run.peak_process_bytes),
                mb(sizes[label]),
            ]
        )
    header = [
        "build",
        "documents",
        "wall",
        "docs/s",
        "vs stock",
        "CPU (all processes)",
        "CPU vs stock",
        "cores busy (CPU / wall)",
        "peak RSS, process tree",
        "peak RSS, largest process",
        "index size",
    ]
    one, two = runs[one_label], runs[two_label]
    best = min((one, two), key=lambda r: r.wall)
    speed_ratio = (docs[best.label] / best.wall) / base_rate
    peak = max(r.peak_tree_bytes for r in (one, two))
    speed_verdict = "met" if speed_ratio >= 2 else "**missed**"
    memory_verdict = "met" if peak < GIB else "**missed**"
    cpu_per_doc = one.cpu / docs[one.label] / (base.cpu / docs[base.label])
    parallel_gain = one.wall / two.wall
    two_cpu = two.cpu / one.cpu
    rounds = args.rounds
    cpu_note = (
        "Two processes cost less CPU than one: each writer buffers half the postings, so"
        " fewer run files are merged at the end, which outweighs pickling documents to the"
        " workers and each worker's own word memo."
        if two_cpu < 1
        else "The extra CPU is pickling documents to the workers, each worker's own word memo"
        " and the second segment."
    )
    # The fastest runs may come from different rounds; the same round's ratio is the one a
    # busy spell cannot tilt.
    same_round = ", ".join(
        f"{(docs[two_label] / r[two_label].wall) / (docs[STOCK] / r[STOCK].wall):.2f}×"
        for r in by_round
    )
    busy = two.cpu / two.wall
    contention = (
        f" Other work on the machine took part of the second core here (cores busy {busy:.2f});"
        " with both cores free, two processes nearly double the speed of one."
        if busy < 1.8
        else ""
    )
    section = f"""## Indexing

{machine_line(info)} Load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f}
(other work on the machine competes for its cores: CPU time is the steadier figure, and
*cores busy* shows how much of the two cores a build actually got). Fastest of {rounds}
interleaved round{"s" if args.rounds > 1 else ""} per build.

`python -m benchmarks index`: ANT unpacked (one file per article, as a corpus folder is), then
each build as its own process: stock Whoosh (`benchmarks/stock_whoosh.py`: `title` and `body`
as default `TEXT` fields, `StandardAnalyzer`, stored, one writer, read by the same reader as
Naba) and `python -m search reindex --full --procs N`. docs/s is documents over the process's
wall time, reading included.

{table(header, rows)}

* Goal ≥ 2× stock's docs/s using both cores: {speed_verdict} (best Naba build:
  {speed_ratio:.2f}× stock's docs/s; `--procs 2` against stock in the same round:
  {same_round}). With one process Naba costs {cpu_per_doc:.2f}× stock's
  CPU per document, so 2× stock's speed takes {2 * cpu_per_doc:.1f} fully used cores; this
  machine has two, shared. Naba does more per document than stock: **four analysed fields**
  (stemmed `title` and `body` for ranking, plus `title_exact` and `body_exact` with positions
  for exact-word mode and phrases) against stock's two, Arabic normalisation and stemming,
  and seven sortable columns for dates, sources and facets. It pays for them by writing
  less expensively than stock Whoosh does (`search/engine/whoosh_writing.py`,
  `search/engine/whoosh_formats.py`): each text is analysed once for its stemmed and exact
  fields; postings are grouped by term as they arrive instead of sorted one tuple at a
  time, and handed to the pool a field at a time; each term's postings are written a
  block at a time, without the per-posting document-length lookups that only Whoosh's
  block-quality pruning reads, and compressed with a zlib window sized to the block
  (zlib's default set-up costs more than compressing a small block). The files are stock
  W3 segments (`tests/test_engine_writing.py` compares every posting, stored field,
  length and column with stock Whoosh's writer).
* Two processes: {parallel_gain:.2f}× the speed of one, for {two_cpu:.2f}× the CPU. The
  reindex process reads and parses the corpus and hands batches of documents to two Whoosh
  writer processes (`MpWriter`), which analyse and write one segment each, kept unmerged
  (merging would re-write every posting on one core), hence the larger index (searches read
  both). {cpu_note}{contention}
* Goal peak memory < 1 GiB: {memory_verdict} (highest process-tree peak {mb(peak)}).

Day to day (`make index` runs an incremental reindex of the same 2-process index):

| run | documents read | added | updated | deleted | unchanged | wall |
|---|---:|---:|---:|---:|---:|---:|
| nothing changed | {unchanged_summary["read"]:,} | {unchanged_summary["added"]} | \
{unchanged_summary["updated"]} | {unchanged_summary["deleted"]} | \
{unchanged_summary["unchanged"]:,} | {unchanged.wall:.0f} s |
| {changes["edited"]} edited, {changes["deleted"]} deleted, {changes["added"]} new files | \
{changed_summary["read"]:,} | {changed_summary["added"]} | {changed_summary["updated"]} | \
{changed_summary["deleted"]} | {changed_summary["unchanged"]:,} | {changed.wall:.0f} s |

An incremental run opens only the files whose size or modification time changed since the
run before (the manifest stored with the index; `search/indexing/manifest.py`), compares
their documents by content hash, and writes only what changed, in one commit.
"""
    print(section)
    if not args.no_record:
        print(f"recorded in {write_section('index', section)}")
    return 0
