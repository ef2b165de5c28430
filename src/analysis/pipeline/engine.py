"""Parse and analyse a corpus into the store, on one machine or on a Dask cluster.

The unit of work is a partition: a list of ``(text hash, text)`` pairs. Whoever runs it (this
process, a local worker process, a Dask worker) loads the spaCy model once per process, parses the
partition with ``nlp.pipe`` or reads its parses from the parse cache
(:class:`analysis.parsing.ParseCache`), runs every analysis on each ``Doc`` as it comes out
(:class:`analysis.pipeline.analyser.Analyser`) and writes the partition's tables to Parquet
(:class:`analysis.pipeline.PartitionWriter`) a batch at a time.

Two cache layers: the parse, per text hash and model; the tables, per text hash under
:meth:`analysis.pipeline.settings.Settings.key`, which covers the analysis code, the data files and
the settings. A change of code or data re-analyses from the cached parses without parsing again;
a change of model parses again. Nothing but counts travels back, so
the process that drives the run holds no parse and no table, whatever the size of the corpus, and
a worker holds one batch of ``Doc`` objects and rows.

Engines:
    ``local``: with ``n_process=1`` in this process; otherwise a pool of ``n_process`` worker
        processes on this machine.
    ``dask``: a ``dask.distributed`` cluster: the scheduler at ``scheduler`` (``tcp://host:8786``)
        or, without one, a ``LocalCluster`` of ``n_process`` single-threaded worker processes.
        On a real cluster every worker needs this package and the model installed, and the cache
        folder must be on a file system every worker and the client can reach.

Both split the documents to analyse with one rule (:func:`partition`), given their workers: the
local processes, or the worker threads the Dask scheduler reports when the run starts. A worker
lost mid-run (Dask gives its tasks to the others) costs the partition it was writing, not a
document: partitions are published whole, once, and a run removes what its killed workers left.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import ctypes
import functools
import itertools
import math
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from analysis.corpus import Document, text_hash
from analysis.errors import EngineError
from analysis.pipeline.settings import Settings
from analysis.pipeline.store import (
    PartitionWriter,
    Tables,
    index,
    partition_path,
    published,
    read,
    remove_staging,
    root,
    stored_words,
)
from analysis.schema import DEFAULT_BATCH_SIZE, TABLE_COLUMNS

if TYPE_CHECKING:
    from analysis.pipeline.analyser import Analyser

ENGINES = ("local", "dask")
#: Most words in one ``nlp.pipe`` batch (:func:`batches`).
DEFAULT_BATCH_WORDS = 10_000
#: Most documents and words in one partition (the unit of work a worker takes, holds the texts of
#: and redoes if it is lost); smaller ones are made so that every worker gets several.
PARTITION_DOCUMENTS = 256
PARTITION_WORDS = 200_000
#: Partitions per worker when there are several workers.
PARTITIONS_PER_WORKER = 4


class Run(NamedTuple):
    """What :func:`analyse` did.

    Attributes:
        documents: documents in the corpus.
        analysed: distinct texts analysed in this run.
        cached: documents whose tables were already in the store.
        parsed: texts parsed in this run; the other texts analysed read their parse from the
            parse cache.
        words: words in the texts analysed in this run.
        partitions: partitions this run split its documents into (see :func:`partition`).
        seconds: wall-clock time of the run.
    """

    documents: int
    analysed: int
    cached: int
    parsed: int
    words: int
    partitions: int
    seconds: float


@functools.lru_cache(maxsize=4)
def _analyser(settings: Settings) -> Analyser:
    # Imported where they are used: parsing and the analyses need spaCy (0.6 s to import), and
    # reading a corpus whose tables are stored does not.
    from analysis.pipeline.analyser import Analyser

    return Analyser(settings)


def batches(
    items: Sequence[tuple[str, str]], batch_size: int, batch_words: int
) -> Iterator[list[tuple[str, str]]]:
    """``items`` in batches of at most ``batch_size`` texts and ``batch_words`` words; a text
    longer than ``batch_words`` is a batch of its own.

    A batch's working memory in spaCy grows with its tokens, not its documents: 64 long
    articles need several times what 64 short ones do. Bounding the words bounds the peak.
    """
    from spacy.training.batchers import minibatch_by_words
    from spacy.util import minibatch

    for by_words in minibatch_by_words(
        items, batch_words, tolerance=0, get_length=lambda item: len(item[1].split())
    ):
        yield from minibatch(by_words, batch_size)


class PartitionResult(NamedTuple):
    """What :func:`analyse_partition` did: documents analysed, texts parsed, words."""

    documents: int
    parsed: int
    words: int


def analyse_partition(
    items: Sequence[tuple[str, str]],
    settings: Settings,
    folder: str,
    batch_size: int,
    batch_words: int = DEFAULT_BATCH_WORDS,
    parses: str | None = None,
    run: str = "run",
) -> PartitionResult:
    """Parse (or read the parses of) and analyse one partition and write its tables; runs
    wherever the engine sends it, and again elsewhere if Dask loses the worker running it.

    A partition already published (an earlier attempt finished it and was lost before it could
    say so, or another run wrote it) is not analysed again: its counts are read from it, with
    nothing parsed.

    Args:
        items: ``(text hash, text)`` pairs.
        settings: the analysis settings (model, metonyms, ...).
        folder: the store folder of these settings (:func:`analysis.pipeline.store.root`).
        batch_size: most documents per ``nlp.pipe`` batch.
        batch_words: most words per batch (see :func:`batches`).
        parses: the parse cache folder of the model (:class:`analysis.parsing.ParseCache`);
            None parses every text and caches nothing.
        run: the run's tag, in the partition's temporary name (see
            :func:`analysis.pipeline.store.remove_staging`).
    """
    done = partition_path(Path(folder), [key for key, _ in items])
    if published(done):
        return PartitionResult(len(items), 0, stored_words(done))
    from analysis.parsing import ParseCache, load_model, parse  # spaCy, see _analyser

    nlp = load_model(settings.model)
    analyser = _analyser(settings)
    cache = ParseCache(parses) if parses is not None else None
    words = parsed = 0
    with PartitionWriter(Path(folder), run) as writer:
        for batch in batches(items, batch_size, batch_words):
            rows: dict[str, list[tuple]] = {name: [] for name in TABLE_COLUMNS}
            texts = dict(batch)
            for key, doc, fresh in parse(nlp, batch, cache=cache, batch_size=len(batch)):
                parsed += fresh
                for name, table_rows in analyser(Document(key, texts[key], {}, key), doc).items():
                    rows[name].extend(table_rows)
            writer.write(rows)
            words += sum(row[1] for row in rows["documents"])
            _release_memory()
    return PartitionResult(len(items), parsed, words)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


def _release_memory() -> None:
    """Give the memory freed by the last batch back to the system.

    glibc raises its threshold for serving large blocks with mmap each time such a block is
    freed, so after a few batches thinc's large arrays come from the heap, where fragmentation
    keeps freed memory from the system: the resident size of a parsing process then grows
    with every batch (raw ``nlp.pipe`` included: 221 MiB to 1,356 MiB over 288 PolNeAR articles
    here). ``malloc_trim`` after each batch brings it back down (largest size between batches on
    150k words: 964 -> 251 MiB) for about 1% of the time. The peak *during* a batch is spaCy's
    working memory for its words, which :func:`batches` bounds.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def partition(
    items: Sequence[tuple[str, str]],
    *,
    workers: int = 1,
    max_documents: int = PARTITION_DOCUMENTS,
    max_words: int = PARTITION_WORDS,
) -> list[list[tuple[str, str]]]:
    """Split ``items`` into contiguous partitions of about equal words, in order.

    The number of partitions is the largest of: what :data:`PARTITION_DOCUMENTS` documents and
    :data:`PARTITION_WORDS` words a partition allow, and, for several workers,
    :data:`PARTITIONS_PER_WORKER` per worker, so that a small corpus still spreads over every
    worker and the workers finish together (one worker needs no splitting beyond the caps: fuller
    batches). A partition over a cap after the split (many short documents, or uneven lengths)
    is halved until none is; a document longer than ``max_words`` is a partition of its own.
    Both engines use this rule, with the workers they have (local processes, or the threads the
    Dask scheduler reports).
    """
    if not items:
        return []
    cumulative = list(itertools.accumulate((len(text.split()) for _, text in items), initial=0))
    count = max(math.ceil(len(items) / max_documents), math.ceil(cumulative[-1] / max_words))
    if workers > 1:
        count = max(count, workers * PARTITIONS_PER_WORKER)
    todo = _even_words(cumulative, 0, len(items), min(count, len(items)))
    ranges: list[tuple[int, int]] = []
    while todo:
        start, end = todo.pop(0)
        over = end - start > max_documents or cumulative[end] - cumulative[start] > max_words
        if over and end - start > 1:
            todo[:0] = _even_words(cumulative, start, end, 2)
        else:
            ranges.append((start, end))
    return [list(items[start:end]) for start, end in ranges]


