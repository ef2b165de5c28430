"""The words of a target's sentence grouped by their relation to it in the dependency parse
(modifier, governor, clause, other), with VADER's valence of each word after negation and
contrast: the analysis both targeted sentiment methods share."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

# spaCy's type stubs leave out its compiled parts_of_speech module.
from spacy import parts_of_speech  # type: ignore[attr-defined]
from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import StringStore
from spacy.tokens import Doc, Span, Token

from analysis.sentiment.vader import booster_weights, vader_analyzer

# Dependency relations that open a clause of its own: what is said there is not (only) said
# about a mention outside it.
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl", "pcomp"})
_PREDICATE_POS = frozenset({"VERB", "AUX"})
# Only these parts of speech carry valence: "like" as a preposition and "no" as a determiner do
# not (the second is a negation), nor do names ("Hope", "Trump").
CONTENT_POS = frozenset({"ADJ", "ADV", "VERB", "NOUN", "INTJ"})
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
GROUP_WEIGHTS = {"mod": 1.0, "gov": 1.0, "clause": 0.6, "other": 0.15}
# VADER's normalisation of a sum of valences to [-1, 1].
_ALPHA = 15.0
_QUOTE_MARKS = frozenset('"“”„«»')


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


def _strings(ids: list[int], strings: StringStore) -> list[str]:
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


# The per-token lists that the document (_Tokens) and each sentence (_Sentence) hold.
_TOKEN_LISTS = ("heads", "deps", "pos", "lemmas", "lowers", "spaced")


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
        *_TOKEN_LISTS,
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
        if self.pos[i] not in CONTENT_POS:
            return 0.0
        lexicon = vader_analyzer().lexicon
        value = lexicon.get(self.lowers[i])
        if value is None:
            value = lexicon.get(self.lemmas[i], 0.0)
        if value:
            boosters = booster_weights()
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
        *_TOKEN_LISTS,
        "boundary",
        "punct",
        "valence",
        "negated",
        "quote_marks",
        "content",
        "valenced",
        "contrasts",
        "boundaries",
        "plain",
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
        lexicon = vader_analyzer().lexicon
        for k, pos in enumerate(self.pos):
            if pos in CONTENT_POS:
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
        # The words that are neither punctuation nor stop words (the word-vector pools' words).
        self.plain = [
            i
            for i, (lower, punct) in enumerate(zip(self.lowers, self.punct, strict=True), start)
            if not punct and lower not in STOP_WORDS
        ]
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


class SentimentContext:
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


def mention_context(
    doc: Doc, start_char: int, end_char: int, sentences: SentenceCache | None = None
) -> SentimentContext:
    target = _target_span(doc, start_char, end_char)
    if sentences is None:
        return SentimentContext(_Sentence.of(target.root), target)
    return SentimentContext(sentences.of(target.root.i), target)


class SentenceCache:
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


def lexicon_score(terms: Iterable[_Term]) -> float:
    total = sum(GROUP_WEIGHTS[term.group] * term.value for term in terms)
    return total / math.sqrt(total * total + _ALPHA) if total else 0.0
