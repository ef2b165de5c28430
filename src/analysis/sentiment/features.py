"""The named features the sentiment model sees for a target: VADER's scores of its scope,
lexicon valence by relation, its role and governing words, the words of its sentence, a window
on each side, quotation and speaker flags."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from spacy.tokens import Doc

from analysis.attribution import load_cues
from analysis.sentiment.context import CONTENT_POS, SentimentContext, lexicon_score, mention_context
from analysis.sentiment.vader import vader_scores

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


@functools.lru_cache(maxsize=1)
def _speech_cues() -> frozenset[str]:
    return frozenset(lemma for lemma, cue in load_cues().items() if cue.kind == "speech")


def _feature_list(context: SentimentContext) -> list[tuple[str, float, int]]:
    """``(feature, value, token index or -1)`` of a target; a feature may repeat (values add)."""
    s, o, labels = context.sentence, context.sentence.start, context.labels
    out = scope_features(context)
    near = []  # content words in the target's scope
    add = out.append
    for i, lemma in s.content:
        group = labels[i - o]
        if group is not None:
            add((f"{group}:{lemma}", 1.0, i))
            add((f"w:{lemma}", 1.0, i))
            if group != "other":
                near.append(i)
    out.extend(window_features(context, near))
    return out


def scope_features(context: SentimentContext) -> list[tuple[str, float, int]]:
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
        ("lexicon", lexicon_score(terms), -1),
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
    if governor != root and s.pos[governor - o] in CONTENT_POS:
        out.append((f"head:{root_dep}:{s.lemmas[governor - o]}", 1.0, governor))
    return out


def window_features(context: SentimentContext, near: list[int]) -> list[tuple[str, float, int]]:
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
    return _feature_dict(_feature_list(mention_context(doc, start_char, end_char)))
