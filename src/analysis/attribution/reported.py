"""Reported speech from the dependency parse: a cue with its subject as the source and its clausal
complement or object as the content ("X said (that) ...", "X vowed to ...", "X accused Y of
...", "This, they argue, is ..."), and "according to X, ..."."""

from __future__ import annotations

import bisect
from collections.abc import Sequence, Set

from spacy.tokens import Token

from analysis.attribution.context import (
    AttributionContext,
    FoundAttribution,
    in_paragraph,
    is_medium,
    subtree_tokens,
    token_pieces,
    without_asides,
)
from analysis.attribution.cues import load_cue_nouns
from analysis.attribution.nouns import noun_content
from analysis.attribution.quotes import OPENING_QUOTES
from analysis.attribution.record import add
from analysis.attribution.speakers import noun_phrase, source_of

_CLAUSE_DEPS = {"ccomp", "xcomp"}
# Right-hand dependents that carry the content of speech-act verbs without a clause:
# "accused the West of ...", "describes the conflict as ...".
_OBJECT_DEPS = {"dobj", "dative", "prep", "oprd", "advcl", "ccomp", "xcomp", "attr", "acomp"}
# Prepositions whose phrase completes what the cue says ("likened RT to the BBC", "warned of",
# "described him as"); others ("in a statement", "during the debate", "at a rally") say where or
# when it was said, and are not content.
_CONTENT_PREPS = {"as", "of", "for", "about", "to", "on", "against", "with", "over", "into"}
# Subordinators of an adverbial clause that says when or why something was said, not what.
_CIRCUMSTANCE = {"when", "after", "before", "while", "since", "although", "though", "as", "because"}
_TIME_ENTITIES = {"DATE", "TIME"}
_ABOUT_PREPS = {"about", "of", "on", "against", "over"}


def content_of(
    ctx: AttributionContext, cue: Token, kind: str, source_tokens: list[Token]
) -> tuple[list[Token], list[Token], str]:
    """What the cue introduces, the words besides the cue itself that belong to it ("referred
    to": the preposition), and the construction (:data:`analysis.schema.CONSTRUCTIONS`).
    ``source_tokens`` are the words naming who speaks
    (:func:`analysis.attribution.speakers.source_of`): content before a post-posed cue stops at
    them."""
    clauses = [c for c in cue.children if c.dep_ in _CLAUSE_DEPS]
    if cue.pos_ == "NOUN":
        nxt = cue.nbor(1)
        tokens = [t for t in nxt.head.subtree if t.i >= nxt.i] if nxt.head.i > cue.i else []
        return tokens, [], "cue verb, clause"
    if introduces_quote(ctx, cue):
        return [], [], ""  # "he warned Trump: “...”" is a direct quotation: see direct()
    takes_object = ctx.cues[ctx.lemmas[cue.i]].object_content
    objects = [c for c in cue.children if c.dep_ in _OBJECT_DEPS and c.i > cue.i]
    if takes_object and clauses and objects and objects[0].i < clauses[0].i:
        # "threatened serious repercussions ... should they enter into any arms deal"
        return [t for child in objects for t in child.subtree], [], "cue verb, object"
    if clauses:
        clause = clauses[0]
        tokens = _without_trailers(ctx, clause)
        if clause.i < cue.i:  # post-posed cue: everything before the source, in its paragraph
            first = cue.sent.start
            last = min(t.i for t in source_tokens) if source_tokens else cue.i
            breaks = [t.i for t in cue.doc[first:last] if t.is_space and "\n" in t.text]
            first = breaks[-1] + 1 if breaks else first
            tokens = [t for t in cue.sent if first <= t.i < last]
            return tokens + _rest_after_cue(ctx, cue, clause), [], "clause, cue after"
        return tokens + _coordinated(ctx, cue, clause), [], "cue verb, clause"
    if (
        cue.dep_ == "advcl"
        and cue.head.i != cue.i
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)
        and not any(
            c.dep_ in _OBJECT_DEPS and not (c.dep_ == "prep" and is_medium(c)) for c in cue.children
        )
    ):
        # "As many tax experts have pointed out, Mr. Trump is free to ...": the clause the cue's
        # "as" clause is set in is what they said; not "as she called for ratification" (while).
        return subtree_tokens(cue.head, exclude=[cue]), [], "cue inside clause"
    if cue.dep_ == "parataxis" and not any(c.dep_ in {"prep", "dobj"} for c in cue.children):
        # "This, they argue, is at odds with ..."; not "experts I spoke to this week"
        return subtree_tokens(cue.head, exclude=[cue]), [], "cue inside clause"
    if not takes_object:
        # Any cue takes what it is about: "spoke of the legacy of racism", "complained about".
        objects = [c for c in objects if c.dep_ == "prep" and c.lower_ in _ABOUT_PREPS]
    if not objects:
        return [], [], ""
    if len(objects) == 1 and objects[0].pos_ == "PRON" and not list(objects[0].children):
        return [], [], ""  # "confirmed it": nothing said
    objects = [c for c in objects if _is_content(c)]
    if not objects:
        return [], [], ""
    if objects[0].dep_ == "dobj" and load_cue_nouns().get(objects[0].lemma_.lower()) == "belief":
        # "expressed misgivings about Mrs. Clinton", "announced plans to give ...": the noun
        # belongs to the cue, what it introduces is the content.
        content, more_cue = noun_content(ctx, objects[0])
        if content:
            return content, [objects[0], *more_cue], "cue verb, object"
    tokens = []
    for child in objects:
        tokens.extend(without_asides(child))
    tokens.extend(_coordinated(ctx, cue, objects[-1]))
    # "referred to the ...": the preposition belongs to the cue.
    if tokens and objects[0].dep_ == "prep" and objects[0].i == cue.i + 1:
        return [t for t in tokens if t.i != objects[0].i], [objects[0]], "cue verb, object"
    return tokens, [], "cue verb, object"


