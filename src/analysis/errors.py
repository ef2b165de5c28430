"""Errors and warnings with one-line messages that name the file (and row) at fault."""

from __future__ import annotations


class AnalysisError(Exception):
    """Base class for errors the command line reports as a single line, without a traceback."""


class CorpusError(AnalysisError, ValueError):
    """The corpus cannot be read: missing folder, no usable document, bad metadata file."""


class ModelError(AnalysisError):
    """The spaCy model cannot be loaded or cannot process a document."""


class CorpusWarning(UserWarning):
    """A document was skipped, re-decoded or de-duplicated while reading the corpus."""
