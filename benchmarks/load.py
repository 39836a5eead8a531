"""``python -m benchmarks.load``: the production server under many concurrent readers.

    python -m benchmarks.load [--index DIR] [--clients 50] [--seconds 60] [--workers 2]

Starts ``python -m web`` (gunicorn, the production server) on a free loopback port with
``NABA_INDEX`` on an ANT index and rate limiting off (one load generator is one client
address: with limits on, it would only measure 429s), waits for ``/healthz``, then runs
locust headless: ``--clients`` simulated readers for ``--seconds``, each picking requests
from a fixed mix and pausing ``--think`` seconds (on average) between them, as a reader
reads results before the next search. ``--think 0`` measures saturation throughput
instead (every client fires as fast as it is answered, so latency is mostly queueing).

The mix is what the site serves: the queries of ``benchmarks.query`` (single words, two
and three words, quoted phrases, pasted headlines, source filters, newest/oldest),
requested as ``/api/search``, as full ``/search`` pages and as htmx fragments
(``HX-Request: true``), some for page 2, plus ``/api/suggest`` prefixes as typed in the
search box. Everything stays on 127.0.0.1, and both processes are bounded in time: locust
stops itself after ``--seconds``, and both are killed if they overrun.

Requests/s, latency percentiles and the error count go to the ``load`` section of
docs/benchmarks.md. The goal is 0 errors and p95 ≤ 150 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
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
from benchmarks.index import _children
from benchmarks.query import make_queries

GOAL_P95_MS = 150.0
SEED = 20180201

#: Share of each kind of request in the mix (the names locust reports them under).
MIX = {
    "api search": 0.30,
    "page (full)": 0.15,
    "page (htmx)": 0.25,
    "page 2 (htmx)": 0.05,
    "api search page 2": 0.05,
    "api suggest": 0.20,
}

#: The locust file, written next to the request list. It stays tiny and generic: the
#: requests are decided here, so every run with the same seed sends the same mix.
LOCUSTFILE = """
import json, os, random
from locust import HttpUser, between, constant, task

REQUESTS = json.load(open(os.environ["NABA_LOAD_REQUESTS"], encoding="utf-8"))
THINK = float(os.environ.get("NABA_LOAD_THINK", "1"))


class Reader(HttpUser):
    wait_time = between(THINK / 2, THINK * 3 / 2) if THINK > 0 else constant(0)

    @task
    def one(self):
        name, path, headers = random.choice(REQUESTS)
        self.client.get(path, headers=headers, name=name)
