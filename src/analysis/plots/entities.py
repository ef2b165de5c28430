"""Entity frequency figures (notebook 01)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.plots.base import (
    label_colour,
)


def entity_bar_chart(frequencies: pd.DataFrame, *, top_n: int = 15, title: str = "") -> Figure:
    """Horizontal bars of the ``top_n`` most mentioned entities, coloured by label.

    Args:
        frequencies: from :func:`analysis.entities.entity_frequencies` (sorted by count).
        top_n: how many entities to show.
        title: the figure title.
    """
    top = frequencies.head(top_n).iloc[::-1]
    labels = sorted(top["label"].unique())
    palette = {label: label_colour(label) for label in labels}
    figure, axes = plt.subplots(figsize=(8, 0.35 * max(len(top), 3) + 1.2))
    axes.barh(top["entity"], top["count"], color=[palette[label] for label in top["label"]])
    for y, count in enumerate(top["count"]):
        axes.text(count, y, f" {count}", va="center", fontsize=8)
    axes.set_xlabel("mentions")
    axes.set_title(title or f"Top {len(top)} entities")
    axes.legend(
        handles=[Patch(color=palette[label], label=label) for label in labels],
        loc="lower right",
        fontsize=8,
        frameon=False,
    )
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