def _even_words(cumulative: list[int], start: int, end: int, count: int) -> list[tuple[int, int]]:
    """``count`` non-empty contiguous ranges of ``[start, end)`` of about equal words
    (``cumulative[i]``: the words before item ``i``): each cut at the item boundary nearest to
    its share of the words."""
    bounds = [start]
    words = cumulative[end] - cumulative[start]
    for k in range(1, count):
        goal = cumulative[start] + words * k / count
        low, high = bounds[-1] + 1, end - (count - k)  # leave an item for every later range
        cut = min(bisect.bisect_left(cumulative, goal, low, high + 1), high)
        if cut > low and goal - cumulative[cut - 1] < cumulative[cut] - goal:
            cut -= 1
        bounds.append(cut)
    bounds.append(end)
    return list(itertools.pairwise(bounds))


def pending(
    documents: Iterable[Document],
    settings: Settings,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[list[tuple[str, str]], int]:
    """The distinct ``(text hash, text)`` pairs not yet in the store, and how many documents
    are."""
    found = index(root(settings, cache_dir))
    todo: dict[str, str] = {}
    cached = 0
    for document in documents:
        key = text_hash(document.text)
        if key in found:
            cached += 1
        else:
            todo.setdefault(key, document.text)
    return list(todo.items()), cached


def analyse(
    documents: Iterable[Document],
    settings: Settings | None = None,
    *,
    engine: str = "local",
    n_process: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    batch_words: int = DEFAULT_BATCH_WORDS,
    scheduler: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    cache_parses: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Analyse every document not yet in the store, parsing what the parse cache does not hold.

    Args:
        documents: the corpus, e.g. from :func:`analysis.corpus.load_corpus`.
        settings: model and analysis settings; default
            :class:`analysis.pipeline.settings.Settings`.
        engine: ``local`` or ``dask`` (see the module docstring).
        n_process: local worker processes, or the size of the ``LocalCluster`` Dask starts.
        batch_size: most documents per ``nlp.pipe`` batch.
        batch_words: most words per batch (a longer document is parsed on its own).
        scheduler: address of a running ``dask.distributed`` scheduler (``dask`` engine only).
        cache_dir: the cache folder (tables and parses); default
            :func:`analysis.paths.cache_dir`.
        cache_parses: read and write the parse cache; False parses every text not in the store.
        progress: called with the number of documents each finished partition analysed.

    Raises:
        EngineError: an unknown engine, or options that do not fit it.
        ModelError: the model is missing, or a document is longer than it accepts.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if n_process < 1:
        raise EngineError(f"n_process must be at least 1, not {n_process}")
    if batch_size < 1 or batch_words < 1:
        raise EngineError(
            f"batch_size and batch_words must be at least 1, not {batch_size} and {batch_words}"
        )
    if scheduler and engine != "dask":
        raise EngineError("a scheduler address needs engine='dask'")
    settings = settings or Settings()
    started = time.perf_counter()
    documents = list(documents)
    todo, cached = pending(documents, settings, cache_dir=cache_dir)
    folder = str(root(settings, cache_dir))
    if not todo:
        return Run(len(documents), 0, cached, 0, 0, 0, time.perf_counter() - started)
    from analysis.parsing import ParseCache, check_length, load_model  # spaCy, see _analyser

    # Only a long text needs the model's limit: the driver loads no model for the others.
    for document in documents:
        if len(document.text) > 100_000:
            check_length(document, load_model(settings.model))
    run = uuid.uuid4().hex[:8]
    # A partial, not keywords: Dask's Client.map has a batch_size of its own.
    task = functools.partial(
        analyse_partition,
        settings=settings,
        folder=folder,
        batch_size=batch_size,
        batch_words=batch_words,
        parses=str(ParseCache.of(settings.model, cache_dir).folder) if cache_parses else None,
        run=run,
    )
    runner = _dask if engine == "dask" else _local
    with runner(n_process, scheduler) as (workers, run_tasks):
        parts = partition(todo, workers=workers)
        results = run_tasks(task, parts, progress)
    remove_staging(Path(folder), run)  # what workers killed mid-partition left
    return Run(
        len(documents),
        sum(r.documents for r in results),
        cached,
        sum(r.parsed for r in results),
        sum(r.words for r in results),
        len(parts),
        time.perf_counter() - started,
    )


Task = Callable[[list[tuple[str, str]]], PartitionResult]
#: ``run_tasks(task, parts, progress)``: the results of ``task`` on every partition, in order.
RunTasks = Callable[
    [Task, list[list[tuple[str, str]]], Callable[[int], None] | None], list[PartitionResult]
]


@contextlib.contextmanager
def _local(n_process: int, scheduler: str | None = None) -> Iterator[tuple[int, RunTasks]]:
    """This process (one) or a pool of ``n_process`` processes: the workers and how to run."""
    if n_process == 1:
        yield 1, _run_here
        return
    # fork where there is one, as spaCy's own nlp.pipe(n_process=...) does: workers start at
    # once, and a script without an ``if __name__ == "__main__"`` guard still works.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with concurrent.futures.ProcessPoolExecutor(n_process, mp_context=context) as pool:
        yield n_process, functools.partial(_run_pool, pool)


def _run_here(task, parts, progress):
    results = []
    for part in parts:
        results.append(task(part))
        if progress:
            progress(results[-1].documents)
    return results


def _run_pool(pool, task, parts, progress):
    futures = [pool.submit(task, part) for part in parts]
    for future in concurrent.futures.as_completed(futures):
        if progress:
            progress(future.result().documents)
    return [future.result() for future in futures]


#: How long a run waits for the scheduler to have a worker.
WORKER_TIMEOUT = 60.0


@contextlib.contextmanager
def _dask(n_process: int, scheduler: str | None) -> Iterator[tuple[int, RunTasks]]:
    """A client of the scheduler at ``scheduler`` or of a ``LocalCluster`` of ``n_process``
    workers; the workers are the threads the scheduler reports (one per single-threaded
    worker), once it has one."""
    from dask.distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler))
            except OSError as error:
                raise EngineError(f"no Dask scheduler at {scheduler}: {error}") from None
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n_process,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise EngineError(
                f"the Dask scheduler {client.scheduler.address} has no worker after "
                f"{WORKER_TIMEOUT:.0f} s"
            ) from None
        yield sum(client.nthreads().values()), functools.partial(_run_futures, client)


