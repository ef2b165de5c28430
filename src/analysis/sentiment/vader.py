"""VADER: a linear-time version of its analyzer, its scores of a text (cached per text), and
sentence sentiment with the polarity and the per-document aggregates built on them."""

from __future__ import annotations

import functools
import string

import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    scalar_inc_dec,
)

from analysis.errors import AnalysisError

#: A score at or above ``THRESHOLD`` is positive, at or below ``-THRESHOLD`` negative (the VADER
#: paper's thresholds on the compound score).
THRESHOLD = 0.05

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

    def polarity_scores(self, text: str) -> dict[str, float]:
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
    def _sift_sentiment_scores(sentiments: list[float]) -> tuple[float, float, int]:
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

    def _lexicon_valence(
        self, words: list[str], lowers: list[str], i: int, is_cap_diff: bool
    ) -> float:
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
def vader_analyzer() -> _FastVader:
    # Built on first use: the analyzer reads its lexicon files, once per process.
    return _FastVader()


@functools.lru_cache(maxsize=1)
def booster_weights() -> dict[str, float]:
    return BOOSTER_DICT


@functools.lru_cache(maxsize=65536)
def vader_scores(text: str) -> tuple[float, float, float, float]:
    """VADER's ``(compound, positive, negative, neutral)`` scores of a text, cached per text."""
    scores = vader_analyzer().polarity_scores(text)
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
    :mod:`analysis.pipeline.store`) with ``polarity`` set from the thresholds, as
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
    table = (
        sentence_scores.assign(**polarity_indicators(sentence_scores["polarity"]))
        .groupby("doc_id", sort=False)
        .agg(sentences=("compound", "size"), mean_compound=("compound", "mean"), **SHARES)
        .reset_index()
    )
    return table[DOCUMENT_COLUMNS]


_POLARITIES = {"negative": -1, "neutral": 0, "positive": 1}
#: Named aggregations of :func:`polarity_indicators`: the share of each polarity in a group.
SHARES: dict[str, tuple[str, str]] = {f"share_{name}": (f"_{name}", "mean") for name in _POLARITIES}


def polarity_indicators(polarity: pd.Series) -> dict[str, pd.Series]:
    """Columns ``_negative``, ``_neutral`` and ``_positive``: 1.0 where ``polarity`` (-1/0/1) is
    that one, else 0.0; their means are the shares (:data:`SHARES`)."""
    return {
        f"_{name}": (polarity == value).astype("float64") for name, value in _POLARITIES.items()
    }
