"""Naba's benchmarks: ``python -m benchmarks [analysis|index|query]``.

Each benchmark measures Naba next to a baseline in the same run, prints a table and
records it in its own section of ``docs/benchmarks.md`` (see :mod:`benchmarks.common`).
The package imports ``search``; ``search`` never imports it.
"""
