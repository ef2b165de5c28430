"""Attributions carried by a noun ("Trump's claim that ...", "a statement saying ...", "the
criticism of Lauer by conservatives", "Clinton's plan to ..."): the cue nouns are in
``data/cue_nouns.csv``; the noun's possessor, its "by" or "from" phrase, or the subject of a
light verb ("Trump made the claim") is the source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.tokens import Token

from analysis.attribution.context import (
    AttributionContext,
    FoundAttribution,
    in_paragraph,
    token_pieces,
)
from analysis.attribution.nouns import noun_content
from analysis.attribution.record import add
from analysis.attribution.speakers import noun_phrase

# Verbs that only carry the noun: "made the claim", "issued a statement", "voiced concern".
_LIGHT_VERBS = {
    "make", "issue", "express", "voice", "release", "offer", "give", "repeat", "reiterate",
    "raise", "deliver", "put", "share", "air", "renew", "stand", "reaffirm", "announce",
}  # fmt: skip
_BY = {"by", "from"}


def nominal(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution], nouns: Mapping[str, str]
) -> list[FoundAttribution]:
    """``earlier`` (the attributions found so far) followed by those of the cue nouns outside
    quotes that have both a source and content."""
    found = list(earlier)
    for i in [i for i, lemma in enumerate(ctx.lemmas) if lemma in nouns]:
        token = ctx.doc[i]
        if token.pos_ != "NOUN" or ctx.quote_at(token.idx):
            continue
        content, more_cue = noun_content(ctx, token)
        if not content:
            continue
        source, by = noun_source(token)
        if not source:
            continue
        cue = [token, *more_cue, *by]
        content = [t for t in in_paragraph(ctx, token, content) if t not in source and t not in cue]
        attribution = add(
            ctx,
            found,
            nouns[ctx.lemmas[i]],
            "cue noun",
            source,
            cue,
            token_pieces(content),
            token.sent,
        )
        if attribution is not None:
            found.append(attribution)
    return found


def noun_source(noun: Token) -> tuple[list[Token], list[Token]]:
    """Who the noun's speech, belief or intention is: its possessor ("Trump's claim", "his
    plan"), its "by"/"from" phrase ("warnings from his attorney"), or the subject of a light
    verb it is the object of ("Trump made the claim"); and the cue words ("by")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return noun_phrase(child), []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in _BY:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return noun_phrase(objects[0]), [child]
    head = noun.head
    if noun.dep_ == "dobj" and head.lemma_.lower() in _LIGHT_VERBS:
        subjects = [c for c in head.children if c.dep_ == "nsubj"]
        if subjects:
            return noun_phrase(subjects[0]), [head]
    return [], []
