"""The extraction entry point: the passes over one parsed document (direct quotations, then
reported speech, then "according to"), one attribution per content, and the quoted words left
over as quoted terms, as table rows (:mod:`analysis.schema`)."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence

import pandas as pd
from spacy.tokens import Doc

from analysis.attribution.context import AttributionContext, FoundAttribution, MentionIndex
from analysis.attribution.cues import CueVerb, load_cue_nouns, load_cues, load_source_nouns
from analysis.attribution.direct import direct
from analysis.attribution.lines import speaker_lines
from analysis.attribution.nominal import nominal
from analysis.attribution.reported import according_to, reported, source_phrases
from analysis.schema import AttributionRow, QuotedTermRow


def run(ctx: AttributionContext) -> list[FoundAttribution]:
    """The attributions of the document: each pass reads those found before it."""
    found = speaker_lines(ctx, [])
    found, used_cues = direct(ctx, found)
    found = reported(ctx, found, used_cues)
    found = nominal(ctx, found, load_cue_nouns())
    found = according_to(ctx, found)
    found = source_phrases(ctx, found, load_source_nouns())
    return continued(ctx, deduplicated(found))


# The constructions whose cue comes after their content, so that a quote after the cue's
# sentence may carry on what was said ("“...,” he added on Twitter. “...”").
_POSTPOSED = {"quote, cue after", "clause, cue after"}


def continued(ctx: AttributionContext, found: list[FoundAttribution]) -> list[FoundAttribution]:
    """Attributions whose cue follows their content, extended by the quotes that follow the cue's
    sentence in the same paragraph, have no cue of their own and are no one else's content."""
    claimed = {s for a in found for s, _ in a.content}
    result = []
    for a in found:
        if a.construction in _POSTPOSED and a.cue:
            a = _with_quotes_after(ctx, a, claimed)
        result.append(a)
    return result


def _with_quotes_after(
    ctx: AttributionContext, a: FoundAttribution, claimed: set[int]
) -> FoundAttribution:
    cue_end = a.cue[-1][1]
    span = ctx.doc.char_span(a.cue[0][0], cue_end, alignment_mode="expand")
    if span is None:
        return a
    position = span.sent.end_char
    pieces = list(a.content)
    while True:
        gap = ctx.text[position : position + 3]
        start = position + len(gap) - len(gap.lstrip(" \t\u00a0"))
        quote = ctx.quote_at(start)
        if quote is None or quote.start != start or start in claimed or "\n" in gap:
            break
        words = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if words is None or any(
            ctx.cue_kind(t) is not None and not ctx.quote_at(t.idx) for t in words[-1].sent
        ):
            break  # the quote's sentence has a cue of its own
        pieces.extend(quote.pieces)
        position = quote.end
    if len(pieces) == len(a.content):
        return a
    return dataclasses.replace(a, content=pieces)


def deduplicated(found: Sequence[FoundAttribution]) -> list[FoundAttribution]:
    """One attribution per content: when two claim overlapping content, keep a speaker line
    (which a transcript's quote marks may wrap), then a direct quotation over reported speech,
    then the one whose content starts first and is longer."""
    kept: list[tuple[FoundAttribution, int, int, int]] = []  # with its length and bounds
    order = sorted(
        found,
        key=lambda a: (
            a.construction != "speaker line",
            a.kind != "direct",
            a.content[0][0],
            -_length(a.content),
        ),
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


def quoted_terms(
    ctx: AttributionContext, attributions: Sequence[FoundAttribution]
) -> list[tuple[int, int]]:
    """The quotes that are neither content nor source of an attribution."""
    spans = [(s, e) for a in attributions for s, e in a.content + a.source]
    return [
        (q.start, q.end)
        for q in ctx.quotes
        if not any(s <= q.start and q.end <= e + 1 for s, e in spans)
    ]


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
        cues: cue lemmas; default :func:`analysis.attribution.cues.load_cues`.
    """
    ctx = AttributionContext.of(doc, MentionIndex(mentions), cues or load_cues())
    attributions = run(ctx)
    sent_starts = [s.start_char for s in doc.sents]
    text = ctx.text
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
                a.construction,
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
        for s, e in quoted_terms(ctx, attributions)
    ]
    return rows, terms
