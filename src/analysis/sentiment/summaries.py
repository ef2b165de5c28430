"""Targeted sentiment aggregated per entity (and per document), the author's voice and the
quoted speakers' kept apart."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.sentiment.vader import SHARES, polarity_indicators


def entity_sentiment(
    rows: pd.DataFrame, *, by_voice: bool = True, by_document: bool = False
) -> pd.DataFrame:
    """Targeted sentiment aggregated per entity.

    Args:
        rows: mention rows with :data:`TARGET_COLUMNS` (from :func:`targeted_rows`).
        by_voice: add the mentions and mean score in the author's voice and in quotations.
        by_document: one row per (document, entity) instead of one per entity.

    Returns:
        ``[doc_id,] entity, label, mentions, mean_score, share_negative, share_positive,
        share_polar`` (the share of mentions that carry sentiment at all: most news mentions are
        neutral), with ``author_mentions, author_mean, author_low, author_high, quoted_mentions,
        quoted_mean`` if ``by_voice`` (``author_low``/``author_high``: the 95% bootstrap interval
        of ``author_mean``, resampling the entity's author-voice mentions), and ``sentences``:
        the ``doc_id:sent_id`` of every sentence that mentions the entity, for tracing each
        figure. Sorted by mentions (descending), then entity.

    The author-voice mean is the figure to read per document: against a gold of the author's
    stance toward 84 articles' main entities it labels the document best
    (``analysis evaluate sentiment --stance``; see the README).
    """
    keys = (["doc_id"] if by_document else []) + ["entity", "label"]
    columns = [*keys, "mentions", "mean_score", "share_negative", "share_positive", "share_polar"]
    if by_voice:
        columns += [
            "author_mentions",
            "author_mean",
            "author_low",
            "author_high",
            "quoted_mentions",
            "quoted_mean",
        ]
    columns.append("sentences")
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = rows.assign(
        **polarity_indicators(rows["polarity"]),
        _author=rows["score"].where(rows["voice"] == "author"),
        _quoted=rows["score"].where(rows["voice"] == "quoted"),
        _sentence=rows["doc_id"].astype(str) + ":" + rows["sent_id"].astype(str),
    )
    table = (
        frame.groupby(keys, sort=False)
        .agg(
            mentions=("score", "size"),
            mean_score=("score", "mean"),
            **SHARES,
            share_polar=("polarity", lambda p: float((p != 0).mean())),
            author_mentions=("_author", "count"),
            author_mean=("_author", "mean"),
            quoted_mentions=("_quoted", "count"),
            quoted_mean=("_quoted", "mean"),
            sentences=("_sentence", lambda s: "; ".join(dict.fromkeys(s))),
        )
        .reset_index()
    )
    if by_voice:
        intervals = [
            bootstrap_ci(
                part["_author"].dropna().to_numpy(),
                n_resamples=1000,
                seed=[zlib.crc32(str(key).encode()) for key in name],
            )[1:]
            for name, part in frame.groupby(keys, sort=False)
        ]
        table["author_low"] = [low for low, _ in intervals]
        table["author_high"] = [high for _, high in intervals]
    for column in (
        "mean_score",
        "share_negative",
        "share_positive",
        "share_polar",
        "author_mean",
        "author_low",
        "author_high",
        "quoted_mean",
    ):
        if column in table:
            table[column] = table[column].round(4)
    order = (["doc_id"] if by_document else []) + ["mentions", "entity", "label"]
    ascending = ([True] if by_document else []) + [False, True, True]
    table = table.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)
    return table[columns]


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int | Sequence[int] | np.random.SeedSequence = 0,
) -> tuple[float, float, float]:
    """The mean of ``values`` and its percentile bootstrap confidence interval.

    Args:
        values: the observations (here: sentiment scores of mentions).
        n_resamples: bootstrap resamples, each as large as ``values``, drawn with replacement.
        level: the interval's coverage.
        seed: seeds the ``numpy`` Generator: the same seed gives the same interval.

    Returns:
        ``(mean, low, high)``; NaN for no values. With one value the interval is that value.
    """
    data = np.asarray(values, dtype="float64")
    if data.size == 0:
        return (float("nan"),) * 3
    if data.size == 1:  # every resample is that one value (most entities of a group)
        value = float(data[0])
        return value, value, value
    rng = np.random.default_rng(seed)
    # Resample in blocks so memory stays bounded for entities with many mentions.
    block = max(1, 1_000_000 // data.size)
    means = np.concatenate(
        [
            data[rng.integers(0, data.size, size=(min(block, n_resamples - done), data.size))].mean(
                axis=1
            )
            for done in range(0, n_resamples, block)
        ]
    )
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(data.mean()), float(low), float(high)
