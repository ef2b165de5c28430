"""What attribution adds to the cost of parsing: median times over alternating repeats.

Builds a corpus of at least ``--words`` words from the seeds (and any extra folders of .txt files,
e.g. PolNeAR's text/), parses it with ``nlp.pipe`` (one process, the model's full pipeline, as
``analysis.annotate`` does), then runs on the same ``Doc`` objects what attribution adds: the
sentence and mention tables, entity resolution for speakers and the extractor. Parse and
attribution passes alternate, ``--repeats`` times; the medians and their ratio are printed.

    .venv/bin/python scripts/bench_attribution.py --words 100000 ../shared/data/polnear/dev/text
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from analysis.annotate import load_model
from analysis.attribution import attribute_document, load_cues
from analysis.corpus import Document, load_corpus
from analysis.entities import Knowledge


def build_corpus(folders: list[str], words: int) -> list[Document]:
    warnings.simplefilter("ignore")
    pool = load_corpus()
    for folder in folders:
        pool += load_corpus(folder)
    corpus, total, round_ = [], 0, 0
    while total < words:
        for document in pool:
            # Each copy gets a unique id; the text is the same, so parse cost is comparable.
            corpus.append(document._replace(id=f"{document.id}-{round_}"))
            total += len(document.text.split())
            if total >= words:
                break
        round_ += 1
    return corpus


def attribution_pass(corpus, docs, knowledge, cues) -> None:
    for document, doc in zip(corpus, docs, strict=True):
        attribute_document(document, doc, knowledge=knowledge, cues=cues)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", help="extra folders of .txt files")
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    corpus = build_corpus(args.folders, args.words)
    nlp = load_model()
    knowledge, cues = Knowledge.load(), load_cues()
    texts = [d.text for d in corpus]
    parse_times, attribution_times = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=args.batch_size))
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        attribution_pass(corpus, docs, knowledge, cues)
        attribution_times.append(time.perf_counter() - start)
        del docs
    n_words = sum(len(t.split()) for t in texts)
    parse, attribution = statistics.median(parse_times), statistics.median(attribution_times)
    print(f"corpus: {len(corpus)} documents, {n_words:,} words; {args.repeats} repeats")
    print(f"parse (nlp.pipe) median {parse:.2f} s  ({n_words / parse:,.0f} words/s)")
    print(f"attribution      median {attribution:.2f} s")
    print(f"attribution / parse = {attribution / parse:.3f}")


if __name__ == "__main__":
    main()
