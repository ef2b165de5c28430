"""Reproducible analysis of news text: entity frequency, sentiment, source attribution, comparison.

Data flow: ``corpus`` (read and validate documents) -> ``annotate`` (parse once with spaCy, cached)
-> tidy tables -> one module per analysis (``entities`` ...) -> notebooks and the ``analysis`` CLI.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
