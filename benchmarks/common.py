"""What every benchmark shares: the ANT corpus unpacked, the machine, and the report file.

Figures only mean something next to the machine and the date they were measured on,
and next to a baseline measured in the same run (other work on the machine makes
absolute timings noisy; ratios hold up). So each benchmark records its own section of
``docs/benchmarks.md`` with :func:`machine_info`, and replaces only that section
(between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``), so the benchmarks can
be run one at a time without erasing each other's results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ANT_ARCHIVE = SHARED / "data" / "ant-v2.1.tar.gz"
REPORT = ROOT / "docs" / "benchmarks.md"

_HEADER = """# Benchmarks

Measured with `python -m benchmarks [analysis|index|query]` (all three when no name is
given; `python -m benchmarks.load` measures the web server; `make bench-scale` runs
`python -m benchmarks.scale` on ANT and ANT × 10, then the load test on the 10× index).
Each section is rewritten by its own benchmark, with the machine and date it ran on.
Baselines (stock Whoosh) are measured in the same run as Naba, because other work on a
shared machine makes absolute figures noisy: compare the ratios.
"""


@contextlib.contextmanager
def unpacked_ant(archive: Path = ANT_ARCHIVE) -> Iterator[Path]:
    """ANT unpacked into a temporary folder (removed afterwards): one file per article,
    as a user's corpus folder would be, so indexing reads real files from disk."""
    if not archive.is_file():
        raise SystemExit(f"error: the ANT corpus is expected at {archive}")
    with tempfile.TemporaryDirectory(prefix="naba-ant-") as tmp:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def cpu_model() -> str:
    """The CPU's marketing name from ``/proc/cpuinfo`` (or what ``platform`` knows)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text("utf-8", "replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    """Total memory in GiB from ``/proc/meminfo``."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text("utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1 << 20)
    return None


def git_commit() -> str | None:
    """The checked-out commit (``+changes`` if the tree has uncommitted changes), so a
    figure can be traced to the code that produced it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+changes" if commit and dirty else commit or None


def machine_info() -> dict[str, str]:
    """CPU, cores, memory, OS, Python, Whoosh, commit and date of this run."""
    import whoosh

    memory = memory_gib()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.1f} GiB" if memory else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "whoosh": whoosh.versionstring(),
        "commit": git_commit() or "unknown",
    }


def machine_line(info: dict[str, str] | None = None) -> str:
    """One Markdown line describing the machine, for the top of a section."""
    i = info or machine_info()
    return (
        f"*{i['date']} — {i['cpu']}, {i['cores']} cores, {i['memory']} RAM, {i['os']}, "
        f"Python {i['python']}, Whoosh {i['whoosh']}, commit {i['commit']}.*"
    )


def write_section(name: str, markdown: str, report: Path = REPORT) -> Path:
    """Replace (or append) the ``name`` section of ``docs/benchmarks.md``.

    Only the text between this benchmark's markers changes, so each benchmark can be
    run on its own. The file is written to a temporary name and renamed, so an
    interrupted run never leaves it half-written.
    """
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = report.read_text("utf-8") if report.exists() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    tmp = report.with_name(f".{report.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, report)
    return report


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (benchmarks print the same table they record)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def smaps_rollup(pid: int | str = "self") -> dict[str, int]:
    """``/proc/PID/smaps_rollup`` in bytes (Rss, Pss, Private_Clean, Anonymous…)."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if len(parts) == 2 and parts[1] == "kB":
                out[name] = int(parts[0]) * 1024
    out["Private"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    out["Shared"] = out.get("Shared_Clean", 0) + out.get("Shared_Dirty", 0)
    out["File"] = out.get("Rss", 0) - out.get("Anonymous", 0)
    return out
