"""Validation figures (notebook 06, :mod:`analysis.validate`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots.base import TAB10, no_data_figure

#: The estimates a validation chart draws, by their columns in the table: (label, mean, low,
#: high), each drawn when the table has its columns and a value for the group.
ESTIMATE_KINDS = (
    ("model only", "model_mean", "model_low", "model_high"),
    ("labels only", "labelled_mean", "labelled_low", "labelled_high"),
    ("prediction-powered", "estimate", "low", "high"),
)


def validation_interval_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Per group (a row of ``table``), the model's mean, the labels' and the prediction-powered
    estimate, each with its interval, side by side: how far the model strays from the labels
    and how much the labels narrow down."""
    kinds = [k for k in ESTIMATE_KINDS if k[1] in table and table[k[1]].notna().any()]
    if table.empty or not kinds:
        return no_data_figure(title)
    groups = table["group"].astype(str).tolist()
    figure, axes = plt.subplots(figsize=(7, 1.2 + 0.3 * len(groups) * len(kinds)))
    step = 0.8 / len(kinds)
    for k, (name, mean, low, high) in enumerate(kinds):
        y = np.arange(len(groups)) + (k - (len(kinds) - 1) / 2) * step
        values = table[mean].astype(float).to_numpy()
        lows = table[low].astype(float).to_numpy() if low in table else values
        highs = table[high].astype(float).to_numpy() if high in table else values
        errors = np.vstack([values - lows, highs - values])
        axes.errorbar(
            values, y, xerr=errors, fmt="o", color=TAB10[k], label=name, capsize=3, markersize=5
        )
    axes.set_yticks(np.arange(len(groups)), groups)
    axes.invert_yaxis()
    axes.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    axes.set_xlabel("mean label (-1 negative, 0 neutral, 1 positive)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    axes.set_title(title)
    figure.tight_layout()
    return figure
