"""Run one fuzz target under atheris: ``python -m tests.fuzz TARGET [libFuzzer args…]``.

Examples, from the repository root::

    python -m tests.fuzz query_parser /tmp/new tests/fuzz/seeds/query -max_total_time=600
    python -m tests.fuzz corpus_reader crash-0123abcd      # replay one input

libFuzzer writes the inputs it finds into the *first* corpus folder, so give a scratch
folder first and the committed seeds second (``tests/test_fuzz.py`` does). Crashing
inputs are written to ``-artifact_prefix`` (default: the current folder). The corpus
target writes each input to a file in ``NABA_FUZZ_WORKDIR`` if set, else in a temporary
folder that stays behind (libFuzzer's exit skips Python's clean-up): one small file per
file type.
"""

from __future__ import annotations

import sys

import atheris

#: Modules whose code is instrumented for coverage: Naba's own, and the pure-Python
#: archive modules the corpus readers drive. Without them the fuzzer is blind to how
#: far into a zip or tar header an input got, and would almost never build a valid one.
_INSTRUMENTED = ["search", "zipfile", "tarfile", "gzip"]


def main(argv: list[str] | None = None) -> None:
    """Instrument, import the targets, then hand the remaining arguments to libFuzzer.

    Importing the targets inside ``instrument_imports`` is what gives libFuzzer coverage
    feedback from ``search``: modules imported before it would run uninstrumented.
    """
    args = sys.argv if argv is None else argv
    with atheris.instrument_imports(include=_INSTRUMENTED):
        from tests.fuzz.targets import TARGETS
    if len(args) < 2 or args[1] not in TARGETS:
        names = " | ".join(TARGETS)
        sys.exit(f"usage: python -m tests.fuzz {{{names}}} [libFuzzer options] [CORPUS_DIR…]")
    target, _seeds = TARGETS[args[1]]
    atheris.Setup([args[0], *args[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
