"""Benchmark `analysis annotate` against raw spaCy `nlp.pipe` on the same corpus (`make bench`).

Builds a corpus of at least ``--words`` words from the seeds and any extra folders of .txt files
(e.g. PolNeAR's text/): documents are cycled, and each repeat of a text gets a one-line marker so
that every text is distinct (the store analyses a repeated text once). Then, for each process
count, in one run, alternating and ``--repeats`` times:

* raw: ``for doc in nlp.pipe(texts, batch_size=B, n_process=N): pass`` with the same model and
  components: what a hand-written script does;
* annotate: :func:`analysis.pipeline.analyse` (what ``analysis annotate`` runs) into an empty
  cache: parse (writing the parse cache), every analysis (entities, attribution, sentence and
  targeted sentiment, words) and the Parquet tables, in batches of at most B documents and
  ``--batch-words`` words;
* re-analyse (one process): right after each annotate pass, the same corpus again as after an
  edit of the analysis code (the code digest in the tables' key replaced): every table is computed
  again from the cached parses, nothing is parsed;
* corpus pass (one process): :func:`analysis.identity.resolve_corpus` and the renaming of
  speakers and targets on the tables just written, as every read of the tables runs it;
* dask (``--dask-workers N``, default 2; 0 for none): the annotate pass with ``engine="dask"``
  on a cluster of separate processes on this machine, ``dask scheduler`` and N single-threaded
  ``dask worker`` processes (:class:`analysis.pipeline.cluster.ProcessCluster`), started once
  for the whole run and warmed up by an untimed pass on a few documents (the workers import the
  package and load the model, as the local engine's forked workers inherit both from this
  process); its tables are compared with those of the local engine with N processes, and its
  speed given as a ratio to that engine's, per repeat and median.

It prints words per second of each (words: tokens that are neither punctuation nor space), the
median ratio annotate / raw, and the speed-up of N processes over one. With ``--memory`` it also
runs the ``analysis annotate`` command, and raw ``nlp.pipe`` in a process of its own, on corpora of
the sizes given (the first size's documents, repeated for the larger ones) and reports the peak
resident memory of each whole process tree (sampled every 0.1 s). ``--profile FILE`` writes a
pyinstrument profile of one single-process annotate pass. Nothing here asserts anything about time.

    .venv/bin/python scripts/bench/annotate.py --words 200000 ../shared/data/polnear/train/text
    .venv/bin/python scripts/bench/annotate.py --words 0 --no-seeds --processes 2 --repeats 5 \
        ../shared/data/polnear/dev/text      # the dev texts once each: local against dask
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import psutil

from analysis.corpus import Document, load_corpus
from analysis.identity import rename_speakers, rename_targets, renames, resolve_corpus
from analysis.parsing import load_model
from analysis.pipeline import DEFAULT_BATCH_WORDS, Settings, Tables, engine, settings, store
from analysis.pipeline.cluster import ProcessCluster
from analysis.schema import DEFAULT_BATCH_SIZE, DEFAULT_MODEL


def build_corpus(folders: list[str], words: int, *, seeds: bool = True) -> list[Document]:
    """At least ``words`` words (whitespace-separated) of distinct texts from the seeds and
    ``folders``; ``words`` 0: each text once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PolNeAR files have no metadata.csv
        pool = (load_corpus() if seeds else []) + [
            d for folder in folders for d in load_corpus(folder)
        ]
    return grown_corpus(pool, words) if words else pool


def raw_pass(texts: list[str], model: str, batch_size: int, n_process: int) -> float:
    nlp = load_model(model)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    return time.perf_counter() - start


class Pass(NamedTuple):
    """One annotate pass: the cold pass's seconds and words; with one local process, the
    re-analysis seconds and the corpus pass's seconds; with ``tables``, the tables it wrote."""

    seconds: float
    words: int
    again: float | None = None
    corpus_seconds: float = 0.0
    tables: Tables | None = None


