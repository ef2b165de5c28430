"""Error analysis of attribution against PolNeAR: the gold attributions the pipeline misses and
the predictions no gold matches, classified by construction, on a seeded random sample.

A miss is a gold attribution that no prediction matches (content Jaccard >= 0.5, one-to-one, as
``analysis evaluate attribution`` counts); a false positive is a prediction that matches no gold.
Each is put in the first class whose rule holds, read off the gold (or predicted) cue in the
parse:

    boundary            a prediction overlaps the gold content (Jaccard > 0.2) but not enough
    no cue              the gold attribution has no cue
    according to        the cue holds "according"
    colon or dash       the cue is a colon or a dash (transcripts, headlines, captions)
    several sentences   the gold content spans more than one sentence
    cue noun            the cue's head is a noun ("his claim that", "criticism of")
    preposition         the cue's head is a preposition ("in a poll", "by one estimate")
    copula or adjective "is against", "it is unclear whether", "seems"
    cue after content   the cue comes after the start of the content (passives, "X, he said")
    listed cue verb     a verb in the cue list: the parse, the source or the boundary failed
    verb not listed     a verb not in the cue list (stance and action verbs: "endorsed",
                        "blocked", "has complimented")

    .venv/bin/python scripts/experiments/attribution_errors.py ../shared/data/polnear/dev \\
        --save sample.json
    .venv/bin/python scripts/experiments/attribution_errors.py ../shared/data/polnear/dev \\
        --sample sample.json

``--save`` writes the sampled misses and false positives (document ids, offsets and classes; no
text); ``--sample`` reads such a file, made by another version of the code, and says for each
class how many of those misses are now found and how many of those false positives are gone.
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from analysis.attribution import load_cues
from analysis.corpus import text_hash
from analysis.evaluate import attributions as scorer
from analysis.evaluate.brat import gold_corpus
from analysis.evaluate.spans import read_span, span_characters
from analysis.parsing import ParseCache, load_model, parse
from analysis.pipeline import load

MISS_CLASSES = [
    "boundary",
    "no cue",
    "according to",
    "colon or dash",
    "several sentences",
    "cue noun",
    "preposition",
    "copula or adjective",
    "cue after content",
    "listed cue verb",
    "verb not listed",
]


def _items(frame: pd.DataFrame) -> list[dict]:
    return [
        {
            "doc_id": row.doc_id,
            "content": read_span(row.content),
            "cue": read_span(row.cue),
            "chars": span_characters(read_span(row.content)),
            "construction": getattr(row, "construction", ""),
        }
        for row in frame.itertuples(index=False)
    ]


def _match(
    gold: list[dict], predicted: list[dict], texts: dict[str, str], tables: tuple
) -> tuple[set[int], set[int]]:
    """Indices of matched gold and predicted items, matched as ``analysis evaluate attribution``
    matches them (:func:`analysis.evaluate.attributions._match`: greedy by Jaccard, one-to-one,
    per document)."""
    gold_items = scorer._items(tables[0], texts, table="gold")
    predicted_items = scorer._items(tables[1], texts, table="predicted")
    position = {id(item): k for k, item in enumerate(gold_items)}
    position.update({id(item): k for k, item in enumerate(predicted_items)})
    matched_gold: set[int] = set()
    matched_predicted: set[int] = set()
    by_doc = scorer._by_document
    predicted_by_doc = by_doc(predicted_items)
    for doc_id, doc_gold in by_doc(gold_items).items():
        pairs = scorer._match(
            doc_gold,
            predicted_by_doc.get(doc_id, []),
            lambda g, p: scorer._jaccard(g.content, p.content),
            scorer.JACCARD_THRESHOLD,
        )
        for g, p in pairs:
            matched_gold.add(position[id(g)])
            matched_predicted.add(position[id(p)])
    return matched_gold, matched_predicted


def classify_miss(item: dict, doc, text: str, others: list[dict], cues) -> str:
    best = max((scorer._jaccard(item["chars"], p["chars"]) for p in others), default=0.0)
    if best > 0.2:
        return "boundary"
    if not item["cue"]:
        return "no cue"
    cue_text = " ".join(text[s:e] for s, e in item["cue"]).lower()
    cue = doc.char_span(item["cue"][0][0], item["cue"][-1][1], alignment_mode="expand")
    content = doc.char_span(item["content"][0][0], item["content"][-1][1], alignment_mode="expand")
    root = cue.root
    if "according" in cue_text:
        return "according to"
    if root.pos_ == "PUNCT" or cue_text.strip() in {":", "―", "—", "-", "--"}:
        return "colon or dash"
    if len({t.sent.start for t in content}) > 1:
        return "several sentences"
    if root.pos_ in {"NOUN", "PROPN"}:
        return "cue noun"
    if root.pos_ == "ADP":
        return "preposition"
    if root.lemma_.lower() in {"be", "seem", "appear"} or root.pos_ in {"AUX", "ADJ"}:
        return "copula or adjective"
    if cue[0].i > content[0].i:
        return "cue after content"
    if root.lemma_.lower() in cues:
        return "listed cue verb"
    return "verb not listed"


def classify_false_positive(item: dict, gold: list[dict], matched_gold: set[int]) -> str:
    overlapping = [
        i
        for i, g in enumerate(gold)
        if g["doc_id"] == item["doc_id"] and g["chars"] & item["chars"]
    ]
    if not overlapping:
        return f"{item['construction'] or 'prediction'}: no gold attribution there"
    if any(i in matched_gold for i in overlapping):
        return f"{item['construction'] or 'prediction'}: overlaps a gold matched by another row"
    return f"{item['construction'] or 'prediction'}: boundary (overlaps an unmatched gold)"


def _key(item: dict) -> str:
    return json.dumps([item["doc_id"], item["content"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brat", help="a PolNeAR split folder (attributions/ and text/)")
    parser.add_argument("--misses", type=int, default=200, help="misses to sample")
    parser.add_argument("--false-positives", type=int, default=100)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save", type=Path, help="write the sample (ids, offsets, classes)")
    parser.add_argument("--sample", type=Path, help="a sample written by --save, to follow up")
    args = parser.parse_args()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gold_table, documents = gold_corpus(Path(args.brat).absolute())
    predicted_table = load(documents, only=["attributions"]).attributions
    texts = {d.id: d.text for d in documents}
    nlp = load_model()
    docs = {
        d.id: p.doc
        for d, p in zip(
            documents,
            parse(nlp, [(text_hash(d.text), d.text) for d in documents], cache=ParseCache.of()),
            strict=True,
        )
    }
    gold, predicted = _items(gold_table), _items(predicted_table)
    matched_gold, matched_predicted = _match(gold, predicted, texts, (gold_table, predicted_table))
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in predicted:
        by_doc[p["doc_id"]].append(p)
    cues = load_cues()

    if args.sample is not None:
        sample = json.loads(args.sample.read_text(encoding="utf-8"))
        found = {_key(g) for i, g in enumerate(gold) if i in matched_gold}
        kept = {_key(p) for i, p in enumerate(predicted) if i not in matched_predicted}
        rows = []
        for entry in sample["misses"]:
            rows.append(("miss", entry["class"], _key(entry) in found))
        for entry in sample["false_positives"]:
            rows.append(("false positive", entry["class"], _key(entry) not in kept))
        table = pd.DataFrame(rows, columns=["side", "class", "fixed"])
        summary = table.groupby(["side", "class"])["fixed"].agg(["size", "sum"])
        summary.columns = ["sampled", "fixed now"]
        print(summary.sort_values("sampled", ascending=False).to_string())
        return

    misses = [g for i, g in enumerate(gold) if i not in matched_gold]
    false_positives = [p for i, p in enumerate(predicted) if i not in matched_predicted]
    rng = random.Random(args.seed)
    miss_sample = rng.sample(misses, min(args.misses, len(misses)))
    fp_sample = rng.sample(false_positives, min(args.false_positives, len(false_positives)))
    miss_classes = [
        classify_miss(g, docs[g["doc_id"]], texts[g["doc_id"]], by_doc[g["doc_id"]], cues)
        for g in miss_sample
    ]
    fp_classes = [classify_false_positive(p, gold, matched_gold) for p in fp_sample]
    print(f"gold {len(gold)}, predicted {len(predicted)}, matched {len(matched_gold)}")
    for side, classes, total in (
        ("misses", miss_classes, len(misses)),
        ("false positives", fp_classes, len(false_positives)),
    ):
        counts = Counter(classes)
        print(f"\n{side}: {len(classes)} sampled of {total}")
        for name, n in counts.most_common():
            print(f"  {name:60s} {n:4d}  {n / len(classes):.3f}")
    if args.save is not None:
        sample = {
            "misses": [
                {"doc_id": g["doc_id"], "content": g["content"], "class": c}
                for g, c in zip(miss_sample, miss_classes, strict=True)
            ],
            "false_positives": [
                {"doc_id": p["doc_id"], "content": p["content"], "class": c}
                for p, c in zip(fp_sample, fp_classes, strict=True)
            ],
        }
        args.save.write_text(json.dumps(sample, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
