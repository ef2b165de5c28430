"""Assigning the corpus tables' rows (words, terms, mentions, attributions, sentiment rows) to
the groups of a grouping, and ordering the measures' tables by group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.compare.groupings import Grouping
from analysis.schema import VOICES


class Labeller:
    """Adds a ``group`` column to the corpus tables; a row in several groups (a sentence that
    mentions two blocs) is repeated, a row in none is dropped."""

    def __init__(
        self,
        grouping: Grouping,
        document_group: dict[str, str],
        mentions: pd.DataFrame,
        attributions: pd.DataFrame,
    ) -> None:
        self.kind = grouping.kind
        if self.kind in ("metadata", "document"):
            self.document_group = document_group
            self.order = sorted(set(document_group.values()))
        elif self.kind == "voice":
            self.order = list(VOICES)
            self.quoted = _spans_by_document(
                (row.doc_id, start, end)
                for row in attributions.itertuples(index=False)
                for start, end in row.content
            )
        elif self.kind == "entities":
            groups = grouping.entity_groups or {}
            self.order = list(groups)
            self.groups_of: dict[str, list[str]] = {}
            for group, entities in groups.items():
                for entity in entities:
                    self.groups_of.setdefault(entity, []).append(group)
            grouped = mentions[mentions["entity"].isin(self.groups_of)]
            # Words naming a grouped entity say who the sentence is about, not how it is told.
            self.names = _spans_by_document(
                zip(grouped["doc_id"], grouped["start_char"], grouped["end_char"], strict=True)
            )
            self.sentences = self.mentions(grouped)[["doc_id", "sent_id", "group"]]
            self.sentences = self.sentences.drop_duplicates(ignore_index=True)
        else:
            raise ValueError(f"unknown grouping kind {self.kind!r}")

    def _by_document(self, table: pd.DataFrame) -> pd.DataFrame:
        return table.assign(group=table["doc_id"].map(self.document_group)).dropna(subset=["group"])

    def _by_entity(self, table: pd.DataFrame, column: str) -> pd.DataFrame:
        labelled = table.assign(group=table[column].map(self.groups_of)).explode("group")
        return labelled.dropna(subset=["group"]).reset_index(drop=True)

    def _by_position(self, table: pd.DataFrame) -> pd.DataFrame:
        quoted = _inside(table["doc_id"], table["start_char"], self.quoted)
        return table.assign(group=np.where(quoted, "quoted", "author"))

    def text(self, table: pd.DataFrame) -> pd.DataFrame:
        """Words or terms: by document, by voice, or the sentences that mention a bloc."""
        if self.kind == "voice":
            return self._by_position(table)
        if self.kind == "entities":
            naming = _inside(table["doc_id"], table["start_char"], self.names) | _inside(
                table["doc_id"], table["end_char"] - 1, self.names
            )
            return table[~naming].merge(self.sentences, on=["doc_id", "sent_id"])
        return self._by_document(table)

    def mentions(self, table: pd.DataFrame) -> pd.DataFrame:
        if self.kind == "voice":
            return self._by_position(table)
        if self.kind == "entities":
            return self._by_entity(table, "entity")
        return self._by_document(table)

    def attributions(self, table: pd.DataFrame) -> pd.DataFrame:
        """Attributions: by document, all in the ``quoted`` voice, or by speaker for blocs."""
        if self.kind == "voice":
            return table.assign(group="quoted")
        if self.kind == "entities":
            return self._by_entity(table, "speaker")
        return self._by_document(table)

    def sentiment(self, table: pd.DataFrame) -> pd.DataFrame:
        """Sentiment rows: by document, by the row's own ``voice``, or by the entity's bloc."""
        if self.kind == "voice":
            if "voice" in table.columns:
                return table.assign(group=table["voice"])
            return self._by_position(table)
        if self.kind == "entities":
            return self._by_entity(table, "entity")
        return self._by_document(table)


def word_voices(words: pd.DataFrame, attributions: pd.DataFrame) -> pd.DataFrame:
    """``words`` (or any rows with ``doc_id, start_char``) with a ``voice`` column: ``quoted``
    inside the content of an attribution (quoted or reported words), else ``author``."""
    labeller = Labeller(Grouping("voice"), {}, words.iloc[:0], attributions)
    return labeller.text(words).rename(columns={"group": "voice"})


def _spans_by_document(
    spans: Iterable[tuple[str, int, int]],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Merged, sorted ``(starts, ends)`` arrays of character spans, per document."""
    by_document: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in spans:
        by_document.setdefault(doc_id, []).append((int(start), int(end)))
    merged = {}
    for doc_id, pairs in by_document.items():
        runs: list[list[int]] = []
        for start, end in sorted(pairs):
            if runs and start <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        array = np.array(runs, dtype="int64")
        merged[doc_id] = (array[:, 0], array[:, 1])
    return merged


def _inside(
    doc_ids: pd.Series, positions: pd.Series, spans: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Whether each character position falls inside one of its document's spans."""
    result = np.zeros(len(doc_ids), dtype=bool)
    values = positions.to_numpy(dtype="int64")
    for doc_id, rows in pd.Series(doc_ids.to_numpy()).groupby(doc_ids.to_numpy()).indices.items():
        if doc_id not in spans:
            continue
        starts, ends = spans[doc_id]
        where = values[rows]
        i = np.searchsorted(starts, where, side="right") - 1
        result[rows] = (i >= 0) & (where < ends[np.maximum(i, 0)])
    return result


def group_order(table: pd.DataFrame, order: Sequence[str] | None) -> list[str]:
    return list(order) if order is not None else sorted(table["group"].unique())


def sort_by_group(
    table: pd.DataFrame, order: Sequence[str], by: list[str], ascending: list[bool]
) -> pd.DataFrame:
    rank = {group: i for i, group in enumerate(order)}
    table = table.assign(_rank=table["group"].map(rank))
    table = table.sort_values(["_rank", *by], ascending=[True, *ascending], kind="stable")
    return table.drop(columns="_rank").reset_index(drop=True)
