"""The units a researcher labels, the sheet they label them in, and the estimates from it.

A **task** defines the units and the model's prediction for each (:func:`task_units`):

- ``stance``: one unit per document that mentions the entity; the label is the author's stance
  toward it (-1, 0, 1), the prediction the targeted sentiment of all the entity's mentions,
  averaged over the document (the per-document figure that tracks the stance gold best, chosen
  by cross-validated correlation: docs/validation.md);
- ``sentiment``: one unit per mention of the entity; the label is the sentiment toward it in its
  sentence (-1, 0, 1), the prediction the targeted model's polarity;
- ``attribution``: one unit per attribution (of the entity as speaker, when one is given); the
  label says whether it is a real attribution with the right speaker (1) or not (0), the
  prediction is 1 for every unit (the model asserts each), so the estimate is the share right
  (precision), from the labels alone.

A **sheet** is a CSV of :data:`SHEET_COLUMNS` (``label`` empty until a coder fills it in; a second
coder's ``label_b`` may be added) and a sidecar ``<sheet>.json`` that records the corpus hash, the
task, the entity, the grouping and the seed. The model's prediction is not in the sheet: coders
must not see it.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import GoldFileError, GroupingError
from analysis.paths import write_if_changed
from analysis.pipeline import Tables
from analysis.validate.ppi import (
    LEVEL,
    difference,
    labels_mean,
    population_mean,
    predictions_mean,
)

TASKS = ("stance", "sentiment", "attribution")
#: The labels each task's coders may give.
LABELS = {"stance": (-1, 0, 1), "sentiment": (-1, 0, 1), "attribution": (0, 1)}
#: The tables each task's units are read from.
TASK_TABLES = {
    "stance": ("entity_mentions", "mention_sentiment", "sentences"),
    "sentiment": ("mention_sentiment", "sentences"),
    "attribution": ("attributions",),
}
#: The columns of a labelling sheet, in order.
SHEET_COLUMNS = ["unit", "doc_id", "group", "entity", "title", "context", "label"]
#: The columns of :func:`estimates`.
ESTIMATE_COLUMNS = [
    "group",
    "units",
    "labelled",
    "model_mean",
    "estimate",
    "low",
    "high",
    "labelled_mean",
    "labelled_low",
    "labelled_high",
    "lam",
    "note",
]
#: The group of every unit when no grouping is asked for.
ALL = "all"


def stance_units(tables: Tables, entity: str, by: str | None = None) -> pd.DataFrame:
    """One row per document that mentions ``entity``: ``unit`` (``doc_id|entity``),
    ``doc_id``, ``group`` (the document's ``by`` metadata, or :data:`ALL`), ``entity``,
    ``title``, ``context`` (the sentences that mention the entity) and ``prediction``.

    Raises:
        GroupingError: a ``by`` column no document has.
        GoldFileError: an entity the corpus never mentions.
    """
    mentions = tables.entity_mentions[tables.entity_mentions["entity"] == entity]
    if mentions.empty:
        raise GoldFileError(f"the corpus never mentions {entity!r}")
    group_of, title_of = _document_fields(tables, by)
    targets = tables.mention_sentiment[tables.mention_sentiment["entity"] == entity]
    mean_score = targets.groupby("doc_id")["score"].mean()
    sentences = tables.sentences.set_index(["doc_id", "sent_id"])["text"]
    rows = []
    for doc_id, rows_of in mentions.groupby("doc_id", sort=False):
        keys = [(doc_id, s) for s in dict.fromkeys(rows_of["sent_id"])]
        rows.append(
            {
                "unit": f"{doc_id}|{entity}",
                "doc_id": doc_id,
                "group": group_of[doc_id],
                "entity": entity,
                "title": title_of[doc_id],
                "context": " … ".join(" ".join(str(sentences[k]).split()) for k in keys),
                "prediction": float(mean_score.get(doc_id, 0.0)),
            }
        )
    return pd.DataFrame(rows)


def sentiment_units(tables: Tables, entity: str, by: str | None = None) -> pd.DataFrame:
    """One row per mention of ``entity`` the targeted model scored: ``unit``
    (``doc_id|start|entity``), the columns of :func:`stance_units`, the mention's sentence as
    ``context`` and its polarity as ``prediction``."""
    targets = tables.mention_sentiment[tables.mention_sentiment["entity"] == entity]
    if targets.empty:
        raise GoldFileError(f"the corpus never mentions {entity!r}")
    group_of, title_of = _document_fields(tables, by)
    sentences = dict(
        zip(
            zip(tables.sentences["doc_id"], tables.sentences["sent_id"], strict=True),
            tables.sentences["text"],
            strict=True,
        )
    )
    return pd.DataFrame(
        {
            "unit": [
                f"{d}|{start}|{entity}"
                for d, start in zip(targets["doc_id"], targets["start_char"], strict=True)
            ],
            "doc_id": targets["doc_id"].to_numpy(),
            "group": targets["doc_id"].map(group_of).to_numpy(),
            "entity": entity,
            "title": targets["doc_id"].map(title_of).to_numpy(),
            "context": [
                " ".join(str(sentences[(d, k)]).split())
                for d, k in zip(targets["doc_id"], targets["sent_id"], strict=True)
            ],
            "prediction": targets["polarity"].astype(float).to_numpy(),
        }
    )


def attribution_units(tables: Tables, entity: str = "", by: str | None = None) -> pd.DataFrame:
    """One row per attribution (of ``entity`` as speaker, when given): ``unit``
    (``doc_id|cue start``), the columns of :func:`stance_units` (``entity``: the speaker the
    model found), ``context`` (source, cue and content as found) and ``prediction`` 1."""
    found = tables.attributions
    if entity:
        found = found[found["speaker"] == entity]
        if found.empty:
            raise GoldFileError(f"no attribution has the speaker {entity!r}")
    group_of, title_of = _document_fields(tables, by)
    cues = [spans[0][0] if len(spans) else -1 for spans in found["cue"]]
    return pd.DataFrame(
        {
            "unit": [f"{d}|{c}" for d, c in zip(found["doc_id"], cues, strict=True)],
            "doc_id": found["doc_id"].to_numpy(),
            "group": found["doc_id"].map(group_of).to_numpy(),
            "entity": found["speaker"].to_numpy(),
            "title": found["doc_id"].map(title_of).to_numpy(),
            "context": [
                f"{source} | {cue} | {content}"
                for source, cue, content in zip(
                    found["source_text"], found["cue_text"], found["content_text"], strict=True
                )
            ],
            "prediction": 1.0,
        }
    )


def _document_fields(tables: Tables, by: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Each document's group (its ``by`` value, or :data:`ALL`) and title."""
    documents = tables.documents.set_index("doc_id")
    if by is not None and (by not in documents or not documents[by].astype(str).str.len().any()):
        raise GroupingError(f"no document has a {by!r} value")
    groups = documents[by].astype(str) if by else pd.Series(ALL, index=documents.index)
    return groups.to_dict(), documents["title"].astype(str).to_dict()


def task_units(tables: Tables, task: str, entity: str, by: str | None = None) -> pd.DataFrame:
    """The units of ``task`` (:data:`TASKS`) and the model's prediction for each."""
    if task == "stance":
        return stance_units(tables, entity, by)
    if task == "sentiment":
        return sentiment_units(tables, entity, by)
    if task == "attribution":
        return attribution_units(tables, entity, by)
    raise GoldFileError(f"unknown task {task!r}: one of {', '.join(TASKS)}")


def _draw_order(units: pd.DataFrame, seed: int) -> pd.Series:
    """Each unit's place in its group's random order: a permutation seeded by the seed and the
    group's name, so a group's draw does not depend on the others."""
    order = pd.Series(0, index=units.index)
    for group, rows in units.groupby("group", sort=False):
        rng = np.random.default_rng([seed, zlib.crc32(str(group).encode("utf-8"))])
        order[rows.index] = rng.permutation(len(rows))
    return order


def sample(
    units: pd.DataFrame, n: int, seed: int = 0, existing: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The sheet for ``n`` units per group (every unit of a smaller group) drawn at random: the
    first ``n`` of each group's seeded order, so a larger ``n`` extends a smaller one's draw.
    The units of ``existing`` (a sheet with labels) are kept with their labels."""
    if n < 1:
        raise ValueError("n must be at least 1")
    order = _draw_order(units, seed)
    chosen = units[order < n].assign(label="", _order=order[order < n])
    if existing is not None and len(existing):
        kept = existing[~existing["unit"].isin(chosen["unit"])]
        labels = dict(zip(existing["unit"], existing["label"], strict=True))
        chosen = chosen.assign(label=chosen["unit"].map(labels).fillna(""))
        chosen = pd.concat([chosen, kept.assign(_order=-1)], ignore_index=True)
    extra = [
        c for c in (existing.columns if existing is not None else []) if c not in SHEET_COLUMNS
    ]
    sheet = chosen.sort_values(["group", "_order"], kind="stable")
    return sheet[[*SHEET_COLUMNS, *extra]].fillna("").reset_index(drop=True)


def sidecar(sheet: Path) -> Path:
    """Where a sheet's record of its corpus, task and draw is kept."""
    return sheet.with_name(sheet.name + ".json")


def write_sheet(path: Path, sheet: pd.DataFrame, record: dict[str, object]) -> None:
    """Write the sheet and its sidecar (each only when changed)."""
    write_if_changed(path, sheet.to_csv(index=False))
    write_if_changed(sidecar(path), json.dumps(record, indent=2, sort_keys=True) + "\n")


def read_sheet(path: Path, task: str, corpus: str) -> pd.DataFrame:
    """A labelled sheet, checked: its sidecar's corpus hash and task, no duplicate unit, every
    label in the task's set (an empty label is a unit not labelled yet).

    Raises:
        GoldFileError: the sheet or its sidecar is missing or does not fit.
    """
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        record = json.loads(sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GoldFileError(f"{path}: {error}") from None
    missing = [c for c in ("unit", "label") if c not in sheet]
    if missing:
        raise GoldFileError(f"{path}: no {', '.join(missing)} column")
    if record.get("corpus") != corpus:
        raise GoldFileError(f"{path}: drawn from another corpus (hash {record.get('corpus')})")
    if record.get("task") != task:
        raise GoldFileError(f"{path}: a {record.get('task')} sheet, not {task}")
    duplicated = sheet.loc[sheet["unit"].duplicated(), "unit"]
    if len(duplicated):
        raise GoldFileError(f"{path}: unit {duplicated.iloc[0]!r} twice")
    allowed = {str(v) for v in LABELS[task]} | {""}
    for column in [c for c in ("label", "label_b") if c in sheet]:
        bad = sheet.loc[~sheet[column].str.strip().isin(allowed), column]
        if len(bad):
            labels = ", ".join(sorted(allowed - {""}))
            raise GoldFileError(f"{path}: label {bad.iloc[0]!r} is none of {labels}")
    return sheet


def model_estimates(units: pd.DataFrame, *, level: float = LEVEL) -> pd.DataFrame:
    """Per group, the model's own mean with the interval that trusts it
    (:func:`analysis.validate.ppi.predictions_mean`): what a figure says before anyone has
    checked it. Columns ``group, units, model_mean, model_low, model_high``."""
    rows = []
    for group, rows_of in units.groupby("group", sort=True):
        mean = predictions_mean(rows_of["prediction"].to_numpy(dtype=float), level=level)
        rows.append((group, len(rows_of), mean.estimate, mean.low, mean.high))
    return pd.DataFrame(rows, columns=["group", "units", "model_mean", "model_low", "model_high"])


def check_units(units: pd.DataFrame, sheet: pd.DataFrame) -> None:
    """Raise :class:`GoldFileError` for a unit of the sheet that is not one of ``units``."""
    unknown = sheet.loc[~sheet["unit"].isin(units["unit"]), "unit"]
    if len(unknown):
        raise GoldFileError(f"unit {unknown.iloc[0]!r} is not one of the corpus's units")


def estimates(
    units: pd.DataFrame, sheet: pd.DataFrame, *, level: float = LEVEL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per group, the model's mean, the prediction-powered estimate of the mean label with its
    interval (:func:`analysis.validate.ppi.population_mean`) and the labels-only mean with its
    own; then the difference of every pair of groups (``"A - B"``). A group with no labelled unit
    is not estimable: its estimate is empty, and so is every difference with it.

    Raises:
        GoldFileError: a labelled unit that is not one of ``units``.
    """
    check_units(units, sheet)
    labelled = sheet[sheet["label"].str.strip() != ""]
    label_of = dict(zip(labelled["unit"], labelled["label"].astype(float), strict=True))
    rows, found = [], {}
    for group, rows_of in units.groupby("group", sort=True):
        is_labelled = rows_of["unit"].isin(label_of)
        predictions = rows_of["prediction"].to_numpy(dtype=float)
        row: dict[str, object] = dict.fromkeys(ESTIMATE_COLUMNS)
        row |= {"group": group, "units": len(rows_of), "labelled": int(is_labelled.sum())}
        row["note"] = ""
        row["model_mean"] = float(predictions.mean())
        if is_labelled.any():
            y = rows_of.loc[is_labelled, "unit"].map(label_of).to_numpy(dtype=float)
            f, rest = predictions[is_labelled.to_numpy()], predictions[~is_labelled.to_numpy()]
            ppi = population_mean(y, f, rest, level=level)
            alone = labels_mean(y, level=level, units=len(rows_of))
            row |= {"estimate": ppi.estimate, "low": ppi.low, "high": ppi.high, "lam": ppi.lam}
            row |= {"labelled_mean": alone.estimate}
            row |= {"labelled_low": alone.low, "labelled_high": alone.high}
            found[group] = ppi
        else:
            row["note"] = "not estimable: no labelled unit"
        rows.append(row)
    pairs = []
    groups = [r["group"] for r in rows]
    for k, first in enumerate(groups):
        for second in groups[k + 1 :]:
            row = {"group": f"{first} - {second}", "estimate": None, "low": None, "high": None}
            if first in found and second in found:
                d = difference(found[first], found[second])
                row |= {"estimate": d.estimate, "low": d.low, "high": d.high}
            pairs.append(row)
    return pd.DataFrame(rows, columns=ESTIMATE_COLUMNS), pd.DataFrame(
        pairs, columns=["group", "estimate", "low", "high"]
    )


def coders_alpha(sheet: pd.DataFrame) -> float | None:
    """Krippendorff's alpha (ordinal) of two coders' labels, ``label`` and ``label_b``, over the
    units either labelled (the ``krippendorff`` package); ``None`` without a second coder."""
    import krippendorff

    if "label_b" not in sheet:
        return None
    both = sheet[["label", "label_b"]].apply(
        lambda c: pd.to_numeric(c.str.strip(), errors="coerce")
    )
    both = both[both.notna().any(axis=1)]
    if both.notna().all(axis=1).sum() < 2 or both.stack().nunique() < 2:
        return None
    data = both.to_numpy(dtype=float).T
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"))


def macro_f1(labels: np.ndarray, predictions: np.ndarray) -> float:
    """The mean over the classes the labels or the predictions hold of each class's F1."""
    scores = []
    for value in np.union1d(labels, predictions):
        hits = float(np.sum((labels == value) & (predictions == value)))
        found, truth = float(np.sum(predictions == value)), float(np.sum(labels == value))
        scores.append(2 * hits / (found + truth) if found + truth else 0.0)
    return float(np.mean(scores))


def _bootstrap(
    y: np.ndarray, f: np.ndarray, score, rng: np.random.Generator, valid=lambda y, f: True
) -> tuple[float, float]:
    draws = []
    for _ in range(1000):
        k = rng.integers(0, len(y), len(y))
        if valid(y[k], f[k]):
            draws.append(score(y[k], f[k]))
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


def _pearson(y: np.ndarray, f: np.ndarray) -> float:
    return float(np.corrcoef(y, f)[0, 1])


def agreement(units: pd.DataFrame, sheet: pd.DataFrame, *, seed: int = 0) -> dict[str, object]:
    """How well the model's predictions track the labels, over the labelled units: Pearson's r
    and, when the predictions are labels themselves (the sentiment task's polarities, the
    attribution task's 1), accuracy and macro-F1, each with a 95% bootstrap interval (1,000
    resamples); how many units they rest on; and the two coders' Krippendorff's alpha when
    the sheet has a second coder's ``label_b`` (:func:`coders_alpha`)."""
    labelled = sheet[sheet["label"].str.strip() != ""]
    merged = labelled.merge(units[["unit", "prediction"]], on="unit")
    y, f = merged["label"].astype(float).to_numpy(), merged["prediction"].to_numpy(dtype=float)
    result: dict[str, object] = {"labelled": len(y), "coders_alpha": coders_alpha(sheet)}
    result |= dict.fromkeys(["r", "r_low", "r_high"])
    rng = np.random.default_rng(seed)
    if len(y) and np.isin(f, [-1.0, 0.0, 1.0]).all():  # predictions that are labels

        def accuracy(y: np.ndarray, f: np.ndarray) -> float:
            return float(np.mean(y == f))

        for name, score in (("accuracy", accuracy), ("macro_f1", macro_f1)):
            low, high = _bootstrap(y, f, score, rng)
            result |= {name: score(y, f), f"{name}_low": low, f"{name}_high": high}
    if len(y) < 3 or np.std(y) == 0 or np.std(f) == 0:
        return result
    low, high = _bootstrap(y, f, _pearson, rng, lambda y, f: np.std(y) > 0 and np.std(f) > 0)
    return result | {"r": _pearson(y, f), "r_low": low, "r_high": high}
