"""Score predicted attributions against gold ones (content, source and cue spans, overall and
for direct quotations), run an extractor recording the documents it fails on, and report the
scores."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus import Document
from analysis.evaluate.brat import ROLES
from analysis.evaluate.spans import Span, read_span, span_characters, span_text, stripped_span
from analysis.pipeline import Settings, load
from analysis.schema import CONSTRUCTIONS, KINDS

#: The columns of a predicted attributions table the scorer reads.
PREDICTION_COLUMNS = ["doc_id", "kind", "source", "cue", "content"]
#: A predicted and a gold content span match when their characters' Jaccard index reaches this.
JACCARD_THRESHOLD = 0.5

OPENING_QUOTES = "“\"‘'«"
CLOSING_QUOTES = "”\"’'»"
# Marks that show a content span holds a quotation somewhere (a "partial" quote). The straight
# and curly apostrophes are left out: "It's" and "Clinton’s" are not quotations.
_QUOTATION_MARKS = '“”"«»‘'


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
        ``predicted`` kinds with ``n``, ``tp`` and ``precision``); ``constructions`` (per
        ``construction`` of the predictions, when the table has that column: ``n``, ``tp``,
        ``share``, ``precision``); ``overall`` and ``direct``,
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
        "constructions": _construction_counts(predicted_items, matched_predicted),
        "overall": overall,
        "direct": direct,
    }


@dataclass(eq=False)
class _Item:
    doc_id: str
    kind: str
    construction: str
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
    with_construction = predicted and "construction" in frame.columns
    columns = [*required, *(["construction"] if with_construction else [])]
    for row in frame[columns].itertuples(index=False):
        text = texts[row.doc_id]
        spans = {role: read_span(getattr(row, role)) for role in ROLES}
        if any(end > len(text) for span in spans.values() for _, end in span):
            raise ValueError(
                f"{table} attribution of {row.doc_id} has offsets beyond the text's "
                f"{len(text)} characters: {spans}"
            )
        content_text = span_text(spans["content"], text)
        kind = str(row.kind) if predicted else quotation_kind(content_text)
        items.append(
            _Item(
                doc_id=row.doc_id,
                kind=kind,
                construction=str(row.construction) if with_construction else "",
                content=span_characters(spans["content"]),
                content_key=stripped_span(spans["content"], text),
                source=span_characters(spans["source"]),
                source_key=stripped_span(spans["source"], text),
                cue=span_characters(spans["cue"]),
                cue_key=stripped_span(spans["cue"], text),
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
        "precision": round_score(precision),
        "recall": round_score(recall),
        "f1": round_score(f1),
    }


def _accuracy(correct: int, n: int) -> dict[str, object]:
    return {"correct": correct, "n": n, "accuracy": round_score(correct / n) if n else None}


def _kind_counts(items: Sequence[_Item], matched: set[int], measure: str) -> dict[str, object]:
    n = Counter(item.kind for item in items)
    tp = Counter(item.kind for item in items if id(item) in matched)
    return {
        kind: {
            "n": n[kind],
            "tp": tp[kind],
            measure: round_score(tp[kind] / n[kind]) if n[kind] else None,
        }
        for kind in [*KINDS, *sorted(set(n) - set(KINDS))]
    }


def _construction_counts(items: Sequence[_Item], matched: set[int]) -> dict[str, object]:
    """Per construction (the rule that found a prediction): how many, the share of all
    predictions, and the overlap precision. Empty when the predictions name none."""
    n = Counter(item.construction for item in items if item.construction)
    tp = Counter(item.construction for item in items if item.construction and id(item) in matched)
    total = sum(n.values())
    order = [c for c in CONSTRUCTIONS if c in n] + sorted(set(n) - set(CONSTRUCTIONS))
    return {
        c: {
            "n": n[c],
            "tp": tp[c],
            "share": round_score(n[c] / total),
            "precision": round_score(tp[c] / n[c]),
        }
        for c in order
    }


def round_score(value: float) -> float:
    return round(value, 4)


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


def format_scores(scores: Mapping[str, Any]) -> str:
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
    constructions = scores.get("constructions") or {}
    if constructions:
        lines.append("predictions by construction (overlap precision, share of predictions)")
        table = pd.DataFrame(
            [
                {
                    "construction": name,
                    "pred": counts["n"],
                    "tp": counts["tp"],
                    "precision": f"{counts['precision']:.3f}",
                    "share": f"{counts['share']:.3f}",
                }
                for name, counts in constructions.items()
            ]
        )
        lines.append(table.to_string(index=False))
    return "\n".join(lines) + "\n"


def _format_accuracy(accuracy: Mapping[str, Any]) -> str:
    if accuracy["accuracy"] is None:
        return f"- (n={accuracy['n']})"
    return f"{accuracy['accuracy']:.3f} (n={accuracy['n']})"


def write_scores(scores: Mapping[str, object], path: str | os.PathLike[str]) -> None:
    """Write scores as JSON (sorted keys, indent 2, UTF-8), creating the folder if needed."""
    output = Path(path)
    output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(scores, sort_keys=True, indent=2, ensure_ascii=False)
    output.write_text(text + "\n", encoding="utf-8")
