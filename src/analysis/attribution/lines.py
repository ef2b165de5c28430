"""Speaker lines: a paragraph that opens with a name and a colon, as in a transcript
("WALLACE: If I may, sir, ...") or a headline ("Pat Caddell: Democrat Voters Worried About
..."). The name is the source, the colon the cue and the rest of the paragraph the content."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.attribution.context import AttributionContext, FoundAttribution
from analysis.attribution.cues import load_source_nouns
from analysis.attribution.record import add

# An optional opening quote, a name of one to four capitalised words, a colon, the rest.
_LINE = re.compile(
    r"^[ \t\u00a0]*[\"“”]?[ \t\u00a0]*"
    r"(?P<name>[A-Z][\w.'’-]*(?:[ \t\u00a0][A-Z][\w.'’-]*){0,3})"
    r"(?P<colon>:)[ \t\u00a0]+(?P<content>\S[^\n]*)$",
    re.MULTILINE,
)
# Labels that open a line with a colon but name no speaker.
_NOT_SPEAKERS = {
    "update", "updated", "watch", "note", "editor's note", "editor’s note", "photo", "photos",
    "video", "related", "breaking", "correction", "source", "sources", "read more", "see also",
    "image", "credit", "q", "a", "listen", "tags", "topics", "contact", "follow",
}  # fmt: skip
_LABELS = {"PERSON", "ORG", "NORP", "GPE"}


def speaker_lines(
    ctx: AttributionContext, earlier: Sequence[FoundAttribution]
) -> list[FoundAttribution]:
    """``earlier`` (the attributions found so far) followed by the speaker lines: a name in
    capitals anywhere (a transcript), or a named person or organisation, or a source noun
    ("Poll"), on the first line (a headline)."""
    found = list(earlier)
    first_line_end = ctx.text.find("\n")
    for match in _LINE.finditer(ctx.text):
        name = match.group("name")
        if name.lower() in _NOT_SPEAKERS:
            continue
        transcript = name.isupper() and len(name) > 1
        named = ctx.entities.covering(match.start("name"), match.end("name")) is not None
        headline = match.start() <= max(first_line_end, 0) and (
            named or name.lower() in load_source_nouns()  # "Poll: Wealthy Voters Abandon ..."
        )
        if not (transcript or headline):
            continue
        source = ctx.doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
        colon = ctx.doc.char_span(match.start("colon"), match.end("colon"), alignment_mode="expand")
        content_end = match.end("content")
        while content_end > match.start("content") and ctx.text[content_end - 1] in " \t\u00a0":
            content_end -= 1
        if source is None or colon is None:
            continue
        attribution = add(
            ctx,
            found,
            "speech",
            "speaker line",
            list(source),
            list(colon),
            [(match.start("content"), content_end)],
            source.sent,
            widen=False,
        )
        if attribution is not None:
            found.append(attribution)
    return found
