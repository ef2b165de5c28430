"""What every figure shares: the colours of entity labels, attribution kinds and groups, and
the empty figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import TABLEAU_COLORS, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

#: The ten colours of matplotlib's "tab10" palette, the default colour cycle.
TAB10: tuple[tuple[float, float, float], ...] = tuple(
    to_rgb(colour) for colour in TABLEAU_COLORS.values()
)


#: One colour per entity label, the same in every figure and at every ``top_n`` (the ten named
#: kinds the analyses count take matplotlib's "tab10" colours in this order; the others, numbers
#: and dates, a grey).
LABEL_COLOURS: dict[str, tuple[float, float, float]] = dict(
    zip(
        ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"),
        TAB10,
        strict=True,
    )
)
_OTHER_LABEL = to_rgb("0.6")


def label_colour(label: str) -> tuple[float, float, float]:
    """The colour of an entity label in every figure (:data:`LABEL_COLOURS`)."""
    return LABEL_COLOURS.get(label, _OTHER_LABEL)


#: Bar colour of each kind of attribution; :mod:`analysis.render` shades quotes in light tints of
#: the same hues.
KIND_COLOURS = {"direct": "#d97706", "partial": "#4f46e5", "indirect": "#059669"}

#: Colour and marker of each group compared, in the order the comparison lists the groups (cycled
#: beyond ten groups).
GROUP_COLOURS = TAB10
GROUP_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")


def groups_in_order(table: pd.DataFrame) -> list[str]:
    """The groups of a comparison table in the order it lists them (the comparison's order)."""
    return list(dict.fromkeys(table["group"])) if "group" in table.columns else []


def no_data_figure(title: str, message: str = "no data") -> Figure:
    """A small figure that says there is nothing to draw, under the chart's title."""
    figure, axes = plt.subplots(figsize=(6, 1.6))
    axes.set_axis_off()
    axes.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, color="0.4")
    axes.set_title(title)
    return figure


def group_legend(axes, groups: list[str], **options) -> None:
    """A legend of the groups' colours beside ``axes`` (outside them)."""
    handles = [
        Patch(color=GROUP_COLOURS[i % len(GROUP_COLOURS)], label=group)
        for i, group in enumerate(groups)
    ]
    # Outside the axes, so it never hides a bar whatever the values.
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False
    )
