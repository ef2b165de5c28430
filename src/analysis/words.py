"""Words and terms of a parsed document: what entity shares are counted per, and what
distinctive-word comparisons (:mod:`analysis.compare`) count."""

from __future__ import annotations

from itertools import repeat

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LENGTH, LOWER
from spacy.tokens import Doc


def word_rows(doc_id: str, doc: Doc) -> tuple[list[tuple], list[tuple]]:
    """Word rows (:class:`analysis.schema.WordRow`) and term rows
    (:class:`analysis.schema.TermRow`) of one document."""
    # Every token's attributes read at once: iterating over the Doc builds a Token object for
    # each, which costs more than the rest. LENGTH is len(token), LOWER token.lower_.
    values = doc.to_array([IS_PUNCT, IS_SPACE, IS_STOP, LOWER, IDX, LENGTH])
    lower_ids = values[:, 3].tolist()
    sent_ids = np.zeros(len(values), dtype=np.int64)
    for sent_id, sent in enumerate(doc.sents):
        sent_ids[sent.start : sent.end] = sent_id
    starts = values[:, 4]
    ends = starts + values[:, 5]
    # A word is any token but punctuation and space.
    word = (values[:, 0] == 0) & (values[:, 1] == 0)
    words = list(
        zip(
            repeat(doc_id),
            sent_ids[word].tolist(),
            starts[word].tolist(),
            ends[word].tolist(),
            strict=False,
        )
    )
    # A term is a word with a letter that is no stop word; two terms in a row make a bigram.
    strings = doc.vocab.strings
    lower_of = {i: strings[i] for i in set(lower_ids)}
    has_letter = {
        i: lower.isalpha() or any(char.isalpha() for char in lower) for i, lower in lower_of.items()
    }
    term = word & (values[:, 2] == 0) & np.array([has_letter[i] for i in lower_ids], dtype=bool)
    sent_ids, starts, ends = sent_ids.tolist(), starts.tolist(), ends.tolist()
    terms = []
    previous = -1
    for i in np.flatnonzero(term).tolist():
        sent_id, end, lower = sent_ids[i], ends[i], lower_of[lower_ids[i]]
        terms.append((doc_id, sent_id, starts[i], end, lower, 1))
        if previous == i - 1 and sent_ids[previous] == sent_id:
            bigram = f"{lower_of[lower_ids[previous]]} {lower}"
            terms.append((doc_id, sent_id, starts[previous], end, bigram, 2))
        previous = i
    return words, terms