def _run_futures(client, task, parts, progress):
    """Run the partitions as futures: the scheduler gives a lost worker's tasks to the others
    (a task is redone from the start; a partition it had published is not written again)."""
    from dask.distributed import as_completed

    futures = client.map(task, parts, pure=False)
    for future in as_completed(futures):
        if progress:
            progress(future.result().documents)
    return client.gather(futures)


def load(
    documents: Iterable[Document],
    settings: Settings | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    only: Sequence[str] | None = None,
    corpus_pass: bool = True,
    **options,
) -> Tables:
    """The tables of a corpus: analyse what is not in the store yet (``options`` go to
    :func:`analyse`), then read every table from it.

    Args:
        documents: the corpus.
        settings: model and analysis settings; default
            :class:`analysis.pipeline.settings.Settings`.
        cache_dir: the cache folder; default :func:`analysis.paths.cache_dir`.
        only: read just these tables (see :func:`analysis.pipeline.store.read`).
        corpus_pass: settle entities across the corpus (see
            :func:`analysis.pipeline.store.read`).
    """
    documents = list(documents)
    settings = settings or Settings()
    analyse(documents, settings, cache_dir=cache_dir, **options)
    return read(documents, settings, cache_dir=cache_dir, only=only, corpus_pass=corpus_pass)
