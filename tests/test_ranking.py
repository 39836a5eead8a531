"""One ranking for every engine (``search/engine/ranking.py``): the PostgreSQL engine
scores with the field-length scale the embedded engine's index format keeps."""

from __future__ import annotations

from whoosh.util.numeric import byte_to_length, length_to_byte

from search.engine.ranking import LENGTHS, quantised


def test_lengths_are_quantised_as_the_embedded_engine_keeps_them() -> None:
    assert len(LENGTHS) == 256 and LENGTHS[:4] == [0, 1, 2, 3]
    for length in [*range(0, 3000), *range(3000, 250_000, 97)]:
        assert quantised(length) == byte_to_length(length_to_byte(length)), length
