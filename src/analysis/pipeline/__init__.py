"""The pipeline: parse, analyse and store a corpus, then read its tables.

``load(documents, settings)`` is the one way to get a corpus's tables: it analyses what is not in
the store yet (:func:`analyse`; local processes or a Dask cluster), then reads every table
(:class:`Tables`). Notebooks, commands, evaluations, scripts and tests all go through it.

Modules: :mod:`~analysis.pipeline.settings` (what the tables depend on, and their key),
:mod:`~analysis.pipeline.analyser` (every table of one ``Doc``), :mod:`~analysis.pipeline.store`
(Parquet partitions by text hash), :mod:`~analysis.pipeline.engine` (who parses and analyses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from analysis.pipeline.engine import DEFAULT_BATCH_WORDS, ENGINES, Run, analyse, load, pending
from analysis.pipeline.settings import Settings, code_digest
from analysis.pipeline.store import Tables, read

if TYPE_CHECKING:
    from analysis.pipeline.analyser import Analyser

# The analyser needs spaCy (0.6 s to import); reading a stored corpus does not.
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={"analyser": ["Analyser"]})

__all__ = [
    "DEFAULT_BATCH_WORDS",
    "ENGINES",
    "Analyser",
    "Run",
    "Settings",
    "Tables",
    "analyse",
    "code_digest",
    "load",
    "pending",
    "read",
]