def passive_of(cue: Token) -> tuple[list[Token], list[Token], list[Token]] | None:
    """ "Mr. Oz has been called a charlatan by fellow physicians", "His views were echoed by
    tax experts": the agent speaks, the passive subject (with what is said of it) is the
    content. The source, content and further cue words ("by"), or None when the cue is not a
    passive with an agent."""
    subjects = [c for c in cue.children if c.dep_ == "nsubjpass"]
    agents = [c for c in cue.children if c.dep_ == "agent"]
    if not subjects or not agents or subjects[0].pos_ == "PRON":
        return None
    named = [c for c in agents[0].children if c.dep_ == "pobj"]
    if not named:
        return None
    content = without_asides(subjects[0])
    for child in cue.children:
        if child.dep_ in {"oprd", "attr", "xcomp"} or (
            child.dep_ == "prep" and child.lower_ == "as"
        ):
            content.extend(child.subtree)
    return noun_phrase(named[0]), content, [agents[0]]


def _coordinated(ctx: AttributionContext, cue: Token, clause: Token) -> list[Token]:
    """ "agreed to share a single currency and rely on one another", "mentioned refinancing
    student loans and forcing universities to ...": a verb the parser coordinated with the cue
    that goes on with the clause or object said (same form, no subject or cue of its own), or a
    second clause it hung on the cue, with the words between."""
    extra: list[Token] = []
    last = clause.right_edge.i
    for child in cue.children:
        if child.i <= last or ctx.cue_kind(child) is not None:
            continue
        if child.dep_ == "ccomp" and clause.dep_ == "ccomp":
            # "suggests the government understands that it needs a plan in case Mexico's partner
            # were to turn hostile": the parser hung the end of the clause on the cue.
            extra.extend(cue.doc[last + 1 : child.right_edge.i + 1])
            last = child.right_edge.i
        elif (
            child.dep_ == "conj"
            and child.tag_ == clause.tag_
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in child.children)
        ):
            extra.extend(cue.doc[last + 1 : child.right_edge.i + 1])
            last = child.right_edge.i
    return extra


