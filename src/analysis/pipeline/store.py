"""The analysed-corpus store: every table of every document, in Parquet partitions.

``analysis annotate`` (:mod:`analysis.pipeline.engine`) parses documents and runs every analysis
on them (:mod:`analysis.pipeline.analyser`) in partitions of a few hundred documents; each
partition writes one Parquet file per table into a folder of its own::

    <cache>/tables/<settings key>/part-<id>/documents.parquet
                                            sentences.parquet
                                            ...
                                            _SUCCESS

A partition folder is written under a temporary name (``.part-<run>-<pid>-<nonce>.tmp``) and
renamed when complete, to a name derived from its text hashes, so an interrupted run leaves only
whole partitions behind and the next run analyses what is missing; a partition is published once
(a second attempt at the same documents finds it, or fails to rename over it and discards its
copy). Rows are keyed by text hash, not document id: :func:`read` maps them back to the ids of the
corpus at hand, in corpus order, so notebooks and commands read the same tables whatever engine or
number of processes wrote them. Should two partitions hold the same text (a run resumed while
tasks of an interrupted one still ran), :func:`index` names one of them and :func:`read` takes the
text's rows from that one only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import paths
from analysis.corpus import Document, documents_table, text_hash
from analysis.entities import DEFAULT_LABELS
from analysis.identity import (
    read_overrides,
    rename_speakers,
    rename_targets,
    renames,
    resolve_corpus,
)
from analysis.pipeline.settings import Settings
from analysis.schema import TABLE_COLUMNS, column_types

SUCCESS = "_SUCCESS"

# Spans (lists of [start, end] character offsets) are stored as JSON text: one plain type for
# every engine.
_ARROW_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "spans": pa.string()}

#: The Parquet schema of every table, from :mod:`analysis.schema`.
SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema([(column, _ARROW_TYPES[kind]) for column, kind in column_types(name).items()])
    for name in TABLE_COLUMNS
}
#: The columns of each table that hold spans.
_SPANS: dict[str, list[str]] = {
    name: [column for column, kind in column_types(name).items() if kind == "spans"]
    for name in TABLE_COLUMNS
}


def root(settings: Settings, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the partitions analysed under ``settings``."""
    base = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
    return base / "tables" / settings.key()


def partition_path(folder: Path, hashes: Iterable[str]) -> Path:
    """Where the partition of these text hashes is published: the name depends on the set of
    hashes only, so every attempt at the same documents aims at the same folder."""
    return folder / ("part-" + text_hash("\n".join(sorted(set(hashes))))[:20])


def published(part: Path) -> bool:
    """Whether the partition folder ``part`` is complete."""
    return (part / SUCCESS).is_file()


def stored_words(part: Path) -> int:
    """The words of the documents of a published partition."""
    words = pq.read_table(part / "documents.parquet", columns=["n_words"])[0]
    return int(pc.sum(words).as_py() or 0)


def staging_folders(folder: Path, run: str = "*") -> list[Path]:
    """Partitions being written, or left half-written by a process that died, by the run
    ``run`` (default any): ``.part-<run>-<pid>-<nonce>.tmp``."""
    return sorted(folder.glob(f".part-{run}-*.tmp"))


def remove_staging(folder: Path, run: str) -> int:
    """Delete what the run ``run`` left half-written (a worker killed mid-partition, whose
    partition another worker then wrote whole); call it once every task of the run is done.
    Returns how many folders it deleted."""
    leftovers = staging_folders(folder, run)
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)
    return len(leftovers)


# --- writing ----------------------------------------------------------------------------------


