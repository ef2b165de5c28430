"""Trend figures (notebook 05, :mod:`analysis.trends`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.base import (
    TAB10,
    no_data_figure,
)


def trend_chart(
    table: pd.DataFrame,
    *,
    value: str = "per_1000",
    band: tuple[str, str] = ("low", "high"),
    series: str | None = "entity",
    few: str = "few_documents",
    ylabel: str = "mentions per 1,000 words",
    title: str = "",
) -> Figure:
    """A line per series over the periods with its interval as a band, one panel per group.

    Periods marked ``few`` (few documents or mentions) get hollow markers, and an empty period
    is a gap in the line, not a point on it.

    Args:
        table: from :func:`analysis.trends.entity_trends` (or ``voice_trends`` with
            ``series=None``, ``sentiment_trends`` with ``value="mean"``,
            ``band=("ci_low", "ci_high")``, ``few="few_mentions"``).
        value: the column drawn.
        band: the interval's columns.
        series: the column that tells the lines apart; None for one line.
        few: the boolean column that marks thin periods.
        ylabel: the y axis label.
        title: the figure title.
    """
    if table.empty:
        return no_data_figure(title or "Trend", "no dated documents")
    groups = list(dict.fromkeys(table["group"]))
    periods = list(dict.fromkeys(table["period"]))
    names = list(dict.fromkeys(table[series])) if series else [value]
    columns = 1 if len(groups) <= 3 else 2
    rows = -(-len(groups) // columns)
    figure, axes_grid = plt.subplots(
        rows, columns, figsize=(9 if columns == 1 else 13, 2.6 * rows + 1), sharex=True,
        sharey=True, squeeze=False,
    )  # fmt: skip
    axes_list = axes_grid.ravel()
    for unused in axes_list[len(groups) :]:
        unused.set_visible(False)
    position = {period: i for i, period in enumerate(periods)}
    for axes, group in zip(axes_list, groups, strict=False):
        part = table[table["group"] == group]
        for k, name in enumerate(names):
            line = part[part[series] == name] if series else part
            full = line.set_index("period").reindex(periods)
            x = range(len(periods))
            colour = TAB10[k % len(TAB10)]
            axes.plot(x, full[value].astype("float64"), color=colour, label=name, linewidth=1.6)
            axes.fill_between(
                x,
                full[band[0]].astype("float64"),
                full[band[1]].astype("float64"),
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
            thin = line[line[few].astype(bool)] if few in line else line.iloc[:0]
            solid = line.drop(thin.index)
            axes.scatter([position[p] for p in solid["period"]], solid[value], color=colour, s=14)
            axes.scatter(
                [position[p] for p in thin["period"]],
                thin[value],
                facecolors="white",
                edgecolors=[colour],
                s=18,
                zorder=3,
            )
        axes.set_title(str(group), fontsize=10, loc="left")
        axes.set_ylabel(ylabel, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    step = max(1, len(periods) // 12)
    for axes in axes_list[: len(groups)]:
        axes.set_xticks(range(0, len(periods), step))
        axes.set_xticklabels(periods[::step], rotation=45, ha="right", fontsize=8)
        axes.tick_params(labelbottom=True)
    handles, labels = axes_list[0].get_legend_handles_labels()
    if series:
        handles.append(
            plt.Line2D([], [], marker="o", linestyle="", markerfacecolor="white", color="0.3")
        )
        labels.append("few documents" if few == "few_documents" else "few mentions")
        figure.legend(handles, labels, loc="upper right", fontsize=8, frameon=False)
    figure.suptitle(title or "Over time", x=0.01, ha="left")
    figure.tight_layout(rect=(0, 0, 0.8 if series else 1, 0.97))
    return figure
