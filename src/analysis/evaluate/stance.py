"""Score entity sentiment at the level researchers read it: one label per (document, entity),
against a gold of the author's stance toward each document's main entity (positive, neutral or
negative, labelled by reading the articles).

Each system turns a document and an entity into one number; a neutral band ``[-t, t]`` turns the
number into a label. The band is not tuned on the documents it labels: with ``folds`` folds, the
band of each fold's documents is the one (from a fixed grid) with the best macro-F1 on the other
folds. Systems:

- the targeted aggregates of the entity's mentions in the document (:data:`AGGREGATES`);
- VADER over the sentences that mention the entity (the mean compound score);
- VADER over the whole document (the mean compound score of its sentences).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import GoldFileError
from analysis.evaluate.attributions import round_score
from analysis.evaluate.sentiment import score_polarity

#: One gold row per document: the character offsets of one mention of its main entity and the
#: author's stance toward that entity (``positive``, ``neutral`` or ``negative``).
STANCE_COLUMNS = ["doc_id", "start", "end", "label"]
_LABELS = {"negative": -1, "neutral": 0, "positive": 1}
#: The neutral bands tried, as the half-width of the band around 0.
BANDS = tuple(round(t, 3) for t in np.arange(0.0, 0.41, 0.01))


def _mean(rows: pd.DataFrame) -> float:
    return float(rows["score"].mean())


def _mean_polar(rows: pd.DataFrame) -> float:
    polar = rows[rows["polarity"] != 0]
    return float(polar["score"].mean()) if len(polar) else 0.0


def _net_share(rows: pd.DataFrame) -> float:
    return float((rows["polarity"] > 0).mean() - (rows["polarity"] < 0).mean())


def _author_mean(rows: pd.DataFrame) -> float:
    author = rows[rows["voice"] == "author"]
    return float(author["score"].mean()) if len(author) else 0.0


#: The targeted aggregates compared: the mean score of the entity's mentions; the mean over the
#: mentions that carry sentiment (polarity not 0); the share of positive minus the share of
#: negative mentions; the mean over the mentions in the author's own voice.
AGGREGATES: Mapping[str, Callable[[pd.DataFrame], float]] = {
    "targeted mean": _mean,
    "targeted mean of polar mentions": _mean_polar,
    "targeted net share": _net_share,
    "targeted author-voice mean": _author_mean,
}
VADER_ENTITY = "VADER, sentences mentioning the entity"
VADER_DOCUMENT = "VADER, whole document"


def read_stance_gold(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The document-level stance gold: a CSV with :data:`STANCE_COLUMNS` (more are ignored).

    Raises:
        GoldFileError: the file is missing, lacks a column or has an unknown label.
    """
    file = Path(path)
    if not file.is_file():
        raise GoldFileError(f"stance gold not found: {file}")
    gold = pd.read_csv(file, dtype={"doc_id": str})
    missing = [c for c in STANCE_COLUMNS if c not in gold.columns]
    if missing:
        raise GoldFileError(f"{file}: missing column(s) {', '.join(missing)}")
    unknown = sorted(set(gold["label"]) - set(_LABELS))
    if unknown:
        raise GoldFileError(f"{file}: unknown label(s) {', '.join(map(str, unknown))}")
    return gold[STANCE_COLUMNS].reset_index(drop=True)