def annotate_pass(corpus, options, batches, n_process, *, scheduler=None, keep=False) -> Pass:
    """A cold pass into an empty cache (with the Dask engine when ``scheduler`` is given) and,
    with one local process, a pass after a code change and the corpus pass on the tables.

    ``batches``: (most documents, most words) per batch; ``keep``: read the tables back
    (untimed) into :attr:`Pass.tables`, to compare engines.
    """

    def timed() -> tuple[float, int, int]:
        start = time.perf_counter()
        run = engine.analyse(
            corpus,
            options,
            engine="dask" if scheduler else "local",
            n_process=n_process,
            batch_size=batches[0],
            batch_words=batches[1],
            scheduler=scheduler,
            cache_dir=cache,
        )
        return time.perf_counter() - start, run.words, run.parsed

    with tempfile.TemporaryDirectory(prefix="bench-store-") as cache:
        seconds, words, _ = timed()
        if n_process > 1 or scheduler:
            written = store.read(corpus, options, cache_dir=cache) if keep else None
            return Pass(seconds, words, tables=written)
        tables = engine.load(corpus, options, cache_dir=cache, corpus_pass=False)
        start = time.perf_counter()
        resolved = resolve_corpus(tables.entity_mentions, tables.texts)
        changes = renames(tables.entity_mentions, resolved)
        rename_speakers(tables.attributions, changes)
        rename_targets(tables.mention_sentiment, changes)
        corpus_seconds = time.perf_counter() - start
        digest = settings.code_digest
        settings.code_digest = lambda: f"edited {time.time()}"  # type: ignore[assignment]
        try:
            again, _, parsed = timed()
        finally:
            settings.code_digest = digest  # type: ignore[assignment]
        assert parsed == 0, "a code change parsed again"
        return Pass(seconds, words, again, corpus_seconds)


def same_tables(a: Tables, b: Tables) -> bool:
    """Whether every table and text of ``a`` equals that of ``b``."""
    return all(
        left == right if isinstance(left, dict) else left.equals(right)
        for left, right in zip(a, b, strict=True)
    )


