"""Summaries of attribution tables: the words a source is quoted with, who gets a voice, and
the shares of direct, partial and reported attributions."""

from __future__ import annotations

import re

import pandas as pd

from analysis.attribution.quotes import find_quotes
from analysis.schema import KINDS, UNRESOLVED_SPEAKER

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def quoted_words(content_text: str, kind: str) -> int:
    """Words a source is quoted with: all of a direct quotation, the quoted fragments of a partial
    one, none of reported speech."""
    if kind == "direct":
        return len(_WORD.findall(content_text))
    if kind == "partial":
        return sum(
            len(_WORD.findall(content_text[q.start : q.end])) for q in find_quotes(content_text)
        )
    return 0


def speaker_table(attributions: pd.DataFrame) -> pd.DataFrame:
    """Who gets a voice: one row per speaker.

    Returns:
        ``speaker, speaker_label, attributions, direct, partial, indirect, words_quoted,
        documents``, sorted by attributions, then words quoted (both descending), then name.
        Speakers left unresolved (empty) are grouped under "(unresolved)".
    """
    table = attributions.assign(
        speaker=attributions["speaker"].replace("", UNRESOLVED_SPEAKER),
        words_quoted=[
            quoted_words(text, kind)
            for text, kind in zip(attributions["content_text"], attributions["kind"], strict=True)
        ],
    )
    counts = pd.crosstab(table["speaker"], table["kind"]).reindex(columns=list(KINDS), fill_value=0)
    summary = table.groupby("speaker").agg(
        speaker_label=("speaker_label", "first"),
        attributions=("kind", "size"),
        words_quoted=("words_quoted", "sum"),
        documents=("doc_id", "nunique"),
    )
    summary = summary.join(counts).reset_index()
    columns = ["speaker", "speaker_label", "attributions", *KINDS]
    summary = summary[columns + ["words_quoted", "documents"]]
    return summary.sort_values(
        ["attributions", "words_quoted", "speaker"], ascending=[False, False, True]
    ).reset_index(drop=True)


def kind_shares(attributions: pd.DataFrame) -> pd.DataFrame:
    """Direct, partial and reported (indirect) attributions: count and share of all."""
    counts = attributions["kind"].value_counts().reindex(list(KINDS))
    counts = counts.fillna(0).astype("int64")
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "kind": counts.index,
            "attributions": counts.to_numpy(),
            "share": (counts / total).round(4).to_numpy() if total else 0.0,
        }
    )
