"""Targeted sentiment aggregated per entity (and per document), the author's voice and the
quoted speakers' kept apart."""

from __future__ import annotations

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
        ``[doc_id,] entity, label, mentions, mean_score, share_negative, share_positive``, with
        ``author_mentions, author_mean, quoted_mentions, quoted_mean`` if ``by_voice``, and
        ``sentences``: the ``doc_id:sent_id`` of every sentence that mentions the entity, for
        tracing each figure. Sorted by mentions (descending), then entity.
    """
    keys = (["doc_id"] if by_document else []) + ["entity", "label"]
    columns = [*keys, "mentions", "mean_score", "share_negative", "share_positive"]
    if by_voice:
        columns += ["author_mentions", "author_mean", "quoted_mentions", "quoted_mean"]
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
            author_mentions=("_author", "count"),
            author_mean=("_author", "mean"),
            quoted_mentions=("_quoted", "count"),
            quoted_mean=("_quoted", "mean"),
            sentences=("_sentence", lambda s: "; ".join(dict.fromkeys(s))),
        )
        .reset_index()
    )
    for column in ("mean_score", "share_negative", "share_positive", "author_mean", "quoted_mean"):
        table[column] = table[column].round(4)
    order = (["doc_id"] if by_document else []) + ["mentions", "entity", "label"]
    ascending = ([True] if by_document else []) + [False, True, True]
    table = table.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)
    return table[columns]
