"""Sentiment figures (notebook 02)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch


def sentence_sentiment_chart(sentences: pd.DataFrame, *, title: str = "") -> Figure:
    """VADER compound of every sentence in reading order, one bar per sentence, coloured by
    polarity, one panel per document (up to six).

    Args:
        sentences: from :func:`analysis.sentiment.sentence_sentiment`.
        title: the figure title.
    """
    documents = list(dict.fromkeys(sentences["doc_id"]))[:6]
    colours = {-1: "#c0392b", 0: "#95a5a6", 1: "#2e86c1"}
    figure, axes_list = plt.subplots(
        len(documents) or 1, 1, figsize=(9, 2.6 * max(len(documents), 1)), squeeze=False
    )
    for axes, doc_id in zip(axes_list[:, 0], documents, strict=False):
        rows = sentences[sentences["doc_id"] == doc_id]
        axes.bar(
            rows["sent_id"],
            rows["compound"],
            color=[colours[int(p)] for p in rows["polarity"]],
            width=0.8,
        )
        axes.axhline(0, color="black", linewidth=0.6)
        axes.set_ylim(-1, 1)
        axes.set_ylabel("compound")
        axes.set_title(str(doc_id), fontsize=9, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
    axes_list[-1, 0].set_xlabel("sentence (reading order)")
    axes_list[0, 0].legend(
        handles=[
            Patch(color=colours[1], label="positive"),
            Patch(color=colours[0], label="neutral"),
            Patch(color=colours[-1], label="negative"),
        ],
        loc="upper right",
        fontsize=8,
        frameon=False,
        ncols=3,
    )
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def entity_sentiment_chart(
    entity_table: pd.DataFrame, *, top_n: int = 10, title: str = ""
) -> Figure:
    """Mean targeted sentiment of the most mentioned entities, in the author's voice and in
    quotations side by side.

    Args:
        entity_table: from :func:`analysis.sentiment.entity_sentiment` (with voices).
        top_n: how many entities.
        title: the figure title.
    """
    top = entity_table.head(top_n).iloc[::-1].reset_index(drop=True)
    figure, axes = plt.subplots(figsize=(8, 0.45 * max(len(top), 3) + 1.3))
    if top.empty:
        axes.text(0.5, 0.5, "no data", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    positions = range(len(top))
    height = 0.38
    voices = [
        ("author_mean", "author", "#34495e", -height / 2),
        ("quoted_mean", "quoted", "#e67e22", height / 2),
    ]
    for column, label, colour, offset in voices:
        values = top[column].astype("float64").fillna(0.0)
        axes.barh([p + offset for p in positions], values, height=height, color=colour, label=label)
    axes.set_yticks(list(positions))
    axes.set_yticklabels(
        [f"{e} ({m})" for e, m in zip(top["entity"], top["mentions"], strict=True)]
    )
    axes.axvline(0, color="black", linewidth=0.6)
    axes.set_xlim(-1, 1)
    axes.set_xlabel("mean targeted sentiment (-1 negative … 1 positive); (mentions)")
    axes.set_title(title or f"Sentiment toward the top {len(top)} entities")
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
