"""Direct quotations: quotes whose cue stands next to them ("“...,” Sullivan warned", "the WSJ
wrote: “...”", "“...” ― Jane Doe"), with the quotes that carry on from them (further sentences,
the next paragraph)."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from spacy.tokens import Token

from analysis.attribution.context import AttributionContext, FoundAttribution
from analysis.attribution.quotes import OPENING_QUOTES, Quote
from analysis.attribution.record import add
from analysis.attribution.speakers import source_of

_DASH_SOURCE = re.compile(r"[ \t\u00a0]*([―—])[ \t\u00a0]*([^\n―—]{2,60}?)[ \t\u00a0.]*(?:\n|$)")


def direct(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution]
) -> tuple[list[FoundAttribution], frozenset[int]]:
    """Quotations whose cue stands next to them: "“...,” Sullivan warned", "the WSJ wrote:
    “...”", "“...” ― Jane Doe". Quotes that follow in the same paragraph with nothing but
    space between them ("“...,” she said. “...”") belong to the same attribution.

    Returns:
        ``earlier`` (the attributions found so far) followed by the direct quotations, and the
        token indices of the cues they used.
    """
    found = list(earlier)
    used_cues: set[int] = set()
    claimed: set[int] = set()
    for index, quote in enumerate(ctx.quotes):
        if index in claimed:
            continue
        cue_found = cue_after(ctx, quote, used_cues) or cue_before(ctx, quote, used_cues)
        if cue_found is None:
            dash = dash_source(ctx, quote)
            if dash is None:
                continue
            source, dash_cue = dash
            span = ctx.doc.char_span(quote.start, quote.end, alignment_mode="expand")
            assert span is not None  # expanded to the tokens of a quote found in the text
            pieces, later = with_following(ctx, index, used_cues)
            claimed.update(later)
            attribution = add(
                ctx,
                found,
                "speech",
                "quote, dash and name",
                source,
                dash_cue,
                pieces,
                span.sent,
                direct=True,
            )
        else:
            cue, anchor = cue_found
            used_cues.add(cue.i)
            pieces, later = with_following(ctx, index, used_cues, cue)
            claimed.update(later)
            source = source_of(ctx, cue)
            kind = ctx.cues[ctx.lemmas[cue.i]].kind
            construction = "quote, cue after" if anchor == quote.end else "quote, cue before"
            attribution = add(
                ctx, found, kind, construction, source, [cue], pieces, cue.sent, direct=True
            )
        if attribution is not None:
            found.append(attribution)
    return found, frozenset(used_cues)


def with_following(
    ctx: AttributionContext, index: int, used_cues: Set[int], cue: Token | None = None
) -> tuple[list[tuple[int, int]], list[int]]:
    """The quote's pieces and those of the quotes after it in its paragraph when only space,
    or the sentence with this quote's cue, stands between them ("“...,” said Caddell,
    speaking of Clinton’s health. “...”"); and the indices of those later quotes.
    ``used_cues`` are the cues of direct quotations so far (see :func:`follow_up`)."""
    pieces = list(ctx.quotes[index].pieces)
    claimed = []
    end = ctx.quotes[index].end
    for later in range(index + 1, len(ctx.quotes)):
        start = ctx.quotes[later].start
        gap = ctx.text[end:start]
        space_only = not gap.strip()
        holds_cue = cue is not None and end <= cue.idx < start and len(gap) <= 200
        if "\n" in gap and not follow_up(ctx, later, gap, used_cues):
            break
        if not (space_only or holds_cue) or other_cue(ctx, end, start, cue):
            break
        # A fragment quoted inside a sentence of its own is another, partial, quotation.
        later_end = ctx.quotes[later].end
        closes_sentence = ctx.text[later_end - 2 : later_end - 1] in ".?!,;—-" or (
            ctx.text[later_end : later_end + 1] in ("", "\n")
        )
        if not closes_sentence:
            break
        # "“...,” Moore said. “...,” added Clyburn.": a quote with a cue of its own after it is
        # someone's next quotation.
        if cue_after(ctx, ctx.quotes[later], used_cues) is not None:
            break
        pieces.extend(ctx.quotes[later].pieces)
        claimed.append(later)
        end = ctx.quotes[later].end
    return pieces, claimed


def follow_up(ctx: AttributionContext, index: int, gap: str, used_cues: Set[int]) -> bool:
    """A paragraph that is one quote with no cue of its own, right after a paragraph that
    ended with a quotation: the same speaker goes on (a news convention)."""
    quote = ctx.quotes[index]
    before, _, _ = gap.rpartition("\n")
    if "\n" in before.strip() or gap[len(before) + 1 :].strip():
        return False
    rest = ctx.text[quote.end : ctx.text.find("\n", quote.end) % (len(ctx.text) + 1)]
    if rest.strip():
        return False
    return cue_before(ctx, quote, used_cues) is None and dash_source(ctx, quote) is None


def other_cue(ctx: AttributionContext, start: int, end: int, cue: Token | None) -> bool:
    """A speech cue other than ``cue`` between two character offsets ("..., adding later,")."""
    span = ctx.doc.char_span(start, end, alignment_mode="contract")
    return span is not None and any(
        ctx.cue_kind(t) == "speech"
        and t.dep_ not in {"relcl", "acl", "xcomp", "pcomp", "amod"}  # "who has been challenging"
        # "speaking of Clinton's health" says what the quote is about, not that another follows;
        # "adding later, “...”" introduces the next quote (its complement is in that quote)
        and not any(c.dep_ in {"prep", "dobj", "ccomp"} and c.idx < end for c in t.children)
        and (cue is None or (t.i != cue.i and t.sent.start == cue.sent.start))
        for t in span
    )


def cue_after(
    ctx: AttributionContext, quote: Quote, used_cues: Set[int]
) -> tuple[Token, int] | None:
    """ "“...,” Sullivan warned." / "“...” said Sullivan." The quote must open its sentence;
    a quoted fragment inside a sentence is a partial quotation (see
    :func:`analysis.attribution.reported.reported`). A cue in ``used_cues`` is taken."""
    inner = ctx.text[quote.start : quote.end].rstrip('”"’»')
    if inner.endswith(".") or not ctx.starts_sentence(quote.start):
        return None
    after = ctx.doc.char_span(
        quote.end, min(len(ctx.text), quote.end + 100), alignment_mode="contract"
    )
    if after is None:
        return None
    for token in after[:14]:
        line_break = token.is_space and "\n" in token.text  # "he\xa0told" is one line
        if line_break or token.text in ".?!;:" or token.text in OPENING_QUOTES:
            break
        if ctx.cue_kind(token) == "speech" and token.i not in used_cues:
            return token, quote.end
    return None


def cue_before(
    ctx: AttributionContext, quote: Quote, used_cues: Set[int]
) -> tuple[Token, int] | None:
    """ "the WSJ wrote: “...”", "Clinton said, “...”", or a paragraph ending in a colon. A cue
    in ``used_cues`` is taken."""
    lead = ctx.text[max(0, quote.start - 300) : quote.start].rstrip()
    if not lead.endswith((":", ",")):
        return None
    colon_at = max(0, quote.start - 300) + len(lead) - 1
    colon = ctx.doc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
    if colon is None:
        return None
    sentence = colon[0].sent
    for token in reversed(sentence[: colon[0].i - sentence.start]):
        if ctx.quote_at(token.idx):
            break
        if ctx.cue_kind(token) == "speech" and token.i not in used_cues:
            return token, quote.start
    return None


def dash_source(ctx: AttributionContext, quote: Quote) -> tuple[list[Token], list[Token]] | None:
    """ "“...” ― Jane Doe": a name after a dash closing the quote's line."""
    match = _DASH_SOURCE.match(ctx.text, quote.end)
    if match is None:
        return None
    cue = ctx.doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
    name = ctx.doc.char_span(match.start(2), match.end(2), alignment_mode="expand")
    if cue is None or name is None:
        return None
    return list(name), list(cue)
