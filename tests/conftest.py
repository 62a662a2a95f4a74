"""Fixtures shared across test modules."""

from __future__ import annotations

import pytest

from tests.support.corpus import Corpus, make_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A clean, filled, recalculated source folder (tests/support/corpus.py); read only."""
    return make_corpus(tmp_path_factory.mktemp("korpus"))
