"""``analysis annotate``: parse and analyse a corpus into the table store (resumable).

Parse every document not yet in the store and run every analysis on it (sentences and VADER
scores, entity mentions, attributions, targeted sentiment, words), writing Parquet partitions that
the notebooks and commands read. An interrupted run resumes: documents already analysed are not
parsed again, and after a change to the analysis code or data files the cached parses are
analysed again without parsing.
"""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

import analysis.cli.options as options
from analysis import paths
from analysis.pipeline import DEFAULT_BATCH_WORDS, ENGINES, analyse, pending
from analysis.pipeline.store import root
from analysis.schema import DEFAULT_BATCH_SIZE


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "annotate", __doc__, *options.ANALYSIS_OPTIONS)
    parser.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="most documents per batch"
    )
    parser.add_argument(
        "--batch-words",
        type=int,
        default=DEFAULT_BATCH_WORDS,
        help="most words per batch, which bounds memory (a longer document is parsed alone)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="local: processes on this machine (--n-process); dask: a Dask cluster (default local)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running dask.distributed scheduler (tcp://host:8786); default: a LocalCluster",
    )
    parser.add_argument("--cues", default=None, help="a CSV of attribution cue lemmas")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Analyse what is not in the store yet and say what was done."""
    documents = options.load_documents(args)
    settings = options.settings(args)
    cache_root = args.cache_dir.absolute() if args.cache_dir else paths.cache_dir()
    todo, _ = pending(documents, settings, cache_dir=cache_root)
    with tqdm(total=len(todo), unit="doc", disable=len(todo) < 50, file=sys.stderr) as bar:
        result = analyse(
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
    rate = f", {result.words / result.seconds:,.0f} words/s" if result.analysed else ""
    plural = "s" if result.documents != 1 else ""
    sys.stdout.write(
        f"{result.documents} document{plural}: {result.analysed} analysed ({result.words:,} "
        f"words, {result.partitions} partitions; {result.parsed} parsed, the rest from the parse "
        f"cache), {result.cached} read from the store ({root(settings, cache_root)}) in "
        f"{result.seconds:.1f} s{rate}\n"
    )
    return 0
