"""Render the explorer page from its data with the template ``templates/explorer.html.j2``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from analysis.corpus import Document
from analysis.explorer.data import DEFAULT_LIMITS, Limits, explorer_data, to_json
from analysis.paths import write_if_changed
from analysis.pipeline import Tables
from analysis.templating import environment

TEMPLATE = "explorer.html.j2"

_TEMPLATES = environment("analysis.explorer", keep_trailing_newline=True)


def build_explorer(
    documents: Sequence[Document],
    tables: Tables,
    *,
    corpus: str = "",
    groupings: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    seed: int = 0,
) -> str:
    """The page's HTML (same corpus and tables, same bytes).

    Args:
        documents: the corpus.
        tables: its tables.
        corpus: the corpus as the user named it, shown on the page.
        groupings: the groupings to offer; default every metadata grouping the corpus allows
            (:func:`analysis.explorer.explorer_groupings`).
        limits: how much the page keeps (:class:`analysis.explorer.Limits`).
        seed: seeds the bootstrap intervals.
    """
    data = explorer_data(
        documents, tables, groupings=groupings, limits=limits, seed=seed, corpus=corpus
    )
    return render_page(data)


def render_page(data: dict[str, Any]) -> str:
    """The page for :func:`analysis.explorer.explorer_data`'s data. The JSON is escaped so that
    nothing in it can end its ``<script>`` element (:func:`analysis.explorer.to_json`)."""
    return _TEMPLATES.get_template(TEMPLATE).render(
        corpus=data["corpus"], data_json=Markup(to_json(data))
    )


def write_explorer(path: str | os.PathLike[str], html: str) -> bool:
    """Write the page to ``path`` unless it already has the same content; True if written."""
    return write_if_changed(path, html)
