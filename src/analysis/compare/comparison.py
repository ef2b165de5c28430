"""Every measure at once: :func:`compare` a corpus's groups by one grouping, and the helpers of
notebook 04 that compare by several groupings and set their tables side by side."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from analysis.compare.groupings import document_groups, parse_grouping
from analysis.compare.labels import Labeller
from analysis.compare.measures import (
    SENTIMENT_COLUMNS,
    attribution_profile,
    distinctive_terms,
    entity_shares,
    sentiment_intervals,
)
from analysis.corpus import Document
from analysis.pipeline import Tables

GROUP_COLUMNS = ["group", "members", "documents", "words", "mentions", "attributions"]
#: The measures of a :class:`Comparison`, in order.
MEASURES = ("groups", "shares", "words", "sentiment", "speakers", "kinds")


# --- all measures at once -----------------------------------------------------------------------


class Comparison(NamedTuple):
    """The tables :func:`compare` returns, one per measure.

    Attributes:
        groups: one row per group: ``group, members`` (the entities of an entity group, the
            documents of a document group), ``documents, words, mentions, attributions``.
        shares: :func:`entity_shares`.
        words: :func:`distinctive_terms`.
        sentiment: :func:`sentiment_intervals` (empty when no sentiment rows were available).
        speakers: the first table of :func:`attribution_profile`.
        kinds: the second table of :func:`attribution_profile`.
    """

    groups: pd.DataFrame
    shares: pd.DataFrame
    words: pd.DataFrame
    sentiment: pd.DataFrame
    speakers: pd.DataFrame
    kinds: pd.DataFrame


def compare(
    documents: Iterable[Document],
    tables: Tables,
    *,
    by: str,
    groups_file: str | os.PathLike[str] | None = None,
    sentiment: pd.DataFrame | None = None,
    alpha0: float | None = None,
    min_count: int = 1,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Compare groups of a corpus on every measure.

    Groups, by ``by``:

    - ``COLUMN`` / ``COLUMN:BUCKET`` / ``document``: the documents' words, mentions,
      attributions and sentiment rows; entity shares are per 1,000 words of the group.
    - ``groups`` / ``groups:FILE``: blocs of entities (:func:`load_entity_groups`). A bloc's
      mentions and sentiment rows are those of its entities, its attributions those its entities
      are the speakers of, its text the sentences that mention it (the entity names themselves
      left out); entity shares are per 1,000 words of the whole corpus.
    - ``voice``: ``author`` (the text outside any attribution content) against ``quoted``
      (quoted and reported content); shares are per 1,000 words of the voice, and every
      attribution belongs to ``quoted``.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        tables: the corpus's tables (:func:`analysis.pipeline.load`): words, terms, name
            mentions, attributions and targeted sentiment rows.
        by: the grouping (see :func:`parse_grouping`).
        groups_file: the entity groups for ``by="groups"``; default the packaged example.
        sentiment: targeted sentiment rows (:data:`SENTIMENT_ROW_COLUMNS`) to use instead of
            ``tables.mention_sentiment``.
        alpha0: the weight of the log-odds prior (see :func:`distinctive_terms`).
        min_count: keep distinctive terms seen at least this often in their group.
        n_resamples: bootstrap resamples for sentiment intervals.
        level: the sentiment intervals' coverage.
        seed: seeds the bootstrap; the same seed gives the same intervals.

    Returns:
        :class:`Comparison`.

    Raises:
        AnalysisError: a bad grouping or groups file, or no document has the grouping column.
    """
    documents = list(documents)
    grouping = parse_grouping(by, groups_file=groups_file)
    document_group = (
        document_groups(documents, grouping) if grouping.kind in ("metadata", "document") else {}
    )
    name_mentions = tables.name_mentions()
    labeller = Labeller(grouping, document_group, name_mentions, tables.attributions)
    order = labeller.order

    words = labeller.text(tables.words)
    terms = labeller.text(tables.terms)
    mentions = labeller.mentions(name_mentions)
    attributions = labeller.attributions(tables.attributions)
    words_per_group = words.groupby("group").size()
    if grouping.kind == "entities":
        corpus_words = len(tables.words)
        shares = entity_shares(
            mentions,
            dict.fromkeys(order, corpus_words),
            members=grouping.entity_groups,
            order=order,
        )
    else:
        shares = entity_shares(mentions, words_per_group.to_dict(), order=order)

    rows = sentiment if sentiment is not None else tables.mention_sentiment
    if rows is None or rows.empty:
        sentiment_table = pd.DataFrame(columns=SENTIMENT_COLUMNS)
    else:
        sentiment_table = sentiment_intervals(
            labeller.sentiment(rows), n_resamples=n_resamples, level=level, seed=seed, order=order
        )
    speakers, kinds = attribution_profile(attributions, order=order)

    if grouping.kind == "entities":
        entity_groups = grouping.entity_groups or {}
        members = {group: "; ".join(entities) for group, entities in entity_groups.items()}
    elif grouping.kind == "voice":
        members = {}
    else:
        by_group: dict[str, list[str]] = {}
        for doc_id, group in labeller.document_group.items():
            by_group.setdefault(group, []).append(doc_id)
        members = {group: "; ".join(sorted(ids)) for group, ids in by_group.items()}
    documents_per_group = words.groupby("group")["doc_id"].nunique()
    mentions_per_group = mentions["group"].value_counts()
    attributions_per_group = attributions["group"].value_counts()
    groups = pd.DataFrame(
        {
            "group": order,
            "members": [members.get(group, "") for group in order],
            "documents": [int(documents_per_group.get(group, 0)) for group in order],
            "words": [int(words_per_group.get(group, 0)) for group in order],
            "mentions": [int(mentions_per_group.get(group, 0)) for group in order],
            "attributions": [int(attributions_per_group.get(group, 0)) for group in order],
        },
        columns=GROUP_COLUMNS,
    )
    return Comparison(
        groups=groups,
        shares=shares,
        words=distinctive_terms(
            terms, background=tables.terms, alpha0=alpha0, min_count=min_count, order=order
        ),
        sentiment=sentiment_table,
        speakers=speakers,
        kinds=kinds,
    )


