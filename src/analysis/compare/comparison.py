"""Compare groups of text: outlets (or any metadata column), documents, blocs of entities, voices.

A grouping assigns words, entity mentions, attributions and targeted-sentiment rows to groups;
four measures then set the groups side by side: how often each entity is mentioned per 1,000
words, the words and phrases that distinguish a group from the rest (the log-odds ratio with an
informative Dirichlet prior of Monroe, Colaresi and Quinn 2008, "Fightin' Words"), the sentiment
toward each entity with bootstrap confidence intervals, and who is quoted, and how.
"""

from __future__ import annotations

import csv
import os
import re
import warnings
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analysis import paths
from analysis.attribution import quoted_words
from analysis.corpus import Document
from analysis.entities import Knowledge
from analysis.errors import AnalysisError
from analysis.pipeline import Tables
from analysis.schema import KINDS, TARGET_COLUMNS, VOICES

#: The packaged entity groups (``group,entity`` rows), an example for the seed corpus.
ENTITY_GROUPS_FILE = paths.DATA_DIR / "entity_groups.csv"
#: Group of the documents that have no value in the grouping column.
NO_VALUE = "(none)"
#: Date buckets for ``COLUMN:BUCKET`` groupings, and how many ISO date parts each keeps.
DATE_BUCKETS = {"year": 1, "month": 2, "day": 3}
#: One row per scored entity mention; ``voice`` is "author" or "quoted".
SENTIMENT_ROW_COLUMNS = TARGET_COLUMNS

GROUP_COLUMNS = ["group", "members", "documents", "words", "mentions", "attributions"]
SHARE_COLUMNS = ["group", "entity", "label", "mentions", "words", "per_1000"]
DISTINCTIVE_COLUMNS = ["group", "term", "ngram", "count_group", "count_rest", "log_odds", "z"]
SENTIMENT_COLUMNS = ["group", "entity", "mentions", "mean", "ci_low", "ci_high"]
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
#: The measures of a :class:`Comparison`, in order.
MEASURES = ("groups", "shares", "words", "sentiment", "speakers", "kinds")

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?!\d)")


# --- groupings ----------------------------------------------------------------------------------


class Grouping(NamedTuple):
    """How a corpus is split into groups; build it with :func:`parse_grouping`.

    Attributes:
        kind: ``metadata`` (a metadata column), ``document`` (each document on its own),
            ``entities`` (blocs of canonical entities) or ``voice`` (author against sources).
        column: the metadata column, for ``metadata``.
        bucket: ``year``, ``month`` or ``day`` when the column holds ISO dates to bucket, else "".
        entity_groups: group name -> canonical entities, for ``entities``.
    """

    kind: str
    column: str = ""
    bucket: str = ""
    entity_groups: dict[str, tuple[str, ...]] | None = None


def parse_grouping(by: str, *, groups_file: str | os.PathLike[str] | None = None) -> Grouping:
    """Read a grouping as written on the command line or in a notebook parameter.

    Args:
        by: ``COLUMN`` (a metadata column such as ``outlet`` or ``author``), ``COLUMN:BUCKET``
            (ISO dates bucketed by ``year``, ``month`` or ``day``: ``date:month``),
            ``document``, ``groups`` (the entity groups of ``groups_file``, default the packaged
            :data:`ENTITY_GROUPS_FILE`), ``groups:FILE`` or ``voice``.
        groups_file: the entity groups file for ``by="groups"``.

    Raises:
        AnalysisError: an unknown date bucket, an empty column name, or a bad groups file.
    """
    by = by.strip()
    if by in ("document", "voice"):
        return Grouping(by)
    if by == "groups" or by.startswith("groups:"):
        path = by.partition(":")[2].strip() or groups_file
        return Grouping("entities", entity_groups=load_entity_groups(path))
    column, _, bucket = (part.strip() for part in by.partition(":"))
    if not column:
        raise AnalysisError(f"--by {by!r}: name a metadata column, document, groups or voice")
    if bucket and bucket not in DATE_BUCKETS:
        raise AnalysisError(
            f"--by {by!r}: unknown date bucket {bucket!r} (use {', '.join(DATE_BUCKETS)})"
        )
    return Grouping("metadata", column=column, bucket=bucket)


