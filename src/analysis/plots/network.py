"""Co-occurrence network figures (notebook 05, :mod:`analysis.network`)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.plots.base import (
    label_colour,
    no_data_figure,
)


def network_chart(network, *, title: str = "", seed: int = 0) -> Figure:  # noqa: ANN001
    """A co-occurrence network (:func:`analysis.network.graph`, best cut to its top entities
    with :func:`analysis.network.top_subgraph`): nodes sized by mentions and coloured by label,
    edges as wide as their count and as dark as their NPMI, every node named."""
    import networkx as nx

    if network.number_of_nodes() == 0:
        return no_data_figure(title or "Network", "no entities")
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
