"""Score the analyses against human annotations: attributions against brat gold spans (PolNeAR).

The scorer is a pure function over two tables (gold and predicted attributions, spans as lists of
``[start, end]`` character offsets), so any extractor can be measured with it: the package's own
:func:`pipeline_attributions` (what ``analysis evaluate attribution`` scores), or a baseline from a
script.
Sentiment is scored the same way: targeted polarity against NewsMTSC's labels, sentence scores
against the mean human ratings of VADER's NYT snippets.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.corpus import Document, load_corpus
from analysis.errors import AnalysisError
from analysis.parsing import load_model, parse
from analysis.pipeline import Settings, load
from analysis.schema import DEFAULT_MODEL, KINDS
from analysis.sentiment import polarity_of, target_sentiment, vader_scores

__all__ = [
    "GOLD_COLUMNS",
    "JACCARD_THRESHOLD",
    "KINDS",
    "NEWSMTSC_COLUMNS",
    "VADER_NYT_COLUMNS",
    "AnnotationWarning",
    "brat_files",
    "format_scores",
    "format_sentiment_scores",
    "gold_corpus",
    "pipeline_attributions",
    "predict_attributions",
    "predict_newsmtsc",
    "quotation_kind",
    "read_brat",
    "read_newsmtsc",
    "read_vader_nyt",
    "score_attributions",
    "score_newsmtsc",
    "score_polarity",
    "score_vader_nyt",
    "write_newsmtsc_predictions",
    "write_scores",
]

#: One row per gold attribution (brat ``E`` line). ``source``, ``cue`` and ``content`` are lists
#: of ``[start, end]`` offsets into the article text (empty when the role is missing); ``*_text``
#: are the same spans' text, pieces joined by " … ", as in ``ATTRIBUTION_COLUMNS``.
GOLD_COLUMNS = [
    "doc_id",
    "annotator",
    "attribution_id",
    "source_text",
    "cue_text",
    "content_text",
    "source",
    "cue",
    "content",
]
#: The columns of a predicted attributions table the scorer reads.
PREDICTION_COLUMNS = ["doc_id", "kind", "source", "cue", "content"]
#: A predicted and a gold content span match when their characters' Jaccard index reaches this.
JACCARD_THRESHOLD = 0.5
ROLES = ("source", "cue", "content")
PIECE_SEPARATOR = " … "

OPENING_QUOTES = "“\"‘'«"
CLOSING_QUOTES = "”\"’'»"
# Marks that show a content span holds a quotation somewhere (a "partial" quote). The straight
# and curly apostrophes are left out: "It's" and "Clinton’s" are not quotations.
_QUOTATION_MARKS = '“”"«»‘'
# Characters an exact match ignores at the ends of a span, besides Unicode punctuation.
_EXTRA_IGNORABLE = "`´"

Span = tuple[tuple[int, int], ...]


class AnnotationWarning(UserWarning):
    """A gold annotation file has spans that disagree with the text, or unusable attributions."""


# --- brat gold annotations --------------------------------------------------------------------


def brat_files(ann_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """The annotation file of each article in a brat folder.

    Files are named ``<article>_<annotator>.ann``; where several annotators did one article, the
    first file in sorted order is used.

    Args:
        ann_dir: the folder of ``.ann`` files, or a split folder holding ``attributions/``.

    Returns:
        The ``.ann`` file by article stem (the document id), sorted by article.

    Raises:
        AnalysisError: the folder does not exist or holds no ``.ann`` file.
    """
    folder = _annotation_folder(Path(ann_dir))
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.ann"), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        article = path.stem.rpartition("_")[0] or path.stem
        files.setdefault(article, path)
    return dict(sorted(files.items()))


def read_brat(
    ann_dir: str | os.PathLike[str], text_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Gold attributions from a folder of brat standoff files (the PolNeAR scheme).

    ``T`` lines are text-bound spans (``Source``, ``Cue``, ``Content``, ``Attribution``; pieces of
    a discontinuous span joined by ``;``); each ``E`` line ties one attribution's spans together,
    ``Attribution:T<a> Content:T<c> Cue:T<q> Source:T<s>``. Source and cue may be missing; a
    repeated role (``Content2``) adds its pieces to the role. Other lines are ignored.

    Args:
        ann_dir: the folder of ``<article>_<annotator>.ann`` files (see :func:`brat_files`).
        text_dir: the folder of ``<article>.txt`` files; default ``<ann_dir>/../text``.

    Returns:
        One row per ``E`` line with a content span, columns :data:`GOLD_COLUMNS`, in article then
        file order.

    Raises:
        AnalysisError: a folder or text file is missing, a text is not UTF-8, or an annotation
            line is malformed or refers to an undefined span.

    Warns:
        AnnotationWarning: once per file, when spans' offsets do not give their stated text (the
            offsets are kept), or attributions without content were skipped.
    """
    folder = _annotation_folder(Path(ann_dir))
    text_folder = Path(text_dir) if text_dir is not None else folder.parent / "text"
    if not text_folder.is_dir():
        raise AnalysisError(f"text folder not found: {text_folder}")
    rows: list[dict[str, object]] = []
    for doc_id, path in brat_files(folder).items():
        text_path = text_folder / f"{doc_id}.txt"
        if not text_path.is_file():
            raise AnalysisError(f"{_display(path)}: no text file {text_path}")
        rows.extend(_read_ann(path, doc_id, _read_utf8(text_path)))
    return pd.DataFrame(rows, columns=GOLD_COLUMNS)


