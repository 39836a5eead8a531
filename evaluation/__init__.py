"""Retrieval-quality evaluation: Naba's analysis against five baselines on Arabic test collections.

``python -m evaluation`` indexes every collection once per system (in memory),
runs each question through the query path a user's words take
(:func:`search.query.parse_query` → ``engine.search``), scores the rankings with
``ir_measures`` and writes ``docs/quality.md``, ``docs/quality.json`` and the
per-question results in ``docs/quality-runs/``.

Modules: :mod:`.collections` reads the test collections from ``../shared/eval``,
:mod:`.stemmers` holds the baselines' stemmers (light10 written here),
:mod:`.systems` the six systems (analyzer + engine each), :mod:`.harness` runs
and scores them, :mod:`.report` writes the results.
"""

from .harness import CollectionResult, SystemResult, evaluate

__all__ = ["CollectionResult", "SystemResult", "evaluate"]