def load_entity_groups(
    path: str | os.PathLike[str] | None = None, *, knowledge: Knowledge | None = None
) -> dict[str, tuple[str, ...]]:
    """Read a groups file: group name -> canonical entity names.

    A ``.csv`` file has ``group,entity`` rows; a ``.yaml``/``.yml`` file (read when PyYAML is
    installed) maps each group to a list of entities. Names known as aliases in the entities file
    are replaced by their canonical name ("US" -> United States), so they match
    :func:`analysis.entities.resolve_mentions`; metonyms ("Moscow") are not, since mentions of
    them count for the state they stand for.

    Args:
        path: the file; relative paths are resolved against the project root. Default
            :data:`ENTITY_GROUPS_FILE`.
        knowledge: the alias lists; default the packaged ones.

    Returns:
        Groups in file order, each with its entities in file order (duplicates dropped).

    Raises:
        AnalysisError: the file is missing, malformed or lists no group.
    """
    file = paths.resolve_path(path) if path else ENTITY_GROUPS_FILE
    if not file.is_file():
        raise AnalysisError(f"groups file not found: {file}")
    pairs = _yaml_groups(file) if file.suffix.lower() in (".yaml", ".yml") else _csv_groups(file)
    aliases = (knowledge or Knowledge.load()).aliases
    groups: dict[str, dict[str, None]] = {}
    for group, entity in pairs:
        canonical = aliases.get(entity, (entity, ""))[0]
        groups.setdefault(group, {})[canonical] = None
    if not groups:
        raise AnalysisError(f"{file}: no groups (expected group,entity rows)")
    return {group: tuple(entities) for group, entities in groups.items()}


def _csv_groups(file: Path) -> list[tuple[str, str]]:
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        if not {"group", "entity"} <= set(header):
            raise AnalysisError(
                f"{file}: expected columns group,entity (found: {', '.join(header) or 'none'})"
            )
        reader.fieldnames = header
        pairs = []
        for row in reader:
            group, entity = (row["group"] or "").strip(), (row["entity"] or "").strip()
            if group and entity:
                pairs.append((group, entity))
            elif group or entity:
                raise AnalysisError(f"{file} line {reader.line_num}: a group and an entity needed")
    return pairs