def _arrow_table(name: str, rows: Sequence[tuple]) -> pa.Table:
    schema = SCHEMAS[name]
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if field.name in _SPANS[name]:
            values = [json.dumps(v) for v in values]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class PartitionWriter:
    """Write one partition's tables batch by batch, as Parquet row groups, so that a worker holds
    one batch of rows at a time whatever the size of the partition; :meth:`close` makes the
    partition visible under a name derived from its text hashes, atomically.

    Use it as a context manager: on an error the half-written partition is deleted (a process
    killed outright leaves it: see :func:`remove_staging`).

    Args:
        folder: the store folder (:func:`root`).
        run: a tag of the run, in the temporary name, so that the run can remove what its killed
            workers left (:func:`remove_staging`).
    """

    def __init__(self, folder: Path, run: str = "run"):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.staging = folder / f".part-{run}-{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"
        self.staging.mkdir()
        self.writers = {
            name: pq.ParquetWriter(self.staging / f"{name}.parquet", schema)
            for name, schema in SCHEMAS.items()
        }
        self.hashes: list[str] = []
        self.path: Path | None = None  # the published partition, once closed

    def write(self, tables: dict[str, list[tuple]]) -> None:
        """Append rows (keyed by text hash) to every table in
        :data:`analysis.schema.TABLE_COLUMNS`."""
        for name, writer in self.writers.items():
            writer.write_table(_arrow_table(name, tables[name]))
        self.hashes.extend(row[0] for row in tables["documents"])

    def close(self) -> Path:
        """Finish the files and publish the partition as :attr:`path`; returns it."""
        for writer in self.writers.values():
            writer.close()
        (self.staging / SUCCESS).write_text("")
        final = partition_path(self.folder, self.hashes)
        try:
            os.rename(self.staging, final)  # fails onto a folder that is there and not empty
        except OSError:  # the same documents were completed meanwhile: keep that partition
            shutil.rmtree(self.staging, ignore_errors=True)
        self.path = final
        return final

    def __enter__(self) -> PartitionWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
            return
        for writer in self.writers.values():
            writer.close()
        shutil.rmtree(self.staging, ignore_errors=True)


# --- reading ----------------------------------------------------------------------------------


