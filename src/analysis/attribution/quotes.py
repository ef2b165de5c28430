"""Quotations in a text: the spans between quote marks (curly, straight, guillemets), balanced
or not, a quote running on into the next paragraph included."""

from __future__ import annotations

import re
from typing import NamedTuple

OPENING_QUOTES = "“„«‘"
CLOSING_QUOTES = "”»’"
_PAIRS = {"“": "”", "„": "“", "«": "»", "‘": "’"}
_DOUBLE = {"”", '"', "''"}


class Quote(NamedTuple):
    """A quotation in the text: character offsets including the marks, and the paragraph pieces
    of a quote that runs on into the next paragraph."""

    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]


def find_quotes(text: str) -> list[Quote]:
    """Quotations marked by curly, straight or guillemet quote marks.

    Never raises on unbalanced marks: a quote left open at the end of a paragraph continues into
    the next paragraph if that one opens with the same quote mark (the news convention for long
    quotes), and otherwise ends with its paragraph. A closing mark with no opening one is ignored.
    Single curly quotes count only when ‘ opens them, since ’ is also the apostrophe.
    """
    quotes: list[Quote] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at: int | None = None
    closer = ""
    pieces: list[tuple[int, int]] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        while True:
            # The next character that can open a quote, or close the open one: nothing happens
            # at the others.
            candidate = (_OPEN_CANDIDATES if open_at is None else _CLOSE_CANDIDATES[closer]).search(
                text, i, p_end
            )
            if candidate is None:
                break
            i = candidate.start()
            char = text[i]
            if open_at is None:
                if text.startswith("''", i) and _opens(text, i, width=2):  # ''typewriter'' quotes
                    open_at, closer = i, "''"
                    i += 1
                elif char in _PAIRS and (char != "‘" or _opens(text, i)):
                    open_at, closer = i, _PAIRS[char]
                elif char == '"' and _opens(text, i):
                    open_at, closer = i, '"'
            elif (text.startswith(closer, i) or (closer in _DOUBLE and char in _DOUBLE)) and (
                closer != "’" or not text[i + 1 : i + 2].isalpha()
            ):
                # Writers mix curly and straight double marks (“no evidence"): any double closes.
                end = i + (len(closer) if text.startswith(closer, i) else 1)
                pieces.append((open_at, end))
                quotes.append(Quote(pieces[0][0], end, tuple(pieces)))
                open_at, pieces = None, []
                i = end - 1
            i += 1
        if open_at is not None:
            next_start = paragraphs[p_index + 1][0] if p_index + 1 < len(paragraphs) else None
            # Runs on only when the next paragraph opens with the same mark: a straight quote
            # left open is not continued by a curly one (“...”) that opens a quote of its own.
            opener = text[pieces[0][0] if pieces else open_at]
            if next_start is not None and text[next_start] == opener:
                # Runs on: this paragraph's part ends here, the next opening mark is skipped.
                pieces.append((open_at, p_end))
                open_at = next_start
                paragraphs[p_index + 1] = (next_start + 1, paragraphs[p_index + 1][1])
            else:
                pieces.append((open_at, p_end))
                quotes.append(Quote(pieces[0][0], p_end, tuple(pieces)))
                open_at, pieces = None, []
    return quotes


# The characters at which find_quotes can open a quote, or close one opened by a mark (the first
# character of its closer, and any double mark for a double closer).
_OPEN_CANDIDATES = re.compile("[" + re.escape("".join(_PAIRS) + "\"'") + "]")
_CLOSE_CANDIDATES = {
    closer: re.compile(
        "[" + re.escape(closer[0] + ("".join(_DOUBLE) if closer in _DOUBLE else "")) + "]"
    )
    for closer in {*_PAIRS.values(), "''", '"'}
}


def _opens(text: str, i: int, *, width: int = 1) -> bool:
    """A straight or single mark opens a quote when it follows space or a bracket and precedes a
    word character."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    return (before.isspace() or before in "([{—–-/") and not after.isspace()
