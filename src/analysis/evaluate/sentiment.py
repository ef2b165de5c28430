"""Score sentiment against human judgements: targeted polarity on NewsMTSC's targets (against a
sentence-level VADER baseline), and VADER's compound score against the mean human ratings of
VADER's NYT snippets."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import GoldFileError
from analysis.evaluate.attributions import round_score
from analysis.evaluate.brat import read_utf8
from analysis.parsing import load_model, parse
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import (
    MODEL_FILE,
    load_sentiment_model,
    polarity_of,
    target_sentiment,
    vader_scores,
)

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
        GoldFileError: the file is missing, or a line is not such a record.
    """
    file = Path(path)
    if not file.is_file():
        raise GoldFileError(f"NewsMTSC file not found: {file}")
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
                raise GoldFileError(f"{file}:{number}: not a NewsMTSC record ({error})") from None
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
        f1[name] = round_score(2 * tp / (n_gold + n_predicted)) if n_gold + n_predicted else 0.0
    n = len(pairs)
    return {
        "n": n,
        "accuracy": round_score(sum(1 for g, p in pairs if g == p) / n) if n else None,
        "macro_f1": round_score(sum(f1.values()) / len(f1)),
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
        GoldFileError: the file is missing or a line has no id, mean and text.
    """
    file = Path(path)
    if not file.is_file():
        raise GoldFileError(f"VADER NYT file not found: {file}")
    rows = []
    lines = read_utf8(file).split("\n")  # CRLF line ends; no other character ends a line
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        try:
            rows.append((parts[0], float(parts[1]), parts[2]))
        except (IndexError, ValueError):
            raise GoldFileError(f"{file}:{number}: expected id, mean rating and text") from None
    return pd.DataFrame(rows, columns=VADER_NYT_COLUMNS)


def score_vader_nyt(snippets: pd.DataFrame) -> dict[str, object]:
    """Pearson r between VADER's compound score of each snippet and the human mean rating."""
    compounds = [vader_scores(text)[0] for text in snippets["text"]]
    return {
        "snippets": len(snippets),
        "pearson_r": round_score(_pearson(compounds, snippets["mean"].tolist())),
    }


def _pearson(x: Sequence[float], y: Sequence[float]) -> float:
    if len(x) < 2:
        return math.nan
    # A sequence without spread has no correlation: nan, without numpy's warning.
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.corrcoef(x, y)[0, 1])


def model_summary() -> dict[str, Any]:
    """What the packaged targeted model is and how it was chosen: its files, training data, the
    cross-validated macro-F1 of the settings tried and the one kept (from the model file's
    ``info``, written by ``scripts/train_sentiment.py``)."""
    model = load_sentiment_model()
    info = model.info
    cv = info.get("cv_macro_f1", {})
    files = [MODEL_FILE]
    if model.words is not None and model.words.path is not None:
        files.append(model.words.path)
    return {
        "files": [file.name for file in files],
        "bytes": sum(file.stat().st_size for file in files),
        "training_data": info.get("training_data", ""),
        "settings_tried": len(cv),
        "cv_macro_f1": max(cv.values()) if cv else None,
        "words": len(model.words.vocabulary) if model.words is not None else 0,
    }


def format_sentiment_scores(scores: Mapping[str, Any]) -> str:
    """A compact plain-text summary of sentiment scores (``model``, ``newsmtsc``, ``vader_nyt``
    and ``stance``, whichever are there)."""
    lines = []
    if "model" in scores:
        model = scores["model"]
        cv = model["cv_macro_f1"]
        lines.append(
            f"Targeted model: {' + '.join(model['files'])} ({model['bytes'] / 1e6:.1f} MB"
            + (f", {model['words']:,} words" if model["words"] else "")
            + f"); trained on {model['training_data'].split(' (')[0]}"
            + (
                f"; 5-fold cross-validated macro-F1 {cv:.4f}, the best of "
                f"{model['settings_tried']} settings"
                if cv is not None
                else ""
            )
        )
    for newsmtsc in scores.get("newsmtsc", ()):
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
    if "stance" in scores:
        stance = scores["stance"]
        gold = ", ".join(f"{label} {n}" for label, n in stance["gold"].items())
        lines.append(
            f"Stance {stance['file']}: {stance['n']} documents ({gold}); the entity's neutral band "
            f"chosen on the other folds ({stance['folds']}-fold)"
        )
        rows = [
            {
                "system": name,
                "macro_f1": f"{result['macro_f1']:.3f}",
                "accuracy": f"{result['accuracy']:.3f}",
                **{f"f1_{label[:3]}": f"{v:.3f}" for label, v in result["f1"].items()},
            }
            for name, result in stance["systems"].items()
        ]
        lines.append(pd.DataFrame(rows).to_string(index=False))
    return "\n".join(lines) + "\n"
