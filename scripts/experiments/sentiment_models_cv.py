"""Does a small non-linear model beat the logistic regression? A cross-validation log on NewsMTSC
train only (no dev split is read), for issue 14's protocol.

The same 5-fold cross-validation by article as ``scripts/train_sentiment.py`` (macro-F1), on the
model's named features (:func:`analysis.sentiment.target_features`) and, with ``--vectors``, the
three pooled ``tok2vec`` vectors of ``scripts/experiments/sentiment_tensor_cv.py`` (scale 0.5,
its best) added:
the shipped logistic regression (C = 0.1, features seen at least twice), scikit-learn's
``MLPClassifier`` (one hidden layer, early stopping, seeded) and
``HistGradientBoostingClassifier`` (balanced classes, early stopping, seeded) on features seen at
least 3 (MLP) or 10 (boosting) times in the training folds. Nothing is written.

    .venv/bin/python scripts/experiments/sentiment_models_cv.py [--vectors] \\
        [--data ../shared/data/newsmtsc]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import numpy as np
from sentiment_tensor_cv import tensor_features
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.neural_network import MLPClassifier

from analysis.evaluate import read_newsmtsc, score_polarity
from analysis.evaluate.training import (
    FOLDS,
    add_data_argument,
    article_of,
    cross_validate,
    folds_of,
    parse_split,
)
from analysis.parsing import load_model
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import target_features

MLP_VARIANTS = (((32,), 1e-3), ((64,), 1e-3), ((32,), 1e-2), ((64,), 1e-2))
BOOSTING_VARIANTS = ((0.1, 15), (0.05, 31))


def grouped_cv(features, labels, articles, make, *, min_count: int, dense: bool) -> float:
    """Macro-F1 of ``make()`` over the article folds of ``train_sentiment.cross_validate``."""
    folds = folds_of(articles)
    y = np.array(labels)
    predicted = np.zeros_like(y)
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        counts = Counter(name for k in train for name in features[k])
        vocabulary = {name for name, n in counts.items() if n >= min_count}
        vectorizer = DictVectorizer(sort=True).fit(
            [{k: v for k, v in features[i].items() if k in vocabulary} for i in train]
        )
        x_train = vectorizer.transform([features[i] for i in train])
        x_test = vectorizer.transform([features[i] for i in test])
        if dense:
            x_train, x_test = x_train.toarray(), x_test.toarray()
        predicted[test] = make().fit(x_train, y[train]).predict(x_test)
    return score_polarity(list(y), list(predicted))["macro_f1"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser, "train.jsonl")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--vectors", action="store_true", help="add the pooled tok2vec vectors")
    args = parser.parse_args(argv)
    started = time.time()
    targets = read_newsmtsc(args.data / "train.jsonl")
    docs = parse_split(load_model(args.model), targets, 64)
    features = []
    for t in targets.itertuples(index=False):
        named = target_features(docs[t.sentence_id], t.start, t.end)
        if args.vectors:
            named.update(tensor_features(docs[t.sentence_id], t.start, t.end, 0.5))
        features.append(named)
    labels = targets["polarity"].tolist()
    articles = [article_of(gid) for gid in targets["primary_gid"]]
    print(f"{len(labels)} targets parsed in {time.time() - started:.0f} s; features: "
          f"{'named + pooled vectors' if args.vectors else 'named'}", flush=True)  # fmt: skip
    lr = cross_validate(features, labels, articles, 0.1, 2)
    print(f"logistic regression C=0.1: CV macro-F1 {lr:.4f}", flush=True)
    for hidden, alpha in MLP_VARIANTS:
        score = grouped_cv(
            features, labels, articles,
            lambda h=hidden, a=alpha: MLPClassifier(
                hidden_layer_sizes=h, alpha=a, max_iter=300, early_stopping=True, random_state=0
            ),
            min_count=3, dense=False,
        )  # fmt: skip
        print(f"MLP hidden={hidden} alpha={alpha}: CV macro-F1 {score:.4f}", flush=True)
    for rate, leaves in BOOSTING_VARIANTS:
        score = grouped_cv(
            features, labels, articles,
            lambda r=rate, n=leaves: HistGradientBoostingClassifier(
                learning_rate=r, max_leaf_nodes=n, max_iter=300, class_weight="balanced",
                random_state=0, early_stopping=True,
            ),
            min_count=10, dense=True,
        )  # fmt: skip
        print(f"gradient boosting rate={rate} leaves={leaves}: CV macro-F1 {score:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