def gold_corpus(
    ann_dir: str | os.PathLike[str], text_dir: str | os.PathLike[str] | None = None
) -> tuple[pd.DataFrame, list[Document]]:
    """Gold attributions and the annotated documents, ready for an extractor and the scorer.

    Args:
        ann_dir: the folder of ``.ann`` files (see :func:`read_brat`).
        text_dir: the folder of texts; default ``<ann_dir>/../text``.

    Returns:
        The gold table and the annotated articles read by :func:`analysis.corpus.load_corpus`
        (texts without an annotation file are left out, so they add no false positives).

    Raises:
        AnalysisError: as :func:`read_brat` and :func:`analysis.corpus.load_corpus`.
    """
    folder = _annotation_folder(Path(ann_dir).absolute())
    text_folder = Path(text_dir).absolute() if text_dir is not None else folder.parent / "text"
    gold = read_brat(folder, text_folder)
    annotated = set(brat_files(folder))
    documents = [doc for doc in load_corpus(text_folder) if doc.id in annotated]
    unread = sorted(annotated - {doc.id for doc in documents})
    if unread:
        warnings.warn(
            f"{len(unread)} annotated article(s) not read from {text_folder} "
            f"(first: {unread[0]}); their gold attributions are not scored",
            AnnotationWarning,
            stacklevel=2,
        )
        gold = gold[~gold["doc_id"].isin(unread)].reset_index(drop=True)
    return gold, documents


def _annotation_folder(path: Path) -> Path:
    if not path.is_dir():
        raise AnalysisError(f"brat folder not found: {path}")
    if not any(path.glob("*.ann")) and (path / "attributions").is_dir():
        path = path / "attributions"
    if not any(path.glob("*.ann")):
        raise AnalysisError(f"no .ann files in {path}")
    return path


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _read_utf8(path: Path) -> str:
    # As analysis.corpus reads it: exact text, a byte order mark removed, no newline translation.
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnalysisError(f"{path}: not UTF-8 (byte offset {error.start})") from None


_RECORD = re.compile(r"[TERAN#*]\d*\t")
_OFFSETS = re.compile(r"\d+ \d+(?:;\d+ \d+)*")


