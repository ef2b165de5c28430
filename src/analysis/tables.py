"""Every table of one parsed document, computed in one pass over its ``Doc``.

This is what ``analysis annotate`` runs on each document right after parsing it, in whatever
process or Dask worker parsed it: sentences with their VADER scores, the model's entity mentions,
canonical (resolved) mentions, attributions, quoted terms, targeted sentiment toward each mention,
and the words and terms that :mod:`analysis.compare` counts. The rows are plain tuples, keyed by the
document's text hash (:func:`analysis.corpus.text_hash`), so the same text analysed under two ids
or in two corpora is analysed once; :mod:`analysis.store` writes them to Parquet and maps the hash
back to each corpus's document ids when it reads them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from spacy.tokens import Doc

from analysis import __version__, paths
from analysis.annotate import DEFAULT_MODEL, MENTION_COLUMNS, SENTENCE_COLUMNS, model_info
from analysis.annotate import doc_tables as _doc_tables
from analysis.attribution import ATTRIBUTION_COLUMNS, QUOTED_TERM_COLUMNS, extract, load_cues
from analysis.compare import TERM_COLUMNS, WORD_COLUMNS, word_rows
from analysis.corpus import Document
from analysis.entities import MENTION_COLUMNS as ENTITY_MENTION_COLUMNS
from analysis.entities import Knowledge, resolve_document
from analysis.sentiment import (
    MODEL_FILE,
    SENTENCE_SCORE_COLUMNS,
    TARGET_COLUMNS,
    content_voices,
    targeted_rows,
    vader_scores,
)

#: The columns of every table, ``doc_id`` first (the text hash while stored).
TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "n_words", "n_sentences"],
    "sentences": [*SENTENCE_COLUMNS, *SENTENCE_SCORE_COLUMNS[:4]],
    "mentions": MENTION_COLUMNS,
    "entity_mentions": ENTITY_MENTION_COLUMNS,
    "attributions": ATTRIBUTION_COLUMNS,
    "quoted_terms": QUOTED_TERM_COLUMNS,
    "mention_sentiment": TARGET_COLUMNS,
    "words": WORD_COLUMNS,
    "terms": TERM_COLUMNS,
}


@dataclass(frozen=True)
class Settings:
    """Everything besides the text that a document's tables depend on.

    Attributes:
        model: spaCy model package name or path.
        metonyms: resolve "Moscow" to Russia etc. (see :mod:`analysis.entities`).
        method: targeted sentiment method, ``model`` or ``lexicon``.
        cues_file: a CSV of attribution cue lemmas; ``None`` for the packaged one.
    """

    model: str = DEFAULT_MODEL
    metonyms: bool = True
    method: str = "model"
    cues_file: str | None = None

    def key(self) -> str:
        """A digest of the settings, the model's identity, the package version and the content of
        every data file the analyses read: tables computed under one key are valid for it."""
        info = model_info(self.model)
        files = sorted(paths.DATA_DIR.glob("*.csv")) + [MODEL_FILE]
        if self.cues_file:
            files.append(paths.resolve_path(self.cues_file))
        digest = hashlib.sha256()
        fields = [
            info["name"],
            info["version"],
            __version__,
            str(self.metonyms),
            self.method,
        ]
        digest.update(json.dumps(fields).encode("utf-8"))
        for file in files:
            digest.update(file.name.encode("utf-8"))
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        return digest.hexdigest()[:16]


class Analyser:
    """Turns a parsed document into the rows of every table in :data:`TABLE_COLUMNS`.

    Build one per process (it reads the knowledge and cue files once) and call it per document.
    """

    def __init__(self, settings: Settings = Settings()):
        self.settings = settings
        self.knowledge = Knowledge.load()
        self.cues = load_cues(settings.cues_file)

    def __call__(self, document: Document, doc: Doc) -> dict[str, list[tuple]]:
        doc_id = document.id
        sentences, mentions = _doc_tables(document, doc)
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
            "documents": [(doc_id, len(words), len(sentences))],
            "sentences": scored,
            "mentions": mentions,
            "entity_mentions": resolved,
            "attributions": attributions,
            "quoted_terms": quoted_terms,
            "mention_sentiment": targets,
            "words": words,
            "terms": terms,
        }
