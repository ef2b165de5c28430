"""Compare groups of text: outlets (or any metadata column), documents, blocs of entities, voices.

A grouping assigns words, entity mentions, attributions and targeted-sentiment rows to groups;
four measures then set the groups side by side: how often each entity is mentioned per 1,000
words, the words and phrases that distinguish a group from the rest (the log-odds ratio with an
informative Dirichlet prior of Monroe, Colaresi and Quinn 2008, "Fightin' Words"), the sentiment
toward each entity with bootstrap confidence intervals, and who is quoted, and how.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import warnings
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from analysis import paths
from analysis.annotate import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, document_annotations, parse
from analysis.attribution import ATTRIBUTION_COLUMNS, extract, load_cues, quoted_words
from analysis.corpus import Document
from analysis.entities import DEFAULT_LABELS, MENTION_COLUMNS, Knowledge, resolve_mentions
from analysis.errors import AnalysisError
from analysis.sentiment import TARGET_COLUMNS

#: The packaged entity groups (``group,entity`` rows), an example for the seed corpus.
ENTITY_GROUPS_FILE = paths.DATA_DIR / "entity_groups.csv"
#: The two voices: the author's own text, and the content of attributions (quoted or reported).
VOICES = ("author", "quoted")
#: Group of the documents that have no value in the grouping column.
NO_VALUE = "(none)"
#: Date buckets for ``COLUMN:BUCKET`` groupings, and how many ISO date parts each keeps.
DATE_BUCKETS = {"year": 1, "month": 2, "day": 3}
#: The per-corpus targeted sentiment function :func:`corpus_tables` looks for in
#: :mod:`analysis.sentiment`: ``(documents, *, model, cache_dir) -> DataFrame`` with
#: :data:`SENTIMENT_ROW_COLUMNS`.
SENTIMENT_FUNCTION = "entity_mention_sentiment"
#: One row per scored entity mention; ``voice`` is "author" or "quoted".
SENTIMENT_ROW_COLUMNS = TARGET_COLUMNS

WORD_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char"]
TERM_COLUMNS = [*WORD_COLUMNS, "term", "ngram"]
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
KINDS = ("direct", "partial", "indirect")

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


# --- the corpus tables the measures read ----------------------------------------------------------


class CorpusTables(NamedTuple):
    """What :func:`compare` needs from a parsed corpus; build it with :func:`corpus_tables` and
    reuse it for several groupings.

    Attributes:
        words: one row per word (spaCy tokens that are not punctuation or space, as
            ``n_words`` in :func:`analysis.annotate.annotate`): ``doc_id, sent_id, start_char,
            end_char``.
        terms: the words and phrases compared: lowercased unigrams that are no stopword and
            hold a letter, and bigrams of two such adjacent tokens in one sentence; ``doc_id,
            sent_id, start_char, end_char, term, ngram`` (1 or 2).
        mentions: canonical entity mentions (:func:`analysis.entities.resolve_mentions`).
        attributions: :data:`analysis.attribution.ATTRIBUTION_COLUMNS`.
        sentiment: targeted sentiment rows (:data:`SENTIMENT_ROW_COLUMNS`), or None when not
            computed.
    """

    words: pd.DataFrame
    terms: pd.DataFrame
    mentions: pd.DataFrame
    attributions: pd.DataFrame
    sentiment: pd.DataFrame | None


def corpus_tables(
    documents: Iterable[Document],
    *,
    model: str = DEFAULT_MODEL,
    metonyms: bool = True,
    sentiment: bool = True,
    cues_file: str | os.PathLike[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache_dir: str | os.PathLike[str] | None = None,
) -> CorpusTables:
    """Read each document's parse once (from the cache of :func:`analysis.annotate.parse`) and
    collect words, terms, entity mentions and attributions.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        model: spaCy model package name or path.
        metonyms: count "Moscow" as Russia (see :mod:`analysis.entities`).
        sentiment: also score the sentiment toward each mention with
            ``analysis.sentiment.entity_mention_sentiment``; when that is not available, warn and
            leave ``sentiment`` None.
        cues_file: a CSV of attribution cue lemmas; default the packaged one.
        batch_size: documents per ``nlp.pipe`` batch.
        cache_dir: the parse cache; default :func:`analysis.paths.cache_dir`.
    """
    documents = list(documents)
    knowledge = Knowledge.load()
    cues = load_cues(str(cues_file) if cues_file else None)
    words: list[tuple] = []
    terms: list[tuple] = []
    mentions: list[pd.DataFrame] = []
    attributions: list[tuple] = []
    for document, doc in parse(documents, model=model, batch_size=batch_size, cache_dir=cache_dir):
        doc_words, doc_terms = word_rows(document.id, doc)
        words.extend(doc_words)
        terms.extend(doc_terms)
        # One resolution serves both: attribution needs every label, counts the name labels.
        resolved = resolve_mentions(
            document_annotations(document, doc), metonyms=metonyms, labels=None, knowledge=knowledge
        )
        attributions.extend(extract(doc, document.id, resolved, cues=cues)[0])
        mentions.append(resolved[resolved["label"].isin(DEFAULT_LABELS)])
    mention_table = (
        pd.concat(mentions, ignore_index=True)
        if mentions
        else pd.DataFrame(columns=MENTION_COLUMNS)
    )
    rows = None
    if sentiment:
        rows = _mention_sentiment(documents, model=model, cache_dir=cache_dir)
    return CorpusTables(
        words=pd.DataFrame(words, columns=WORD_COLUMNS),
        terms=pd.DataFrame(terms, columns=TERM_COLUMNS),
        mentions=mention_table.reset_index(drop=True),
        attributions=pd.DataFrame(attributions, columns=ATTRIBUTION_COLUMNS),
        sentiment=rows,
    )


def word_rows(doc_id: str, doc: Doc) -> tuple[list[tuple], list[tuple]]:
    """Word rows (:data:`WORD_COLUMNS`) and term rows (:data:`TERM_COLUMNS`) of one document."""
    # Imported here, not with the module's imports, to keep this function's change to itself.
    from itertools import repeat

    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LENGTH, LOWER

    # Every token's attributes read at once: iterating over the Doc builds a Token object for
    # each, which costs more than the rest. LENGTH is len(token), LOWER token.lower_.
    values = doc.to_array([IS_PUNCT, IS_SPACE, IS_STOP, LOWER, IDX, LENGTH])
    lower_ids = values[:, 3].tolist()
    sent_ids = np.zeros(len(values), dtype=np.int64)
    for sent_id, sent in enumerate(doc.sents):
        sent_ids[sent.start : sent.end] = sent_id
    starts = values[:, 4]
    ends = starts + values[:, 5]
    # A word is any token but punctuation and space.
    word = (values[:, 0] == 0) & (values[:, 1] == 0)
    words = list(
        zip(
            repeat(doc_id),
            sent_ids[word].tolist(),
            starts[word].tolist(),
            ends[word].tolist(),
            strict=False,
        )
    )
    # A term is a word with a letter that is no stop word; two terms in a row make a bigram.
    strings = doc.vocab.strings
    lower_of = {i: strings[i] for i in set(lower_ids)}
    has_letter = {
        i: lower.isalpha() or any(char.isalpha() for char in lower) for i, lower in lower_of.items()
    }
    term = word & (values[:, 2] == 0) & np.array([has_letter[i] for i in lower_ids], dtype=bool)
    sent_ids, starts, ends = sent_ids.tolist(), starts.tolist(), ends.tolist()
    terms = []
    previous = -1
    for i in np.flatnonzero(term).tolist():
        sent_id, end, lower = sent_ids[i], ends[i], lower_of[lower_ids[i]]
        terms.append((doc_id, sent_id, starts[i], end, lower, 1))
        if previous == i - 1 and sent_ids[previous] == sent_id:
            bigram = f"{lower_of[lower_ids[previous]]} {lower}"
            terms.append((doc_id, sent_id, starts[previous], end, bigram, 2))
        previous = i
    return words, terms


def _mention_sentiment(
    documents: list[Document], *, model: str, cache_dir: str | os.PathLike[str] | None
) -> pd.DataFrame | None:
    try:
        from analysis import sentiment
    except ImportError as error:
        warnings.warn(f"targeted sentiment skipped: {error}", stacklevel=3)
        return None
    function = getattr(sentiment, SENTIMENT_FUNCTION, None)
    if function is None:
        warnings.warn(
            f"targeted sentiment skipped: analysis.sentiment has no {SENTIMENT_FUNCTION}()",
            stacklevel=3,
        )
        return None
    options = {"model": model} if cache_dir is None else {"model": model, "cache_dir": cache_dir}
    return function(documents, **options)


# --- assigning rows to groups -------------------------------------------------------------------


class _Labeller:
    """Adds a ``group`` column to the corpus tables; a row in several groups (a sentence that
    mentions two blocs) is repeated, a row in none is dropped."""

    def __init__(
        self, grouping: Grouping, document_group: dict[str, str], tables: CorpusTables
    ) -> None:
        self.kind = grouping.kind
        if self.kind in ("metadata", "document"):
            self.document_group = document_group
            self.order = sorted(set(document_group.values()))
        elif self.kind == "voice":
            self.order = list(VOICES)
            self.quoted = _spans_by_document(
                (row.doc_id, start, end)
                for row in tables.attributions.itertuples(index=False)
                for start, end in row.content
            )
        elif self.kind == "entities":
            groups = grouping.entity_groups or {}
            self.order = list(groups)
            self.groups_of: dict[str, list[str]] = {}
            for group, entities in groups.items():
                for entity in entities:
                    self.groups_of.setdefault(entity, []).append(group)
            grouped = tables.mentions[tables.mentions["entity"].isin(self.groups_of)]
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
    *,
    by: str,
    groups_file: str | os.PathLike[str] | None = None,
    tables: CorpusTables | None = None,
    sentiment: pd.DataFrame | None = None,
    model: str = DEFAULT_MODEL,
    metonyms: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
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
        by: the grouping (see :func:`parse_grouping`).
        groups_file: the entity groups for ``by="groups"``; default the packaged example.
        tables: the corpus tables from :func:`corpus_tables`, to compare one corpus several
            ways without reading its parse again; default computed here.
        sentiment: targeted sentiment rows (:data:`SENTIMENT_ROW_COLUMNS`) to use instead of
            ``tables.sentiment``.
        model: spaCy model package name or path.
        metonyms: count "Moscow" as Russia.
        cache_dir: the parse cache; default :func:`analysis.paths.cache_dir`.
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
    # Before parsing, so that a column no document has fails at once.
    document_group = (
        document_groups(documents, grouping) if grouping.kind in ("metadata", "document") else {}
    )
    if tables is None:
        tables = corpus_tables(
            documents,
            model=model,
            metonyms=metonyms,
            sentiment=sentiment is None,
            cache_dir=cache_dir,
        )
    labeller = _Labeller(grouping, document_group, tables)
    order = labeller.order

    words = labeller.text(tables.words)
    terms = labeller.text(tables.terms)
    mentions = labeller.mentions(tables.mentions)
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

    rows = sentiment if sentiment is not None else tables.sentiment
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


# --- command line -------------------------------------------------------------------------------

MEASURES = ("groups", "shares", "words", "sentiment", "speakers", "kinds")
_MEASURE_CHOICES = (*MEASURES, "attribution")


def add_cli(commands) -> None:
    from analysis.cli import add_corpus_argument

    parser = commands.add_parser(
        "compare",
        help="compare outlets, documents, entity groups or voices",
        description=(
            "Compare groups of a corpus: entity shares per 1,000 words, distinctive words "
            "(log-odds with an informative Dirichlet prior), targeted sentiment with bootstrap "
            "intervals, and who is quoted."
        ),
    )
    add_corpus_argument(parser)
    parser.add_argument(
        "--by",
        required=True,
        metavar="GROUPING",
        help=(
            "a metadata COLUMN (outlet, author; date:month, date:year or date:day buckets ISO "
            "dates), document, groups (the packaged entity groups), groups:FILE (CSV group,entity "
            "or YAML), or voice (the author's own text against quoted and reported content)"
        ),
    )
    parser.add_argument(
        "--measure",
        action="append",
        choices=_MEASURE_CHOICES,
        help="the table to print (repeatable; attribution = speakers and kinds; default: all)",
    )
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="at most N rows per group in each table (0: all)",
    )
    parser.add_argument("--model", default=None, help="spaCy model package or path")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.set_defaults(run=_run_cli)


def _run_cli(args) -> int:
    from analysis import engine
    from analysis.cli import corpus_documents
    from analysis.tables import Settings

    measures: list[str] = []
    for measure in args.measure or MEASURES:
        for name in ("speakers", "kinds") if measure == "attribution" else (measure,):
            if name not in measures:
                measures.append(name)
    if args.format == "csv" and len(measures) > 1:
        raise AnalysisError(
            f"--format csv writes one table: choose it with --measure ({', '.join(MEASURES)})"
        )
    by = args.by
    if by.startswith("groups:"):  # on the command line a relative path means the working folder
        by = f"groups:{Path(by.partition(':')[2]).absolute()}"
    documents = corpus_documents(args)
    # The table store: nothing is parsed when `analysis annotate` has run on the corpus.
    settings = Settings(model=args.model or DEFAULT_MODEL)
    tables = engine.load(documents, settings).corpus_tables()
    result = compare(documents, by=by, tables=tables, seed=args.seed)._asdict()
    shown = {}
    for name in measures:
        table = result[name]
        if args.top > 0 and "group" in table.columns and name != "kinds":
            table = table.groupby("group", sort=False).head(args.top)
        shown[name] = table.reset_index(drop=True)
    if args.format == "json":
        records = {
            name: json.loads(table.to_json(orient="records")) for name, table in shown.items()
        }
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        next(iter(shown.values())).to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        blocks = [
            f"{name}\n" + (_shorten(table).to_string(index=False) if len(table) else "(no rows)")
            for name, table in shown.items()
        ]
        sys.stdout.write("\n\n".join(blocks) + "\n")
    return 0


def _shorten(table: pd.DataFrame, width: int = 60) -> pd.DataFrame:
    """The table with long member lists cut, so that it stays readable in a terminal."""
    if "members" not in table.columns:
        return table
    members = table["members"]
    return table.assign(
        members=members.where(members.str.len() <= width, members.str.slice(0, width - 1) + "…")
    )
