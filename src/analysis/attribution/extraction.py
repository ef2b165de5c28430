"""Source attribution of one parsed document: who is quoted or reported, saying what, resolved
to a speaker entity (see :mod:`analysis.attribution`)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from spacy.attrs import IDX, LEMMA, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span, Token

from analysis.attribution.cues import CueVerb, load_cues
from analysis.attribution.quotes import _CLOSING, _OPENING, Quote, find_quotes
from analysis.entities import Knowledge, mention_fields
from analysis.schema import AttributionRow, QuotedTermRow

_PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
_GROUP_PRONOUNS = {"they", "them", "their"}
_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
_GROUP_LABELS = {"ORG", "GPE", "NORP"}
_CLAUSE_DEPS = {"ccomp", "xcomp"}
# Right-hand dependents that carry the content of speech-act verbs without a clause:
# "accused the West of ...", "describes the conflict as ...".
_OBJECT_DEPS = {"dobj", "dative", "prep", "oprd", "advcl", "ccomp", "xcomp", "attr", "acomp"}
_QUOTING_CUES = {"quoting", "citing"}
_DASH_SOURCE = re.compile(r"[ \t\u00a0]*([―—])[ \t\u00a0]*([^\n―—]{2,60}?)[ \t\u00a0.]*(?:\n|$)")


@dataclass
class _Attribution:
    kind: str
    cue_kind: str
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)
    speaker: str = ""
    speaker_label: str = ""
    via: str = ""
    sent_start: int = 0


class _Entities:
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


def _span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop punctuation and space at both ends, but keep quote marks that close a quote."""
    while tokens and (tokens[0].is_space or (tokens[0].is_punct and tokens[0].text not in '"“‘')):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_space or (tokens[-1].is_punct and tokens[-1].text not in '"”’')
    ):
        tokens = tokens[:-1]
    return tokens


def _subtree_tokens(token: Token, *, exclude: Iterable[Token] = ()) -> list[Token]:
    excluded = set()
    for other in exclude:
        excluded.update(t.i for t in other.subtree)
    return [t for t in token.subtree if t.i not in excluded]


