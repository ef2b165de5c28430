"""Time the corpus identity pass (:func:`analysis.identity.resolve_corpus`) as a notebook kernel
pays it: once, in a fresh process, on the stored per-document mentions of the first ``--words``
words of the given folders (files in sorted order). Prints one line: words, documents, mentions,
seconds of wall time and of the process's CPU time (steadier on a shared machine).

Compare two versions by running it on each checkout in turn, alternating, and taking medians:

    for i in 1 2 3 4 5; do
      PYTHONPATH=old/src python scripts/bench/bench_identity.py FOLDER
      PYTHONPATH=src python scripts/bench/bench_identity.py FOLDER
    done

The folders must have been annotated by the checkout that is timed (``analysis annotate``), or
the first run analyses them.
"""

from __future__ import annotations

import argparse
import time
import warnings

from analysis.corpus import load_corpus
from analysis.identity import resolve_corpus
from analysis.pipeline import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--words", type=int, default=200_000)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # folders without metadata.csv
        documents = [d for folder in args.folders for d in load_corpus(folder)]
    documents.sort(key=lambda d: d.id)
    kept, words = [], 0
    for document in documents:
        if words >= args.words:
            break
        kept.append(document)
        words += len(document.text.split())
    tables = load(kept, only=["entity_mentions"], corpus_pass=False)
    start, cpu = time.perf_counter(), time.process_time()
    resolve_corpus(tables.entity_mentions, tables.texts)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    mentions = len(tables.entity_mentions)
    print(f"{words} words, {len(kept)} documents, {mentions} mentions: ", end="")
    print(f"{seconds:.3f} s, cpu {cpu:.3f} s")


if __name__ == "__main__":
    main()
