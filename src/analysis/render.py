"""HTML views of attributions: an article with its quotes, cues, sources and speakers highlighted.

The functions return plain HTML strings (wrap them in ``IPython.display.HTML`` in a notebook). The
markup comes from the Jinja2 template ``templates/article.html.j2``, rendered with autoescape, so
all article text and every label is escaped; which spans open and close where is worked out here,
so the markup stays well-formed however the spans nest or overlap, and any document can be
rendered.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

import pandas as pd

from analysis.corpus import Document
from analysis.schema import UNRESOLVED_SPEAKER
from analysis.templating import environment

#: Background of the content of each kind of attribution (light tints of the hues in
#: :data:`analysis.plots.KIND_COLOURS`, so the article and the speaker chart read alike).
HIGHLIGHT_COLOURS = {"direct": "#fde68a", "partial": "#c7d2fe", "indirect": "#a7f3d0"}
KINDS = ("direct", "partial", "indirect")
# The template, in analysis/templates/; it also holds the <style> block.
ARTICLE_TEMPLATE = "article.html.j2"

# The looks of the template's <style> block as inline styles, on every highlighted element:
# JupyterLab drops the <style> block of an untrusted notebook's output (one opened, not run), but
# keeps these.
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


class _Tag(NamedTuple):
    """The attributes of a highlighted element, for the template: its classes and inline style,
    and the attribution's row and a tooltip (None leaves either out)."""

    css_class: str
    style: str
    row: str | None = None
    title: str | None = None


def _content_tag(kind: str) -> _Tag:
    colour = HIGHLIGHT_COLOURS.get(kind)
    return _Tag(
        "attr-content" + (f" attr-{kind}" if kind in KINDS else ""),
        _INLINE["content"] + (f" background-color: {colour};" if colour else ""),
    )


# Each look without row or tooltip: the legend shows them as they are, the article adds both.
_TAGS = {
    **{kind: _content_tag(kind) for kind in KINDS},
    **{look: _Tag(f"attr-{look}", _INLINE[look]) for look in ("source", "cue", "speaker", "term")},
}


class _Piece(NamedTuple):
    """One step of a paragraph's markup, in order: open a highlight (``tag``), a speaker label
    (``tag`` and ``text``), a stretch of article text (``text``), or close the innermost open
    highlight."""

    kind: Literal["open", "label", "text", "close"]
    tag: _Tag | None = None
    text: str = ""


_CLOSE = _Piece("close")

# Nesting preference when spans start and end together: content outside, then source, cue, term.
_RANK = {"content": 0, "source": 1, "cue": 2, "term": 3}


class _Span(NamedTuple):
    """A highlighted stretch of text: character offsets, nesting order and its element."""

    start: int
    end: int
    rank: int
    order: int
    tag: _Tag
    label: _Piece | None = None  # placed just before the span's first opening (the speaker label)

    def nesting_key(self) -> tuple[int, int, int, int]:
        """Outer spans first: earlier start, then later end, then rank, then input order."""
        return (self.start, -self.end, self.rank, self.order)


def legend_html(*, style: bool = True) -> str:
    """A one-line legend of the highlight styles used by :func:`highlight_attributions`.

    Args:
        style: include the ``<style>`` block (leave it out when the legend sits next to a
            highlighted article, which has its own).
    """
    return _render(style=style, legend=True, paragraphs=None)


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
        _paragraph_pieces(text, match.start(), match.end(), spans)
        for match in re.finditer(r"[^\n]+", text)
        if match.group().strip()
    ]
    return _render(style=True, legend=legend, paragraphs=paragraphs)


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


def _render(*, style: bool, legend: bool, paragraphs: list[list[_Piece]] | None) -> str:
    """The template's output: the ``<style>`` block, the legend and the article (one list of
    pieces per paragraph), each if asked for, one after the other on their own lines."""
    return _TEMPLATES.get_template(ARTICLE_TEMPLATE).render(
        style=style,
        legend=legend,
        paragraphs=paragraphs,
        colours=HIGHLIGHT_COLOURS,
        tags=_TAGS,
        gap_style=_INLINE["legend"],
    )


def _attribution_spans(attributions: pd.DataFrame, length: int) -> list[_Span]:
    spans: list[_Span] = []
    for index, row in zip(attributions.index, attributions.to_dict("records"), strict=True):
        kind = str(row.get("kind") or "")
        speaker = _text(row.get("speaker")) or UNRESOLVED_SPEAKER
        via = _text(row.get("via"))
        tooltip = " — ".join([speaker, kind] + ([f"via {via}"] if via else []))
        row_id = str(index)
        label = _Piece("label", _TAGS["speaker"]._replace(row=row_id), speaker)
        content_tag = _content_tag(kind)._replace(row=row_id, title=tooltip)
        for piece, (start, end) in enumerate(_offsets(row.get("content"), length)):
            spans.append(
                _Span(
                    start,
                    end,
                    _RANK["content"],
                    len(spans),
                    content_tag,
                    label if piece == 0 else None,
                )
            )
        source_tag = _TAGS["source"]._replace(row=row_id, title=f"source — {speaker}")
        for start, end in _offsets(row.get("source"), length):
            spans.append(_Span(start, end, _RANK["source"], len(spans), source_tag))
        cue_kind = _text(row.get("cue_kind"))
        cue_title = "cue" + (f" — {cue_kind}" if cue_kind else "")
        cue_tag = _TAGS["cue"]._replace(row=row_id, title=cue_title)
        for start, end in _offsets(row.get("cue"), length):
            spans.append(_Span(start, end, _RANK["cue"], len(spans), cue_tag))
    return spans


def _term_spans(quoted_terms: pd.DataFrame, length: int, *, first_order: int) -> list[_Span]:
    tag = _TAGS["term"]._replace(title="quoted term: no speaker")
    spans = []
    for order, (start, end) in enumerate(
        zip(quoted_terms["start_char"], quoted_terms["end_char"], strict=True), start=first_order
    ):
        for clipped in _offsets([[start, end]], length):
            spans.append(_Span(*clipped, _RANK["term"], order, tag))
    return spans


def _paragraph_pieces(text: str, start: int, end: int, spans: list[_Span]) -> list[_Piece]:
    """One paragraph's pieces, built from the span boundaries inside it.

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
    out: list[_Piece] = []
    stack: list[_Span] = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        wanted = {span for span in inside if span.start <= left and span.end >= right}
        keep = 0
        while keep < len(stack) and stack[keep] in wanted:
            keep += 1
        out.extend([_CLOSE] * (len(stack) - keep))
        del stack[keep:]
        for span in sorted(wanted.difference(stack), key=_Span.nesting_key):
            if span.start == left and span.label is not None:
                out.append(span.label)
            out.append(_Piece("open", span.tag))
            stack.append(span)
        out.append(_Piece("text", text=text[left:right]))
    out.extend([_CLOSE] * len(stack))
    return out


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


_TEMPLATES = environment("analysis")
