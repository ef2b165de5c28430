"""The targeted sentiment model: a logistic regression over the named features and the pooled
word vectors (see :mod:`analysis.sentiment.vectors`), read from its JSON file (and the word table
the file names) once per process, its weights indexed for scoring many targets, and its
prediction with each word's contribution."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
from typing import NamedTuple

from analysis import paths
from analysis.errors import ModelFileError
from analysis.sentiment.context import GROUP_WEIGHTS, SentimentContext
from analysis.sentiment.features import scope_features, window_features
from analysis.sentiment.vectors import POOLS, WordTable, pooled_words, read_word_table

MODEL_FILE = paths.SENTIMENT_MODEL_FILE
MODEL_FORMAT = "analysis.sentiment.logistic/2"
# Models of the first format have no word table; they are read as they were.
_FORMATS = ("analysis.sentiment.logistic/1", MODEL_FORMAT)


class SentimentModel(NamedTuple):
    """A multinomial logistic regression over named features (see :func:`target_features`)
    and, if it has a word table, the word vectors pooled around the target.

    Attributes:
        classes: the polarity of each column of the weights, ``(-1, 0, 1)``.
        intercept: one per class.
        weights: feature name -> one weight per class.
        info: how the model was trained, and its scores.
        words: each word's weights per pool and class, or None.
    """

    classes: tuple[int, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    info: dict
    words: WordTable | None = None


@functools.lru_cache(maxsize=4)
def load_sentiment_model(path: str | os.PathLike[str] | None = None) -> SentimentModel:
    """Read a targeted sentiment model once per process.

    Args:
        path: a JSON file written by ``scripts/train_sentiment.py``; default the packaged
            :data:`MODEL_FILE`. The word table it names is read from the same folder.

    Raises:
        ModelFileError: the file or its word table is missing or is not such a model.
    """
    file = paths.resolve_path(path) if path else MODEL_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelFileError(f"{file}: cannot read the sentiment model ({error})") from error
    if not isinstance(data, dict) or data.get("format") not in _FORMATS:
        raise ModelFileError(f"{file}: not a sentiment model of format {MODEL_FORMAT!r}")
    words = None
    vectors = data.get("vectors")
    if vectors is not None:
        if not isinstance(vectors, dict) or not isinstance(vectors.get("file"), str):
            raise ModelFileError(f"{file}: its 'vectors' entry does not name a word table file")
        if tuple(vectors.get("pools", ())) != POOLS:
            raise ModelFileError(f"{file}: word pools {vectors.get('pools')}, expected {POOLS}")
        table = file.parent / vectors["file"]
        # The table must be the one trained with these weights, not a stale one of the same shape.
        expected = vectors.get("sha256")
        if expected is not None:
            try:
                digest = hashlib.sha256(table.read_bytes()).hexdigest()
            except OSError as error:
                raise ModelFileError(
                    f"{table}: cannot read the sentiment word table ({error})"
                ) from error
            if digest != expected:
                raise ModelFileError(
                    f"{table}: not the word table {file.name} was trained with (SHA-256 differs)"
                )
        words = read_word_table(table, len(data["classes"]))
    return SentimentModel(
        classes=tuple(data["classes"]),
        intercept=tuple(data["intercept"]),
        weights={name: tuple(w) for name, w in data["weights"].items()},
        info=data.get("info", {}),
        words=words,
    )


# The features of a content word (see _feature_list): ``w:{lemma}`` and ``{group}:{lemma}``.
_WORD_PREFIXES = frozenset({"w", *GROUP_WEIGHTS})


class _ModelIndex:
    """A model's weights arranged for scoring many targets.

    Most features of a target are the content words of its sentence (``w:{lemma}`` and
    ``{group}:{lemma}``): building each name to look it up was most of the scoring time. Here
    their weights are found by lemma, then by prefix, without a name being built. Each weight
    tuple ends with the mean of the weights, one more item after the classes' (for the
    contributions of :func:`predict`, computed once instead of once per target).
    """

    __slots__ = ("model", "weights", "by_lemma")

    def __init__(self, model: SentimentModel):
        self.model = model
        n_classes = len(model.classes)
        self.weights = {name: (*w, sum(w) / n_classes) for name, w in model.weights.items()}
        self.by_lemma: dict[str, dict[str, tuple[float, ...]]] = {}
        for name, weights in self.weights.items():
            prefix, colon, lemma = name.partition(":")
            if colon and prefix in _WORD_PREFIXES:
                self.by_lemma.setdefault(lemma, {})[prefix] = weights


# The index of the models in use, by id (the entry keeps its model alive, so ids are not reused).
_MODEL_INDEXES: dict[int, _ModelIndex] = {}


def model_index(model: SentimentModel) -> _ModelIndex:
    index = _MODEL_INDEXES.get(id(model))
    if index is None or index.model is not model:
        if len(_MODEL_INDEXES) >= 8:  # models reloaded (e.g. by training): drop the old ones
            _MODEL_INDEXES.clear()
        index = _MODEL_INDEXES[id(model)] = _ModelIndex(model)
    return index


def model_features(
    context: SentimentContext, index: _ModelIndex
) -> list[tuple[tuple[float, ...], float, int]]:
    """``(weights, value, token index or -1)`` of the features of :func:`_feature_list` that
    the model knows, in the same order (the logits add up in it, to the last bit), then of the
    pooled words (:func:`pooled_words`, a word's value its weight in the pool); the weights as
    :class:`_ModelIndex` keeps them, their mean last."""
    weights_of = index.weights.get
    present = [
        (weights, value, i)
        for name, value, i in scope_features(context)
        if (weights := weights_of(name)) is not None
    ]
    keep = present.append
    s, o, labels = context.sentence, context.sentence.start, context.labels
    by_lemma = index.by_lemma.get
    near = []  # content words in the target's scope
    for i, lemma in s.content:
        group = labels[i - o]
        if group is not None:
            known = by_lemma(lemma)
            if known is not None:
                # {group}:{lemma}, then w:{lemma}, as _feature_list lists them.
                weights = known.get(group)
                if weights is not None:
                    keep((weights, 1.0, i))
                weights = known.get("w")
                if weights is not None:
                    keep((weights, 1.0, i))
            if group != "other":
                near.append(i)
    present.extend(
        (weights, value, i)
        for name, value, i in window_features(context, near)
        if (weights := weights_of(name)) is not None
    )
    table = index.model.words
    if table is not None:
        row = table.row
        present.extend(
            (row(word, pool), weight, i)
            for pool, i, word, weight in pooled_words(context, table.vocabulary)
        )
    return present


def predict(
    model: SentimentModel, present: list[tuple[tuple[float, ...], float, int]]
) -> tuple[list[float], dict[int, float], int]:
    """Class probabilities, each token's contribution to the winning class, and its index,
    from the ``(weights, value, token index)`` of the features the model knows (from
    :func:`model_features`: the weights of each class, then their mean)."""
    logits = list(model.intercept)
    n_classes = len(logits)
    if n_classes == 3:
        # The usual three classes, unrolled (the same sums in the same order, only faster).
        logit0, logit1, logit2 = logits
        for (weight0, weight1, weight2, _), value, _ in present:
            logit0 += value * weight0
            logit1 += value * weight1
            logit2 += value * weight2
        logits = [logit0, logit1, logit2]
    else:
        for weights, value, _ in present:
            for k in range(n_classes):
                logits[k] += value * weights[k]
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    probabilities = [x / total for x in exps]
    best = max(range(n_classes), key=lambda k: (probabilities[k], -abs(model.classes[k])))
    contributions: dict[int, float] = {}
    if model.classes[best] == 0:  # no evidence is shown for a neutral target
        return probabilities, contributions, best
    for weights, value, i in present:
        if i >= 0:
            # How much the word raises the winning class over the mean of all classes.
            push = value * (weights[best] - weights[n_classes])
            contributions[i] = contributions.get(i, 0.0) + push
    return probabilities, contributions, best
