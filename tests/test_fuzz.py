"""Coverage-guided fuzzing of the corpus readers and the query parser (``tests/fuzz``).

Each target runs under atheris in a subprocess for ``NABA_FUZZ_SECONDS`` (20 by default,
so ``make test`` stays quick; ``make fuzz`` sets 600). A subprocess because libFuzzer
owns the process it runs in: it exits on the first crash, and instrumentation would
slow every other test down. The committed seeds are given read-only (as the second
corpus folder); what the run finds goes to a scratch folder and is thrown away, and a
crashing input is kept under ``tmp_path`` and named in the failure message.

The seeds are also run once through each target in this process, so a seed that stops
being a valid input (or a kept crash that is not fixed yet) fails fast and plainly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.targets import TARGETS
from tests.support import ROOT

SECONDS = int(os.environ.get("NABA_FUZZ_SECONDS", "20"))
#: An input that takes longer is a hang or a blow-up (fuzz inputs are a few KB at most).
TIMEOUT_SECONDS = 10
RSS_LIMIT_MB = 2048
#: A run shorter than this many inputs did not really fuzz (startup alone is ~1 s).
MIN_RUNS = 100
SEEDS = Path(__file__).parent / "fuzz" / "seeds"
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_TAIL_LINES = 80


def _seed_files(folder: str) -> list[Path]:
    return sorted(p for p in (SEEDS / folder).iterdir() if p.is_file())


#: (target, seed file) for every committed seed: one test each, so a failure names its file.
_SEEDS = [
    (target, seed) for target, (_f, folder) in TARGETS.items() for seed in _seed_files(folder)
]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_target_has_seeds(target: str) -> None:
    """A target without seeds starts from nothing and fuzzes far less in its few seconds."""
    folder = TARGETS[target][1]
    assert len(_seed_files(folder)) >= 5, f"expected seed files in {SEEDS / folder}"


@pytest.mark.parametrize(("target", "seed"), _SEEDS, ids=[f"{t}/{s.name}" for t, s in _SEEDS])
def test_seed(target: str, seed: Path) -> None:
    """The seed runs through its target in-process: a valid input, or (``crash-*``) a kept
    regression that passes once its bug is fixed."""
    function, _folder = TARGETS[target]
    function(seed.read_bytes())


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_fuzz(target: str, tmp_path: Path) -> None:
    """Fuzz ``target`` for ``NABA_FUZZ_SECONDS``: it must end cleanly, having run inputs."""
    _function, folder = TARGETS[target]
    found = tmp_path / "corpus"  # libFuzzer adds new inputs to the first folder only
    artifacts = tmp_path / "artifacts"
    found.mkdir()
    artifacts.mkdir()
    command = [
        sys.executable,
        "-m",
        "tests.fuzz",
        target,
        str(found),
        str(SEEDS / folder),
        f"-max_total_time={SECONDS}",
        f"-timeout={TIMEOUT_SECONDS}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-artifact_prefix={artifacts}{os.sep}",
        "-print_final_stats=1",
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "NABA_FUZZ_WORKDIR": str(tmp_path / "work")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream: atheris' traceback next to libFuzzer's report
        text=True,
        errors="replace",
        timeout=SECONDS + 300,  # startup, instrumentation, one last slow input
    )
    output = result.stdout
    lines = [line for line in output.splitlines() if not line.startswith("INFO: Instrumenting")]
    tail = "\n".join(lines[-_TAIL_LINES:])
    crashes = sorted(str(p) for p in artifacts.iterdir())
    replay = f"{sys.executable} -m tests.fuzz {target} ARTIFACT"
    assert result.returncode == 0 and not crashes, (
        f"fuzzing {target} failed (exit status {result.returncode}).\n"
        f"artifacts: {crashes or 'none written'} (replay one with: {replay}; keep it as a "
        f"regression under {SEEDS / folder})\n--- output tail ---\n{tail}"
    )
    done = _DONE.search(output)
    assert done, f"no 'Done N runs' line: did {target} fuzz at all?\n{tail}"
    runs, seconds = int(done.group(1)), int(done.group(2))
    assert runs > MIN_RUNS, f"{target} ran only {runs} inputs in {seconds} s\n{tail}"
    print(f"{target}: {runs} runs in {seconds} s ({runs / max(seconds, 1):.0f}/s)")