def index(folder: Path) -> dict[str, Path]:
    """Text hash -> the complete partition holding its tables."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for part in sorted(folder.glob("part-*")):
        if not published(part):
            continue
        hashes = pq.read_table(part / "documents.parquet", columns=["doc_id"]).column(0)
        for value in hashes.to_pylist():
            found.setdefault(value, part)
    return found


class Tables(NamedTuple):
    """Every table of an analysed corpus, with the corpus's document ids, in corpus order.

    Attributes:
        documents: :func:`analysis.corpus.documents_table` plus ``n_words`` and ``n_sentences``.
        sentences: ``doc_id, sent_id, start_char, end_char, text`` and VADER's ``compound,
            positive, negative, neutral`` (add a polarity with
            :func:`analysis.sentiment.with_polarity`).
        mentions: the model's entity mentions (:class:`analysis.schema.MentionRow`).
        entity_mentions: canonical mentions of every name label
            (:class:`analysis.schema.EntityMentionRow`).
        attributions: :class:`analysis.schema.AttributionRow` (spans as lists).
        quoted_terms: :class:`analysis.schema.QuotedTermRow`.
        mention_sentiment: targeted sentiment of every canonical mention
            (:class:`analysis.schema.TargetRow`).
        words: one row per word (:class:`analysis.schema.WordRow`).
        terms: unigrams and bigrams compared (:class:`analysis.schema.TermRow`).
        texts: document id -> text, which every offset indexes into.
    """

    documents: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    entity_mentions: pd.DataFrame
    attributions: pd.DataFrame
    quoted_terms: pd.DataFrame
    mention_sentiment: pd.DataFrame
    words: pd.DataFrame
    terms: pd.DataFrame
    texts: dict[str, str]

    def name_mentions(self, labels: Sequence[str] | None = None) -> pd.DataFrame:
        """Canonical mentions whose label is one of ``labels`` (default: the name labels of
        :data:`analysis.entities.DEFAULT_LABELS`)."""
        keep = self.entity_mentions["label"].isin(labels or DEFAULT_LABELS)
        return self.entity_mentions[keep].reset_index(drop=True)


def _read_table(name: str, parts: Sequence[Path], ids: pd.DataFrame) -> pd.DataFrame:
    """One table over ``parts``, its text hashes replaced by the ids in ``ids`` (``doc_id,
    _hash, _part, _order``: each text's rows come from ``parts[_part]`` only), rows in corpus
    order and, within a document, in stored order."""
    columns = TABLE_COLUMNS[name]
    arrow = []
    for number, part in enumerate(parts):
        table = pq.read_table(part / f"{name}.parquet", schema=SCHEMAS[name])
        arrow.append(table.append_column("_part", pa.array([number] * len(table), pa.int64())))
    schema = SCHEMAS[name].append(pa.field("_part", pa.int64()))
    table = pa.concat_tables(arrow) if arrow else schema.empty_table()
    frame = table.to_pandas().rename(columns={"doc_id": "_hash"})
    frame["_row"] = range(len(frame))
    frame = frame.merge(ids, on=["_hash", "_part"], how="inner", sort=False)
    frame = frame.sort_values(["_order", "_row"], kind="stable").reset_index(drop=True)
    for column in _SPANS[name]:
        frame[column] = [json.loads(value) for value in frame[column]]
    return frame[columns]


def read(
    documents: Iterable[Document],
    settings: Settings,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    only: Sequence[str] | None = None,
    corpus_pass: bool = True,
) -> Tables:
    """The tables of ``documents`` from the store; every document must have been analysed
    (see :func:`analysis.pipeline.engine.analyse`, which calls this when it is done).

    Args:
        documents: the corpus.
        settings: the settings the tables were computed under.
        cache_dir: the cache folder; default :func:`analysis.paths.cache_dir`.
        only: read just these tables (the others are empty); default all.
        corpus_pass: settle entities across the corpus (:func:`analysis.identity.resolve_corpus`)
            in the entity mentions and in the speakers and targets that name them; False gives
            each document's own resolution, as stored.

    Raises:
        KeyError: a document is not in the store.
    """
    documents = list(documents)
    found = index(root(settings, cache_dir))
    hashes = [text_hash(d.text) for d in documents]
    missing = [d.id for d, h in zip(documents, hashes, strict=True) if h not in found]
    if missing:
        raise KeyError(f"{len(missing)} documents not analysed yet, e.g. {missing[0]!r}")
    parts = sorted({found[h] for h in hashes})
    number = {part: k for k, part in enumerate(parts)}
    ids = pd.DataFrame(
        {
            "doc_id": [d.id for d in documents],
            "_hash": hashes,
            "_part": [number[found[h]] for h in hashes],
            "_order": range(len(documents)),
        }
    )
    wanted = {"documents", *(only or TABLE_COLUMNS)}
    if corpus_pass and wanted & {"attributions", "mention_sentiment"}:
        wanted.add("entity_mentions")  # the pass renames speakers and targets by their mentions
    tables = {
        name: _read_table(name, parts if name in wanted else [], ids) for name in TABLE_COLUMNS
    }
    counts = tables["documents"].set_index("doc_id")
    documents_frame = documents_table(documents)
    for column in ("n_words", "n_sentences"):
        documents_frame[column] = documents_frame["doc_id"].map(counts[column]).astype("int64")
    tables["documents"] = documents_frame
    if corpus_pass:
        before = tables["entity_mentions"]
        after = _corpus_pass(before, documents, hashes, settings, root(settings, cache_dir))
        changes = renames(before, after)
        tables["entity_mentions"] = after
        tables["attributions"] = rename_speakers(tables["attributions"], changes)
        tables["mention_sentiment"] = rename_targets(tables["mention_sentiment"], changes)
    return Tables(**tables, texts={d.id: d.text for d in documents})


#: The folder, under a store folder (:func:`root`), of the corpus passes already computed.
CORPUS_PASSES = "corpus"


def corpus_pass_key(
    documents: Sequence[Document], hashes: Sequence[str], settings: Settings
) -> str:
    """What a corpus pass depends on besides the code and data :meth:`Settings.key` covers:
    the documents' ids and texts, in order, and the overrides file's content."""
    digest = hashlib.sha256()
    for document, hashed in zip(documents, hashes, strict=True):
        digest.update(f"{document.id}\t{hashed}\n".encode())
    if settings.overrides:
        overrides = Path(settings.overrides)
        digest.update(overrides.read_bytes() if overrides.is_file() else b"(missing)")
    return digest.hexdigest()[:24]


def _corpus_pass(
    before: pd.DataFrame,
    documents: Sequence[Document],
    hashes: Sequence[str],
    settings: Settings,
    folder: Path,
) -> pd.DataFrame:
    """The corpus's entity mentions after :func:`analysis.identity.resolve_corpus`, computed
    once per corpus, settings and overrides and kept in the store (a notebook, a command or a
    report that reads the same corpus again reads the result, seconds on a large corpus); an
    entry that cannot be read is computed again and replaced."""
    path = folder / CORPUS_PASSES / f"{corpus_pass_key(documents, hashes, settings)}.parquet"
    if path.is_file():
        try:
            stored = pq.read_table(path, schema=SCHEMAS["entity_mentions"]).to_pandas()
            if len(stored) == len(before):
                return stored[TABLE_COLUMNS["entity_mentions"]]
        except (OSError, pa.ArrowException):
            pass  # damaged: computed again below
    overrides = read_overrides(settings.overrides) if settings.overrides else []
    after = resolve_corpus(before, {d.id: d.text for d in documents}, overrides)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(after, schema=SCHEMAS["entity_mentions"], preserve_index=False)
        pq.write_table(table, partial)
        os.replace(partial, path)
    except (OSError, pa.ArrowException):
        partial.unlink(missing_ok=True)  # a read-only or full store: the pass is not kept
    return after
