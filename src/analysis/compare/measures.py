"""The measures that set groups side by side, one table each: entity shares per 1,000 words,
distinctive terms (log-odds with an informative Dirichlet prior), sentiment toward each entity
with bootstrap intervals, and who is quoted, and how."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.attribution.summaries import quoted_words
from analysis.compare.labels import group_order, sort_by_group
from analysis.schema import KINDS, TARGET_COLUMNS, UNRESOLVED_SPEAKER
from analysis.sentiment.summaries import bootstrap_ci

#: One row per scored entity mention; ``voice`` is "author" or "quoted".
SENTIMENT_ROW_COLUMNS = TARGET_COLUMNS

SHARE_COLUMNS = ["group", "entity", "label", "mentions", "words", "per_1000"]
DISTINCTIVE_COLUMNS = ["group", "term", "ngram", "count_group", "count_rest", "log_odds", "z"]
SENTIMENT_COLUMNS = ["group", "entity", "mentions", "mean", "ci_low", "ci_high", "share_polar"]
SPEAKER_COLUMNS = [
    "group",
    "speaker",
    "speaker_label",
    "attributions",
    "share",
    "direct",
    "partial",
    "indirect",
    "words_quoted",
    "documents",
]
KIND_COLUMNS = ["group", "kind", "attributions", "share", "words_quoted"]


def entity_shares(
    mentions: pd.DataFrame,
    words: Mapping[str, int],
    *,
    members: Mapping[str, Sequence[str]] | None = None,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How often each entity is mentioned in each group, per 1,000 words.

    Args:
        mentions: entity mentions with a ``group`` column (and ``entity``, ``label``).
        words: group -> the number of words its mentions are counted against.
        members: group -> entities listed even when never mentioned (entity groups).
        order: the groups, in the order the table lists them; default sorted by name.

    Returns:
        ``group, entity, label, mentions, words, per_1000``, per group sorted by ``per_1000``
        (descending), then entity. ``label`` is the entity's most frequent resolved label.
    """
    keys = ["group", "entity"]
    # The most frequent label of each entity in each group; a tie goes to the first by name.
    labels = (
        mentions.groupby([*keys, "label"], observed=True)
        .size()
        .reset_index(name="n")
        .sort_values([*keys, "n", "label"], ascending=[True, True, False, True], kind="stable")
        .drop_duplicates(keys)[[*keys, "label"]]
    )
    counts = (
        mentions.groupby(keys, observed=True)
        .size()
        .reset_index(name="mentions")
        .merge(labels, on=keys, how="left")[[*keys, "label", "mentions"]]
    )
    if members:
        seen = set(zip(counts["group"], counts["entity"], strict=True))
        missing = [
            (group, entity, "", 0)
            for group, entities in members.items()
            for entity in entities
            if (group, entity) not in seen
        ]
        counts = pd.concat(
            [counts, pd.DataFrame(missing, columns=["group", "entity", "label", "mentions"])],
            ignore_index=True,
        )
    counts["mentions"] = counts["mentions"].astype("int64")
    counts["words"] = counts["group"].map(words).fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        counts["per_1000"] = np.where(
            counts["words"] > 0, counts["mentions"] / counts["words"] * 1000, np.nan
        )
    order = list(order) if order is not None else sorted(counts["group"].unique())
    return sort_by_group(counts[SHARE_COLUMNS], order, ["per_1000", "entity"], [False, True])


def _log_odds(
    y_a: np.ndarray, y_b: np.ndarray, alpha: np.ndarray, alpha0: float
) -> tuple[np.ndarray, np.ndarray]:
    """Monroe, Colaresi and Quinn (2008), eq. 22 and its variance: the log-odds ratio of each
    word in ``a`` against ``b`` with Dirichlet prior ``alpha`` (summing to ``alpha0``)."""
    n_a, n_b = y_a.sum(), y_b.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha)) - np.log(
            (y_b + alpha) / (n_b + alpha0 - y_b - alpha)
        )
        variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
        return delta, delta / np.sqrt(variance)