def _rest_after_cue(ctx: AttributionContext, cue: Token, clause: Token) -> list[Token]:
    """ "The middle fifth paid 8.9 percent, the agency said in a June report, and the bottom
    fifth paid 0.8 percent": what follows a cue set inside its content, after a comma, to the
    end of the sentence, when it is a clause with no cue of its own."""
    # The cue's own words: its source and phrases ("in a June report"), not a clause it heads
    # the parser joined to it ("..., and those in the bottom fifth paid ...").
    outside = {t.i for t in clause.subtree}
    for child in cue.children:
        if child.dep_ in {"conj", "cc", "punct"} and child.i > cue.i:
            outside.update(t.i for t in child.subtree)
    end = max(t.i for t in cue.subtree if t.i not in outside)
    rest = [t for t in cue.sent if t.i > end]
    if len(rest) < 4 or rest[0].text != ",":
        return []
    if not any(t.pos_ in {"VERB", "AUX"} for t in rest) or any(
        ctx.cue_kind(t) is not None for t in rest
    ):
        return []
    return rest


def _is_content(child: Token) -> bool:
    """A right-hand dependent of a cue that is part of what is said: not a phrase of time or
    place ("in a statement on Thursday", "during the debate") nor a clause of circumstance
    ("when he ran for the White House", ", after she attacked ...")."""
    if child.dep_ == "prep":
        if child.lower_ not in _CONTENT_PREPS or is_medium(child):
            return False
        return not any(t.ent_type_ in _TIME_ENTITIES for t in child.children if t.dep_ == "pobj")
    if child.dep_ == "advcl":
        first = child.doc[child.left_edge.i]
        before = child.doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
        return not (first.lower_ in _CIRCUMSTANCE or (before is not None and before.text == ","))
    return True


def _without_trailers(ctx: AttributionContext, clause: Token) -> list[Token]:
    """A clause said, without what the writer adds: a participle after a comma (", adding that
    ...", ", contradicting the police's earlier claim"), an apposition closing it (", the
    presumed Putin favorite"), and a further speech verb the parser coordinated into it ("he would
    order a review and warned against hackers": a second attribution of its own; "he posed a
    threat and refused to drop the gun" stays one)."""
    dropped: set[int] = set()
    end = clause.right_edge.i
    while end > clause.i and clause.doc[end].is_punct:
        end -= 1
    for token in clause.subtree:
        if token.i == clause.i:
            continue
        edge = token.left_edge.i
        after_comma = edge > 0 and token.doc[edge - 1].text == ","
        if after_comma and (
            (token.dep_ in {"advcl", "conj"} and token.tag_ == "VBG")
            or (
                token.dep_ in {"appos", "npadvmod"}
                and token.right_edge.i >= end
                # "an American story, one of ''suffering and delight ...''": quoted words are
                # the speaker's, not the writer's aside
                and not any(ctx.quote_at(t.idx) for t in token.subtree)
            )
        ):
            dropped.update(range(edge - 1, token.right_edge.i + 1))
        elif (
            token.dep_ == "conj"
            and token.pos_ == "VERB"
            and ctx.cue_kind(token) == "speech"
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children)
        ):
            conjunctions = [c for c in token.head.children if c.dep_ == "cc" and c.i < token.i]
            start = conjunctions[-1].i if conjunctions else edge
            dropped.update(range(start, token.right_edge.i + 1))
    return [t for t in clause.subtree if t.i not in dropped]


_DASHES = {"—", "―", "–", "--", "-"}


def _before_dash(ctx: AttributionContext, tokens: list[Token]) -> list[Token]:
    """What is said about ends at a dash that sets off the writer's comment ("called on Obama
    to retaliate -- meddling the congressman said is designed to ..."): an object's content is
    cut at its first spaced dash outside quotes, unless a second dash closes an aside inside it
    ("the plan -- one of many -- to ...")."""
    ordered = sorted(tokens, key=lambda t: t.i)
    if not ordered:
        return ordered
    # The dash itself may hang elsewhere in the parse: look at every token the content spans.
    dashes = [
        t
        for t in ordered[0].doc[ordered[0].i + 1 : ordered[-1].i]
        if t.text in _DASHES
        and t.whitespace_
        and t.doc[t.i - 1].whitespace_
        and ctx.quote_at(t.idx) is None
    ]
    if len(dashes) != 1:
        return ordered
    return [t for t in ordered if t.i < dashes[0].i]


