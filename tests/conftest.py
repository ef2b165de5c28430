"""Fixtures: every test gets its tables the way users do, through :func:`analysis.pipeline.load`,
with one cache (parses and tables) shared by the whole session."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import pytest

from analysis import paths
from analysis.corpus import Document, load_corpus
from analysis.pipeline import Settings, Tables, load


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """A parse and table cache shared by the session's tests."""
    return tmp_path_factory.mktemp("analysis-cache")


Analyse = Callable[..., Tables]


@pytest.fixture(scope="session")
def analyse(cache_dir) -> Analyse:
    """``analyse(text_or_documents, **settings)``: the tables of one text (document id ``t``)
    or of a list of documents, under :class:`analysis.pipeline.Settings` ``settings``."""

    def run(corpus: str | Sequence[Document], **settings) -> Tables:
        documents = [Document("t", corpus, {}, "t.txt")] if isinstance(corpus, str) else corpus
        return load(documents, Settings(**settings), cache_dir=cache_dir)

    return run


@pytest.fixture(scope="session")
def seed_tables(analyse) -> Tables:
    """The seed corpus's tables."""
    return analyse(load_corpus(paths.SEEDS_DIR))


@pytest.fixture(scope="session")
def assert_same_tables() -> Callable[[Tables, Tables], None]:
    """``assert_same_tables(a, b)``: every table of ``a`` equals that of ``b``, and the texts."""

    def check(a: Tables, b: Tables) -> None:
        for name, left, right in zip(a._fields, a, b, strict=True):
            if isinstance(left, dict):
                assert left == right, name
            else:
                pd.testing.assert_frame_equal(left, right, obj=name)

    return check