def _yaml_groups(file: Path) -> list[tuple[str, str]]:
    try:
        import yaml
    except ImportError:
        raise AnalysisError(
            f"{file}: reading YAML needs PyYAML; or write the groups as CSV"
        ) from None
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise AnalysisError(f"{file}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise AnalysisError(f"{file}: expected a mapping of group names to lists of entities")
    pairs = []
    for group, entities in data.items():
        if isinstance(entities, str):
            entities = [entities]
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            raise AnalysisError(f"{file}: group {group!r} must list entity names")
        pairs.extend((str(group).strip(), e.strip()) for e in entities if e.strip())
    return pairs


def document_groups(documents: Iterable[Document], grouping: Grouping) -> dict[str, str]:
    """The group of each document, for the ``metadata`` and ``document`` groupings.

    Documents with no value in the column, or a date too short for the bucket (``2023`` by
    month), go to the group ``(none)``, the latter with a warning.

    Raises:
        AnalysisError: no document has a value in the column.
    """
    documents = list(documents)
    if grouping.kind == "document":
        return {doc.id: doc.id for doc in documents}
    if grouping.kind != "metadata":
        raise ValueError(f"grouping {grouping.kind!r} does not group whole documents")
    column = grouping.column
    if not any(doc.meta.get(column) for doc in documents):
        available = sorted({key for doc in documents for key in doc.meta})
        raise AnalysisError(
            f"no document has a {column!r} value (metadata: {', '.join(available) or 'none'}); "
            "group by document, groups or voice instead"
        )
    groups = {}
    for doc in documents:
        value = doc.meta.get(column, "")
        if value and grouping.bucket:
            value = _date_bucket(value, grouping.bucket, doc.source)
        groups[doc.id] = value or NO_VALUE
    return groups


def _date_bucket(value: str, bucket: str, source: str) -> str:
    match = _ISO_DATE.match(value.strip())
    parts = [part for part in match.groups() if part] if match else []
    if len(parts) < DATE_BUCKETS[bucket]:
        warnings.warn(
            f"{source}: date {value!r} has no {bucket} (expected YYYY-MM-DD); "
            f"grouped as {NO_VALUE}",
            stacklevel=4,
        )
        return ""
    return "-".join(parts[: DATE_BUCKETS[bucket]])


# --- assigning rows to groups -------------------------------------------------------------------


class _Labeller:
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


def _group_order(table: pd.DataFrame, order: Sequence[str] | None) -> list[str]:
    return list(order) if order is not None else sorted(table["group"].unique())


def _sorted(
    table: pd.DataFrame, order: Sequence[str], by: list[str], ascending: list[bool]
) -> pd.DataFrame:
    rank = {group: i for i, group in enumerate(order)}
    table = table.assign(_rank=table["group"].map(rank))
    table = table.sort_values(["_rank", *by], ascending=[True, *ascending], kind="stable")
    return table.drop(columns="_rank").reset_index(drop=True)


# --- measures -----------------------------------------------------------------------------------


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
    counts = (
        mentions.groupby(["group", "entity"])
        .agg(label=("label", _most_common), mentions=("entity", "size"))
        .reset_index()
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
    return _sorted(counts[SHARE_COLUMNS], order, ["per_1000", "entity"], [False, True])


def _most_common(values: pd.Series) -> str:
    counts = values.value_counts()
    return min(counts.index, key=lambda value: (-counts[value], value))


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
    order = _group_order(terms, order)
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
    return _sorted(table, order, ["z", "term"], [False, True])


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
        ``group, entity, mentions, mean, ci_low, ci_high``, per group sorted by mentions
        (descending), then entity.
    """
    rows = rows.dropna(subset=["score"])
    keys = [key for key in ("group", "entity", "doc_id", "start_char") if key in rows.columns]
    rows = rows.sort_values([*keys, "score"], kind="stable")
    records = []
    for (group, entity), part in rows.groupby(["group", "entity"], sort=True):
        entity_seed = [seed, zlib.crc32(str(group).encode()), zlib.crc32(str(entity).encode())]
        mean, low, high = bootstrap_ci(
            part["score"].to_numpy(), n_resamples=n_resamples, level=level, seed=entity_seed
        )
        records.append((group, entity, len(part), mean, low, high))
    table = pd.DataFrame(records, columns=SENTIMENT_COLUMNS)
    table["mentions"] = table["mentions"].astype("int64")
    order = list(order) if order is not None else sorted(table["group"].unique())
    return _sorted(table, order, ["mentions", "entity"], [False, True])


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
    order = _group_order(attributions, order)
    table = attributions[attributions["group"].isin(order)]
    table = table.assign(
        # As in analysis.attribution.speaker_table, which this computes for every group at once.
        speaker=table["speaker"].replace("", "(unresolved)"),
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
    speakers = _sorted(
        speakers[SPEAKER_COLUMNS],
        order,
        ["attributions", "words_quoted", "speaker"],
        [False, False, True],
    )
    return speakers, kinds[KIND_COLUMNS]


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
    labeller = _Labeller(grouping, document_group, name_mentions, tables.attributions)
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
        members = {group: "; ".join(entities) for group, entities in grouping.entity_groups.items()}
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


def available_groupings(documents: Sequence[Document], grouping: str) -> Groupings:
    """The groupings to compare a corpus by, given the one a user asked for.

    Entity groups and voices split the text within documents; the other groupings need several
    documents, and a metadata grouping needs the column ("outlet" in ``outlet``, "date" in
    ``date:year``): without them the corpus is compared by entity groups and voice only.
    """
    column = grouping.split(":")[0]
    has_column = grouping == "document" or any(d.meta.get(column) for d in documents)
    if len(documents) < 2:
        note = f"One document: compared by entity groups and voice ({grouping!r} needs several)."
        return Groupings(["groups", "voice"], note)
    if not has_column:
        note = f"No document has {column!r} metadata: compared by entity groups and voice only."
        return Groupings(["groups", "voice"], note)
    groupings = list(dict.fromkeys([grouping, "groups", "voice"]))
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
