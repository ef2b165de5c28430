"""Where a quotation came from: the same quoted words across documents, the first document, date
and outlet that carried them, how many outlets repeated them, and whether they all gave them to
the same speaker.

**Matching rule.** Quotations are the contents of direct and partial quotes. Each is normalised:
lower case, curly and straight quote marks, apostrophes, punctuation and dashes removed, white
space collapsed, and taken as a sequence of words. Two quotations are the same when the shorter has
at least :data:`MIN_WORDS` (8) words and at least :data:`THRESHOLD` (80%) of its words line up, in
order, with words of the longer one (the matching blocks of :class:`difflib.SequenceMatcher` over
the two word sequences): a quotation trimmed at either end ("We will not raise taxes this year"
inside "We will not raise taxes this year, whatever the pressure"), or with a word or two changed
("won't" for "will not"), still matches; two quotations that only share a common phrase do not.
Groups are formed longest first: each quotation joins the group of the longest quotation it
matches best, or starts one; groups never merge, so a short phrase that two different long
quotations share cannot chain them together (joining matches transitively did exactly that on
PolNeAR: one "quotation" of 33 documents and 33 speakers). Only quotations that share a
three-word sequence are compared (an index of 3-grams proposes them), so the cost grows with the
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

#: Quotations shorter than this (in words) are not matched: a short quotation ("you'd have to
#: be insane", "I am going to be the nominee") shares most of its words with unrelated ones by
#: chance; with a minimum of 5 words, two of three groups read by hand on PolNeAR train+dev
#: held such chance matches.
MIN_WORDS = 8
#: The share of the shorter quotation's words that must line up with the longer one's.
THRESHOLD = 0.8
SHINGLE = 3

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
    roots = _centres(words, threshold, min_words)
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


def _centres(words: list[list[str]], threshold: float, min_words: int) -> list[int]:
    """The quotation each quotation is grouped under (its own index when it starts a group).

    Longest first, each quotation joins the group whose first (longest) quotation it matches
    best (the highest share of its words aligned, then the longer, then the earlier), or starts a
    group of its own. Groups never merge: a short phrase common to two different long quotations
    ("the President of the United States") joins one of them and does not chain them together.
    """
    order = sorted(range(len(words)), key=lambda i: (-len(words[i]), i))
    centre = list(range(len(words)))
    by_gram: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in order:
        if len(words[i]) < min_words:
            continue
        grams = _shingles(words[i])
        candidates = {c for gram in grams for c in by_gram.get(gram, ())}
        scored = [(_aligned(words[i], words[c]), len(words[c]), -c) for c in candidates]
        best = max((score for score in scored if score[0] >= threshold), default=None)
        if best is not None:
            centre[i] = -best[2]
        else:
            for gram in grams:
                by_gram[gram].append(i)
    return centre


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _aligned(a: list[str], b: list[str]) -> float:
    """The share of the shorter word sequence that lines up, in order, with the longer one."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if not shorter:
        return 0.0
    blocks = SequenceMatcher(None, shorter, longer, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(shorter)


def _same(a: list[str], b: list[str], threshold: float) -> bool:
    """Whether ``threshold`` of the shorter word sequence lines up with the longer one."""
    return _aligned(a, b) >= threshold
