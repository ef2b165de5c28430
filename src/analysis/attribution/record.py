"""Recording an attribution a pass found: its kind (direct, partial or indirect), its content
widened to the quotes it cuts into, its speaker resolved, and the quoted person of "Quoting X,
the paper wrote ..."."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from spacy.tokens import Span, Token

from analysis.attribution.context import AttributionContext, FoundAttribution, token_pieces
from analysis.attribution.quotes import CLOSING_QUOTES, OPENING_QUOTES
from analysis.attribution.speakers import speaker

_QUOTING_CUES = {"quoting", "citing"}


def add(
    ctx: AttributionContext,
    earlier: Sequence[FoundAttribution],
    cue_kind: str,
    construction: str,
    source: list[Token],
    cue: list[Token],
    content_spans: list[tuple[int, int]],
    sent: Span,
    *,
    direct: bool = False,
    widen: bool = True,
) -> FoundAttribution | None:
    """The attribution to record, or None when it has no content; ``construction`` names the
    rule that found it (:data:`analysis.schema.CONSTRUCTIONS`); ``earlier`` are the
    attributions found before it (see :func:`analysis.attribution.speakers.speaker`). Content
    found through a cue's complement is reported speech, ``partial`` when it contains quoted
    words, even if they are all of it ("called it “total political crap”"); only quotes standing
    as a sentence of their own are ``direct``. ``widen``: widen the content to the quotes it cuts
    into (:func:`with_quotes`)."""
    if not content_spans:
        return None
    if widen:  # not a transcript's line, which its quote marks may wrap with others
        content_spans = with_quotes(ctx, content_spans)
    speaker_name, label = speaker(ctx, source, earlier)
    quoted_only = all(
        ctx.text[s] in OPENING_QUOTES + "\"'" and ctx.text[e - 1] in CLOSING_QUOTES + "\"'"
        for s, e in content_spans
    )
    if quoted_only and not direct:
        # "he said, “We remain open ...”": a whole quote after the cue is a direct quotation;
        # "called it “crap”" or "said that “...”" quote a fragment.
        lead = ctx.text[: content_spans[0][0]].rstrip()
        direct = not lead or lead.endswith((",", ":")) or ctx.starts_sentence(content_spans[0][0])
    kind = "direct" if direct else "indirect"
    if not direct and any(
        s <= q.start < e or s < q.end <= e for q in ctx.quotes for s, e in content_spans
    ):
        kind = "partial"
    attribution = FoundAttribution(
        kind=kind,
        cue_kind=cue_kind,
        construction=construction,
        source=token_pieces(source) if source else [],
        cue=token_pieces(cue) if cue else [],
        content=content_spans,
        speaker=speaker_name,
        speaker_label=label,
        sent_start=sent.start_char,
    )
    return nest(ctx, earlier, attribution, sent)


def with_quotes(ctx: AttributionContext, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Widen content to whole quotes it cuts into, and to a quote that follows it directly
    ("vow to support the regime “for as long as it takes”")."""
    widened: list[tuple[int, int]] = []
    for start, end in spans:
        # A quote that runs on into the next paragraph widens each paragraph's piece to that
        # paragraph's part of the quote, never across the break.
        for piece_start, piece_end in (piece for quote in ctx.quotes for piece in quote.pieces):
            if piece_start < end and start < piece_end:
                start, end = min(start, piece_start), max(end, piece_end)
            elif 0 <= piece_start - end <= 2 and ctx.text[end:piece_start] in ("", " "):
                end = piece_end
        if (start, end) not in widened:
            widened.append((start, end))
    return widened


def nest(
    ctx: AttributionContext,
    earlier: Sequence[FoundAttribution],
    attribution: FoundAttribution,
    sent: Span,
) -> FoundAttribution:
    """ "Quoting Jan Techau of ..., the WSJ wrote": the quoted person speaks via the paper.
    Returns the attribution with the quoted person as its speaker, or unchanged."""
    first = sent[0]
    if first.lower_ not in _QUOTING_CUES:
        return attribution
    comma = next((t for t in sent if t.text == ","), None)
    if comma is None:
        return attribution
    original = [t for t in sent if first.i < t.i < comma.i]
    # "Jan Techau of the consulting firm Eurasia Group": the name before "of".
    name = original[: next((i for i, t in enumerate(original) if t.lower_ == "of"), len(original))]
    if not name:
        return attribution
    speaker_name, label = speaker(ctx, name, earlier)
    return dataclasses.replace(
        attribution,
        via=attribution.speaker,
        speaker=speaker_name,
        speaker_label=label,
        source=token_pieces(name),
    )
