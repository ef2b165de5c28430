"""What attribution and targeted sentiment add to the cost of parsing: median times over
alternating repeats.

Builds a corpus of at least ``--words`` words from the seeds (and any extra folders of .txt files,
e.g. PolNeAR's text/), parses it with ``nlp.pipe`` (one process, the model's full pipeline, as
:func:`analysis.parsing.parse` does), then runs on the same ``Doc`` objects what attribution adds:
the sentence and mention rows (:func:`analysis.parsing.doc_tables`), entity resolution for
speakers (:func:`analysis.entities.resolve_document`) and the extractor
(:func:`analysis.attribution.extract`). Parse and attribution passes alternate, ``--repeats``
times; then targeted sentiment (:func:`analysis.sentiment.targeted_rows`: the trained model, on
every entity mention, voices from the attribution pass) on the same ``Doc`` objects; the medians
and their ratios to parsing are printed.

    .venv/bin/python scripts/bench/bench_analyses.py --words 100000 \\
        ../shared/data/polnear/train/text
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from analysis.attribution import extract, load_cues
from analysis.corpus import Document, load_corpus
from analysis.entities import Knowledge, resolve_document
from analysis.parsing import doc_tables, load_model
from analysis.sentiment import content_voices, load_sentiment_model, targeted_rows, vader_scores


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


def attribution_pass(corpus, docs, knowledge, cues) -> list:
    """Attribution rows and resolved mentions of every document (what sentiment reads)."""
    results = []
    for document, doc in zip(corpus, docs, strict=True):
        sentences, mentions = doc_tables(document, doc)
        resolved = resolve_document(document, sentences, mentions, knowledge=knowledge)
        rows, _ = extract(doc, document.id, resolved, cues=cues)
        results.append((resolved, rows))
    return results


def sentiment_pass(corpus, docs, results) -> None:
    for document, doc, (resolved, rows) in zip(corpus, docs, results, strict=True):
        targeted_rows(doc, document.id, resolved, content_voices(rows), method="model")


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
    load_sentiment_model()
    parse_times, attribution_times, sentiment_times = [], [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=args.batch_size))
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        results = attribution_pass(corpus, docs, knowledge, cues)
        attribution_times.append(time.perf_counter() - start)
        vader_scores.cache_clear()  # VADER is cached per text: start each pass cold
        start = time.perf_counter()
        sentiment_pass(corpus, docs, results)
        sentiment_times.append(time.perf_counter() - start)
        del docs, results
    n_words = sum(len(t.split()) for t in texts)
    parse, attribution = statistics.median(parse_times), statistics.median(attribution_times)
    print(f"corpus: {len(corpus)} documents, {n_words:,} words; {args.repeats} repeats")
    print(f"parse (nlp.pipe) median {parse:.2f} s  ({n_words / parse:,.0f} words/s)")
    print(f"attribution      median {attribution:.2f} s")
    print(f"attribution / parse = {attribution / parse:.3f}")
    sentiment = statistics.median(sentiment_times)
    print(f"targeted sentiment median {sentiment:.2f} s")
    print(f"targeted sentiment / parse = {sentiment / parse:.3f}")


if __name__ == "__main__":
    main()
