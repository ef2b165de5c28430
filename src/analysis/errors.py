"""Errors and warnings with one-line messages that name the file (and row) at fault."""

from __future__ import annotations


class AnalysisError(Exception):
    """Base class for errors the command line reports as a single line, without a traceback."""


class CorpusError(AnalysisError, ValueError):
    """The corpus cannot be read: missing folder, no usable document, bad metadata file."""


class ModelError(AnalysisError):
    """The spaCy model cannot be loaded or cannot process a document."""


class GroupingError(AnalysisError, ValueError):
    """A grouping cannot split the corpus: an unknown ``--by``, a missing metadata column or
    date, a groups file that cannot be read."""


class GoldFileError(AnalysisError, ValueError):
    """A file of human annotations (brat standoff, NewsMTSC, VADER's snippets, a labelled
    sample) is missing or malformed."""


class ModelFileError(AnalysisError):
    """The packaged targeted-sentiment model or its word table is missing, malformed or does
    not match."""


class DataFileError(AnalysisError, ValueError):
    """A user-editable data file (entity overrides) is missing or malformed."""


class EngineError(AnalysisError):
    """The analysis engine cannot run as asked: an unknown engine, bad batch sizes, no Dask
    scheduler or worker."""


class CacheWarning(UserWarning):
    """A cache entry could not be read: it is removed and computed again."""


class CorpusWarning(UserWarning):
    """A document was skipped, re-decoded or de-duplicated while reading the corpus."""