def peak_tree_rss(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return (seconds, peak resident memory of it and its children, in MiB)."""
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    if code:
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return time.perf_counter() - start, peak / 2**20


def grown_corpus(base: list[Document], words: int) -> list[Document]:
    """``base`` cycled to at least ``words`` words, each repeat of a text marked with a line of its
    own so that every text is distinct (the store analyses a repeated text once)."""
    corpus, total, round_ = [], 0, 0
    while total < words:
        for document in base:
            text = document.text if round_ == 0 else f"{document.text}\n\n(Copy {round_}.)"
            corpus.append(document._replace(id=f"{document.id}-{round_}", text=text))
            total += len(text.split())
            if total >= words:
                break
        round_ += 1
    return corpus


def raw_folder_pass(folder: str, model: str, batch_size: int, n_process: int) -> None:
    """Raw ``nlp.pipe`` over the .txt files of ``folder`` (the memory runs' baseline)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    raw_pass(texts, model, batch_size, n_process)


def memory_runs(folders, sizes, model, batches, n_process, *, raw=True) -> None:
    print(
        f"\npeak resident memory of the process tree, {n_process} process(es); the larger corpora"
        f" repeat the {sizes[0]:,}-word one, so only the size changes:"
    )
    base = build_corpus(folders, sizes[0])
    results: dict[str, dict[int, float]] = {"annotate": {}, "raw": {}}
    for words in sizes:
        corpus = grown_corpus(base, words)
        n_words = sum(len(d.text.split()) for d in corpus)
        with tempfile.TemporaryDirectory(prefix="bench-corpus-") as folder:
            for document in corpus:
                Path(folder, f"{document.id}.txt").write_text(document.text, encoding="utf-8")
            with tempfile.TemporaryDirectory(prefix="bench-store-") as cache:
                commands = {
                    "annotate": [
                        *(sys.executable, "-m", "analysis", "annotate", folder),
                        *("--cache-dir", cache, "--model", model),
                        *("--batch-size", str(batches[0]), "--batch-words", str(batches[1])),
                        *("--n-process", str(n_process)),
                    ],
                    "raw": [
                        *(sys.executable, __file__, "--raw-folder", folder, "--model", model),
                        *("--batch-size", str(batches[0]), "--processes", str(n_process)),
                    ],
                }
                for what, command in commands.items():
                    if what == "raw" and not raw:
                        continue
                    seconds, peak = peak_tree_rss(command)
                    results[what][words] = peak
                    size = f"{n_words:>10,} words  {len(corpus):>6,} documents"
                    print(f"  {what:>8}  {size}  {seconds:7.1f} s  {peak:8.0f} MiB", flush=True)
    if len(sizes) > 1:
        for what, peaks in results.items():
            if not peaks:
                continue
            print(
                f"  {what}: peak at {sizes[-1]:,} / peak at {sizes[0]:,} words = "
                f"{peaks[sizes[-1]] / peaks[sizes[0]]:.2f}"
            )


def profile(corpus, settings, batches, file: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as cache:
        profiler.start()
        engine.analyse(
            corpus, settings, batch_size=batches[0], batch_words=batches[1], cache_dir=cache
        )
        profiler.stop()
    Path(file).write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    print(f"\nprofile of one single-process annotate pass: {file}")


def print_fraction(what: str, seconds: list[float], against: tuple[str, str, list[float]]) -> None:
    """One line: the median of ``seconds`` as a fraction of the ``against`` seconds of the same
    repeats (``against``: how to name those seconds, the fraction, and the seconds)."""
    named, fraction_of, base = against
    fractions = [s / b for s, b in zip(seconds, base, strict=True)]
    print(
        f"{what}: median {statistics.median(seconds):.2f} s against "
        f"{statistics.median(base):.1f} s {named} = {statistics.median(fractions):.3f} "
        f"{fraction_of} (per repeat {', '.join(f'{f:.3f}' for f in fractions)})"
    )


class DaskTimings(NamedTuple):
    """The Dask row: seconds per repeat, and whether each pass's tables were the local
    engine's."""

    seconds: list[float]
    identical: list[bool]


def start_cluster(stack: contextlib.ExitStack, workers: int) -> str | None:
    """Start ``workers`` Dask workers and their scheduler (stopped when ``stack`` closes); the
    scheduler's address, or None for no workers."""
    return stack.enter_context(ProcessCluster(workers)).address if workers else None


def run_passes(corpus, options, batches, processes, args, scheduler):
    """Every pass, ``args.repeats`` times, the order rotated from one repeat to the next so that a
    drift in machine load hits them alike; prints each repeat's seconds."""
    texts = [d.text for d in corpus]
    raw: dict[int, list[float]] = {n: [] for n in processes}
    annotated: dict[int, list[float]] = {n: [] for n in processes}
    dask = DaskTimings([], [])
    reference: Tables | None = None  # the local engine's tables with args.dask_workers processes
    reanalysed: list[float] = []
    corpus_passes: list[float] = []
    words = 0
    if scheduler:  # warm up: every worker imports the package and loads the model, as the local
        # engine's forked workers inherit them from this process
        small = corpus[: engine.PARTITIONS_PER_WORKER * args.dask_workers]
        annotate_pass(small, options, batches, args.dask_workers, scheduler=scheduler)
    for repeat in range(args.repeats):
        for n in processes:
            passes = ["raw", "annotate"] + (
                ["dask"] if scheduler and n == args.dask_workers else []
            )
            turn = repeat % len(passes)
            for what in passes[turn:] + passes[:turn]:
                if what == "raw":
                    raw[n].append(raw_pass(texts, args.model, args.batch_size, n))
                    continue
                keep = bool(scheduler) and n == args.dask_workers
                done = annotate_pass(
                    corpus,
                    options,
                    batches,
                    n,
                    scheduler=scheduler if what == "dask" else None,
                    keep=keep and (what == "dask" or reference is None),
                )
                words = done.words
                if what == "dask":
                    dask.seconds.append(done.seconds)
                    assert reference is not None and done.tables is not None
                    dask.identical.append(same_tables(reference, done.tables))
                    continue
                annotated[n].append(done.seconds)
                if reference is None:
                    reference = done.tables
                if done.again is not None:
                    reanalysed.append(done.again)
                    corpus_passes.append(done.corpus_seconds)
            extra = (
                f", dask {dask.seconds[-1]:.1f} s" if n == args.dask_workers and scheduler else ""
            )
            print(
                f"  repeat {repeat + 1}, {n} process(es): raw {raw[n][-1]:.1f} s, "
                f"annotate {annotated[n][-1]:.1f} s{extra}",
                flush=True,
            )
    return raw, annotated, dask, reanalysed, corpus_passes, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", help="extra folders of .txt files")
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument(
        "--batch-words", type=int, default=DEFAULT_BATCH_WORDS, help="annotate only"
    )
    parser.add_argument("--processes", default="1,2", help="process counts, comma-separated")
    parser.add_argument(
        "--dask-workers",
        type=int,
        default=2,
        help="workers of the Dask row (one of --processes, whose local row it is compared with); "
        "0: no Dask row",
    )
    parser.add_argument("--no-seeds", action="store_true", help="only the texts of the folders")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--memory",
        default="",
        help="corpus sizes in words for the memory runs, e.g. 100000,1000000",
    )
    parser.add_argument("--memory-processes", type=int, default=1)
    parser.add_argument(
        "--no-raw-memory", action="store_true", help="memory runs: skip the raw nlp.pipe baseline"
    )
    parser.add_argument("--profile", default="", help="write a pyinstrument profile here")
    parser.add_argument("--raw-folder", default="", help=argparse.SUPPRESS)  # memory baseline
    args = parser.parse_args()
    processes = [int(n) for n in args.processes.split(",")]
    if args.raw_folder:
        raw_folder_pass(args.raw_folder, args.model, args.batch_size, processes[0])
        return
    if args.dask_workers and args.dask_workers not in processes:
        parser.error(f"--dask-workers {args.dask_workers} is not one of --processes")
    batches = (args.batch_size, args.batch_words)
    corpus = build_corpus(args.folders, args.words, seeds=not args.no_seeds)
    options = Settings(model=args.model)
    nlp = load_model(args.model)
    print(
        f"machine: {platform.platform()}, {psutil.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )
    print(
        f"model: {args.model}, components: {', '.join(nlp.pipe_names)}; "
        f"batches: raw {args.batch_size} documents, annotate at most {args.batch_size} documents "
        f"and {args.batch_words:,} words; {args.repeats} repeats, alternating"
    )
    with contextlib.ExitStack() as stack:
        scheduler = start_cluster(stack, args.dask_workers)
        timings = run_passes(corpus, options, batches, processes, args, scheduler)
    raw, annotated, dask, reanalysed, corpus_passes, words = timings
    print(f"\ncorpus: {len(corpus):,} documents, {words:,} words")
    print(
        f"{'processes':>9}  {'raw words/s':>12}  {'annotate words/s':>16}  "
        f"{'annotate/raw':>12}  {'speed-up':>8}"
    )
    base = statistics.median(annotated[processes[0]])
    for n in processes:
        raw_median, annotate_median = statistics.median(raw[n]), statistics.median(annotated[n])
        ratios = [r / a for r, a in zip(raw[n], annotated[n], strict=True)]
        print(
            f"{n:>9}  {words / raw_median:>12,.0f}  {words / annotate_median:>16,.0f}  "
            f"{statistics.median(ratios):>12.3f}  {base / annotate_median:>7.2f}x"
        )
    if dask.seconds:
        n = args.dask_workers
        print(
            f"{'dask ' + str(n):>9}  {'':>12}  {words / statistics.median(dask.seconds):>16,.0f}"
            f"  {'':>12}  {base / statistics.median(dask.seconds):>7.2f}x"
        )
    print(
        "(annotate/raw: median over repeats of raw seconds / annotate seconds; speed-up: "
        f"annotate throughput over annotate with {processes[0]} process)"
    )
    if dask.seconds:
        n = args.dask_workers
        ratios = [a / d for a, d in zip(annotated[n], dask.seconds, strict=True)]
        print(
            f"dask ({n} workers) / local ({n} processes), words/s: "
            f"{statistics.median(annotated[n]) / statistics.median(dask.seconds):.3f} "
            f"(medians; per repeat {', '.join(f'{r:.3f}' for r in ratios)}); tables identical "
            f"to the local engine's in {sum(dask.identical)} of {len(dask.identical)} passes"
        )
    if reanalysed:
        print_fraction(
            "re-analysis after a code change (1 process, parses cached)",
            reanalysed,
            ("cold", "of a cold run", annotated[1]),
        )
    if corpus_passes:
        print_fraction(
            "corpus pass (entities across documents, speakers, targets)",
            corpus_passes,
            ("of raw nlp.pipe", "of parsing", raw[1]),
        )
    if args.profile:
        profile(corpus, options, batches, args.profile)
    if args.memory:
        sizes = [int(s) for s in args.memory.split(",")]
        memory_runs(
            args.folders,
            sizes,
            args.model,
            batches,
            args.memory_processes,
            raw=not args.no_raw_memory,
        )


if __name__ == "__main__":
    main()