"""


def request_mix(count: int = 1000) -> list[tuple[str, str, dict[str, str]]]:
    """``count`` (name, path, headers) requests in the proportions of :data:`MIX`."""
    from search.corpus import read_corpus

    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    titles, source_counts = [], Counter[str]()
    for doc in read_corpus([ANT_ARCHIVE]):
        titles.append(doc.title)
        source_counts.update(doc.sources)
    queries = make_queries(titles, [s for s, _ in source_counts.most_common()], 200)
    rng = random.Random(SEED)
    words = [q.params["q"] for q in queries if q.kind == "1 word"]
    htmx = {"HX-Request": "true"}
    requests: list[tuple[str, str, dict[str, str]]] = []
    for name, share in MIX.items():
        for _ in range(round(share * count)):
            if name == "api suggest":  # a word as it is typed: 2 letters up to the whole
                word = rng.choice(words).strip('"')
                prefix = word[: rng.randint(2, max(2, len(word)))]
                requests.append((name, "/api/suggest?" + urlencode({"q": prefix}), {}))
                continue
            params = dict(rng.choice(queries).params)
            if "page 2" in name:
                params["page"] = 2
            query = urlencode(params, doseq=True)
            if name.startswith("api"):
                requests.append((name, f"/api/search?{query}", {}))
            else:
                requests.append((name, f"/search?{query}", htmx if "htmx" in name else {}))
    rng.shuffle(requests)
    return requests


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def ant_index(given: str | None) -> Iterator[Path]:
    """The index root to serve: the one given, or ANT indexed into a temporary folder
    the way a user builds one (``python -m search reindex … --full``)."""
    if given:
        yield Path(given)
        return
    with unpacked_ant() as ant, tempfile.TemporaryDirectory(prefix="naba-bench-load-") as tmp:
        print("indexing ANT (use --index DIR to reuse an index) …", file=sys.stderr, flush=True)
        index = Path(tmp) / "index"
        command = [sys.executable, "-m", "search", "reindex", str(ant), "--index", str(index)]
        subprocess.run([*command, "--full"], cwd=ROOT, check=True, timeout=3600)
        yield index


@contextlib.contextmanager
def server(
    index: Path | str, workers: int, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """``python -m web`` on a free loopback port, ready (``/healthz`` is 200); stopped
    (SIGTERM to its process group, then SIGKILL) however the block ends. ``index`` is
    any index location; ``extra_env`` more settings (``NABA_INDEX_REPLICAS``)."""
    port = free_port()
    env = {**os.environ, "NABA_INDEX": str(index), "NABA_RATE_LIMIT": "off", **(extra_env or {})}
    command = [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so the workers are stopped with it
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"error: the server exited; see {log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{base}/healthz", timeout=2) as response,
            ):
                if response.status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"error: the server did not get ready in 60 s; see {log}")
            time.sleep(0.2)
        # Open the index in every worker before timing (one warm-up per worker is likely).
        for _ in range(4 * workers):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/api/search?q=test", timeout=10).close()
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _documents(base: str) -> int:
    """How many documents the server's index holds (its ``/api/stats``)."""
    with urllib.request.urlopen(f"{base}/api/stats", timeout=60) as response:
        return int(json.loads(response.read())["documents"])


def run_locust(base: str, folder: Path, clients: int, seconds: int, think: float) -> Path:
    """Run locust headless against ``base``; returns its ``*_stats.csv``."""
    requests_file = folder / "requests.json"
    requests_file.write_text(json.dumps(request_mix(), ensure_ascii=False), "utf-8")
    locustfile = folder / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, "utf-8")
    prefix = folder / "locust"
    env = {**os.environ, "NABA_LOAD_REQUESTS": str(requests_file), "NABA_LOAD_THINK": str(think)}
    command = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless"]
    command += ["-u", str(clients), "-r", str(clients), "-t", f"{seconds}s", "--host", base]
    command += ["--csv", str(prefix), "--only-summary", "--stop-timeout", "10"]
    command += ["--loglevel", "WARNING"]
    # locust exits 1 when a request failed: the CSV says how many, so that is not fatal.
    subprocess.run(command, env=env, timeout=seconds + 120, check=False)
    stats = prefix.with_name("locust_stats.csv")
    if not stats.is_file():
        raise SystemExit("error: locust wrote no statistics")
    return stats


