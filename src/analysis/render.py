"""HTML views of attributions: an article with its quotes, cues, sources and speakers highlighted.

The functions return plain HTML strings (wrap them in ``IPython.display.HTML`` in a notebook). All
article text and every label is escaped, and the markup stays well-formed however the spans nest
or overlap, so any document can be rendered.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from analysis.corpus import Document

#: Background of the content of each kind of attribution (light tints of the hues in
#: :data:`analysis.plots.KIND_COLOURS`, so the article and the speaker chart read alike).
HIGHLIGHT_COLOURS = {"direct": "#fde68a", "partial": "#c7d2fe", "indirect": "#a7f3d0"}
KINDS = ("direct", "partial", "indirect")

# Every selector is scoped to the article and legend classes: a <style> block in a notebook output
# applies to the whole page.
_CSS = """
.article, .attribution-legend {font-family: Georgia, 'Times New Roman', serif; line-height: 1.7;
  max-width: 50em; color: #1f2937;}
.article p {margin: 0 0 0.8em 0;}
.article .attr-content {border-radius: 3px; padding: 0 1px;}
.attribution-legend .attr-content {border-radius: 3px; padding: 0 3px;}
.attr-source {font-style: italic; border-bottom: 2px dotted #475569;}
.attr-cue {font-weight: bold; text-decoration: underline;}
.attr-term {color: #4b5563; background: #f3f4f6; border-bottom: 1px dashed #9ca3af;}
.attr-speaker {font-family: sans-serif; font-size: 0.7em; font-style: normal; font-weight: normal;
  color: #1f2937; background: #e5e7eb; border-radius: 3px; padding: 0 3px; margin-right: 2px;}
.attribution-legend {font-size: 0.9em; margin-bottom: 0.8em;}
.attribution-legend span {margin-right: 1em;}
"""
_STYLE = (
    "<style>"
    + _CSS
    + "".join(
        f".attr-{kind} {{background: {colour};}}\n" for kind, colour in HIGHLIGHT_COLOURS.items()
    )
    + "</style>"
)

# The same looks as inline styles, on every highlighted element: JupyterLab drops the <style>
# block of an untrusted notebook's output (one opened, not run), but keeps these.
_INLINE = {
    "content": "border-radius: 3px; padding: 0 1px;",
    "source": "font-style: italic; border-bottom: 2px dotted #475569;",
    "cue": "font-weight: bold; text-decoration: underline;",
    "term": "color: #4b5563; background-color: #f3f4f6; border-bottom: 1px dashed #9ca3af;",
    "speaker": "font-family: sans-serif; font-size: 0.7em; font-style: normal; "
    "font-weight: normal; color: #1f2937; background-color: #e5e7eb; border-radius: 3px; "
    "padding: 0 3px; margin-right: 2px;",
    "legend": "margin-right: 1em;",
}


def _content_style(kind: str) -> str:
    colour = HIGHLIGHT_COLOURS.get(kind)
    return _INLINE["content"] + (f" background-color: {colour};" if colour else "")


# Nesting preference when spans start and end together: content outside, then source, cue, term.
_RANK = {"content": 0, "source": 1, "cue": 2, "term": 3}


class _Span(NamedTuple):
    """A highlighted stretch of text: character offsets, markup, and its nesting order."""

    start: int
    end: int
    rank: int
    order: int
    open_tag: str
    label: str = ""  # markup placed just before the span's first opening (the speaker label)

    def nesting_key(self) -> tuple[int, int, int, int]:
        """Outer spans first: earlier start, then later end, then rank, then input order."""
        return (self.start, -self.end, self.rank, self.order)


def legend_html(*, style: bool = True) -> str:
    """A one-line legend of the highlight styles used by :func:`highlight_attributions`.

    Args:
        style: include the ``<style>`` block (leave it out when the legend sits next to a
            highlighted article, which has its own).
    """
    names = {"direct": "direct quote", "partial": "partial quote", "indirect": "reported speech"}
    items = [
        f'<span class="attr-content attr-{kind}" style="{_content_style(kind)}">{name}</span>'
        for kind, name in names.items()
    ]
    items += [
        f'<span class="attr-source" style="{_INLINE["source"]}">source</span>',
        f'<span class="attr-cue" style="{_INLINE["cue"]}">cue</span>',
        f'<span><sup class="attr-speaker" style="{_INLINE["speaker"]}">speaker</sup></span>',
        f'<span class="attr-term" style="{_INLINE["term"]}">quoted term</span>',
    ]
    gap = f'<span style="{_INLINE["legend"]}"></span>'
    legend = f'<div class="attribution-legend">{gap.join(items)}</div>'
    return f"{_STYLE}\n{legend}" if style else legend


def highlight_attributions(
    text: str,
    attributions: pd.DataFrame,
    *,
    quoted_terms: pd.DataFrame | None = None,
    legend: bool = True,
) -> str:
    """The article as an HTML fragment with its attributions highlighted.

    Content is shaded by kind (direct, partial, indirect), cues are bold and underlined, sources
    italic with a dotted underline, quoted terms (scare quotes, nicknames) grey. A small label with
    the speaker precedes each attribution's content, and hovering over the content shows
    "speaker — kind — via medium". Every newline starts a paragraph. The output depends only on the
    arguments (attributions are numbered by their index in the table).

    Args:
        text: the document's text; offsets in the tables refer to it.
        attributions: one document's rows of the attributions table (``Tables.attributions``)
            (columns ``kind``, ``speaker``, ``via``, ``cue_kind``, ``source``, ``cue``,
            ``content``); span columns may be lists of ``[start, end]`` or their JSON strings.
        quoted_terms: the same document's quoted terms (``start_char``, ``end_char``), if any.
        legend: put a legend of the styles above the article.

    Returns:
        ``<style>…</style>``, the legend (``<div class="attribution-legend">``) if asked for,
        then ``<div class="article">`` with one ``<p>`` per paragraph.
    """
    spans = _attribution_spans(attributions, len(text))
    if quoted_terms is not None:
        spans += _term_spans(quoted_terms, len(text), first_order=len(spans))
    paragraphs = [
        _paragraph_html(text, match.start(), match.end(), spans)
        for match in re.finditer(r"[^\n]+", text)
        if match.group().strip()
    ]
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    parts = [_STYLE]
    if legend:
        parts.append(legend_html(style=False))
    parts.append(f'<div class="article">\n{body}\n</div>')
    return "\n".join(parts)


def render_document(
    document: Document,
    attributions: pd.DataFrame,
    quoted_terms: pd.DataFrame | None = None,
    *,
    legend: bool = True,
) -> str:
    """:func:`highlight_attributions` for one document of a corpus, from the corpus-wide tables.

    Args:
        document: the document to render.
        attributions: the attributions of the corpus (filtered here on ``doc_id``).
        quoted_terms: the quoted terms of the corpus (filtered likewise), if any.
        legend: put a legend of the styles above the article.
    """
    own = attributions[attributions["doc_id"] == document.id]
    terms = None
    if quoted_terms is not None:
        terms = quoted_terms[quoted_terms["doc_id"] == document.id]
    return highlight_attributions(document.text, own, quoted_terms=terms, legend=legend)


def _attribution_spans(attributions: pd.DataFrame, length: int) -> list[_Span]:
    spans: list[_Span] = []
    for index, row in zip(attributions.index, attributions.to_dict("records"), strict=True):
        kind = str(row.get("kind") or "")
        speaker = _text(row.get("speaker")) or "(unresolved)"
        via = _text(row.get("via"))
        tooltip = " — ".join([speaker, kind] + ([f"via {via}"] if via else []))
        row_id = html.escape(str(index), quote=True)
        kind_class = f" attr-{kind}" if kind in KINDS else ""
        content = _offsets(row.get("content"), length)
        for piece, (start, end) in enumerate(content):
            label = ""
            if piece == 0:
                label = (
                    f'<sup class="attr-speaker" data-row="{row_id}" style="{_INLINE["speaker"]}">'
                    f"{html.escape(speaker, quote=False)}</sup>"
                )
            open_tag = (
                f'<span class="attr-content{kind_class}" data-row="{row_id}" '
                f'title="{html.escape(tooltip, quote=True)}" style="{_content_style(kind)}">'
            )
            spans.append(_Span(start, end, _RANK["content"], len(spans), open_tag, label))
        source_title = html.escape(f"source — {speaker}", quote=True)
        for start, end in _offsets(row.get("source"), length):
            open_tag = (
                f'<span class="attr-source" data-row="{row_id}" title="{source_title}" '
                f'style="{_INLINE["source"]}">'
            )
            spans.append(_Span(start, end, _RANK["source"], len(spans), open_tag))
        cue_kind = _text(row.get("cue_kind"))
        cue_title = html.escape("cue" + (f" — {cue_kind}" if cue_kind else ""), quote=True)
        for start, end in _offsets(row.get("cue"), length):
            open_tag = (
                f'<span class="attr-cue" data-row="{row_id}" title="{cue_title}" '
                f'style="{_INLINE["cue"]}">'
            )
            spans.append(_Span(start, end, _RANK["cue"], len(spans), open_tag))
    return spans


def _term_spans(quoted_terms: pd.DataFrame, length: int, *, first_order: int) -> list[_Span]:
    open_tag = f'<span class="attr-term" title="quoted term: no speaker" style="{_INLINE["term"]}">'
    spans = []
    for order, (start, end) in enumerate(
        zip(quoted_terms["start_char"], quoted_terms["end_char"], strict=True), start=first_order
    ):
        for clipped in _offsets([[start, end]], length):
            spans.append(_Span(*clipped, _RANK["term"], order, open_tag))
    return spans


def _paragraph_html(text: str, start: int, end: int, spans: list[_Span]) -> str:
    """One paragraph's markup, built from the span boundaries inside it.

    Between two boundaries the set of spans covering the text is known. The open spans form a
    stack; before each stretch the stack is closed down to the part still wanted and the missing
    spans are opened, outer ones first. A span that crosses another is thus closed and reopened,
    so the markup is well-formed whatever the overlaps.
    """
    inside = [span for span in spans if span.start < end and span.end > start]
    cuts = {start, end}
    for span in inside:
        cuts.update(position for position in (span.start, span.end) if start < position < end)
    boundaries = sorted(cuts)
    out: list[str] = []
    stack: list[_Span] = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        wanted = {span for span in inside if span.start <= left and span.end >= right}
        keep = 0
        while keep < len(stack) and stack[keep] in wanted:
            keep += 1
        out.append("</span>" * (len(stack) - keep))
        del stack[keep:]
        for span in sorted(wanted.difference(stack), key=_Span.nesting_key):
            if span.start == left:
                out.append(span.label)
            out.append(span.open_tag)
            stack.append(span)
        out.append(html.escape(text[left:right], quote=False))
    out.append("</span>" * len(stack))
    return "".join(out)


def _offsets(value: object, length: int) -> list[tuple[int, int]]:
    """``[[start, end], ...]`` (or its JSON string) as clipped, non-empty integer pairs."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    pairs: list[tuple[int, int]] = []
    for pair in value if isinstance(value, Iterable) else []:
        start, end = (max(0, min(int(bound), length)) for bound in pair)
        if start < end:
            pairs.append((start, end))
    return pairs


def _text(value: object) -> str:
    """A table cell as text: missing values (None, NaN) are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
