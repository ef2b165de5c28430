"""Matplotlib figures for the notebooks; each takes a tidy table and returns a ``Figure``."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import TABLEAU_COLORS, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

# The ten colours of matplotlib's "tab10" palette, the default colour cycle.
_TAB10: tuple[tuple[float, float, float], ...] = tuple(
    to_rgb(colour) for colour in TABLEAU_COLORS.values()
)


#: One colour per entity label, the same in every figure and at every ``top_n`` (the ten named
#: kinds the analyses count take matplotlib's "tab10" colours in this order; the others, numbers
#: and dates, a grey).
LABEL_COLOURS: dict[str, tuple[float, float, float]] = dict(
    zip(
        ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"),
        _TAB10,
        strict=True,
    )
)
_OTHER_LABEL = to_rgb("0.6")


def label_colour(label: str) -> tuple[float, float, float]:
    """The colour of an entity label in every figure (:data:`LABEL_COLOURS`)."""
    return LABEL_COLOURS.get(label, _OTHER_LABEL)


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


#: Bar colour of each kind of attribution; :mod:`analysis.render` shades quotes in light tints of
#: the same hues.
KIND_COLOURS = {"direct": "#d97706", "partial": "#4f46e5", "indirect": "#059669"}


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


# --- comparison (analysis.compare) ---------------------------------------------------------------

#: Colour and marker of each group compared, in the order the comparison lists the groups (cycled
#: beyond ten groups).
GROUP_COLOURS = _TAB10
GROUP_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
#: Beyond this many groups, :func:`entity_share_chart` draws a heat map instead of grouped bars.
MAX_GROUPED_BARS = 4
#: |z| beyond which a term's log-odds differs from zero at the 5% level, taken on its own.
Z_THRESHOLD = 1.96


def _groups_in_order(table: pd.DataFrame) -> list[str]:
    """The groups of a comparison table in the order it lists them (the comparison's order)."""
    return list(dict.fromkeys(table["group"])) if "group" in table.columns else []


def _no_data_figure(title: str, message: str = "no data") -> Figure:
    figure, axes = plt.subplots(figsize=(6, 1.6))
    axes.set_axis_off()
    axes.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, color="0.4")
    axes.set_title(title)
    return figure


def _group_legend(axes, groups: list[str], **options) -> None:
    handles = [
        Patch(color=GROUP_COLOURS[i % len(GROUP_COLOURS)], label=group)
        for i, group in enumerate(groups)
    ]
    # Outside the axes, so it never hides a bar whatever the values.
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False
    )


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
        return _no_data_figure(title, "no data: no entity mentioned")
    groups = _groups_in_order(table)
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
    _group_legend(axes, groups)
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
    groups = list(groups) if groups is not None else _groups_in_order(words)
    tops = {group: _top_terms(words, group, top_n) for group in groups} if len(words) else {}
    if not any(len(top) for top in tops.values()):
        return _no_data_figure(title, "no data: no distinctive terms")
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
        _group_legend(axes, groups)
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
        return _no_data_figure(title, "no data: no sentiment scores")
    groups = _groups_in_order(table)
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


# --- sentiment --------------------------------------------------------------------------------


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
        return _no_data_figure(title or "Trend", "no dated documents")
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
            colour = _TAB10[k % len(_TAB10)]
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


def network_chart(network, *, title: str = "", seed: int = 0) -> Figure:  # noqa: ANN001
    """A co-occurrence network (:func:`analysis.network.graph`, best cut to its top entities
    with :func:`analysis.network.top_subgraph`): nodes sized by mentions and coloured by label,
    edges as wide as their count and as dark as their NPMI, every node named."""
    import networkx as nx

    if network.number_of_nodes() == 0:
        return _no_data_figure(title or "Network", "no entities")
    # Spread wide (k) so the labels of a dense centre do not sit on each other; heavier edges
    # pull harder, logarithmically, so that the top pair does not collapse onto one point.
    pulls = nx.Graph()
    pulls.add_nodes_from(network.nodes)
    pulls.add_weighted_edges_from(
        (a, b, 1 + math.log(count)) for a, b, count in network.edges(data="count", default=1)
    )
    layout = nx.spring_layout(
        pulls, seed=seed, k=3 / network.number_of_nodes() ** 0.5, iterations=300
    )
    figure, axes = plt.subplots(figsize=(10, 8))
    counts = [c for _, _, c in network.edges(data="count")]
    top = max(counts, default=1)
    for a, b, data in network.edges(data=True):
        npmi = data.get("npmi", 0.0)
        shade = 0.75 - 0.6 * max(0.0, min(1.0, npmi if npmi == npmi else 0.0))
        axes.plot(
            [layout[a][0], layout[b][0]],
            [layout[a][1], layout[b][1]],
            color=str(round(shade, 2)),
            linewidth=0.5 + 5 * data.get("count", 1) / top,
            zorder=1,
        )
    mentions = [network.nodes[n].get("mentions", 1) for n in network.nodes]
    most = max(mentions)
    labels = sorted({network.nodes[n].get("label", "") for n in network.nodes})
    for node, count in zip(network.nodes, mentions, strict=True):
        x, y = layout[node]
        axes.scatter(
            x,
            y,
            s=40 + 900 * (count / most) ** 0.5,
            color=label_colour(network.nodes[node].get("label", "")),
            edgecolors="white",
            linewidths=1,
            zorder=2,
        )
        axes.annotate(
            str(node),
            (x, y),
            xytext=(0, 6 + 16 * (count / most) ** 0.5),
            textcoords="offset points",
            fontsize=9,
            ha="center",
            va="bottom",
            zorder=3,
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": "white",
                "alpha": 0.75,
                "linewidth": 0,
            },
        )
    axes.legend(
        handles=[Patch(color=label_colour(label), label=label) for label in labels],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
    )
    axes.set_axis_off()
    axes.set_title(title or "Who appears with whom", loc="left")
    figure.tight_layout()
    return figure
