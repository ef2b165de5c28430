"""What a cue noun introduces ("claim that ...", "plan to ...", "a statement saying ...",
"criticism of ..."), for the nouns that carry an attribution themselves
(:mod:`analysis.attribution.nominal`) and those a cue verb takes as its object ("expressed
misgivings about Mrs. Clinton", "announced plans to give ...")."""

from __future__ import annotations

from spacy.tokens import Token

from analysis.attribution.context import AttributionContext, without_asides

_ABOUT = {"of", "about", "for", "on", "over", "against", "with", "toward", "towards"}


def noun_content(ctx: AttributionContext, noun: Token) -> tuple[list[Token], list[Token]]:
    """What the noun introduces: a "that" clause or an infinitive ("claim that ...", "plan to
    ..."), the clause of a cue verb after it ("a statement saying that ..."), or what it is
    about ("criticism of ..."); and the cue words besides the noun ("saying", "of")."""
    for child in noun.children:
        if child.i < noun.i:
            continue
        if child.dep_ in {"acl", "ccomp", "advcl"} and child.pos_ in {"VERB", "AUX"}:
            if child.tag_ == "VBG" and ctx.cue(child) is not None:  # "a statement saying"
                clauses = [c for c in child.children if c.dep_ in {"ccomp", "xcomp"}]
                if clauses:
                    return list(clauses[0].subtree), [child]
                continue
            marks = {c.lower_ for c in child.children if c.dep_ in {"mark", "aux"}}
            if marks & {"that", "to"}:
                return list(child.subtree), []
        if child.dep_ == "prep" and child.lower_ in _ABOUT:
            objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
            if objects:
                return without_asides(objects[0]), [child]
    return [], []
