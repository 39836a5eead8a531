"""Full-text engines behind one small interface (:mod:`.base`); Whoosh is the default."""

from .base import (
    Clause,
    Engine,
    EngineHit,
    EngineQuery,
    EngineResult,
    EngineWriter,
    FacetSpec,
    Filters,
    Group,
    IndexStats,
    Mode,
    Phrase,
    Sort,
    StoredDocument,
    Word,
)
from .whoosh_engine import WhooshEngine

__all__ = [
    "Clause",
    "Engine",
    "EngineHit",
    "EngineQuery",
    "EngineResult",
    "EngineWriter",
    "FacetSpec",
    "Filters",
    "Group",
    "IndexStats",
    "Mode",
    "Phrase",
    "Sort",
    "StoredDocument",
    "WhooshEngine",
    "Word",
]