# --- several groupings at once (notebook 04) ------------------------------------------------------


class Groupings(NamedTuple):
    """The groupings a corpus can be compared by, and why any asked for was left out.

    Attributes:
        groupings: in order: the one asked for (when the corpus allows it), then ``groups`` and
            ``voice``, which split the text within documents and so work on any corpus.
        note: one sentence saying what is compared.
    """

    groupings: list[str]
    note: str


def available_groupings(
    documents: Sequence[Document], grouping: str, *, entity_groups: bool = True
) -> Groupings:
    """The groupings to compare a corpus by, given the one a user asked for.

    Entity groups and voices split the text within documents; the other groupings need several
    documents, and a metadata grouping needs the column ("outlet" in ``outlet``, "date" in
    ``date:year``): without them the corpus is compared by entity groups (when
    ``entity_groups``: a groups file was given, or the corpus is the seed the packaged example
    groups were written for, :func:`example_groups_apply`) and voice only.
    """
    within = ["groups", "voice"] if entity_groups else ["voice"]
    by_within = "entity groups and voice" if entity_groups else "voice"
    column = grouping.split(":")[0]
    has_column = grouping == "document" or any(d.meta.get(column) for d in documents)
    if len(documents) < 2:
        note = f"One document: compared by {by_within} ({grouping!r} needs several)."
        return Groupings(within, note)
    if not has_column:
        note = f"No document has {column!r} metadata: compared by {by_within} only."
        return Groupings(within, note)
    groupings = list(dict.fromkeys([grouping, *within]))
    return Groupings(groupings, f"{len(documents)} documents, compared by: {', '.join(groupings)}")


def compare_all(
    documents: Sequence[Document],
    tables: Tables,
    groupings: Iterable[str],
    **options: Any,
) -> dict[str, Comparison]:
    """:func:`compare` by each grouping; ``options`` go to it (``groups_file``, ``seed``, ...)."""
    return {by: compare(documents, tables, by=by, **options) for by in groupings}