def log_odds_dirichlet(
    counts_a: Mapping[str, float],
    counts_b: Mapping[str, float],
    prior: Mapping[str, float],
    *,
    alpha0: float | None = None,
) -> pd.DataFrame:
    """The log-odds ratio of each word in ``a`` against ``b`` with an informative Dirichlet prior
    (Monroe, Colaresi and Quinn 2008, "Fightin' Words", eq. 22), and its z-score.

    For word w with counts y_a, y_b, totals n_a, n_b and prior α_w = α0 · prior_w / Σ prior:
    δ_w = log((y_a + α_w) / (n_a + α0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α0 − y_b − α_w)),
    σ²_w ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w), z_w = δ_w / σ_w.

    Args:
        counts_a: word -> count in the first text (a Counter, dict or Series).
        counts_b: word -> count in the second text.
        prior: word -> count in the background corpus (usually both texts together); every word
            of ``a`` and ``b`` needs a positive count.
        alpha0: the prior's total weight, in words; default the background's size, so the prior
            counts are the background counts themselves.

    Returns:
        ``term, count_a, count_b, log_odds, z``, one row per word of ``a`` or ``b``, sorted by z
        (descending) then term: words typical of ``a`` first, of ``b`` last.

    Raises:
        ValueError: a word of ``a`` or ``b`` has no positive prior count.
    """
    a = pd.Series(counts_a, dtype="float64")
    b = pd.Series(counts_b, dtype="float64")
    background = pd.Series(prior, dtype="float64")
    vocabulary = a.index.union(b.index)
    total = background.sum()
    weights = background.reindex(vocabulary)
    if weights.isna().any() or (weights <= 0).any():
        missing = sorted(weights.index[weights.isna() | (weights <= 0)])[:5]
        raise ValueError(f"no positive prior count for: {', '.join(map(str, missing))}")
    alpha0 = total if alpha0 is None else float(alpha0)
    y_a = a.reindex(vocabulary, fill_value=0).to_numpy()
    y_b = b.reindex(vocabulary, fill_value=0).to_numpy()
    delta, z = _log_odds(y_a, y_b, (alpha0 * weights / total).to_numpy(), alpha0)
    table = pd.DataFrame(
        {"term": vocabulary, "count_a": y_a, "count_b": y_b, "log_odds": delta, "z": z}
    )
    if all(float(value).is_integer() for value in (*y_a, *y_b)):
        table = table.astype({"count_a": "int64", "count_b": "int64"})
    return table.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def distinctive_terms(
    terms: pd.DataFrame,
    *,
    background: pd.DataFrame | None = None,
    alpha0: float | None = None,
    min_count: int = 1,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The words and phrases that set each group apart from the rest, by the log-odds ratio with
    an informative Dirichlet prior (:func:`log_odds_dirichlet`), group against all other groups.

    Unigrams and bigrams are compared separately, each against its own totals and prior.

    Args:
        terms: one row per occurrence: ``group, term`` and ``ngram`` (1 if absent).
        background: occurrences (``term``, ``ngram``) the prior is estimated from; default
            ``terms``. :func:`compare` passes the whole corpus.
        alpha0: the prior's weight in words; default the background's size (per n-gram order).
        min_count: keep terms seen at least this often in the group.
        order: the groups, in the order the table lists them; default sorted by name.

    Returns:
        ``group, term, ngram, count_group, count_rest, log_odds, z``, per group sorted by z
        (descending), then term. Empty when there are fewer than two groups.
    """
    if "ngram" not in terms.columns:
        terms = terms.assign(ngram=1)
    background = terms if background is None else background
    if "ngram" not in background.columns:
        background = background.assign(ngram=1)
    order = group_order(terms, order)
    present = set(terms["group"]) & set(order)
    parts = []
    if len(present) >= 2:
        for n, occurrences in terms.groupby("ngram"):
            counts = occurrences.groupby(["term", "group"]).size().unstack(fill_value=0)
            prior = background.loc[background["ngram"] == n, "term"].value_counts()
            weights = prior.reindex(counts.index)
            if weights.isna().any():
                raise ValueError("the background lacks terms of the groups compared")
            size = prior.sum()
            weight = size if alpha0 is None else float(alpha0)
            alpha = (weight * weights / size).to_numpy(dtype="float64")
            total = counts.sum(axis=1).to_numpy(dtype="float64")
            for group in counts.columns:
                y_a = counts[group].to_numpy(dtype="float64")
                delta, z = _log_odds(y_a, total - y_a, alpha, weight)
                keep = y_a >= max(min_count, 1)
                parts.append(
                    pd.DataFrame(
                        {
                            "group": group,
                            "term": counts.index[keep],
                            "ngram": int(n),
                            "count_group": y_a[keep].astype("int64"),
                            "count_rest": (total - y_a)[keep].astype("int64"),
                            "log_odds": delta[keep],
                            "z": z[keep],
                        }
                    )
                )
    if not parts:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    table = pd.concat(parts, ignore_index=True)[DISTINCTIVE_COLUMNS]
    return sort_by_group(table, order, ["z", "term"], [False, True])


def sentiment_intervals(
    rows: pd.DataFrame,
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mean targeted sentiment toward each entity in each group, with a bootstrap interval.

    Each (group, entity) is resampled over its mentions with a Generator seeded from ``seed``, the
    group and the entity, so its interval does not change when other groups or entities do.

    Args:
        rows: one row per scored mention: ``group, entity, score`` (and ``doc_id``,
            ``start_char``, which fix the order of the mentions before resampling).
        n_resamples: bootstrap resamples.
        level: the intervals' coverage.
        seed: the base seed.
        order: the groups, in the order the table lists them; default sorted by name.

    Returns:
        ``group, entity, mentions, mean, ci_low, ci_high, share_polar`` (the share of the
        mentions that carry sentiment at all; NaN when ``rows`` has no ``polarity``), per group
        sorted by mentions (descending), then entity.
    """
    rows = rows.dropna(subset=["score"])
    keys = [key for key in ("group", "entity", "doc_id", "start_char") if key in rows.columns]
    rows = rows.sort_values([*keys, "score"], kind="stable")
    scores = rows["score"].to_numpy(dtype="float64")
    polar = (rows["polarity"] != 0).to_numpy() if "polarity" in rows else None
    records = []
    # Positions of each group's rows (in the sorted order), without a DataFrame per group.
    for (group, entity), positions in sorted(rows.groupby(["group", "entity"]).indices.items()):
        entity_seed = [seed, zlib.crc32(str(group).encode()), zlib.crc32(str(entity).encode())]
        mean, low, high = bootstrap_ci(
            scores[positions], n_resamples=n_resamples, level=level, seed=entity_seed
        )
        share = float(polar[positions].mean()) if polar is not None else float("nan")
        records.append((group, entity, len(positions), mean, low, high, round(share, 4)))
    table = pd.DataFrame(records, columns=SENTIMENT_COLUMNS)
    table["mentions"] = table["mentions"].astype("int64")
    order = list(order) if order is not None else sorted(table["group"].unique())
    return sort_by_group(table, order, ["mentions", "entity"], [False, True])


def attribution_profile(
    attributions: pd.DataFrame, *, order: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who is quoted in each group, and how.

    Args:
        attributions: :data:`analysis.attribution.ATTRIBUTION_COLUMNS` with a ``group`` column.
        order: the groups, in the order the tables list them; default sorted by name.

    Returns:
        Two tables. Speakers: ``group, speaker, speaker_label, attributions, share`` (of the
        group's attributions), ``direct, partial, indirect, words_quoted`` (see
        :func:`analysis.attribution.quoted_words`), ``documents``, per group sorted by
        attributions then words quoted (descending), then speaker. Kinds: ``group, kind,
        attributions, share, words_quoted``, one row per group and kind (direct, partial,
        indirect), zeros included.
    """
    order = group_order(attributions, order)
    table = attributions[attributions["group"].isin(order)]
    table = table.assign(
        # As in analysis.attribution.speaker_table, which this computes for every group at once.
        speaker=table["speaker"].replace("", UNRESOLVED_SPEAKER),
        words_quoted=pd.Series(
            [
                quoted_words(text, kind)
                for text, kind in zip(table["content_text"], table["kind"], strict=True)
            ],
            index=table.index,
            dtype="int64",
        ),
    )
    totals = table["group"].value_counts()

    kinds = (
        table.groupby(["group", "kind"])
        .agg(attributions=("kind", "size"), words_quoted=("words_quoted", "sum"))
        .reindex(pd.MultiIndex.from_product([order, KINDS], names=["group", "kind"]), fill_value=0)
        .reset_index()
    )
    group_totals = kinds["group"].map(totals).fillna(0).to_numpy()
    kinds["share"] = np.divide(
        kinds["attributions"].to_numpy(dtype="float64"),
        group_totals,
        out=np.zeros(len(kinds)),
        where=group_totals > 0,
    )

    if table.empty:
        return pd.DataFrame(columns=SPEAKER_COLUMNS), kinds[KIND_COLUMNS]
    by_kind = pd.crosstab([table["group"], table["speaker"]], table["kind"]).reindex(
        columns=list(KINDS), fill_value=0
    )
    speakers = (
        table.groupby(["group", "speaker"])
        .agg(
            speaker_label=("speaker_label", "first"),
            attributions=("kind", "size"),
            words_quoted=("words_quoted", "sum"),
            documents=("doc_id", "nunique"),
        )
        .join(by_kind)
        .reset_index()
    )
    speakers["share"] = speakers["attributions"] / speakers["group"].map(totals)
    speakers = sort_by_group(
        speakers[SPEAKER_COLUMNS],
        order,
        ["attributions", "words_quoted", "speaker"],
        [False, False, True],
    )
    return speakers, kinds[KIND_COLUMNS]
