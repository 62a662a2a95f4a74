"""Fixtures shared across test modules."""

from __future__ import annotations

import os

import pytest

from sheetnilai.scorebook import CHECK_SEGMENTS_ENV
from tests.support.corpus import Corpus, make_corpus

# Every chunk of a score book that a table's segment key serves (scorebook.Table.segments)
# is also built from its rows and compared, in every test and the processes it starts: the
# whole suite proves that the keys the tables give stand for their rows.
os.environ.setdefault(CHECK_SEGMENTS_ENV, "1")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A clean, filled, recalculated source folder (tests/support/corpus.py); read only."""
    return make_corpus(tmp_path_factory.mktemp("korpus"))