def _read_ann(path: Path, doc_id: str, text: str) -> list[dict[str, object]]:
    where = _display(path)
    annotator = path.stem.rpartition("_")[2] if "_" in path.stem else ""
    spans: dict[str, tuple[str, Span]] = {}
    events: list[tuple[int, str, list[str]]] = []
    mismatches: list[str] = []
    for number, line in enumerate(_read_utf8(path).splitlines(), start=1):
        # A span's stated text may run over several lines; only lines with an id start a record.
        if not _RECORD.match(line):
            continue
        if line.startswith("T"):
            fields = line.split("\t", 2)
            label, _, offsets = fields[1].partition(" ") if len(fields) > 1 else ("", "", "")
            if len(fields) < 2 or not _OFFSETS.fullmatch(offsets):
                raise AnalysisError(f"{where}:{number}: malformed span line {line[:60]!r}")
            pieces = tuple(
                (int(start), int(end))
                for start, end in (piece.split() for piece in offsets.split(";"))
            )
            spans[fields[0]] = (label, pieces)
            # brat writes a discontinuous span's text with its pieces joined by one space.
            stated = fields[2] if len(fields) > 2 else None
            actual = " ".join(text[start:end] for start, end in pieces)
            out_of_range = any(not 0 <= start <= end <= len(text) for start, end in pieces)
            if out_of_range or (stated is not None and stated != actual):
                mismatches.append(
                    f"{fields[0]} at {offsets} says {stated!r:.40}, text has {actual!r:.40}"
                )
        elif line.startswith("E"):
            fields = line.split("\t")
            arguments = fields[1].split() if len(fields) > 1 else []
            if not arguments or any(":" not in argument for argument in arguments):
                raise AnalysisError(f"{where}:{number}: malformed attribution line {line[:60]!r}")
            events.append((number, fields[0], arguments[1:]))

    rows = []
    without_content: list[str] = []
    for number, event_id, arguments in events:
        pieces: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
        for argument in arguments:
            role, _, span_id = argument.partition(":")
            if span_id not in spans:
                raise AnalysisError(f"{where}:{number}: {event_id} refers to undefined {span_id}")
            role = role.rstrip("0123456789").lower()  # Content2 adds to Content
            if role in pieces:
                pieces[role].extend(spans[span_id][1])
        if not pieces["content"]:
            without_content.append(event_id)
            continue
        row: dict[str, object] = {
            "doc_id": doc_id,
            "annotator": annotator,
            "attribution_id": event_id,
        }
        for role in ROLES:
            span = _merge(pieces[role])
            row[f"{role}_text"] = _span_text(span, text)
            row[role] = [list(piece) for piece in span]
        rows.append(row)

    problems = []
    if mismatches:
        problems.append(
            f"{len(mismatches)} span(s) whose offsets do not give their stated text, offsets "
            f"kept (first: {mismatches[0]})"
        )
    if without_content:
        problems.append(
            f"{len(without_content)} attribution(s) without content skipped "
            f"(first: {without_content[0]})"
        )
    if problems:
        warnings.warn(f"{where}: {'; '.join(problems)}", AnnotationWarning, stacklevel=3)
    return rows


# --- scoring -----------------------------------------------------------------------------------


def quotation_kind(content_text: str) -> str:
    """How a content span quotes its source, judged from its text alone.

    Args:
        content_text: the content span's text (pieces of a discontinuous span joined by any
            separator).

    Returns:
        ``direct`` when the text, stripped of whitespace and of trailing ``.,;:``, starts with an
        opening quote mark (“ " ‘ ' «) and ends with a closing one (” " ’ ' »); ``partial`` when it
        holds a quotation mark elsewhere (apostrophes do not count); ``indirect`` otherwise.
    """
    text = content_text.strip()
    while text and (text[-1] in ".,;:" or text[-1].isspace()):
        text = text[:-1]
    if len(text) >= 2 and text[0] in OPENING_QUOTES and text[-1] in CLOSING_QUOTES:
        return "direct"
    if any(mark in text for mark in _QUOTATION_MARKS):
        return "partial"
    return "indirect"