def stance_values(
    gold: pd.DataFrame,
    entity_mentions: pd.DataFrame,
    mention_sentiment: pd.DataFrame,
    sentences: pd.DataFrame,
) -> pd.DataFrame:
    """Each system's number for each gold document's entity.

    The gold mention's canonical entity is the entity of the resolved mention that overlaps its
    offsets; a document whose mention no resolved mention covers gets no entity and its targeted
    values are 0 (neutral), as a researcher would see no row for it.

    Returns:
        One row per gold row: ``doc_id``, ``entity``, ``mentions`` (the entity's mentions in the
        document), ``gold`` (-1, 0, 1), and one column per system.
    """
    rows = []
    for record in gold.itertuples(index=False):
        doc_mentions = entity_mentions[entity_mentions["doc_id"] == record.doc_id]
        covering = doc_mentions[
            (doc_mentions["start_char"] < record.end) & (record.start < doc_mentions["end_char"])
        ]
        entity = str(covering["entity"].iloc[0]) if len(covering) else ""
        targets = mention_sentiment[
            (mention_sentiment["doc_id"] == record.doc_id) & (mention_sentiment["entity"] == entity)
        ]
        doc_sentences = sentences[sentences["doc_id"] == record.doc_id]
        entity_sentences = doc_sentences[doc_sentences["sent_id"].isin(set(targets["sent_id"]))]
        row = {
            "doc_id": record.doc_id,
            "entity": entity,
            "mentions": len(targets),
            "gold": _LABELS[record.label],
        }
        for name, aggregate in AGGREGATES.items():
            row[name] = aggregate(targets) if len(targets) else 0.0
        row[VADER_ENTITY] = (
            float(entity_sentences["compound"].mean()) if len(entity_sentences) else 0.0
        )
        row[VADER_DOCUMENT] = float(doc_sentences["compound"].mean()) if len(doc_sentences) else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def gold_stance_values(texts: str | os.PathLike[str], gold: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`stance_values` for the documents of a stance gold file, read from the folder of
    their texts (``../shared/data/polnear/dev/text``) and analysed through the pipeline's cache."""
    import warnings

    from analysis.corpus import load_corpus
    from analysis.pipeline import load

    table = read_stance_gold(gold)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PolNeAR's text folders have no metadata.csv
        documents = [d for d in load_corpus(texts) if d.id in set(table["doc_id"])]
    tables = load(documents, only=["entity_mentions", "mention_sentiment", "sentences"])
    return stance_values(table, tables.entity_mentions, tables.mention_sentiment, tables.sentences)


def _label(values: np.ndarray, band: float) -> np.ndarray:
    return np.where(values > band, 1, np.where(values < -band, -1, 0))


def _macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    macro_f1 = score_polarity(gold.tolist(), predicted.tolist())["macro_f1"]
    assert isinstance(macro_f1, float)
    return macro_f1


def cross_validated_labels(
    values: np.ndarray, gold: np.ndarray, *, folds: int = 5, seed: int = 13
) -> tuple[np.ndarray, list[float]]:
    """Labels of ``values`` with a neutral band chosen, for each fold, on the other folds.

    Returns:
        The labels, and the band chosen for each fold.
    """
    order = np.random.default_rng(seed).permutation(len(values))
    fold_of = np.empty(len(values), dtype=int)
    fold_of[order] = np.arange(len(values)) % folds
    labels = np.zeros(len(values), dtype=int)
    bands = []
    for fold in range(folds):
        train = fold_of != fold
        best = max(BANDS, key=lambda t: (_macro_f1(gold[train], _label(values[train], t)), -t))
        bands.append(float(best))
        labels[~train] = _label(values[~train], best)
    return labels, bands


def score_stance(values: pd.DataFrame, *, folds: int = 5) -> dict[str, object]:
    """Macro-F1 of every system of :func:`stance_values`'s table against its gold, the neutral
    band cross-validated (see :func:`cross_validated_labels`).

    Returns:
        ``n``, ``gold`` (documents per label) and ``systems``: per system ``macro_f1``,
        ``accuracy``, per-class ``f1`` and the ``bands`` chosen per fold.
    """
    gold = values["gold"].to_numpy()
    systems = {}
    for name in [*AGGREGATES, VADER_ENTITY, VADER_DOCUMENT]:
        labels, bands = cross_validated_labels(values[name].to_numpy(), gold, folds=folds)
        scores = score_polarity(gold.tolist(), labels.tolist())
        systems[name] = {**scores, "bands": bands}
    counts = values["gold"].map({v: k for k, v in _LABELS.items()}).value_counts()
    return {
        "n": len(values),
        "folds": folds,
        "gold": {label: int(counts.get(label, 0)) for label in _LABELS},
        "systems": systems,
        "entity_found": round_score(float((values["entity"] != "").mean()))
        if len(values)
        else None,
    }