def introduces_quote(ctx: AttributionContext, cue: Token) -> bool:
    """The cue is followed, in its sentence, by a colon and a quote."""
    k = bisect.bisect_right(ctx.colons, cue.i)  # the first colon after the cue
    if k < len(ctx.colons) and ctx.colons[k] < cue.sent.end:
        idx = ctx.idx[ctx.colons[k]]
        rest = ctx.text[idx + 1 : idx + 4].lstrip()
        return bool(rest) and rest[0] in OPENING_QUOTES + '"'
    return False


def reported(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution], used_cues: Set[int]
) -> list[FoundAttribution]:
    """``earlier`` (the attributions found so far) followed by the reported speech of the cues
    outside quotes, but for ``used_cues`` (those of direct quotations)."""
    found = list(earlier)
    # Only a token whose lemma is a cue has a cue kind.
    for i in [i for i, lemma in enumerate(ctx.lemmas) if lemma in ctx.cues]:
        token = ctx.doc[i]
        kind = ctx.cue_kind(token)
        if kind is None or token.i in used_cues or ctx.quote_at(token.idx):
            continue
        passive = passive_of(token)
        if passive is not None:
            source_tokens, content, more_cue = passive
            construction = "passive cue verb"
        else:
            source_tokens = source_of(ctx, token)
            content, more_cue, construction = content_of(ctx, token, kind, source_tokens)
        cue_tokens = [token, *more_cue]
        content = [
            t
            for t in in_paragraph(ctx, token, content)
            if t not in source_tokens and t not in cue_tokens
        ]
        if construction == "cue verb, object":
            content = _before_dash(ctx, content)
        content_spans = token_pieces(content)
        if not content_spans or (
            sum(e - s for s, e in content_spans) < 8
            and not any(t.pos_ in {"PROPN", "NOUN"} for t in content)
        ):
            continue  # "confirmed it", "said so"; but "endorses Clinton" says something
        if not source_tokens:
            continue
        if token.lower_ == "according":
            continue
        attribution = add(
            ctx, found, kind, construction, source_tokens, cue_tokens, content_spans, token.sent
        )
        if attribution is not None:
            found.append(attribution)
    return found


def according_to(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution]
) -> list[FoundAttribution]:
    """``earlier`` (the attributions found so far) followed by those of "according to X": the
    rest of its sentence is the content."""
    found = list(earlier)
    for i in ctx.according_at:
        token = ctx.doc[i]
        if token.i + 1 >= len(ctx.doc):
            continue
        to = token.nbor(1)
        if to.lower_ != "to":
            continue
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            continue
        source = noun_phrase(objects[0])
        pp = {t.i for t in token.subtree} | {t.i for t in to.subtree} | {token.i, to.i}
        content = in_paragraph(ctx, token, [t for t in token.sent if t.i not in pp])
        attribution = add(
            ctx,
            found,
            "speech",
            "according to",
            source,
            [token, to],
            token_pieces(content),
            token.sent,
        )
        if attribution is not None:
            found.append(attribution)
    return found


def source_phrases(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution], nouns: Set[str]
) -> list[FoundAttribution]:
    """``earlier`` followed by the sentences that say where their claim comes from with a
    phrase on their main verb: "In this poll, Trump rose 1 point", "By one estimate, 300,000
    acres have been damaged" (the nouns: ``data/source_nouns.csv``). The rest of the sentence
    is the content, the phrase's noun the source."""
    found = list(earlier)
    for sent in ctx.doc.sents:
        root = sent.root
        for prep in root.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"in", "by"} or prep.i > root.i:
                continue
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if not objects or objects[0].lemma_.lower() not in nouns:
                continue
            if any(ctx.cue_kind(t) is not None and not ctx.quote_at(t.idx) for t in sent):
                break  # "In an interview, X said ...": the cue's attribution says it
            phrase = {t.i for t in prep.subtree}
            content = [t for t in sent if t.i not in phrase]
            attribution = add(
                ctx,
                found,
                "evidence",
                "source phrase",
                noun_phrase(objects[0]),
                [prep],
                token_pieces(content),
                sent,
            )
            if attribution is not None:
                found.append(attribution)
    return found