def read_stats(path: Path) -> list[dict[str, str]]:
    """locust's rows (one per request name, then ``Aggregated``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def server_memory() -> dict[str, list[dict[str, int]]]:
    """``smaps_rollup`` of the server started by :func:`server` (this process's only
    child) and of each of its workers."""
    masters = _children(os.getpid())
    if len(masters) != 1:
        raise SystemExit(f"error: cannot tell the server's process among {masters}")
    return {
        "master": [smaps_rollup(masters[0])],
        "workers": [smaps_rollup(pid) for pid in _children(masters[0])],
    }


def report(
    rows: list[dict[str, str]],
    info: dict[str, str],
    args: argparse.Namespace,
    cores: int,
    load: tuple[float, float],
    memory: dict[str, list[dict[str, int]]],
) -> str:
    """The Markdown section: a table per request kind and the verdict against the goal."""

    def row(r: dict[str, str]) -> list[str]:
        return [
            "**all**" if r["Name"] == "Aggregated" else r["Name"],
            f"{int(r['Request Count']):,}",
            f"{float(r['Requests/s']):.1f}",
            r["50%"],
            r["95%"],
            r["99%"],
            r["Max Response Time"].split(".")[0],
            r["Failure Count"],
        ]

    body = [row(r) for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    header = ["requests", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]
    p95, errors = float(total["95%"]), int(total["Failure Count"])
    met = p95 <= GOAL_P95_MS and errors == 0
    think = f"{args.think:g} s think time on average" if args.think else "no think time"
    workers = memory["workers"]
    pss = sum(m["Pss"] for m in memory["master"] + workers)
    anonymous = ", ".join(f"{m['Anonymous'] / 1e9:.2f} GB" for m in workers)
    options = "" if args.section == "load" else f" --section {args.section}"
    return "\n".join(
        [
            f"## Load: the production server under concurrent readers{args.title}",
            "",
            machine_line(info),
            "",
            f"`python -m benchmarks.load --clients {args.clients} --seconds {args.seconds} "
            f"--workers {args.workers} --think {args.think:g}{options}`: gunicorn "
            f"(`python -m web`, {args.workers} sync workers, rate limiting off) on {args.label}, "
            "driven over "
            f"loopback by locust ({args.clients} simulated readers, {think}) for "
            f"{args.seconds} s on the same {cores}-core machine, so locust's own CPU is "
            "taken from the server. Percentiles are locust's (rounded to 2 significant "
            "digits above 100 ms). Load average (1 min) of the machine just before and "
            f"after the run: {load[0]:.2f} / {load[1]:.2f} (above ~0.5 before means other "
            "work was sharing the cores and the figures are pessimistic).",
            "",
            table(header, [*body, row(total)]),
            "",
            f"Goal: 0 errors and p95 ≤ {GOAL_P95_MS:.0f} ms: **{'met' if met else 'not met'}** "
            f"({errors} errors, p95 {p95:.0f} ms, {float(total['Requests/s']):.1f} requests/s).",
            "",
            f"The server's memory after the run (`/proc/PID/smaps_rollup`): **{pss / 1e9:.2f} GB** "
            f"in all (Pss of the master and its {len(workers)} workers: pages the workers share, "
            f"such as the index files, counted once); each worker's anonymous memory: {anonymous}.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--index", help="an ANT index root to serve (default: build one)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent readers")
    parser.add_argument("--seconds", type=int, default=60, help="how long to run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a reader's requests (s)"
    )
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--section",
        default="load",
        help="the docs/benchmarks.md section to write (default: load; "
        "load-scale for the index of `benchmarks.scale --keep DIR`)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 1 <= args.seconds <= 600:
        parser.error("--clients must be 1–500 and --seconds 1–600")
    if not re.fullmatch(r"[a-z0-9-]+", args.section):
        parser.error("--section must be lower-case letters, digits and hyphens")
    args.label, args.title = "the ANT index", ""

    info = machine_info()
    load_before = os.getloadavg()[0]
    with ant_index(args.index) as index, tempfile.TemporaryDirectory(prefix="naba-load-") as tmp:
        folder = Path(tmp)
        with server(index, args.workers, folder / "server.log") as base:
            print(f"{args.clients} clients for {args.seconds} s on {base} …", file=sys.stderr)
            stats = run_locust(base, folder, args.clients, args.seconds, args.think)
            memory = server_memory()
            rows = read_stats(stats)
            documents = _documents(base)
        if args.index:
            args.label = f"an index of {documents:,} documents (`{Path(args.index).name}`)"
            args.title = f" ({documents:,} documents)"
    load = (load_before, os.getloadavg()[0])
    markdown = report(rows, info, args, os.cpu_count() or 1, load, memory)
    print(markdown)
    if not args.no_record:
        print(f"recorded in {write_section(args.section, markdown)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
