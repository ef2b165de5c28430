from __future__ import annotations

import pytest

from analysis import paths
from analysis.annotate import annotate
from analysis.corpus import load_corpus


@pytest.fixture(scope="session")
def seed_annotations(tmp_path_factory):
    """The seed corpus parsed once per test session, with a cache of its own."""
    cache = tmp_path_factory.mktemp("parse-cache")
    return annotate(load_corpus(paths.SEEDS_DIR), cache_dir=cache)
