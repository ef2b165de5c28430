"""Every table of one parsed document, computed in one pass over its ``Doc``.

This is what the engine runs on each document right after parsing it (or reading its parse from
the cache), in whatever process or Dask worker holds it: sentences with their VADER scores, the
model's entity mentions, canonical (resolved) mentions, attributions, quoted terms, targeted
sentiment toward each mention, and words and terms. Each analysis is a function from the ``Doc``
and the rows computed before it to rows (:mod:`analysis.schema`), keyed by the text hash, so the
same text analysed under two ids or in two corpora is analysed once.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from analysis.attribution import extract, load_cues
from analysis.corpus import Document
from analysis.entities import Knowledge, resolve_document
from analysis.parsing import doc_tables
from analysis.pipeline.settings import Settings
from analysis.schema import DocumentRow
from analysis.sentiment import content_voices, targeted_rows, vader_scores
from analysis.words import word_rows


class Analyser:
    """Turns a parsed document into the rows of every table in
    :data:`analysis.schema.ROW_TYPES`.

    Build one per process (it reads the knowledge and cue files once) and call it per document.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.knowledge = Knowledge.load()
        self.cues = load_cues(self.settings.cues_file)

    def __call__(self, document: Document, doc: Doc) -> dict[str, Sequence[tuple]]:
        doc_id = document.id
        sentences, mentions = doc_tables(document, doc)
        scored = [(*row, *vader_scores(row[-1])) for row in sentences]
        resolved = resolve_document(
            document, sentences, mentions, metonyms=self.settings.metonyms, knowledge=self.knowledge
        )
        attributions, quoted_terms = extract(doc, doc_id, resolved, cues=self.cues)
        targets = targeted_rows(
            doc, doc_id, resolved, content_voices(attributions), method=self.settings.method
        )
        words, terms = word_rows(doc_id, doc)
        return {
            "documents": [DocumentRow(doc_id, len(words), len(sentences))],
            "sentences": scored,
            "mentions": list(mentions),
            "entity_mentions": resolved,
            "attributions": attributions,
            "quoted_terms": quoted_terms,
            "mention_sentiment": targets,
            "words": words,
            "terms": terms,
        }
