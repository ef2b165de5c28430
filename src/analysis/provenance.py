"""Where a quotation came from: the same quoted words across documents, the first document, date
and outlet that carried them, how many outlets repeated them, and whether they all gave them to
the same speaker.

**Matching rule.** Quotations are the contents of direct and partial quotes. Each is normalised:
lower case, curly and straight quote marks, apostrophes, punctuation and dashes removed, white
space collapsed, and taken as a sequence of words. Two quotations are the same when the shorter has
at least :data:`MIN_WORDS` words and at least :data:`THRESHOLD` (80%) of its words line up, in
order, with words of the longer one (the matching blocks of :class:`difflib.SequenceMatcher` over
the two word sequences): a quotation trimmed at either end ("We will not raise taxes this year"
inside "We will not raise taxes this year, whatever the pressure"), or with a word or two changed
("won't" for "will not"), still matches; two quotations that only share a common phrase do not.
Matches are joined transitively (A = B and B = C put A, B and C together). Only pairs that share
a three-word sequence are compared (an index of 3-grams proposes them), so the cost grows with the
number of quotations that share words, not with the square of all quotations.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher

import pandas as pd

from analysis.corpus import Document
from analysis.pipeline import Tables

#: Quotations shorter than this (in words) are not matched: "very good" is not a quotation
#: anyone can trace.
MIN_WORDS = 5
#: The share of the shorter quotation's words that must line up with the longer one's.
THRESHOLD = 0.8
SHINGLE = 3
#: A 3-gram in more quotations than this is too common to propose candidate pairs ("i don't
#: think") and is left out of the index (not out of the comparison).
MAX_POSTINGS = 200

QUOTE_COLUMNS = [
    "quote_id",
    "doc_id",
    "date",
    "outlet",
    "speaker",
    "kind",
    "start_char",
    "end_char",
    "text",
    "normalised",
]
PROVENANCE_COLUMNS = [
    "quote_id",
    "text",
    "documents",
    "outlets",
    "first_doc",
    "first_date",
    "first_outlet",
    "first_speaker",
    "speakers",
    "same_speaker",
    "outlet_list",
]
_KEPT = re.compile(r"[^\w\s']+")


def normalise(text: str) -> str:
    """Lower case, NFKC, quote marks and punctuation removed, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    text = _KEPT.sub(" ", text).replace("'", "")
    return " ".join(text.split())


def quotations(documents: Sequence[Document], tables: Tables) -> pd.DataFrame:
    """Every direct and partial quote with its document's date and outlet, its speaker and its
    normalised text: :data:`QUOTE_COLUMNS` (``quote_id`` is empty until :func:`provenance`
    joins them)."""
    meta = {doc.id: doc.meta for doc in documents}
    quoted = tables.attributions[tables.attributions["kind"].isin(["direct", "partial"])]
    rows = []
    for row in quoted.itertuples(index=False):
        spans = [tuple(span) for span in row.content]
        if not spans:
            continue
        text = " … ".join(tables.texts[row.doc_id][start:end] for start, end in spans)
        rows.append(
            (
                "",
                row.doc_id,
                meta[row.doc_id].get("date", ""),
                meta[row.doc_id].get("outlet", ""),
                row.speaker or "",
                row.kind,
                int(spans[0][0]),
                int(spans[-1][1]),
                text,
                normalise(text),
            )
        )
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def provenance(
    documents: Sequence[Document],
    tables: Tables,
    *,
    threshold: float = THRESHOLD,
    min_words: int = MIN_WORDS,
    min_documents: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join the quotations that are the same (see the module's matching rule).

    Args:
        documents: the corpus (dates and outlets from its metadata).
        tables: its tables.
        threshold: the share of the shorter quotation's words that must line up with the
            longer one's.
        min_words: shorter quotations are not matched.
        min_documents: list the quotations carried by at least this many documents.

    Returns:
        ``(quotes, carried)``: every quotation (:data:`QUOTE_COLUMNS`, ``quote_id`` filled for
        those matched to another), and one row per quotation found in ``min_documents`` or more
        documents (:data:`PROVENANCE_COLUMNS`): its longest wording, the number of documents and
        of outlets, the first by date (then document id) with its speaker, every speaker it was
        given to and whether there was one (``same_speaker``); sorted by outlets, documents,
        then first date.
    """
    quotes = quotations(documents, tables)
    words = [text.split() for text in quotes["normalised"]]
    shingles = [_shingles(w) for w in words]
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, grams in enumerate(shingles):
        if len(words[i]) >= min_words:
            for gram in grams:
                postings[gram].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) <= MAX_POSTINGS:
            candidates.update(
                (a, b) for k, a in enumerate(members) for b in members[k + 1 :] if a != b
            )
    for a, b in sorted(candidates):
        if find(a) != find(b) and _same(words[a], words[b], threshold):
            parent[find(b)] = find(a)
    roots = [find(i) for i in range(len(quotes))]
    sizes = pd.Series(roots).value_counts()
    quotes["quote_id"] = [f"q{root}" if sizes[root] > 1 else "" for root in roots]
    carried = []
    for quote_id, part in quotes[quotes["quote_id"] != ""].groupby("quote_id"):
        part = part.sort_values(["date", "doc_id", "start_char"], kind="stable")
        if part["doc_id"].nunique() < min_documents:
            continue
        first = part.iloc[0]
        speakers = sorted({s for s in part["speaker"] if s})
        outlets = sorted({o for o in part["outlet"] if o})
        longest = part.loc[part["normalised"].str.len().idxmax(), "text"]
        carried.append(
            (
                quote_id,
                longest,
                part["doc_id"].nunique(),
                len(outlets),
                first["doc_id"],
                first["date"],
                first["outlet"],
                first["speaker"],
                "; ".join(speakers),
                len(speakers) <= 1,
                "; ".join(outlets),
            )
        )
    table = pd.DataFrame(carried, columns=PROVENANCE_COLUMNS).sort_values(
        ["outlets", "documents", "first_date", "quote_id"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    # Number the quotations by that order, so ids do not depend on the row order of the input.
    renumber = {old: f"q{i + 1}" for i, old in enumerate(table["quote_id"])}
    table["quote_id"] = table["quote_id"].map(renumber)
    quotes["quote_id"] = quotes["quote_id"].map(lambda q: renumber.get(q, ""))
    return quotes, table.reset_index(drop=True)


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _same(a: list[str], b: list[str], threshold: float) -> bool:
    """Whether ``threshold`` of the shorter word sequence lines up with the longer one."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if not shorter:
        return False
    blocks = SequenceMatcher(None, shorter, longer, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(shorter) >= threshold
