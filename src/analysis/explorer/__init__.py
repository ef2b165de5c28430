"""The explorer page, ``outputs/explorer.html``: one self-contained file (no server, no network)
where a colleague picks an entity or a distinctive term and sees its counts per group, its
sentiment with intervals, its speakers and its sentences in context, each tied to its document.

:mod:`~analysis.explorer.data` works out what the page shows from the pipeline's tables (bounded
in size), :mod:`~analysis.explorer.page` renders it with a Jinja2 template (autoescape on; the
data embedded as escaped JSON and put on the page by a script as text, never as markup).
"""

from analysis.explorer.data import (
    DEFAULT_LIMITS,
    FIELDS,
    GROUPING_CANDIDATES,
    Limits,
    data_size,
    explorer_data,
    explorer_groupings,
    to_json,
)
from analysis.explorer.page import build_explorer, write_explorer

__all__ = [
    "DEFAULT_LIMITS",
    "FIELDS",
    "GROUPING_CANDIDATES",
    "Limits",
    "build_explorer",
    "data_size",
    "explorer_data",
    "explorer_groupings",
    "to_json",
    "write_explorer",
]
