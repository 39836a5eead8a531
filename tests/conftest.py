"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SEEDS


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"the seed articles are expected in {SEEDS}"
    return SEEDS
