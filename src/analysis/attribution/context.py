"""What every attribution pass reads of one document and none changes
(:class:`AttributionContext`, built once per document, with its entity mentions looked up by
offset), the record of an attribution the passes produce (:class:`FoundAttribution`), and the
helpers that turn tokens into character spans. Shared by the modules of ``analysis.attribution``;
not re-exported by the package."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from spacy.attrs import IDX, LEMMA, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Token

from analysis.attribution.cues import CueVerb, load_source_nouns
from analysis.attribution.quotes import Quote, find_quotes
from analysis.entities import mention_fields


@dataclass
class FoundAttribution:
    """One attribution a pass found: character spans of its source, cue and content, and the
    speaker resolved (``via`` the one who quotes them, for "Quoting X, ..."). Not changed once
    made (:func:`analysis.attribution.record.nest` makes a copy); not frozen, since a frozen
    dataclass is slower to make and the passes make many."""

    kind: str
    cue_kind: str
    construction: str
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)
    speaker: str = ""
    speaker_label: str = ""
    via: str = ""
    sent_start: int = 0


class MentionIndex:
    """The document's resolved entity mentions, looked up by character offset."""

    def __init__(self, mentions: pd.DataFrame | Sequence[tuple]):
        fields = ("start_char", "end_char", "entity", "label")
        self.rows = sorted(mention_fields(mentions, fields), key=lambda r: r[0])
        self.starts = [r[0] for r in self.rows]

    def covering(self, start: int, end: int) -> tuple[str, str] | None:
        i = bisect.bisect_right(self.starts, end) - 1
        while i >= 0 and self.rows[i][1] > start - 200:
            s, e, entity, label = self.rows[i]
            if s < end and start < e:
                return entity, label
            i -= 1
        return None

    def before(self, position: int, labels: set[str], *, floor: int = 0) -> tuple[str, str] | None:
        i = bisect.bisect_left(self.starts, position) - 1
        while i >= 0 and self.rows[i][0] >= floor:
            s, e, entity, label = self.rows[i]
            if label in labels and e <= position:
                return entity, label
            i -= 1
        return None


@dataclass(frozen=True, slots=True)
class AttributionContext:
    """The facts of one document the passes read: the parse, its entity mentions, the cue
    lemmas, and what the passes need of every token (text, offsets, lemmas, where the commas,
    colons and "according" are) and of the text (its quotes). Build it with :meth:`of`; nothing
    in it changes after (the passes pass what they find as arguments and return values)."""

    doc: Doc
    entities: MentionIndex
    cues: Mapping[str, CueVerb]
    text: str
    idx: Sequence[int]
    lemmas: Sequence[str]  # the cue key of each token (see _cue_key)
    quotes: Sequence[Quote]
    quote_starts: Sequence[int]
    according_at: Sequence[int]
    commas: Sequence[int]
    colons: Sequence[int]

    @classmethod
    def of(
        cls, doc: Doc, entities: MentionIndex, cues: Mapping[str, CueVerb]
    ) -> AttributionContext:
        # What the passes need of every token, read at once with Doc.to_array: iterating over a
        # Doc (Doc.text does too) builds a Token object for each token, which costs more than
        # the passes themselves.
        strings = doc.vocab.strings
        orth_ids, spaces, lemma_ids, lower_ids, idx = doc.to_array(
            [ORTH, SPACY, LEMMA, LOWER, IDX]
        ).T.tolist()
        orth_of = {i: strings[i] for i in set(orth_ids)}
        texts = [orth_of[i] for i in orth_ids]
        # Doc.text: every token's text_with_ws.
        text = "".join(map(str.__add__, texts, map(("", " ").__getitem__, spaces)))
        quotes = find_quotes(text)
        lemma_of = {i: strings[i].lower() for i in set(lemma_ids)}
        lower_of = {i: strings[i] for i in set(lower_ids)}
        according = {i for i in set(lower_ids) if strings[i] == "according"}
        return cls(
            doc=doc,
            entities=entities,
            cues=cues,
            text=text,
            idx=idx,
            lemmas=[
                _cue_key(lemma_of[i], lower_of[j], cues)
                for i, j in zip(lemma_ids, lower_ids, strict=True)
            ],
            quotes=quotes,
            quote_starts=[q.start for q in quotes],
            according_at=[i for i, lower in enumerate(lower_ids) if lower in according],
            commas=[i for i, orth in enumerate(texts) if orth == ","],
            colons=[i for i, orth in enumerate(texts) if orth == ":"],
        )

    # --- where things are --------------------------------------------------------------------
    def quote_at(self, char: int) -> Quote | None:
        i = bisect.bisect_right(self.quote_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return self.quotes[i]
        return None

    def cue(self, token: Token) -> CueVerb | None:
        """The cue entry of the token's lemma (or of its form, where the lemmatiser erred)."""
        return self.cues.get(self.lemmas[token.i])

    def cue_kind(self, token: Token) -> str | None:
        cue = self.cue(token)
        if cue is None:
            return None
        kind = cue.kind
        if token.pos_ in {"VERB", "AUX"}:
            if token.dep_ in {"amod", "compound"}:  # "so-called", "the stated aim"
                return None
            return kind
        # The small model tags some cue verbs as nouns ("Washington vow to support"): accept them
        # when an infinitive follows, as it would follow the verb.
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if (
            token.pos_ == "NOUN"
            and nxt is not None
            and nxt.lower_ == "to"
            and nxt.head.pos_ == "VERB"
        ):
            return kind
        return None

    def starts_sentence(self, position: int) -> bool:
        before = self.text[:position].rstrip(" \t\u00a0")
        return not before or before.endswith(("\n", ".", "!", "?", ":", "”", '"'))


def _cue_key(lemma: str, lower: str, cues: Mapping[str, CueVerb]) -> str:
    """The lemma, or the cue a form stands for where the small model's lemmatiser errs ("hopes"
    -> "hop", "rated" -> "rat"): the form without its final "s" or "d"; or the form itself
    where it is listed ("convinced", tagged as the participle of "convince")."""
    if lemma in cues:
        return lemma
    if lower in cues:
        return lower
    if not lower.endswith(("s", "d")):
        return lemma
    return lower[:-1] if lower[:-1] in cues else lemma


# --- tokens as character spans -------------------------------------------------------------------
def token_span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def trim_tokens(tokens: list[Token]) -> list[Token]:
    """Drop punctuation and space at both ends, but keep quote marks that close a quote."""
    while tokens and (tokens[0].is_space or (tokens[0].is_punct and tokens[0].text not in '"“‘')):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_space or (tokens[-1].is_punct and tokens[-1].text not in '"”’')
    ):
        tokens = tokens[:-1]
    return tokens