def score_attributions(
    gold: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    texts: Mapping[str, str],
    failures: Mapping[str, str] | None = None,
    threshold: float = JACCARD_THRESHOLD,
) -> dict[str, object]:
    """Precision, recall and F1 of predicted attributions against gold ones.

    Content spans are compared as sets of characters (the union of their pieces). A predicted and
    a gold attribution of the same document match when the Jaccard index of their content reaches
    ``threshold`` (``overlap``), or when their content is the same once quote marks, whitespace
    and punctuation are stripped from both ends of each piece (``exact``; pieces separated only
    by such characters count as one). Matching is one-to-one within a document, greedy by
    descending Jaccard, ties broken by table order.

    For overlap-matched pairs whose gold has a source, ``source.overlap`` is the share whose
    predicted source shares at least one character with the gold source, and ``source.exact``
    the share whose stripped sources are equal; ``cue`` likewise.

    The ``direct`` subset scores gold attributions whose content is a direct quotation (see
    :func:`quotation_kind`) against predictions of kind ``direct``.

    Args:
        gold: from :func:`read_brat`: ``doc_id`` and ``source``, ``cue``, ``content`` as lists of
            ``[start, end]`` (JSON strings are accepted).
        predicted: the extractor's table, same span columns plus ``kind``.
        texts: the text of every scored document by id; documents without attributions count.
        failures: documents the extractor failed on, with the error message. They are scored
            with no predictions.
        threshold: the Jaccard index from which content spans match.

    Returns:
        A JSON-ready dict: ``threshold``; ``documents`` (``scored``, ``failed``, ``failures``);
        ``kinds`` (``gold`` kinds with their ``n``, overlap-matched ``tp`` and ``recall``;
        ``predicted`` kinds with ``n``, ``tp`` and ``precision``); ``overall`` and ``direct``,
        each with ``overlap`` and ``exact`` (``tp, n_gold, n_pred, precision, recall, f1``) and
        ``source`` and ``cue`` (``overlap`` and ``exact``, each ``correct, n, accuracy``).
        Precision, recall and F1 are 0 when undefined; an accuracy over no pair is None.

    Raises:
        ValueError: a table lacks a column, has attributions of a document not in ``texts`` or
            offsets beyond its text, or a failed document has predictions.
    """
    failures = dict(failures or {})
    gold_items = _items(gold, texts, table="gold")
    predicted_items = _items(predicted, texts, table="predicted")
    unknown = sorted(set(failures) - set(texts))
    if unknown:
        raise ValueError(f"failures of documents not in texts: {', '.join(unknown[:3])}")
    predicted_failed = sorted({item.doc_id for item in predicted_items} & set(failures))
    if predicted_failed:
        raise ValueError(f"predictions for failed documents: {', '.join(predicted_failed[:3])}")

    overall, overall_pairs = _score_subset(gold_items, predicted_items, threshold)
    direct, _ = _score_subset(
        [item for item in gold_items if item.kind == "direct"],
        [item for item in predicted_items if item.kind == "direct"],
        threshold,
    )
    matched_gold = {id(gold_item) for gold_item, _ in overall_pairs}
    matched_predicted = {id(predicted_item) for _, predicted_item in overall_pairs}
    return {
        "threshold": threshold,
        "documents": {
            "scored": len(texts),
            "failed": len(failures),
            "failures": dict(sorted(failures.items())),
        },
        "kinds": {
            "gold": _kind_counts(gold_items, matched_gold, "recall"),
            "predicted": _kind_counts(predicted_items, matched_predicted, "precision"),
        },
        "overall": overall,
        "direct": direct,
    }


@dataclass(eq=False)
class _Item:
    doc_id: str
    kind: str
    content: frozenset[int]
    content_key: Span
    source: frozenset[int]
    source_key: Span
    cue: frozenset[int]
    cue_key: Span


def _items(frame: pd.DataFrame, texts: Mapping[str, str], *, table: str) -> list[_Item]:
    predicted = table == "predicted"
    required = ["doc_id", *ROLES, *(["kind"] if predicted else [])]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{table} attributions lack column(s): {', '.join(missing)}")
    unknown = sorted(set(frame["doc_id"]) - set(texts))
    if unknown:
        raise ValueError(
            f"{table} attributions of {len(unknown)} document(s) not in texts (first: {unknown[0]})"
        )
    items = []
    for row in frame[required].itertuples(index=False):
        text = texts[row.doc_id]
        spans = {role: _spans(getattr(row, role)) for role in ROLES}
        if any(end > len(text) for span in spans.values() for _, end in span):
            raise ValueError(
                f"{table} attribution of {row.doc_id} has offsets beyond the text's "
                f"{len(text)} characters: {spans}"
            )
        content_text = _span_text(spans["content"], text)
        kind = str(row.kind) if predicted else quotation_kind(content_text)
        items.append(
            _Item(
                doc_id=row.doc_id,
                kind=kind,
                content=_characters(spans["content"]),
                content_key=_stripped(spans["content"], text),
                source=_characters(spans["source"]),
                source_key=_stripped(spans["source"], text),
                cue=_characters(spans["cue"]),
                cue_key=_stripped(spans["cue"], text),
            )
        )
    return items


