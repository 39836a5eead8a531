"""Coverage-guided fuzzing (atheris/libFuzzer) of the corpus readers and the query parser.

Both take input nobody controls: corpus files come from crawlers, exports and archives of
unknown quality, and queries are whatever a reader types or a bot sends. Their contract is
"report, never raise", so any uncaught exception a fuzzer finds is a bug.

* :mod:`tests.fuzz.targets`: the targets, plain functions of ``bytes`` (importable without
  atheris, so the seeds can be checked in-process by ``tests/test_fuzz.py``);
* ``python -m tests.fuzz TARGET [libFuzzer options] [CORPUS_DIR…]``: run one under atheris;
* ``seeds/query`` and ``seeds/corpus``: the starting inputs, and found crashes kept as
  regressions.

``make test`` runs each target for ``NABA_FUZZ_SECONDS`` (20 by default); ``make fuzz``
runs them for ten minutes each.
"""
