"""Every accuracy figure of ``docs/evaluation.md``, computed from the evaluation data.

``analysis evaluate figures --data DIR`` runs each evaluation the way its own command does (the
pipeline users run, the gold files in ``tests/data/``) and writes the table of
``docs/evaluation.md`` between its two markers (``--write``), so the page cannot drift from the
code: ``tests/test_docs.py`` computes the table again and compares. ``DIR`` holds PolNeAR,
NewsMTSC's dev splits and VADER's NYT snippets as ``../shared/data`` lays them out.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.corpus import load_corpus
from analysis.evaluate.attributions import (
    pipeline_attributions,
    predict_attributions,
    score_attributions,
)
from analysis.evaluate.brat import gold_corpus
from analysis.evaluate.names import read_name_gold, score_entity_sample, score_names
from analysis.evaluate.sentiment import (
    model_summary,
    predict_newsmtsc,
    read_newsmtsc,
    read_vader_nyt,
    score_newsmtsc,
    score_vader_nyt,
)
from analysis.evaluate.stance import (
    VADER_DOCUMENT,
    VADER_ENTITY,
    read_stance_gold,
    score_stance,
    stance_values,
)
from analysis.pipeline import Settings, load

#: The lines around the generated table in ``docs/evaluation.md``.
BEGIN = "<!-- figures: written by `analysis evaluate figures --data DIR --write FILE` -->"
END = "<!-- end of figures -->"
#: Columns of the table.
COLUMNS = ("analysis", "data", "measure", "figure", "baseline", "command", "details")
GOLD = paths.PROJECT_ROOT / "tests" / "data"
#: The targeted author-voice aggregate the stance figure reports.
AUTHOR_VOICE = "targeted author-voice mean"
#: textacy 0.13.0's ``direct_quotations`` on PolNeAR dev
#: (``scripts/experiments/textacy_baseline.py``: textacy is not a dependency, so its figure is
#: recorded here, not recomputed).
TEXTACY_DEV = "textacy `direct_quotations` 0.202 / 0.835"


@dataclass(frozen=True)
class Figure:
    """One row of the table: what was measured, on what, the figure and how to rerun it."""

    analysis: str
    data: str
    measure: str
    figure: str
    baseline: str
    command: str
    details: str


def _f(value: object) -> str:
    return f"{float(value):.3f}"  # type: ignore[arg-type]


def entity_figures(data: Path, *, settings: Settings, cache_dir: Path | None) -> list[Figure]:
    """The random sample of name mentions and the bare-surname gold."""
    polnear = data / "polnear"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PolNeAR's text folders have no metadata.csv
        train = load_corpus(polnear / "train" / "text")
        dev = load_corpus(polnear / "dev" / "text")
    both = load([*train, *dev], settings, cache_dir=cache_dir, only=["entity_mentions"])
    sample = score_entity_sample(
        read_name_gold(GOLD / "entity_sample_gold.csv"), both.name_mentions()
    )
    dev_tables = load(dev, settings, cache_dir=cache_dir, only=["entity_mentions"])
    surnames = score_names(read_name_gold(GOLD / "surname_gold.csv"), dev_tables.entity_mentions)
    n, right = sample["mentions"], sample["correct"]
    return [
        Figure(
            "entity identity",
            f"{n} random name mentions of PolNeAR train+dev, each read in its article "
            "(`tests/data/entity_sample_gold.csv`)",
            "share counted under the right entity",
            f"{_f(sample['accuracy'])} ({right}/{n})",
            "—",
            "`pytest tests/test_identity.py -k sample`",
            "[entities](entities.md#how-right-the-entities-are)",
        ),
        Figure(
            "bare surnames",
            f"{surnames['mentions']} bare surnames in 31 PolNeAR dev articles "
            "(`tests/data/surname_gold.csv`)",
            "resolved to the right person",
            f"{_f(surnames['accuracy'])} ({surnames['correct']}/{surnames['mentions']})",
            "0.099 before the corpus pass",
            "`pytest tests/test_identity.py -k surnames`",
            "[entities](entities.md)",
        ),
    ]


def attribution_figures(data: Path, *, settings: Settings, cache_dir: Path | None) -> list[Figure]:
    """Content overlap F1 and source accuracy on PolNeAR dev and train."""
    found = []
    for split, baseline, note in [
        ("dev", TEXTACY_DEV, ""),
        ("train", "—", ", not developed on"),
    ]:
        gold, documents = gold_corpus(data / "polnear" / split)
        predicted, failures = predict_attributions(
            documents, lambda docs: pipeline_attributions(docs, settings, cache_dir=cache_dir)
        )
        texts = {doc.id: doc.text for doc in documents}
        scores: dict[str, Any] = score_attributions(gold, predicted, texts=texts, failures=failures)
        overall = scores["overall"]
        f1, source = overall["overlap"]["f1"], overall["source"]["overlap"]["accuracy"]
        found.append(
            Figure(
                "attribution",
                f"PolNeAR {split}, {overall['overlap']['n_gold']:,} attributions{note}",
                "content overlap F1 / source accuracy",
                f"{_f(f1)} / {_f(source)}",
                baseline,
                f"`analysis evaluate attribution --brat ../shared/data/polnear/{split}`",
                "[attribution](attribution.md#measured-on-polnear)",
            )
        )
    return found


def sentiment_figures(data: Path, *, settings: Settings, cache_dir: Path | None) -> list[Figure]:
    """Targeted sentiment on NewsMTSC's dev splits and in cross-validation, VADER on the NYT
    snippets, and the document stance gold."""
    details = "[sentiment](sentiment.md#the-model-and-how-it-was-measured)"
    splits: dict[str, dict[str, Any]] = {}
    for split in ("rw-dev", "mt-dev"):
        targets = read_newsmtsc(data / "newsmtsc" / f"{split}.jsonl")
        splits[split] = score_newsmtsc(predict_newsmtsc(targets, model=settings.model))
    rw, mt = splits["rw-dev"], splits["mt-dev"]
    nyt: dict[str, Any] = score_vader_nyt(
        read_vader_nyt(data / "vader-nyt" / "nytEditorialSnippets_GroundTruth.txt")
    )
    gold = read_stance_gold(GOLD / "stance_gold.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(data / "polnear" / "dev" / "text")
    documents = [d for d in texts if d.id in set(gold["doc_id"])]
    tables = load(
        documents,
        settings,
        cache_dir=cache_dir,
        only=["entity_mentions", "mention_sentiment", "sentences"],
    )
    values = stance_values(gold, tables.entity_mentions, tables.mention_sentiment, tables.sentences)
    systems: dict[str, Any] = score_stance(values)["systems"]  # type: ignore[assignment]
    best_vader = max(systems[VADER_ENTITY]["macro_f1"], systems[VADER_DOCUMENT]["macro_f1"])
    cv = model_summary()["cv_macro_f1"]
    return [
        Figure(
            "targeted sentiment",
            f"NewsMTSC rw-dev ({rw['targets']} targets) / mt-dev ({mt['targets']})",
            "macro-F1 (accuracy)",
            f"{_f(rw['targeted']['macro_f1'])} ({_f(rw['targeted']['accuracy'])}) / "
            f"{_f(mt['targeted']['macro_f1'])} ({_f(mt['targeted']['accuracy'])})",
            f"sentence VADER {_f(rw['baseline']['macro_f1'])} ({_f(rw['baseline']['accuracy'])}) / "
            f"{_f(mt['baseline']['macro_f1'])} ({_f(mt['baseline']['accuracy'])})",
            "`analysis evaluate sentiment --newsmtsc ...`",
            details,
        ),
        Figure(
            "targeted sentiment",
            "NewsMTSC train, 5-fold grouped cross-validation (recorded in the model file)",
            "macro-F1",
            f"{cv:.4f}",
            "—",
            "`scripts/train_sentiment.py`",
            details,
        ),
        Figure(
            "sentence sentiment",
            f"VADER's {nyt['snippets']:,} NYT editorial snippets",
            "Pearson r with the human mean",
            _f(nyt["pearson_r"]),
            "VADER paper 0.49",
            "`analysis evaluate sentiment --vader-nyt ...`",
            details,
        ),
        Figure(
            "document stance",
            f"{len(values)} PolNeAR dev documents (`tests/data/stance_gold.csv`)",
            "macro-F1 of the author-voice mean, neutral band cross-validated",
            _f(systems[AUTHOR_VOICE]["macro_f1"]),
            f"better VADER {_f(best_vader)}",
            "`analysis evaluate sentiment --stance tests/data/stance_gold.csv --texts ...`",
            "[sentiment](sentiment.md#which-figure-to-read-per-document-measured-against-the-authors-stance)",
        ),
    ]


#: The figures, in the table's order.
SECTIONS: tuple[Callable[..., list[Figure]], ...] = (
    entity_figures,
    attribution_figures,
    sentiment_figures,
)


def evaluation_figures(
    data: str | os.PathLike[str], *, model: str | None = None, cache_dir: Path | None = None
) -> list[Figure]:
    """Every figure, computed from the evaluation data in ``data``."""
    settings = Settings(model=model) if model else Settings()
    folder = Path(data)
    return [
        f for section in SECTIONS for f in section(folder, settings=settings, cache_dir=cache_dir)
    ]


def figures_table(figures: list[Figure]) -> str:
    """The figures as a Markdown table, between :data:`BEGIN` and :data:`END`."""
    lines = [BEGIN, "| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for f in figures:
        cells = (f.analysis, f.data, f.measure, f.figure, f.baseline, f.command, f.details)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, END]) + "\n"


def written_table(text: str, begin: str = BEGIN, end: str = END) -> str:
    """The block between ``begin`` and ``end`` (:data:`BEGIN` and :data:`END`) in a page,
    markers included ("" when the page has none)."""
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        return ""
    return text[start : stop + len(end)] + "\n"


def replace_table(text: str, table: str, begin: str = BEGIN, end: str = END) -> str:
    """``text`` with its block (between ``begin`` and ``end``) replaced by ``table``.

    Raises:
        ValueError: the page has no block.
    """
    old = written_table(text, begin, end)
    if not old:
        raise ValueError(f"no block between {begin!r} and {end!r}")
    return text.replace(old, table, 1)