def _score_subset(
    gold: list[_Item], predicted: list[_Item], threshold: float
) -> tuple[dict[str, object], list[tuple[_Item, _Item]]]:
    gold_by_doc = _by_document(gold)
    predicted_by_doc = _by_document(predicted)
    overlap_pairs: list[tuple[_Item, _Item]] = []
    n_exact = 0
    for doc_id in sorted(set(gold_by_doc) | set(predicted_by_doc)):
        doc_gold = gold_by_doc.get(doc_id, [])
        doc_predicted = predicted_by_doc.get(doc_id, [])
        overlap_pairs.extend(
            _match(doc_gold, doc_predicted, lambda g, p: _jaccard(g.content, p.content), threshold)
        )
        n_exact += len(
            _match(
                doc_gold,
                doc_predicted,
                lambda g, p: float(bool(g.content_key) and g.content_key == p.content_key),
                1.0,
            )
        )
    scores: dict[str, object] = {
        "overlap": _prf(len(overlap_pairs), len(gold), len(predicted)),
        "exact": _prf(n_exact, len(gold), len(predicted)),
    }
    for role in ("source", "cue"):
        judged = [(g, p) for g, p in overlap_pairs if getattr(g, role)]
        overlapping = sum(bool(getattr(g, role) & getattr(p, role)) for g, p in judged)
        exact = sum(getattr(g, f"{role}_key") == getattr(p, f"{role}_key") for g, p in judged)
        scores[role] = {
            "overlap": _accuracy(overlapping, len(judged)),
            "exact": _accuracy(exact, len(judged)),
        }
    return scores, overlap_pairs


def _by_document(items: Iterable[_Item]) -> dict[str, list[_Item]]:
    by_doc: dict[str, list[_Item]] = {}
    for item in items:
        by_doc.setdefault(item.doc_id, []).append(item)
    return by_doc


def _match(
    gold: Sequence[_Item],
    predicted: Sequence[_Item],
    similarity: Callable[[_Item, _Item], float],
    threshold: float,
) -> list[tuple[_Item, _Item]]:
    """One-to-one pairs, greedy by descending similarity; ties go to the earlier rows."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            value = similarity(g, p)
            if value >= threshold and value > 0:
                candidates.append((-value, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
            pairs.append((gold[i], predicted[j]))
    return pairs


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _prf(tp: int, n_gold: int, n_predicted: int) -> dict[str, object]:
    precision = tp / n_predicted if n_predicted else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "n_gold": n_gold,
        "n_pred": n_predicted,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
    }


def _accuracy(correct: int, n: int) -> dict[str, object]:
    return {"correct": correct, "n": n, "accuracy": _round(correct / n) if n else None}


def _kind_counts(items: Sequence[_Item], matched: set[int], measure: str) -> dict[str, object]:
    n = Counter(item.kind for item in items)
    tp = Counter(item.kind for item in items if id(item) in matched)
    return {
        kind: {
            "n": n[kind],
            "tp": tp[kind],
            measure: _round(tp[kind] / n[kind]) if n[kind] else None,
        }
        for kind in [*KINDS, *sorted(set(n) - set(KINDS))]
    }


def _round(value: float) -> float:
    return round(value, 4)


# --- spans -------------------------------------------------------------------------------------


def _spans(value: object) -> Span:
    """A table cell of ``[start, end]`` pairs as sorted, non-empty pieces."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    pieces = []
    for piece in value:  # type: ignore[union-attr]
        start, end = int(piece[0]), int(piece[1])
        if end > start:
            pieces.append((start, end))
    return tuple(sorted(pieces))


def _merge(pieces: Iterable[tuple[int, int]]) -> Span:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return tuple(merged)


def _span_text(span: Span, text: str) -> str:
    return PIECE_SEPARATOR.join(text[start:end] for start, end in span)


def _characters(span: Span) -> frozenset[int]:
    return frozenset(i for start, end in span for i in range(start, end))


def _ignorable(char: str) -> bool:
    return char.isspace() or char in _EXTRA_IGNORABLE or unicodedata.category(char)[0] == "P"


