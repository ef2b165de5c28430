"""Coverage over time: per day, week or month (and per outlet or any metadata column), how often
each entity is mentioned per 1,000 words, how much of the coverage is quoted or reported voice,
and the sentiment toward each entity, each with a bootstrap interval.

Mentions and voice are resampled over the period's documents (a period's figure is a ratio of
sums over its documents, and documents, not words, are the independent units); sentiment over the
entity's scored mentions in the period, as in :func:`analysis.compare.sentiment_intervals`.
Periods with fewer than ``min_documents`` documents are marked ``few_documents``, never smoothed
or dropped, and periods with no document at all are listed too, so gaps show as gaps.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.compare import (
    SENTIMENT_COLUMNS,
    document_groups,
    parse_grouping,
    sentiment_intervals,
    word_voices,
)
from analysis.corpus import Document
from analysis.errors import GroupingError
from analysis.pipeline import Tables

#: The periods a trend can be counted by; a week starts on Monday and is named by that day.
FREQUENCIES = {"day": "D", "week": "W-SUN", "month": "M"}
#: The group of every document when no grouping is asked for.
ALL = "all"

ENTITY_TREND_COLUMNS = [
    "group",
    "period",
    "documents",
    "words",
    "entity",
    "mentions",
    "per_1000",
    "low",
    "high",
    "few_documents",
]
VOICE_TREND_COLUMNS = [
    "group",
    "period",
    "documents",
    "words",
    "quoted_words",
    "share_quoted",
    "low",
    "high",
    "attributions",
    "few_documents",
]
#: :data:`analysis.compare.SENTIMENT_COLUMNS` with the period after the group.
SENTIMENT_TREND_COLUMNS = ["group", "period", *SENTIMENT_COLUMNS[1:], "few_mentions"]


class Periods(NamedTuple):
    """Each document's period and group, and every period from the first to the last.

    Attributes:
        of: doc_id -> period label (``2024-01``, ``2024-01-08`` for the week from Monday 8
            January, ``2024-01-10``); documents without a usable date are left out.
        group: doc_id -> group (:data:`ALL` without a grouping).
        labels: every period between the first and the last, in order, empty ones included.
        undated: ids of the documents left out for want of a date.
    """

    of: dict[str, str]
    group: dict[str, str]
    labels: list[str]
    undated: list[str]


def document_periods(
    documents: Sequence[Document], freq: str = "month", *, by: str | None = None
) -> Periods:
    """The period (and group) of each document, from its ``date`` metadata (ISO 8601).

    Args:
        documents: the corpus.
        freq: ``day``, ``week`` or ``month``.
        by: a metadata grouping (``outlet``; see :func:`analysis.compare.parse_grouping`) or None.

    Raises:
        GroupingError: an unknown ``freq``, or no document has a usable date (the message says
            how to give dates).
    """
    if freq not in FREQUENCIES:
        raise GroupingError(f"unknown period {freq!r}: use {', '.join(FREQUENCIES)}")
    dates = pd.to_datetime(
        pd.Series({doc.id: doc.meta.get("date", "") for doc in documents}, dtype="object"),
        errors="coerce",
        format="ISO8601",
    )
    dated = dates.dropna()
    if dated.empty:
        raise GroupingError(
            "no document has a date: trends need a `date` column (YYYY-MM-DD) in the corpus's "
            "metadata.csv (or a date field in its CSV/JSONL)"
        )
    periods = dated.dt.to_period(FREQUENCIES[freq])
    every = pd.period_range(periods.min(), periods.max(), freq=FREQUENCIES[freq])
    label = _label(freq)
    groups = (
        document_groups(documents, parse_grouping(by)) if by else dict.fromkeys(dates.index, ALL)
    )
    return Periods(
        of={doc_id: label(period) for doc_id, period in periods.items()},
        group={doc_id: groups[doc_id] for doc_id in dated.index},
        labels=[label(period) for period in every],
        undated=[doc_id for doc_id in dates.index if pd.isna(dates[doc_id])],
    )


def has_dates(documents: Sequence[Document]) -> bool:
    """Whether any document has a usable ``date`` (ISO 8601)."""
    dates = pd.to_datetime(
        pd.Series([doc.meta.get("date", "") for doc in documents], dtype="object"),
        errors="coerce",
        format="ISO8601",
    )
    return bool(dates.notna().any())


def _label(freq: str) -> Callable[[pd.Period], str]:
    if freq == "week":
        return lambda period: f"{period.start_time:%Y-%m-%d}"
    return str


def entity_trends(
    documents: Sequence[Document],
    tables: Tables,
    *,
    freq: str = "month",
    by: str | None = None,
    entities: Sequence[str] | None = None,
    top_n: int = 5,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    min_documents: int = 3,
) -> pd.DataFrame:
    """Mentions of each entity per 1,000 words, per period (and group), with a bootstrap band.

    Args:
        documents: the corpus.
        tables: its tables.
        freq: ``day``, ``week`` or ``month``.
        by: a metadata grouping, e.g. ``outlet``; None for the whole corpus.
        entities: the canonical entities to follow; default the ``top_n`` most mentioned.
        top_n: how many entities when ``entities`` is not given.
        n_resamples: bootstrap resamples of the period's documents.
        level: the band's coverage.
        seed: seeds the bootstrap (per group and period, so one period's band does not change
            when another's documents do).
        min_documents: periods with fewer documents are marked ``few_documents``.

    Returns:
        :data:`ENTITY_TREND_COLUMNS`: one row per group, period and entity, periods in order
        (empty ones with 0 documents and NaN figures).
    """
    periods = document_periods(documents, freq, by=by)
    mentions = tables.name_mentions()
    if entities is None:
        entities = _most_mentioned(mentions, top_n)
    entities = list(entities)
    words = tables.words.groupby("doc_id").size()
    counts = (
        mentions[mentions["entity"].isin(entities)]
        .groupby(["doc_id", "entity"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=entities, fill_value=0)
    )
    rows = []
    for group, period, doc_ids in _cells(periods):
        w = words.reindex(doc_ids, fill_value=0).to_numpy(dtype="float64")
        m = counts.reindex(doc_ids, fill_value=0).to_numpy(dtype="float64").T  # entities x docs
        few = len(doc_ids) < min_documents
        if len(doc_ids) == 0 or w.sum() == 0:
            rows += [
                (group, period, len(doc_ids), int(w.sum()), e, 0, np.nan, np.nan, np.nan, few)
                for e in entities
            ]
            continue
        rates = 1000 * m.sum(axis=1) / w.sum()
        low, high = _ratio_band(m, w, n_resamples, level, [seed, _crc(group), _crc(period)])
        for i, entity in enumerate(entities):
            rows.append(
                (
                    group,
                    period,
                    len(doc_ids),
                    int(w.sum()),
                    entity,
                    int(m[i].sum()),
                    float(rates[i]),
                    float(low[i]),
                    float(high[i]),
                    few,
                )
            )
    return pd.DataFrame(rows, columns=ENTITY_TREND_COLUMNS)


def voice_trends(
    documents: Sequence[Document],
    tables: Tables,
    *,
    freq: str = "month",
    by: str | None = None,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    min_documents: int = 3,
) -> pd.DataFrame:
    """The share of each period's words that are quoted or reported (inside an attribution's
    content), with a bootstrap band over its documents, and its number of attributions.

    Returns:
        :data:`VOICE_TREND_COLUMNS`, one row per group and period.
    """
    periods = document_periods(documents, freq, by=by)
    voiced = word_voices(tables.words, tables.attributions)
    words = voiced.groupby("doc_id").size()
    quoted = voiced[voiced["voice"] == "quoted"].groupby("doc_id").size()
    attributions = tables.attributions.groupby("doc_id").size()
    rows = []
    for group, period, doc_ids in _cells(periods):
        w = words.reindex(doc_ids, fill_value=0).to_numpy(dtype="float64")
        q = quoted.reindex(doc_ids, fill_value=0).to_numpy(dtype="float64")
        n_attributions = int(attributions.reindex(doc_ids, fill_value=0).sum())
        few = len(doc_ids) < min_documents
        if len(doc_ids) == 0 or w.sum() == 0:
            rows.append((group, period, len(doc_ids), 0, 0, np.nan, np.nan, np.nan, 0, few))
            continue
        low, high = _ratio_band(
            q[None, :], w, n_resamples, level, [seed, _crc(group), _crc(period)]
        )
        rows.append(
            (
                group,
                period,
                len(doc_ids),
                int(w.sum()),
                int(q.sum()),
                float(q.sum() / w.sum()),
                float(low[0]) / 1000,
                float(high[0]) / 1000,
                n_attributions,
                few,
            )
        )
    return pd.DataFrame(rows, columns=VOICE_TREND_COLUMNS)


def sentiment_trends(
    documents: Sequence[Document],
    tables: Tables,
    *,
    freq: str = "month",
    by: str | None = None,
    entities: Sequence[str] | None = None,
    top_n: int = 5,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    min_mentions: int = 5,
) -> pd.DataFrame:
    """Targeted sentiment toward each entity per period (and group): the mean score of its
    mentions with a bootstrap interval over them (:func:`analysis.compare.sentiment_intervals`)
    and the share that carry sentiment at all.

    Returns:
        :data:`SENTIMENT_TREND_COLUMNS`, one row per group, period and entity with a scored
        mention; ``few_mentions`` marks those with fewer than ``min_mentions``.
    """
    periods = document_periods(documents, freq, by=by)
    rows = tables.mention_sentiment
    if entities is None:
        entities = _most_mentioned(tables.name_mentions(), top_n)
    rows = rows[rows["entity"].isin(list(entities)) & rows["doc_id"].isin(periods.of)]
    if rows.empty:
        return pd.DataFrame(columns=SENTIMENT_TREND_COLUMNS)
    cell = rows["doc_id"].map(periods.group) + "\x1f" + rows["doc_id"].map(periods.of)
    table = sentiment_intervals(
        rows.assign(group=cell), n_resamples=n_resamples, level=level, seed=seed
    )
    split = table["group"].str.split("\x1f", expand=True)
    table = table.assign(group=split[0], period=split[1])
    table["few_mentions"] = table["mentions"] < min_mentions
    order = {label: i for i, label in enumerate(periods.labels)}
    table = table.sort_values(
        ["group", "period", "mentions", "entity"],
        key=lambda column: column.map(order) if column.name == "period" else column,
        ascending=[True, True, False, True],
        kind="stable",
    )
    return table[SENTIMENT_TREND_COLUMNS].reset_index(drop=True)


def _most_mentioned(mentions: pd.DataFrame, top_n: int) -> list[str]:
    """The ``top_n`` most mentioned canonical entities (ties in first-seen order)."""
    return list(mentions["entity"].value_counts().head(top_n).index)


def _cells(periods: Periods) -> list[tuple[str, str, list[str]]]:
    """Every (group, period) with its documents in corpus order, periods in order."""
    cells: dict[tuple[str, str], list[str]] = {}
    for doc_id, period in periods.of.items():
        cells.setdefault((periods.group[doc_id], period), []).append(doc_id)
    groups = sorted(set(periods.group.values()))
    return [
        (group, period, cells.get((group, period), []))
        for group in groups
        for period in periods.labels
    ]


def _ratio_band(
    counts: np.ndarray, words: np.ndarray, n_resamples: int, level: float, seed: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap of ``1000 * sum(counts) / sum(words)`` over documents (columns), for
    each row of ``counts``, all rows resampled together."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, words.size, size=(n_resamples, words.size))
    totals = words[picks].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = 1000 * counts[:, picks].sum(axis=2) / totals
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(rates, [tail, 100 - tail], axis=1)
    return low, high


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))
