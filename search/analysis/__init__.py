"""Arabic text analysis shared by indexing, querying and highlighting.

``normalize`` folds spelling variants, ``stem`` removes affixes, ``stopwords``
knows the function words, and ``analyzers`` composes them into the Whoosh
analyzers the index uses plus :func:`analyze`, which shows the same pipeline
token by token.
"""

from .analyzers import (
    TOKEN_PATTERN,
    AnalyzedToken,
    ArabicFilter,
    WordForms,
    analyze,
    exact_analyzer,
    stemmed_analyzer,
    word_forms,
)
from .normalize import fold, normalize, prepare, strip_marks
from .stem import light_stem
from .stopwords import is_stopword, stopwords

__all__ = [
    "TOKEN_PATTERN",
    "AnalyzedToken",
    "ArabicFilter",
    "WordForms",
    "analyze",
    "exact_analyzer",
    "fold",
    "is_stopword",
    "light_stem",
    "normalize",
    "prepare",
    "stemmed_analyzer",
    "stopwords",
    "strip_marks",
    "word_forms",
]