def _stripped(span: Span, text: str) -> Span:
    """The span with pieces separated only by ignorable characters joined, and each piece
    stripped of quote marks, whitespace and punctuation at both ends."""
    joined: list[tuple[int, int]] = []
    for start, end in _merge(span):
        if joined and all(_ignorable(char) for char in text[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    stripped = []
    for start, end in joined:
        while start < end and _ignorable(text[start]):
            start += 1
        while end > start and _ignorable(text[end - 1]):
            end -= 1
        if end > start:
            stripped.append((start, end))
    return tuple(stripped)


# --- running an extractor ----------------------------------------------------------------------


def pipeline_attributions(
    documents: Sequence[Document],
    settings: Settings | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The package's attributions of ``documents``, as users get them: through the pipeline
    (:func:`analysis.pipeline.load`; what is already in the store is not analysed again)."""
    return load(documents, settings, cache_dir=cache_dir, only=["attributions"]).attributions


def predict_attributions(
    documents: Sequence[Document],
    extract: Callable[[Sequence[Document]], pd.DataFrame],
    *,
    batch: bool = True,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run an attribution extractor, recording the documents it fails on instead of stopping.

    Args:
        documents: the corpus.
        extract: takes a list of documents, returns their attributions (the
            :func:`pipeline_attributions` table, or any table with
            :data:`PREDICTION_COLUMNS`).
        batch: first try all documents in one call, and only when that raises run them one by
            one to find the failing ones; ``False`` runs them one by one from the start.

    Returns:
        The attributions of the documents that succeeded, and the error message (``Type: first
        line``) of each document that failed, by id.

    Raises:
        Exception: the extractor's error when it fails on every document: there is nothing to
            score, and the cause is likely not in the documents (a missing model, say).
    """
    if batch:
        try:
            return extract(list(documents)), {}
        except Exception:  # find out below which documents fail
            pass
    tables = []
    failures: dict[str, str] = {}
    first_error: Exception | None = None
    for doc in documents:
        try:
            tables.append(extract([doc]))
        except Exception as error:
            first_error = first_error or error
            message = str(error).strip().splitlines()
            failures[doc.id] = type(error).__name__ + (f": {message[0]}" if message else "")
    if documents and len(failures) == len(documents):
        raise first_error  # type: ignore[misc]
    tables = [table for table in tables if len(table)]
    if not tables:
        return pd.DataFrame(columns=PREDICTION_COLUMNS), failures
    return pd.concat(tables, ignore_index=True), failures


# --- reporting ---------------------------------------------------------------------------------


def format_scores(scores: Mapping[str, object]) -> str:
    """A compact plain-text summary of :func:`score_attributions`'s result.

    Args:
        scores: the result, optionally with a ``system`` key naming the extractor.

    Returns:
        Lines ending with a newline: documents, content P/R/F1, source and cue accuracy, kinds.
    """
    documents = scores["documents"]
    lines = []
    if "system" in scores:
        lines.append(f"system: {scores['system']}")
    lines.append(f"documents: {documents['scored']} scored, {documents['failed']} failed")
    rows = []
    for subset in ("overall", "direct"):
        for match in ("overlap", "exact"):
            counts = scores[subset][match]
            rows.append(
                {
                    "subset": subset,
                    "match": match,
                    "gold": counts["n_gold"],
                    "pred": counts["n_pred"],
                    "tp": counts["tp"],
                    "precision": f"{counts['precision']:.3f}",
                    "recall": f"{counts['recall']:.3f}",
                    "f1": f"{counts['f1']:.3f}",
                    "source": _format_accuracy(scores[subset]["source"][match]),
                    "cue": _format_accuracy(scores[subset]["cue"][match]),
                }
            )
    lines.append(
        "content spans; source and cue: accuracy on the overlap-matched pairs whose gold has "
        "one, compared by the row's match"
    )
    lines.append(pd.DataFrame(rows).to_string(index=False))
    for side, measure in (("gold", "recall"), ("predicted", "precision")):
        kinds = scores["kinds"][side]
        parts = [
            f"{kind} {counts['n']}"
            + (f" ({measure} {counts[measure]:.3f})" if counts[measure] is not None else "")
            for kind, counts in kinds.items()
        ]
        lines.append(f"{side} kinds: {', '.join(parts)}")
    return "\n".join(lines) + "\n"


def _format_accuracy(accuracy: Mapping[str, object]) -> str:
    if accuracy["accuracy"] is None:
        return f"- (n={accuracy['n']})"
    return f"{accuracy['accuracy']:.3f} (n={accuracy['n']})"


def write_scores(scores: Mapping[str, object], path: str | os.PathLike[str]) -> None:
    """Write scores as JSON (sorted keys, indent 2, UTF-8), creating the folder if needed."""
    output = Path(path)
    output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(scores, sort_keys=True, indent=2, ensure_ascii=False)
    output.write_text(text + "\n", encoding="utf-8")


# --- sentiment: NewsMTSC targets and VADER's NYT snippets ---------------------------------------

#: NewsMTSC's polarity codes as -1/0/1.
NEWSMTSC_POLARITY = {2.0: -1, 4.0: 0, 6.0: 1}
#: One row per NewsMTSC target; ``sentence_id`` numbers the file's records from 0.
NEWSMTSC_COLUMNS = ["sentence_id", "primary_gid", "sentence", "start", "end", "mention", "polarity"]
#: One row per VADER NYT snippet: its id, the mean of the human ratings (-4..4) and its text.
VADER_NYT_COLUMNS = ["id", "mean", "text"]
_POLARITY_NAMES = {-1: "negative", 0: "neutral", 1: "positive"}


def read_newsmtsc(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The targets of a NewsMTSC file (JSON lines, one sentence and its targets per line).

    Args:
        path: e.g. ``rw-dev.jsonl``; each record has ``primary_gid``, ``sentence_normalized`` and
            ``targets`` (``from``, ``to``, ``mention``, ``polarity`` 2.0, 4.0 or 6.0).

    Returns:
        :data:`NEWSMTSC_COLUMNS`, polarity as -1, 0 or 1, in file order.

    Raises:
        AnalysisError: the file is missing, or a line is not such a record.
    """
    file = Path(path)
    if not file.is_file():
        raise AnalysisError(f"NewsMTSC file not found: {file}")
    rows = []
    with open(file, encoding="utf-8") as handle:
        records = (line for line in enumerate(handle, start=1) if line[1].strip())
        for sentence_id, (number, line) in enumerate(records):
            try:
                record = json.loads(line)
                sentence = record["sentence_normalized"]
                for target in record["targets"]:
                    start, end = int(target["from"]), int(target["to"])
                    if not 0 <= start < end <= len(sentence):
                        raise ValueError(f"target offsets {start}-{end} outside the sentence")
                    polarity = NEWSMTSC_POLARITY[float(target["polarity"])]
                    mention = target.get("mention", sentence[start:end])
                    gid = record["primary_gid"]
                    rows.append((sentence_id, gid, sentence, start, end, mention, polarity))
            except (ValueError, KeyError, TypeError) as error:
                raise AnalysisError(f"{file}:{number}: not a NewsMTSC record ({error})") from None
    return pd.DataFrame(rows, columns=NEWSMTSC_COLUMNS)


def predict_newsmtsc(
    targets: pd.DataFrame,
    *,
    method: str = "model",
    model: str | None = None,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Targeted sentiment and the sentence-level VADER baseline for NewsMTSC targets.

    Args:
        targets: from :func:`read_newsmtsc`.
        method: the targeted method, ``model`` or ``lexicon``
            (:func:`analysis.sentiment.target_sentiment`).
        model: the spaCy model that parses the sentences; default the project's.
        batch_size: sentences per ``nlp.pipe`` batch.

    Returns:
        The targets with ``score``, ``predicted`` (-1/0/1) and ``evidence`` of the targeted
        method, and ``baseline_compound`` and ``baseline`` (VADER's compound score of the whole
        sentence and its polarity at the ±0.05 thresholds, whatever the target).
    """
    nlp = load_model(model or DEFAULT_MODEL)
    sentences = targets.drop_duplicates("sentence_id")
    items = list(zip(sentences["sentence_id"], sentences["sentence"], strict=True))
    docs = {key: doc for key, doc, _ in parse(nlp, items, batch_size=batch_size)}
    results = [
        target_sentiment(docs[t.sentence_id], t.start, t.end, method=method)
        for t in targets.itertuples(index=False)
    ]
    compounds = [vader_scores(sentence)[0] for sentence in targets["sentence"]]
    table = targets.copy()
    table["score"] = [round(r.score, 4) for r in results]
    table["predicted"] = [r.polarity for r in results]
    table["evidence"] = ["; ".join(r.evidence) for r in results]
    table["baseline_compound"] = compounds
    table["baseline"] = [polarity_of(c) for c in compounds]
    return table


def score_polarity(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, object]:
    """Three-class scores of -1/0/1 polarities: accuracy, macro-F1 and each class's F1.

    Raises:
        ValueError: the two sequences differ in length.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold polarities but {len(predicted)} predicted")
    pairs = list(zip(gold, predicted, strict=True))
    f1 = {}
    for polarity, name in _POLARITY_NAMES.items():
        tp = sum(1 for g, p in pairs if g == p == polarity)
        n_gold = sum(1 for g, _ in pairs if g == polarity)
        n_predicted = sum(1 for _, p in pairs if p == polarity)
        f1[name] = _round(2 * tp / (n_gold + n_predicted)) if n_gold + n_predicted else 0.0
    n = len(pairs)
    return {
        "n": n,
        "accuracy": _round(sum(1 for g, p in pairs if g == p) / n) if n else None,
        "macro_f1": _round(sum(f1.values()) / len(f1)),
        "f1": f1,
    }


def score_newsmtsc(predictions: pd.DataFrame) -> dict[str, object]:
    """Scores of :func:`predict_newsmtsc`'s table: the targeted method and the baseline."""
    gold = predictions["polarity"].tolist()
    return {
        "targets": len(predictions),
        "sentences": int(predictions["sentence_id"].nunique()),
        "targeted": score_polarity(gold, predictions["predicted"].tolist()),
        "baseline": score_polarity(gold, predictions["baseline"].tolist()),
    }


def write_newsmtsc_predictions(predictions: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """One JSON line per target: ``primary_gid``, ``from``, ``to`` and predicted ``polarity``."""
    output = Path(path)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="\n") as handle:
        for row in predictions.itertuples(index=False):
            record = {
                "primary_gid": row.primary_gid,
                "from": int(row.start),
                "to": int(row.end),
                "polarity": int(row.predicted),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_vader_nyt(path: str | os.PathLike[str]) -> pd.DataFrame:
    """VADER's NYT editorial snippets with the mean human rating: ``id \\t mean \\t text`` lines.

    Raises:
        AnalysisError: the file is missing or a line has no id, mean and text.
    """
    file = Path(path)
    if not file.is_file():
        raise AnalysisError(f"VADER NYT file not found: {file}")
    rows = []
    lines = _read_utf8(file).split("\n")  # CRLF line ends; no other character ends a line
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        try:
            rows.append((parts[0], float(parts[1]), parts[2]))
        except (IndexError, ValueError):
            raise AnalysisError(f"{file}:{number}: expected id, mean rating and text") from None
    return pd.DataFrame(rows, columns=VADER_NYT_COLUMNS)


def score_vader_nyt(snippets: pd.DataFrame) -> dict[str, object]:
    """Pearson r between VADER's compound score of each snippet and the human mean rating."""
    compounds = [vader_scores(text)[0] for text in snippets["text"]]
    return {
        "snippets": len(snippets),
        "pearson_r": _round(_pearson(compounds, snippets["mean"].tolist())),
    }


def _pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    if n < 2:
        return math.nan
    mean_x, mean_y = sum(x) / n, sum(y) / n
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    spread_x = math.sqrt(sum((a - mean_x) ** 2 for a in x))
    spread_y = math.sqrt(sum((b - mean_y) ** 2 for b in y))
    return covariance / (spread_x * spread_y) if spread_x and spread_y else math.nan


def format_sentiment_scores(scores: Mapping[str, object]) -> str:
    """A compact plain-text summary of sentiment scores (``newsmtsc`` and/or ``vader_nyt``)."""
    lines = []
    if "newsmtsc" in scores:
        newsmtsc = scores["newsmtsc"]
        lines.append(
            f"NewsMTSC {newsmtsc['file']}: {newsmtsc['targets']} targets in "
            f"{newsmtsc['sentences']} sentences"
        )
        rows = []
        for system, key in (
            (f"targeted ({newsmtsc['method']})", "targeted"),
            ("sentence VADER (baseline)", "baseline"),
        ):
            result = newsmtsc[key]
            rows.append(
                {
                    "system": system,
                    "macro_f1": f"{result['macro_f1']:.3f}",
                    "accuracy": f"{result['accuracy']:.3f}",
                    **{f"f1_{name[:3]}": f"{v:.3f}" for name, v in result["f1"].items()},
                }
            )
        lines.append(pd.DataFrame(rows).to_string(index=False))
    if "vader_nyt" in scores:
        nyt = scores["vader_nyt"]
        lines.append(
            f"VADER NYT {nyt['file']}: {nyt['snippets']} snippets, Pearson r "
            f"{nyt['pearson_r']:.3f} (sentence VADER compound vs human mean)"
        )
    return "\n".join(lines) + "\n"
