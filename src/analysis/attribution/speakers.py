"""Speaker resolution: the words naming who speaks through a cue (its subject, a post-posed name
after a comma, the antecedent of a relative pronoun), and the speaker they refer to: an entity
mention, a pronoun's antecedent, or the nearest entity of a definite description's type."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

from spacy.tokens import Token

from analysis.attribution.context import (
    AttributionContext,
    FoundAttribution,
    token_span,
    trim_tokens,
)
from analysis.entities import Knowledge
from analysis.schema import AUTHOR_SPEAKER

_PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
_GROUP_PRONOUNS = {"they", "them", "their"}
_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
_GROUP_LABELS = {"ORG", "GPE", "NORP"}
# Outside quotes, the first person is the writer.
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
# Words that stand for a speaker without naming one, whatever the parser's tag.
_UNRESOLVED = {
    *_PERSON_PRONOUNS,
    *_GROUP_PRONOUNS,
    *_RELATIVE_PRONOUNS,
    *{"i", "we", "you", "it", "this", "these", "those", "some", "others", "one", "many"},
}


def noun_phrase(head: Token) -> list[Token]:
    """The words naming a source: the head with its determiners, modifiers and ``of`` phrases,
    without relative or participial clauses ("Western media quoting ... voices" -> "Western
    media")."""
    keep = {"det", "amod", "compound", "poss", "nummod", "nmod", "case", "flat", "quantmod"}
    tokens = [head]
    for child in head.children:
        of_phrase = child.dep_ == "prep" and child.lower_ in {"of", "for", "at"}
        name = child.dep_ == "appos" and child.pos_ == "PROPN"  # "contender Donald Trump"
        if child.dep_ in keep or of_phrase or name:
            tokens.extend(child.subtree)
        elif child.dep_ == "punct" and child.text in '“”"':
            tokens.append(child)
    return sorted(tokens, key=lambda t: t.i)


@functools.lru_cache(maxsize=1)
def _descriptors() -> dict[str, str]:
    """The describing nouns of the packaged knowledge, read once per process (as the cues are by
    :func:`analysis.attribution.cues.load_cues`): reading the knowledge files for each document
    cost more than the rest of its attribution."""
    return Knowledge.load().descriptors


def descriptor_label(lemma: str) -> str:
    return _descriptors().get(lemma, "")


def speaker(
    ctx: AttributionContext, source: list[Token], earlier: Sequence[FoundAttribution]
) -> tuple[str, str]:
    """The speaker the source words refer to, and its label; ``earlier`` are the attributions
    found before this one, in the order found (a group pronoun refers back to the last group
    that spoke)."""
    if not source:
        return "", ""
    head = next((t for t in source if t.head not in source or t.head == t), source[-1])
    start, end = token_span(source)
    lower = head.lower_
    if lower in _RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
        antecedent = head.head.head
        return speaker(ctx, noun_phrase(antecedent), earlier)
    if lower in _PERSON_PRONOUNS:
        found = ctx.entities.before(start, {"PERSON"}, floor=max(0, start - 2000))
        if found:
            return found
    if lower in _GROUP_PRONOUNS:
        previous = next((a for a in reversed(earlier) if a.speaker_label in _GROUP_LABELS), None)
        if previous is not None and start - previous.sent_start < 600:
            return previous.speaker, previous.speaker_label
        found = ctx.entities.before(start, _GROUP_LABELS, floor=max(0, start - 1000))
        if found:
            return found
    if lower in _FIRST_PERSON and len(source) == 1 and ctx.quote_at(head.idx) is None:
        return AUTHOR_SPEAKER, ""
    entity = ctx.entities.covering(head.idx, head.idx + len(head))
    if entity is not None:
        return entity
    for child in head.children:  # "Leading Republican contender Donald Trump"
        if child.dep_ == "appos" and child in source:
            entity = ctx.entities.covering(child.idx, child.idx + len(child))
            if entity is not None:
                return entity
    # A pronoun that refers to no entity found above is left unresolved: an empty speaker,
    # "(unresolved)" in the tables, never "it" or "who" as if it were someone.
    if head.pos_ == "PRON" or lower in _UNRESOLVED:
        return "", ""
    # A definite description: "the paper" -> the nearest organisation named before it.
    if head.pos_ == "NOUN" and any(t.lower_ == "the" for t in source if t.i < head.i):
        label = descriptor_label(head.lemma_.lower())
        if label:
            found = ctx.entities.before(start, {label}, floor=max(0, start - 1500))
            if found:
                return found
    words = [t for t in source if not (t.dep_ == "det" and t.i == source[0].i)]
    start, end = token_span(trim_tokens(words) or source)
    return " ".join(ctx.text[start:end].split()), ""


def _infinitive(token: Token) -> bool:
    """ "gathered in Bratislava to discuss ...": the purpose clause shares its verb's subject."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def source_of(ctx: AttributionContext, cue: Token) -> list[Token]:
    """The subject naming who speaks, following conjunctions and relative clauses up."""
    token = cue
    for _ in range(4):
        subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects and not (token is cue and cue.dep_ == "nsubjpass"):
            subject = subjects[0]
            return after_comma_source(ctx, cue, subject)
        if token.dep_ == "conj" or (
            token.dep_ == "advcl" and (token.tag_ == "VBG" or _infinitive(token))
        ):
            token = token.head
        elif token.dep_ == "pcomp" and token.head.head.pos_ in {"VERB", "AUX"}:
            token = token.head.head  # "responded by saying ...", "aside from saying ..."
        elif token.dep_ == "pcomp" and token.head.head.dep_ in {"attr", "dobj", "acomp"}:
            token = token.head.head.head  # "were in the lead in advocating ..."
        elif token.dep_ == "acl" and token.tag_ == "VBN":
            return []  # "a stream called Miracle Run", "people accused of": the noun is no source
        elif token.dep_ in {"relcl", "acl"} and token.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return noun_phrase(token.head)
        elif token.dep_ == "xcomp":
            token = token.head
        elif token is cue and token.dep_ == "acomp":
            token = token.head  # "they are convinced that ...": the copula's subject
        else:
            break
    if cue.pos_ == "NOUN":  # mis-tagged cue: "backers ... vow to support": the verb's subject
        verb = cue.nbor(1).head
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if subjects:
            return noun_phrase(subjects[0])
    return after_comma_source(ctx, cue, None)


def after_comma_source(ctx: AttributionContext, cue: Token, subject: Token | None) -> list[Token]:
    """ "..., the “Rocket Man” said": the words between the last comma and a post-posed cue
    name the speaker even where the parser picked a subject before the comma."""
    sent = cue.sent
    commas = [
        ctx.doc[i]
        for i in ctx.commas[
            bisect.bisect_left(ctx.commas, sent.start) : bisect.bisect_left(ctx.commas, cue.i)
        ]
        if not ctx.quote_at(ctx.idx[i])
    ]
    if commas:
        between = list(ctx.doc[commas[-1].i + 1 : cue.i])
        nouns = [t for t in between if t.pos_ in {"PROPN", "NOUN", "PRON"}]
        if (
            nouns
            and len(between) <= 8
            and not any(t.pos_ in {"VERB", "AUX"} for t in between)
            and (subject is None or subject.i < commas[-1].i)
        ):
            return [t for t in between if not t.is_punct or t.text in '“”"']
    return noun_phrase(subject) if subject is not None else []