def _pieces(tokens: list[Token]) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as character spans, trimmed of punctuation at their ends."""
    runs: list[list[Token]] = []
    for t in sorted(tokens, key=lambda t: t.i):
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    spans = []
    for run in runs:
        run = _trim(run)
        if run:
            spans.append(_span(run))
    return spans


def _noun_phrase(head: Token) -> list[Token]:
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


class _Extractor:
    def __init__(self, doc: Doc, entities: _Entities, cues: dict[str, CueVerb]):
        self.doc = doc
        self.entities = entities
        self.cues = cues
        self.found: list[_Attribution] = []
        self.used_cues: set[int] = set()
        # What the passes need of every token, read at once with Doc.to_array: iterating over a
        # Doc (Doc.text does too) builds a Token object for each token, which costs more than
        # the passes themselves.
        strings = doc.vocab.strings
        orth_ids, spaces, lemma_ids, lower_ids, self.idx = doc.to_array(
            [ORTH, SPACY, LEMMA, LOWER, IDX]
        ).T.tolist()
        orth_of = {i: strings[i] for i in set(orth_ids)}
        texts = [orth_of[i] for i in orth_ids]
        # Doc.text: every token's text_with_ws.
        self.text = "".join(map(str.__add__, texts, map(("", " ").__getitem__, spaces)))
        self.quotes = find_quotes(self.text)
        self.quote_starts = [q.start for q in self.quotes]
        lemma_of = {i: strings[i].lower() for i in set(lemma_ids)}
        self.lemmas = [lemma_of[i] for i in lemma_ids]
        according = {i for i in set(lower_ids) if strings[i] == "according"}
        self.according_at = [i for i, lower in enumerate(lower_ids) if lower in according]
        self.commas = [i for i, text in enumerate(texts) if text == ","]
        self.colons = [i for i, text in enumerate(texts) if text == ":"]

    # --- where things are --------------------------------------------------------------------
    def quote_at(self, char: int) -> Quote | None:
        i = bisect.bisect_right(self.quote_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return self.quotes[i]
        return None

    def cue_kind(self, token: Token) -> str | None:
        cue = self.cues.get(token.lemma_.lower())
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

    # --- speakers ----------------------------------------------------------------------------
    def speaker(self, source: list[Token]) -> tuple[str, str]:
        if not source:
            return "", ""
        head = next((t for t in source if t.head not in source or t.head == t), source[-1])
        start, end = _span(source)
        lower = head.lower_
        if lower in _RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            antecedent = head.head.head
            return self.speaker(_noun_phrase(antecedent))
        if lower in _PERSON_PRONOUNS:
            found = self.entities.before(start, {"PERSON"}, floor=max(0, start - 2000))
            if found:
                return found
        if lower in _GROUP_PRONOUNS:
            previous = next(
                (a for a in reversed(self.found) if a.speaker_label in _GROUP_LABELS), None
            )
            if previous is not None and start - previous.sent_start < 600:
                return previous.speaker, previous.speaker_label
            found = self.entities.before(start, _GROUP_LABELS, floor=max(0, start - 1000))
            if found:
                return found
        entity = self.entities.covering(head.idx, head.idx + len(head))
        if entity is not None:
            return entity
        for child in head.children:  # "Leading Republican contender Donald Trump"
            if child.dep_ == "appos" and child in source:
                entity = self.entities.covering(child.idx, child.idx + len(child))
                if entity is not None:
                    return entity
        if lower in {"i", "we", "you", "it", "this", "he", "she", "they"}:
            return head.text, ""
        # A definite description: "the paper" -> the nearest organisation named before it.
        if head.pos_ == "NOUN" and any(t.lower_ == "the" for t in source if t.i < head.i):
            label = self.descriptor_label(head.lemma_.lower())
            if label:
                found = self.entities.before(start, {label}, floor=max(0, start - 1500))
                if found:
                    return found
        words = [t for t in source if not (t.dep_ == "det" and t.i == source[0].i)]
        start, end = _span(_trim(words) or source)
        return " ".join(self.text[start:end].split()), ""

    @property
    def descriptors(self) -> dict[str, str]:
        return _descriptors()

    def descriptor_label(self, lemma: str) -> str:
        return self.descriptors.get(lemma, "")

    def source_of(self, cue: Token) -> list[Token]:
        """The subject naming who speaks, following conjunctions and relative clauses up."""
        token = cue
        for _ in range(4):
            subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if subjects and not (token is cue and cue.dep_ == "nsubjpass"):
                subject = subjects[0]
                return self.after_comma_source(cue, subject)
            if token.dep_ == "conj" or (token.dep_ == "advcl" and token.tag_ == "VBG"):
                token = token.head
            elif token.dep_ in {"relcl", "acl"} and token.head.pos_ in {"NOUN", "PROPN", "PRON"}:
                return _noun_phrase(token.head)
            elif token.dep_ == "xcomp":
                token = token.head
            else:
                break
        if cue.pos_ == "NOUN":  # mis-tagged cue: "backers ... vow to support": the verb's subject
            verb = cue.nbor(1).head
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            if subjects:
                return _noun_phrase(subjects[0])
        return self.after_comma_source(cue, None)

    def after_comma_source(self, cue: Token, subject: Token | None) -> list[Token]:
        """ "..., the “Rocket Man” said": the words between the last comma and a post-posed cue
        name the speaker even where the parser picked a subject before the comma."""
        sent = cue.sent
        commas = [
            self.doc[i]
            for i in self.commas[
                bisect.bisect_left(self.commas, sent.start) : bisect.bisect_left(self.commas, cue.i)
            ]
            if not self.quote_at(self.idx[i])
        ]
        if commas:
            between = list(self.doc[commas[-1].i + 1 : cue.i])
            nouns = [t for t in between if t.pos_ in {"PROPN", "NOUN", "PRON"}]
            if (
                nouns
                and len(between) <= 8
                and not any(t.pos_ in {"VERB", "AUX"} for t in between)
                and (subject is None or subject.i < commas[-1].i)
            ):
                return [t for t in between if not t.is_punct or t.text in '“”"']
        return _noun_phrase(subject) if subject is not None else []

    # --- content -----------------------------------------------------------------------------
    def content_of(self, cue: Token, kind: str) -> list[Token]:
        clauses = [c for c in cue.children if c.dep_ in _CLAUSE_DEPS]
        if cue.pos_ == "NOUN":
            nxt = cue.nbor(1)
            return [t for t in nxt.head.subtree if t.i >= nxt.i] if nxt.head.i > cue.i else []
        if self.introduces_quote(cue):
            return []  # "he warned Trump: “...”" is a direct quotation: see direct()
        takes_object = self.cues[cue.lemma_.lower()].object_content
        objects = [c for c in cue.children if c.dep_ in _OBJECT_DEPS and c.i > cue.i]
        if takes_object and clauses and objects and objects[0].i < clauses[0].i:
            # "threatened serious repercussions ... should they enter into any arms deal"
            return [t for child in objects for t in child.subtree]
        if clauses:
            clause = clauses[0]
            tokens = list(clause.subtree)
            if clause.i < cue.i:  # post-posed cue: everything before the source
                first = cue.sent.start
                last = min(t.i for t in self.source_tokens) if self.source_tokens else cue.i
                tokens = [t for t in cue.sent if first <= t.i < last]
            return tokens
        if cue.dep_ == "parataxis":  # "This, they argue, is at odds with ..."
            return _subtree_tokens(cue.head, exclude=[cue])
        if not takes_object or not objects:
            return []
        if len(objects) == 1 and objects[0].pos_ == "PRON" and not list(objects[0].children):
            return []  # "confirmed it": nothing said
        tokens = []
        for child in objects:
            tokens.extend(child.subtree)
        # "referred to the ...": the preposition belongs to the cue.
        if tokens and objects[0].dep_ == "prep" and objects[0].i == cue.i + 1:
            self.cue_tokens.append(objects[0])
            tokens = [t for t in tokens if t.i != objects[0].i]
        return tokens

    def introduces_quote(self, cue: Token) -> bool:
        """The cue is followed, in its sentence, by a colon and a quote."""
        k = bisect.bisect_right(self.colons, cue.i)  # the first colon after the cue
        if k < len(self.colons) and self.colons[k] < cue.sent.end:
            idx = self.idx[self.colons[k]]
            rest = self.text[idx + 1 : idx + 4].lstrip()
            return bool(rest) and rest[0] in _OPENING + '"'
        return False

    # --- the passes --------------------------------------------------------------------------
    def reported(self) -> None:
        # Only a token whose lemma is a cue has a cue kind.
        for i in [i for i, lemma in enumerate(self.lemmas) if lemma in self.cues]:
            token = self.doc[i]
            kind = self.cue_kind(token)
            if kind is None or token.i in self.used_cues or self.quote_at(token.idx):
                continue
            self.cue_tokens = [token]
            self.source_tokens = self.source_of(token)
            content = self.content_of(token, kind)
            content = [
                t for t in content if t not in self.source_tokens and t not in self.cue_tokens
            ]
            content_spans = _pieces(content)
            if not content_spans or sum(e - s for s, e in content_spans) < 8:
                continue
            if not self.source_tokens:
                continue
            if token.lower_ == "according":
                continue
            self.add(kind, self.source_tokens, self.cue_tokens, content_spans, token.sent)

    def according_to(self) -> None:
        for i in self.according_at:
            token = self.doc[i]
            if token.i + 1 >= len(self.doc):
                continue
            to = token.nbor(1)
            if to.lower_ != "to":
                continue
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if not objects:
                continue
            source = _noun_phrase(objects[0])
            pp = {t.i for t in token.subtree} | {t.i for t in to.subtree} | {token.i, to.i}
            content = [t for t in token.sent if t.i not in pp]
            self.add("speech", source, [token, to], _pieces(content), token.sent)

    def direct(self) -> None:
        """Quotations whose cue stands next to them: "“...,” Sullivan warned", "the WSJ wrote:
        “...”", "“...” ― Jane Doe". Quotes that follow in the same paragraph with nothing but
        space between them ("“...,” she said. “...”") belong to the same attribution."""
        claimed: set[int] = set()
        for index, quote in enumerate(self.quotes):
            if index in claimed:
                continue
            found = self.cue_after(quote) or self.cue_before(quote)
            if found is None:
                dash = self.dash_source(quote)
                if dash is None:
                    continue
                source, cue = dash
                sent = self.doc.char_span(quote.start, quote.end, alignment_mode="expand").sent
                pieces = self.with_following(index, claimed)
                self.add_direct("speech", source, cue, pieces, sent)
                continue
            cue, anchor = found
            self.used_cues.add(cue.i)
            pieces = self.with_following(index, claimed, cue)
            source = self.source_of(cue)
            self.add_direct(self.cues[cue.lemma_.lower()].kind, source, [cue], pieces, cue.sent)

    def with_following(
        self, index: int, claimed: set[int], cue: Token | None = None
    ) -> list[tuple[int, int]]:
        """The quote's pieces and those of the quotes after it in its paragraph when only space,
        or the sentence with this quote's cue, stands between them ("“...,” said Caddell,
        speaking of Clinton’s health. “...”")."""
        pieces = list(self.quotes[index].pieces)
        end = self.quotes[index].end
        for later in range(index + 1, len(self.quotes)):
            start = self.quotes[later].start
            gap = self.text[end:start]
            space_only = not gap.strip()
            holds_cue = cue is not None and end <= cue.idx < start and len(gap) <= 200
            if "\n" in gap and not self.follow_up(later, gap):
                break
            if not (space_only or holds_cue) or self.other_cue(end, start, cue):
                break
            # A fragment quoted inside a sentence of its own is another, partial, quotation.
            later_end = self.quotes[later].end
            closes_sentence = self.text[later_end - 2 : later_end - 1] in ".?!,;—-" or (
                self.text[later_end : later_end + 1] in ("", "\n")
            )
            if not closes_sentence:
                break
            pieces.extend(self.quotes[later].pieces)
            claimed.add(later)
            end = self.quotes[later].end
        return pieces

    def follow_up(self, index: int, gap: str) -> bool:
        """A paragraph that is one quote with no cue of its own, right after a paragraph that
        ended with a quotation: the same speaker goes on (a news convention)."""
        quote = self.quotes[index]
        before, _, _ = gap.rpartition("\n")
        if "\n" in before.strip() or gap[len(before) + 1 :].strip():
            return False
        rest = self.text[quote.end : self.text.find("\n", quote.end) % (len(self.text) + 1)]
        if rest.strip():
            return False
        return self.cue_before(quote) is None and self.dash_source(quote) is None

    def other_cue(self, start: int, end: int, cue: Token | None) -> bool:
        """A speech cue other than ``cue`` between two character offsets ("..., adding later,")."""
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return span is not None and any(
            self.cue_kind(t) == "speech"
            and (cue is None or (t.i != cue.i and t.sent.start == cue.sent.start))
            for t in span
        )

    def starts_sentence(self, position: int) -> bool:
        before = self.text[:position].rstrip(" \t\u00a0")
        return not before or before.endswith(("\n", ".", "!", "?", ":", "”", '"'))

    def cue_after(self, quote: Quote) -> tuple[Token, int] | None:
        """ "“...,” Sullivan warned." / "“...” said Sullivan." The quote must open its sentence;
        a quoted fragment inside a sentence is a partial quotation (see :meth:`reported`)."""
        inner = self.text[quote.start : quote.end].rstrip('”"’»')
        if inner.endswith(".") or not self.starts_sentence(quote.start):
            return None
        after = self.doc.char_span(
            quote.end, min(len(self.text), quote.end + 100), alignment_mode="contract"
        )
        if after is None:
            return None
        for token in after[:14]:
            if token.is_space or token.text in ".?!;:" or token.text in _OPENING:
                break
            if self.cue_kind(token) == "speech" and token.i not in self.used_cues:
                return token, quote.end
        return None

    def cue_before(self, quote: Quote) -> tuple[Token, int] | None:
        """ "the WSJ wrote: “...”", "Clinton said, “...”", or a paragraph ending in a colon."""
        lead = self.text[max(0, quote.start - 300) : quote.start].rstrip()
        if not lead.endswith((":", ",")):
            return None
        colon_at = max(0, quote.start - 300) + len(lead) - 1
        colon = self.doc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
        if colon is None:
            return None
        sentence = colon[0].sent
        for token in reversed(sentence[: colon[0].i - sentence.start]):
            if self.quote_at(token.idx):
                break
            if self.cue_kind(token) == "speech" and token.i not in self.used_cues:
                return token, quote.start
        return None

    def dash_source(self, quote: Quote) -> tuple[list[Token], list[Token]] | None:
        """ "“...” ― Jane Doe": a name after a dash closing the quote's line."""
        match = _DASH_SOURCE.match(self.text, quote.end)
        if match is None:
            return None
        cue = self.doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        name = self.doc.char_span(match.start(2), match.end(2), alignment_mode="expand")
        if cue is None or name is None:
            return None
        return list(name), list(cue)

    def add_direct(self, cue_kind, source, cue, pieces, sent: Span) -> None:
        self.add(cue_kind, source, cue, pieces, sent, direct=True)

    def add(self, cue_kind, source, cue, content_spans, sent: Span, *, direct=False) -> None:
        """Record an attribution. Content found through a cue's complement is reported speech,
        ``partial`` when it contains quoted words, even if they are all of it ("called it
        “total political crap”"); only quotes standing as a sentence of their own are ``direct``."""
        if not content_spans:
            return
        content_spans = self.with_quotes(content_spans)
        speaker, label = self.speaker(source)
        quoted_only = all(
            self.text[s] in _OPENING + "\"'" and self.text[e - 1] in _CLOSING + "\"'"
            for s, e in content_spans
        )
        if quoted_only and not direct:
            # "he said, “We remain open ...”": a whole quote after the cue is a direct quotation;
            # "called it “crap”" or "said that “...”" quote a fragment.
            lead = self.text[: content_spans[0][0]].rstrip()
            direct = (
                not lead or lead.endswith((",", ":")) or self.starts_sentence(content_spans[0][0])
            )
        kind = "direct" if direct else "indirect"
        if not direct and any(
            s <= q.start < e or s < q.end <= e for q in self.quotes for s, e in content_spans
        ):
            kind = "partial"
        attribution = _Attribution(
            kind=kind,
            cue_kind=cue_kind,
            source=_pieces(source) if source else [],
            cue=_pieces(cue) if cue else [],
            content=content_spans,
            speaker=speaker,
            speaker_label=label,
            sent_start=sent.start_char,
        )
        self.nest(attribution, sent)
        self.found.append(attribution)

    def with_quotes(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Widen content to whole quotes it cuts into, and to a quote that follows it directly
        ("vow to support the regime “for as long as it takes”")."""
        widened = []
        for start, end in spans:
            for quote in self.quotes:
                if quote.start < end and start < quote.end:
                    start, end = min(start, quote.start), max(end, quote.end)
                elif 0 <= quote.start - end <= 2 and self.text[end : quote.start] in ("", " "):
                    end = quote.end
            widened.append((start, end))
        return widened

    def nest(self, attribution: _Attribution, sent: Span) -> None:
        """ "Quoting Jan Techau of ..., the WSJ wrote": the quoted person speaks via the paper."""
        first = sent[0]
        if first.lower_ not in _QUOTING_CUES:
            return
        comma = next((t for t in sent if t.text == ","), None)
        if comma is None:
            return
        original = [t for t in sent if first.i < t.i < comma.i]
        # "Jan Techau of the consulting firm Eurasia Group": the name before "of".
        name = original[
            : next((i for i, t in enumerate(original) if t.lower_ == "of"), len(original))
        ]
        if not name:
            return
        attribution.via = attribution.speaker
        attribution.speaker, attribution.speaker_label = self.speaker(name)
        attribution.source = _pieces(name)

    def run(self) -> list[_Attribution]:
        self.direct()
        self.reported()
        self.according_to()
        return self.deduplicated()

    def deduplicated(self) -> list[_Attribution]:
        """One attribution per content: when two claim overlapping content, keep a direct
        quotation over reported speech, then the one whose content starts first and is longer."""
        kept: list[tuple[_Attribution, int, int, int]] = []  # with its length and bounds
        order = sorted(
            self.found,
            key=lambda a: (a.kind != "direct", a.content[0][0], -_length(a.content)),
        )
        for a in order:
            shorter = _length(a.content)
            first, last = min(s for s, _ in a.content), max(e for _, e in a.content)
            # Content whose bounds do not meet has no overlap to count.
            if not any(
                (_overlap(k.content, a.content) if k_first < last and first < k_last else 0)
                > 0.5 * min(k_length, shorter)
                for k, k_length, k_first, k_last in kept
            ):
                kept.append((a, shorter, first, last))
        return [a for a, *_ in kept]

    def quoted_terms(self, attributions: list[_Attribution]) -> list[tuple[int, int]]:
        spans = [(s, e) for a in attributions for s, e in a.content + a.source]
        return [
            (q.start, q.end)
            for q in self.quotes
            if not any(s <= q.start and q.end <= e + 1 for s, e in spans)
        ]


@functools.lru_cache(maxsize=1)
def _descriptors() -> dict[str, str]:
    """The describing nouns of the packaged knowledge, read once per process (as the cues are by
    :func:`load_cues`): reading the knowledge files for each document cost more than the rest of
    its attribution."""
    return Knowledge.load().descriptors


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _texts(text: str, spans: list[tuple[int, int]]) -> str:
    return " … ".join(text[s:e] for s, e in spans)


def extract(
    doc: Doc,
    doc_id: str,
    mentions: pd.DataFrame | Sequence[tuple],
    *,
    cues: dict[str, CueVerb] | None = None,
) -> tuple[list[AttributionRow], list[QuotedTermRow]]:
    """Attribution rows and quoted-term rows of one parsed document.

    Args:
        doc: the parsed document.
        doc_id: its id.
        mentions: its resolved entity mentions (:func:`analysis.entities.resolve_document`), a
            table or its rows.
        cues: cue lemmas; default :func:`load_cues`.
    """
    extractor = _Extractor(doc, _Entities(mentions), cues or load_cues())
    attributions = extractor.run()
    sent_starts = [s.start_char for s in doc.sents]
    text = extractor.text
    rows = []
    for a in sorted(attributions, key=lambda a: a.content[0][0]):
        anchor = (a.cue or a.content)[0][0]
        rows.append(
            AttributionRow(
                doc_id,
                bisect.bisect_right(sent_starts, anchor) - 1,
                a.kind,
                a.speaker,
                a.speaker_label,
                a.via,
                a.cue_kind,
                _texts(text, a.source),
                _texts(text, a.cue),
                _texts(text, a.content),
                [list(s) for s in a.source],
                [list(s) for s in a.cue],
                [list(s) for s in a.content],
            )
        )
    terms = [
        QuotedTermRow(doc_id, bisect.bisect_right(sent_starts, s) - 1, s, e, text[s:e])
        for s, e in extractor.quoted_terms(attributions)
    ]
    return rows, terms
