"""Reproducible analysis of news text: entity frequency, sentiment, source attribution, comparison.

One pipeline, in layers; a module imports only from the layers below its own (checked by
``lint-imports``, see ``pyproject.toml``), top to bottom:

- ``cli``: one module per command, thin wrappers over the functions below;
- ``report``: papermill runs, the manifest, the index page;
- ``compare``, ``evaluate``, ``plots``, ``render``, ``export``: corpus-level views;
- ``pipeline``: settings and their key, the analyser (every table of one ``Doc``), the Parquet
  store, the engines; ``pipeline.load(documents, settings)`` gives a corpus's tables;
- ``sentiment``, ``words``; ``attribution``; ``entities``: the analyses, pure functions from a
  ``Doc`` and earlier rows to rows;
- ``parsing``: spaCy ``Doc`` objects, cached by text hash and model;
- ``corpus``: documents and metadata, read and validated;
- ``schema``, ``errors``, ``paths``: table schemas (declared once), constants, errors, folders.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