def subtree_tokens(token: Token, *, exclude: Iterable[Token] = ()) -> list[Token]:
    excluded: set[int] = set()
    for other in exclude:
        excluded.update(t.i for t in other.subtree)
    return [t for t in token.subtree if t.i not in excluded]


def token_pieces(tokens: list[Token]) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as character spans, trimmed of punctuation at their ends."""
    runs: list[list[Token]] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    spans = []
    for run in runs:
        run = trim_tokens(run)
        if run:
            spans.append(token_span(run))
    return spans


# Prepositions of when and where, which a noun phrase said about does not take.
_CIRCUMSTANCE_PREPS = {"during", "amid", "following", "despite", "since"}


# Prepositions of a phrase that says in what something was said: "in a statement", "on Twitter".
_MEDIUM_PREPS = {"in", "on", "via", "through", "at"}


def is_medium(prep: Token) -> bool:
    """A phrase that says where something was said or shown ("in a statement", "on Twitter",
    "in an email"; its noun in ``data/source_nouns.csv``), which is not part of what was said."""
    if prep.lower_ not in _MEDIUM_PREPS:
        return False
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return bool(objects) and objects[0].lemma_.lower() in load_source_nouns()


def without_asides(head: Token) -> list[Token]:
    """The words of a noun phrase said about, without what the writer adds after a comma (a
    relative clause: "Trump, who says he is honored"; an apposition; a participle) and without
    phrases of when ("during a rally")."""
    dropped: set[int] = set()
    for token in head.subtree:
        if token.dep_ == "prep" and (
            token.lower_ in _CIRCUMSTANCE_PREPS or is_medium(token)  # "during a rally"
        ):
            dropped.update(range(token.left_edge.i, token.right_edge.i + 1))
        elif token.dep_ in {"relcl", "acl", "appos", "advcl"} and token.i != head.i:
            edge = token.left_edge.i
            if edge > 0 and token.doc[edge - 1].text in {",", "—", "--"}:
                dropped.update(range(edge - 1, token.right_edge.i + 1))
    return [t for t in head.subtree if t.i not in dropped]


def in_paragraph(ctx: AttributionContext, cue: Token, tokens: Iterable[Token]) -> list[Token]:
    """The tokens in the cue's paragraph: what is reported does not run on past a line break,
    even where the parser's sentence does (a headline joined to the first line)."""
    start = ctx.text.rfind("\n", 0, cue.idx) + 1
    end = ctx.text.find("\n", cue.idx) % (len(ctx.text) + 1)
    return [t for t in tokens if start <= t.idx < end]