def output_name(by: str) -> str:
    """The part of output file names that names a grouping: ``date:month`` -> ``date-month``,
    ``groups:blocs.csv`` -> ``groups-blocs-csv`` (``compare_<name>_<measure>.csv``)."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", by).strip("-")


def wide(comparison: Comparison, measure: str, top_n: int = 10) -> pd.DataFrame:
    """One measure with a column per group, for reading groups side by side on one screen.

    - ``shares``: the entities among any group's ``top_n`` by share, their mentions per 1,000
      words in each group (sorted by the highest share);
    - ``sentiment``: the ``top_n`` entities with most scored mentions, ``mean [low, high] (n)``
      in each group;
    - ``words``: each group's ``top_n`` distinctive terms, ``term (z)``, rank by rank;
    - ``speakers``: the speakers among any group's ``top_n``, their share of the group's
      attributions.

    The long tables (:func:`side_by_side`, the CSV files) keep every row and column.
    """
    groups = list(comparison.groups["group"])
    table = getattr(comparison, measure)
    if table.empty:
        return pd.DataFrame(columns=groups)
    if measure in ("shares", "speakers"):
        key, value = ("entity", "per_1000") if measure == "shares" else ("speaker", "share")
        top = table.sort_values(value, ascending=False, kind="stable").groupby("group").head(top_n)
        names = list(dict.fromkeys(top[key]))
        pivot = table[table[key].isin(names)].pivot_table(
            index=key, columns="group", values=value, aggfunc="first"
        )
        pivot = pivot.reindex(columns=[g for g in groups if g in pivot.columns]).fillna(0.0)
        pivot = pivot.round(3)
        order = pivot.max(axis=1).sort_values(ascending=False, kind="stable").index
        return pivot.loc[order].rename_axis(columns=None)
    if measure == "sentiment":
        counts = table.groupby("entity")["mentions"].sum().sort_values(ascending=False)
        names = list(counts.index[:top_n])
        rows = table[table["entity"].isin(names)]
        cells = rows.assign(
            cell=[
                f"{m:+.2f} [{lo:+.2f}, {hi:+.2f}] ({n})"
                for m, lo, hi, n in zip(
                    rows["mean"], rows["ci_low"], rows["ci_high"], rows["mentions"], strict=True
                )
            ]
        ).pivot(index="entity", columns="group", values="cell")
        cells = cells.reindex(index=names, columns=[g for g in groups if g in cells.columns])
        return cells.fillna("").rename_axis(columns=None)
    if measure == "words":
        columns = {}
        for group in groups:
            part = table[table["group"] == group].head(top_n)
            columns[group] = [
                f"{t} ({z:.1f})" for t, z in zip(part["term"], part["z"], strict=True)
            ]
        length = max((len(v) for v in columns.values()), default=0)
        return pd.DataFrame(
            {g: v + [""] * (length - len(v)) for g, v in columns.items()},
            index=pd.RangeIndex(1, length + 1, name="rank"),
        )
    raise ValueError(f"no wide form for {measure!r}: use shares, sentiment, words or speakers")


def side_by_side(
    comparisons: Mapping[str, Comparison], measure: str, rows_per_group: int | None = None
) -> pd.DataFrame:
    """One measure's table for every grouping, with the grouping in front.

    Args:
        comparisons: grouping -> its comparison (:func:`compare_all`).
        measure: one of :data:`MEASURES`.
        rows_per_group: keep the first rows of each group only.
    """
    parts = []
    for by, comparison in comparisons.items():
        table = getattr(comparison, measure)
        if rows_per_group:
            table = table.groupby("group", sort=False).head(rows_per_group)
        if len(table):
            parts.append(table.assign(grouping=by)[["grouping", *table.columns]])
    if not parts:
        columns = getattr(next(iter(comparisons.values())), measure).columns
        return pd.DataFrame(columns=["grouping", *columns])
    return pd.concat(parts, ignore_index=True)
