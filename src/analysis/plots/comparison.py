"""Comparison figures (notebook 04, :mod:`analysis.compare`): entity shares per group,
distinctive words, sentiment intervals per group."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.base import (
    GROUP_COLOURS,
    GROUP_MARKERS,
    group_legend,
    groups_in_order,
    no_data_figure,
)

#: Beyond this many groups, :func:`entity_share_chart` draws a heat map instead of grouped bars.
MAX_GROUPED_BARS = 4
#: |z| beyond which a term's log-odds differs from zero at the 5% level, taken on its own.
Z_THRESHOLD = 1.96


def entity_share_chart(shares: pd.DataFrame, *, top_n: int = 10, title: str = "") -> Figure:
    """Horizontal bars of how often entities are mentioned per 1,000 words in each group.

    The ``top_n`` entities with the highest share in any group are shown. When each of them
    belongs to one group only (entity groups), each has one bar in its group's colour, grouped by
    group; otherwise each entity has one bar per group, a group that never mentions it showing 0,
    and beyond :data:`MAX_GROUPED_BARS` groups a heat map of entities by groups takes the place of
    the bars, each cell labelled with its value.

    Args:
        shares: from :func:`analysis.compare.entity_shares` (``Comparison.shares``): ``group,
            entity, per_1000``.
        top_n: how many entities to show.
        title: the figure title.

    Returns:
        A figure with one bar (or heat-map cell) per entity and group shown, or saying "no data"
        when no entity is mentioned.
    """
    title = title or "Mentions per 1,000 words"
    table = shares.dropna(subset=["per_1000"]) if "per_1000" in shares.columns else shares
    if table.empty or not (table["per_1000"] > 0).any():
        return no_data_figure(title, "no data: no entity mentioned")
    groups = groups_in_order(table)
    colour = {group: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, group in enumerate(groups)}
    peak = table.groupby("entity")["per_1000"].max()
    chosen = sorted(peak.index, key=lambda entity: (-peak[entity], entity))[:top_n]
    table = table[table["entity"].isin(chosen)]
    disjoint = not table["entity"].duplicated().any()

    if disjoint:
        rank = {group: i for i, group in enumerate(groups)}
        rows = sorted(
            table.itertuples(index=False), key=lambda r: (rank[r.group], -r.per_1000, r.entity)
        )
        height = 0.35 * max(len(rows), 3) + 1.2
        figure, axes = plt.subplots(figsize=(8, height))
        positions: list[float] = list(range(len(rows) - 1, -1, -1))  # the first row at the top
        per_1000 = [row.per_1000 for row in rows]
        axes.barh(positions, per_1000, color=[colour[row.group] for row in rows], height=0.7)
        for y, value in zip(positions, per_1000, strict=True):
            axes.text(value, y, f" {value:.1f}", va="center", fontsize=8)
        axes.set_yticks(positions, [row.entity for row in rows])
    elif len(groups) > MAX_GROUPED_BARS:
        return _share_heat_map(table, chosen, groups, title)
    else:
        values = _share_matrix(table, chosen, groups)
        slot = 0.8 / len(groups)
        height = len(chosen) * max(0.35, 0.2 * len(groups)) + 1.2
        figure, axes = plt.subplots(figsize=(8, height))
        centres = list(range(len(chosen) - 1, -1, -1))
        for i, group in enumerate(groups):
            positions = [y + ((len(groups) - 1) / 2 - i) * slot for y in centres]
            axes.barh(positions, values[group], height=slot * 0.9, color=colour[group])
            for y, value in zip(positions, values[group], strict=True):
                axes.text(value, y, f" {value:.1f}" if value else " 0", va="center", fontsize=7)
        axes.set_yticks(centres, chosen)
    axes.set_xlim(0, float(table["per_1000"].max()) * 1.12)
    axes.set_xlabel("mentions per 1,000 words")
    axes.set_title(title)
    group_legend(axes, groups)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure


def _share_matrix(table: pd.DataFrame, entities: list[str], groups: list[str]) -> pd.DataFrame:
    """Entities (rows) by groups (columns) of mentions per 1,000 words; 0 where not mentioned."""
    matrix = table.pivot_table(index="entity", columns="group", values="per_1000", aggfunc="sum")
    return matrix.reindex(index=entities, columns=groups).fillna(0.0)


def _share_heat_map(
    table: pd.DataFrame, entities: list[str], groups: list[str], title: str
) -> Figure:
    """Entities by groups, each cell shaded and labelled with its mentions per 1,000 words."""
    values = _share_matrix(table, entities, groups)
    figure, axes = plt.subplots(
        figsize=(max(6.0, 0.7 * len(groups) + 3.0), 0.4 * len(entities) + 2.0),
        layout="constrained",
    )
    image = axes.imshow(values.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    peak = float(values.to_numpy().max())
    for row, entity in enumerate(entities):
        for column, group in enumerate(groups):
            value = float(values.at[entity, group])
            axes.text(
                column,
                row,
                f"{value:.1f}" if value else "0",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > peak * 0.6 else "0.15",
            )
    axes.set_xticks(range(len(groups)), groups, rotation=45, ha="right", fontsize=8)
    axes.set_yticks(range(len(entities)), entities)
    axes.tick_params(length=0)
    axes.spines[:].set_visible(False)
    figure.colorbar(image, ax=axes, label="mentions per 1,000 words", shrink=0.8)
    axes.set_title(title)
    return figure


def _top_terms(words: pd.DataFrame, group: str, top_n: int) -> pd.DataFrame:
    """The ``top_n`` terms most typical of ``group`` (highest positive z), strongest first."""
    part = words[(words["group"] == group) & (words["z"] > 0)]
    return part.sort_values(["z", "term"], ascending=[False, True], kind="stable").head(top_n)


def distinctive_words_chart(
    words: pd.DataFrame,
    *,
    top_n: int = 10,
    groups: list[str] | None = None,
    title: str = "",
) -> Figure:
    """Bars of the z-scores of the words and phrases most typical of each group.

    With two groups, a diverging chart: the first group's ``top_n`` terms to the right, the
    second's to the left (its z against the first, negated), strongest at the top and bottom.
    With one group or more than two, one panel per group, each with its ``top_n`` terms against
    all other groups. Only terms with a positive z for their group are shown; dashed lines mark
    |z| = 1.96.

    Args:
        words: from :func:`analysis.compare.distinctive_terms` (``Comparison.words``): ``group,
            term, z``.
        top_n: how many terms to show per group.
        groups: the groups to show, in this order; default every group of the table.
        title: the figure title.

    Returns:
        A figure with one bar per term shown, or saying "no data" when no group has a term
        with a positive z.
    """
    title = title or "Distinctive words (log-odds z-scores)"
    groups = list(groups) if groups is not None else groups_in_order(words)
    tops = {group: _top_terms(words, group, top_n) for group in groups} if len(words) else {}
    if not any(len(top) for top in tops.values()):
        return no_data_figure(title, "no data: no distinctive terms")
    colours = [GROUP_COLOURS[i % len(GROUP_COLOURS)] for i in range(len(groups))]
    peak = max(float(top["z"].max()) for top in tops.values() if len(top))
    limit = max(peak, Z_THRESHOLD) * 1.1

    if len(groups) == 2:
        first, second = (tops[group] for group in groups)
        terms = [*first["term"], *second["term"].iloc[::-1]]
        values = [*first["z"], *(-second["z"].iloc[::-1])]
        bar_colours = [colours[0]] * len(first) + [colours[1]] * len(second)
        figure, axes = plt.subplots(figsize=(8, 0.3 * max(len(terms), 4) + 1.4))
        positions = list(range(len(terms) - 1, -1, -1))
        axes.barh(positions, values, color=bar_colours, height=0.7)
        # Each term beside the zero line, on the side its bar does not take.
        offset = limit * 0.015
        for y, term, value in zip(positions, terms, values, strict=True):
            side = -1 if value > 0 else 1
            axes.text(
                side * offset, y, term, va="center", ha="right" if value > 0 else "left", fontsize=8
            )
        axes.axvline(0, color="0.3", linewidth=0.8)
        for x in (-Z_THRESHOLD, Z_THRESHOLD):
            axes.axvline(x, color="0.6", linewidth=0.8, linestyle="--")
        axes.set_xlim(-limit, limit)
        axes.set_yticks([])
        axes.set_xlabel(f"z-score: ← more typical of {groups[1]}  |  more typical of {groups[0]} →")
        axes.set_title(title)
        group_legend(axes, groups)
        axes.spines[["top", "right", "left"]].set_visible(False)
        figure.tight_layout()
        return figure

    columns = min(3, len(groups))
    rows = -(-len(groups) // columns)
    figure, grid = plt.subplots(
        rows,
        columns,
        figsize=(4.2 * columns, (0.28 * max(top_n, 3) + 1.1) * rows + 0.5),
        squeeze=False,
        layout="constrained",
    )
    panels = grid.ravel()
    for axes, group, colour in zip(panels, groups, colours, strict=False):
        top = tops[group]
        positions = list(range(len(top) - 1, -1, -1))
        axes.barh(positions, top["z"], color=colour, height=0.7)
        axes.set_yticks(positions, list(top["term"]), fontsize=8)
        axes.set_ylim(-0.6, max(top_n, 1) - 0.4)
        if top.empty:
            axes.text(limit / 2, top_n / 2, "no distinctive terms", ha="center", color="0.4")
        axes.axvline(Z_THRESHOLD, color="0.6", linewidth=0.8, linestyle="--")
        # The same scale in every panel, so that bars compare across groups.
        axes.set_xlim(0, limit)
        axes.set_xlabel("z-score against the other groups", fontsize=8)
        axes.tick_params(axis="x", labelsize=8)
        axes.set_title(group, fontsize=10)
        axes.spines[["top", "right"]].set_visible(False)
    for axes in panels[len(groups) :]:
        axes.set_axis_off()
    figure.suptitle(title)
    return figure


def sentiment_interval_chart(sentiment: pd.DataFrame, *, top_n: int = 8, title: str = "") -> Figure:
    """Mean targeted sentiment toward each entity in each group, with its bootstrap interval.

    The ``top_n`` entities with most scored mentions (all groups together) are shown, one row
    each; each group has its own marker and colour, a line across its interval, and a vertical
    line marks zero (neutral).

    Args:
        sentiment: from :func:`analysis.compare.sentiment_intervals` (``Comparison.sentiment``):
            ``group, entity, mentions, mean, ci_low, ci_high``.
        top_n: how many entities to show.
        title: the figure title.

    Returns:
        A figure with one error bar per group (each with a marker per entity it scores), or
        saying "no data" when the table has no score.
    """
    title = title or "Sentiment toward entities, with bootstrap intervals"
    table = sentiment.dropna(subset=["mean"]) if "mean" in sentiment.columns else sentiment
    if table.empty:
        return no_data_figure(title, "no data: no sentiment scores")
    groups = groups_in_order(table)
    mentions = table.groupby("entity")["mentions"].sum()
    chosen = sorted(mentions.index, key=lambda entity: (-mentions[entity], entity))[:top_n]
    table = table[table["entity"].isin(chosen)]
    row_of = {entity: len(chosen) - 1 - i for i, entity in enumerate(chosen)}  # first at the top
    step = 0.7 / len(groups)
    height = len(chosen) * max(0.45, 0.18 * len(groups)) + 1.3
    figure, axes = plt.subplots(figsize=(8, height))
    for i, group in enumerate(groups):
        part = table[table["group"] == group]
        means = part["mean"].to_numpy(dtype="float64")
        # A percentile interval may, rarely, not contain the mean; never draw a negative arm.
        below = (means - part["ci_low"].to_numpy(dtype="float64")).clip(min=0)
        above = (part["ci_high"].to_numpy(dtype="float64") - means).clip(min=0)
        positions = [
            row_of[entity] + ((len(groups) - 1) / 2 - i) * step for entity in part["entity"]
        ]
        axes.errorbar(
            means,
            positions,
            xerr=[below, above],
            fmt=GROUP_MARKERS[i % len(GROUP_MARKERS)],
            color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
            markersize=6,
            capsize=3,
            linewidth=1.2,
            label=group,
        )
    axes.axvline(0, color="0.3", linewidth=0.8)
    low = min(0.0, float(table["ci_low"].min()), float(table["mean"].min()))
    high = max(0.0, float(table["ci_high"].max()), float(table["mean"].max()))
    margin = max(high - low, 0.2) * 0.08
    axes.set_xlim(low - margin, high + margin)
    axes.set_yticks(list(row_of.values()), list(row_of))
    axes.set_ylim(-0.6, len(chosen) - 0.4)
    for y in range(len(chosen) - 1):
        axes.axhline(y + 0.5, color="0.9", linewidth=0.6)
    axes.set_xlabel("mean sentiment (← negative | positive →); lines: bootstrap interval")
    axes.set_title(title)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
