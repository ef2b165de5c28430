"""Matplotlib figures for the notebooks; each takes a tidy table and returns a ``Figure``.

One module per analysis (:mod:`~analysis.plots.entities`, :mod:`~analysis.plots.sentiment`,
:mod:`~analysis.plots.attribution`, :mod:`~analysis.plots.comparison`,
:mod:`~analysis.plots.trends`, :mod:`~analysis.plots.network`, :mod:`~analysis.plots.validation`)
on :mod:`~analysis.plots.base`, the colours every figure shares; everything is importable from
here (``plots.trend_chart``).
"""

from analysis.plots.attribution import speaker_bar_chart
from analysis.plots.base import (
    GROUP_COLOURS,
    GROUP_MARKERS,
    KIND_COLOURS,
    LABEL_COLOURS,
    label_colour,
)
from analysis.plots.comparison import (
    MAX_GROUPED_BARS,
    Z_THRESHOLD,
    distinctive_words_chart,
    entity_share_chart,
    sentiment_interval_chart,
)
from analysis.plots.entities import entity_bar_chart
from analysis.plots.network import network_chart
from analysis.plots.sentiment import entity_sentiment_chart, sentence_sentiment_chart
from analysis.plots.trends import trend_chart
from analysis.plots.validation import validation_interval_chart

__all__ = [
    "GROUP_COLOURS",
    "GROUP_MARKERS",
    "KIND_COLOURS",
    "LABEL_COLOURS",
    "MAX_GROUPED_BARS",
    "Z_THRESHOLD",
    "distinctive_words_chart",
    "entity_bar_chart",
    "entity_sentiment_chart",
    "entity_share_chart",
    "label_colour",
    "network_chart",
    "sentence_sentiment_chart",
    "sentiment_interval_chart",
    "speaker_bar_chart",
    "trend_chart",
    "validation_interval_chart",
]
