"""Score entity resolution against a gold of who each name mention refers to.

The gold is a CSV with ``doc_id, start, end, label``: character offsets of a name (a bare surname,
say) in a document, and the canonical entity it refers to, read off the text by a person; labels
that name no one person (``FAMILY``, ``NOT_PERSON``, ``UNCLEAR``) are kept apart. A mention is
resolved right when the canonical mention that overlaps it has that entity; a mention the package
marks ambiguous, or finds no mention for, counts as wrong.
"""

from __future__ import annotations

import os
from collections import Counter

import pandas as pd

from analysis.errors import GoldFileError
from analysis.identity import AMBIGUOUS_SUFFIX, variant_key

#: Gold labels that are no one person.
NOT_ONE_PERSON = ("FAMILY", "NOT_PERSON", "UNCLEAR")


def read_name_gold(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The gold file: ``doc_id, start, end, label`` (lines starting with ``#`` are comments).

    Raises:
        GoldFileError: the file is missing or lacks a column.
    """
    if not os.path.isfile(path):
        raise GoldFileError(f"name gold not found: {path}")
    gold = pd.read_csv(path, comment="#", dtype={"doc_id": str, "label": str})
    missing = {"doc_id", "start", "end", "label"} - set(gold.columns)
    if missing:
        raise GoldFileError(f"{path}: no {', '.join(sorted(missing))} column")
    return gold


def score_names(gold: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, object]:
    """How many gold mentions of one person resolve to that person.

    Args:
        gold: from :func:`read_name_gold`.
        mentions: canonical entity mentions (``doc_id, start_char, end_char, entity``), e.g.
            ``Tables.entity_mentions``.

    Returns:
        ``mentions`` (gold mentions of one person), ``correct``, ``accuracy``, ``ambiguous``
        (marked ambiguous), ``ambiguous_rate``, ``missing`` (no overlapping mention), ``by_label``
        (label -> [correct, total]) and ``errors`` (``doc_id, start, label, predicted`` rows).
    """
    by_doc = {doc_id: rows for doc_id, rows in mentions.groupby("doc_id", sort=False)}
    people = gold[~gold["label"].isin(NOT_ONE_PERSON)]
    correct = ambiguous = missing = 0
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    errors = []
    for row in people.itertuples(index=False):
        rows = by_doc.get(row.doc_id)
        predicted = ""
        if rows is not None:
            hit = rows[(rows["start_char"] < row.end) & (row.start < rows["end_char"])]
            predicted = str(hit["entity"].iloc[0]) if len(hit) else ""
        totals[row.label] += 1
        if predicted == row.label:
            correct += 1
            right[row.label] += 1
            continue
        ambiguous += predicted.endswith(AMBIGUOUS_SUFFIX)
        missing += predicted == ""
        errors.append((row.doc_id, int(row.start), row.label, predicted))
    n = len(people)
    return {
        "mentions": n,
        "correct": correct,
        "accuracy": round(correct / n, 4) if n else float("nan"),
        "ambiguous": ambiguous,
        "ambiguous_rate": round(ambiguous / n, 4) if n else float("nan"),
        "missing": missing,
        "by_label": {label: [right[label], totals[label]] for label in sorted(totals)},
        "errors": pd.DataFrame(errors, columns=["doc_id", "start", "label", "predicted"]),
    }


#: The gold label of a span that names nothing (a common word the model took for a name).
NOT_A_NAME = "NOT_A_NAME"


def score_entity_sample(gold: pd.DataFrame, mentions: pd.DataFrame) -> dict[str, object]:
    """How many of a random sample of name mentions are counted under the right entity (two
    spellings of one name, :func:`analysis.identity.variant_key`, are one).

    Args:
        gold: ``doc_id, start, end, label``: the entity each sampled mention should be counted
            under, as a person read it in its article (:data:`NOT_A_NAME` for a span that names
            nothing, which is right when no name counts it).
        mentions: the canonical mentions that name tables count (``Tables.name_mentions()``).

    Returns:
        ``mentions``, ``correct``, ``accuracy`` and ``errors`` (``doc_id, start, label,
        predicted``).
    """
    by_doc = {doc_id: rows for doc_id, rows in mentions.groupby("doc_id", sort=False)}
    correct, errors = 0, []
    for row in gold.itertuples(index=False):
        rows = by_doc.get(row.doc_id)
        predicted = ""
        if rows is not None:
            hit = rows[(rows["start_char"] < row.end) & (row.start < rows["end_char"])]
            predicted = str(hit["entity"].iloc[0]) if len(hit) else ""
        if variant_key(predicted) == variant_key(row.label) or (
            row.label == NOT_A_NAME and predicted == ""
        ):
            correct += 1
        else:
            errors.append((row.doc_id, int(row.start), row.label, predicted))
    n = len(gold)
    return {
        "mentions": n,
        "correct": correct,
        "accuracy": round(correct / n, 4) if n else float("nan"),
        "errors": pd.DataFrame(errors, columns=["doc_id", "start", "label", "predicted"]),
    }
