"""Does the parse's contextual token vectors help the targeted sentiment model? A cross-validation
log on NewsMTSC train only (no dev split is read).

The spaCy pipeline's ``tok2vec`` output (``doc.tensor``, 96 dimensions in the small English
model) is pooled three ways around each target: over the target's tokens, over the word that
governs it and that word's other dependents, and over the sentence; each pool's values, times a
``scale`` (the dense features' strength against the L2 penalty), are added to the model's named
features (:func:`analysis.sentiment.target_features`). Variants are scored with the same 5-fold
cross-validation by article as ``scripts/train_sentiment.py`` (macro-F1), next to the shipped
feature set; nothing is written.

    .venv/bin/python scripts/experiments/sentiment_tensor_cv.py [--data ../shared/data/newsmtsc]

Not shipped yet: the parse cache (:class:`analysis.parsing.ParseCache`, spaCy ``DocBin``) does
not keep ``doc.tensor``, and running ``tok2vec`` again on cached parses costs about a quarter of
parsing; see the README.
"""

from __future__ import annotations

import argparse
import sys
import time

from analysis.evaluate import read_newsmtsc
from analysis.evaluate.training import add_data_argument, article_of, cross_validate, parse_split
from analysis.parsing import load_model
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import target_features

POOLS = ("target", "governor", "sentence")
VARIANTS = ((0.2, 0.05), (0.2, 0.1), (0.5, 0.05), (0.5, 0.1), (1.0, 0.05), (1.0, 0.1))


def tensor_features(doc, start: int, end: int, scale: float) -> dict[str, float]:
    """The three pooled vectors of the target at ``start``-``end``, as named features."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or doc.tensor.shape[0] == 0:
        return {}
    vectors = doc.tensor
    inside = range(span.start, span.end)
    head = span.root.head
    governor = [c.i for c in head.children if c.i not in inside] + [head.i]
    pools = {
        "target": vectors[span.start : span.end].mean(0),
        "governor": vectors[governor].mean(0),
        "sentence": vectors[span.sent.start : span.sent.end].mean(0),
    }
    return {
        f"vec_{name}_{k}": float(value) * scale
        for name, vector in pools.items()
        for k, value in enumerate(vector)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser, "train.jsonl")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    nlp = load_model(args.model)
    train = read_newsmtsc(args.data / "train.jsonl")
    docs = parse_split(nlp, train, 256)
    print(f"parsed {len(docs)} train sentences in {time.perf_counter() - started:.0f} s")
    named = [target_features(docs[t.sentence_id], t.start, t.end) for t in train.itertuples()]
    labels = train["polarity"].tolist()
    articles = [article_of(gid) for gid in train["primary_gid"]]
    print(f"{'features':32} {'scale':>5} {'C':>5} {'CV macro-F1':>11}")
    for c in (0.05, 0.1):
        score = cross_validate(named, labels, articles, c, args.min_count)
        print(f"{'shipped (named features)':32} {'-':>5} {c:5} {score:11.4f}", flush=True)
    targets = list(train.itertuples())
    for scale, c in VARIANTS:
        rows = [
            {**row, **tensor_features(docs[t.sentence_id], t.start, t.end, scale)}
            for row, t in zip(named, targets, strict=True)
        ]
        score = cross_validate(rows, labels, articles, c, args.min_count)
        print(f"{'named + 3 pooled tok2vec vectors':32} {scale:5} {c:5} {score:11.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
