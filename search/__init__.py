"""Naba: full-text search for Arabic news.

Data flows one way: ``corpus`` (readers) → ``analysis`` (tokens and terms) →
``index`` (the engine writes documents) → ``searching`` (queries, snippets,
facets) → ``web``. Nothing in this package imports Flask.
"""
