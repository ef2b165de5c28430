"""Source attribution figures (notebook 03)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.plots.base import (
    KIND_COLOURS,
)


def speaker_bar_chart(speakers: pd.DataFrame, *, top_n: int = 10, title: str = "") -> Figure:
    """Horizontal bars of the ``top_n`` speakers with most attributions, stacked by kind.

    Args:
        speakers: from :func:`analysis.attribution.speaker_table` (sorted by attributions), with
            columns ``speaker, attributions, direct, partial, indirect``.
        top_n: how many speakers to show.
        title: the figure title.

    Returns:
        A figure with one bar per speaker and kind (three containers of ``top_n`` bars at most).
    """
    top = speakers.head(top_n).iloc[::-1]
    figure, axes = plt.subplots(figsize=(8, 0.35 * max(len(top), 3) + 1.2))
    left = pd.Series(0, index=top.index)
    for kind, colour in KIND_COLOURS.items():
        axes.barh(top["speaker"], top[kind], left=left, color=colour, label=kind, height=0.7)
        left = left + top[kind]
    for y, total in enumerate(top["attributions"]):
        axes.text(total, y, f" {total}", va="center", fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(1, top["attributions"].max() if len(top) else 1) * 1.08)
    axes.set_xlabel("attributions")
    axes.set_title(title or f"Top {len(top)} speakers")
    # Outside the axes, so it never hides a bar whatever the counts.
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
