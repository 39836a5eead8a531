"""Arabic text analysis shared by indexing, querying and highlighting.

``normalize`` folds spelling variants, ``stem`` removes affixes, ``stopwords``
knows the function words, and ``analyzers`` composes them: a token pattern and
:func:`word_forms`, which every engine indexes with, plus :func:`analyze`,
which shows the same pipeline token by token. Plain Python: an engine adapts
it to its own machinery (``search/engine/whoosh_analysis.py``).
"""

from .analyzers import (
    TOKEN_PATTERN,
    AnalyzedToken,
    WordForms,
    analyze,
    find_words,
    term_of,
    word_forms,
)
from .normalize import fold, normalize, prepare, strip_marks
from .stem import light_stem
from .stopwords import is_stopword, stopwords

__all__ = [
    "TOKEN_PATTERN",
    "AnalyzedToken",
    "WordForms",
    "analyze",
    "find_words",
    "fold",
    "is_stopword",
    "light_stem",
    "normalize",
    "prepare",
    "stopwords",
    "strip_marks",
    "term_of",
    "word_forms",
]
