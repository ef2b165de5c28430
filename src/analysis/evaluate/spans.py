"""Span helpers of the gold reader and the attribution scorer: character spans as sorted
``(start, end)`` pieces, read from table cells, merged, joined into text and stripped for exact
matching."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import cast

PIECE_SEPARATOR = " … "
# Characters an exact match ignores at the ends of a span, besides Unicode punctuation.
_EXTRA_IGNORABLE = "`´"

Span = tuple[tuple[int, int], ...]


def read_span(value: object) -> Span:
    """A table cell of ``[start, end]`` pairs as sorted, non-empty pieces."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    pieces = []
    # Any other cell is a list (or array) of [start, end] pairs.
    for piece in cast("Iterable[Sequence[int]]", value):
        start, end = int(piece[0]), int(piece[1])
        if end > start:
            pieces.append((start, end))
    return tuple(sorted(pieces))


def merge_pieces(pieces: Iterable[tuple[int, int]]) -> Span:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return tuple(merged)


def span_text(span: Span, text: str) -> str:
    return PIECE_SEPARATOR.join(text[start:end] for start, end in span)


def span_characters(span: Span) -> frozenset[int]:
    return frozenset(i for start, end in span for i in range(start, end))


def _ignorable(char: str) -> bool:
    return char.isspace() or char in _EXTRA_IGNORABLE or unicodedata.category(char)[0] == "P"


def stripped_span(span: Span, text: str) -> Span:
    """The span with pieces separated only by ignorable characters joined, and each piece
    stripped of quote marks, whitespace and punctuation at both ends."""
    joined: list[tuple[int, int]] = []
    for start, end in merge_pieces(span):
        if joined and all(_ignorable(char) for char in text[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    stripped = []
    for start, end in joined:
        while start < end and _ignorable(text[start]):
            start += 1
        while end > start and _ignorable(text[end - 1]):
            end -= 1
        if end > start:
            stripped.append((start, end))
    return tuple(stripped)
