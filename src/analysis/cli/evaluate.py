"""``analysis evaluate``: score the analyses against human annotations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import analysis.cli.options as options
from analysis.corpus import load_corpus
from analysis.errors import AnalysisError
from analysis.evaluate import (
    JACCARD_THRESHOLD,
    format_scores,
    format_sentiment_scores,
    gold_corpus,
    model_summary,
    pipeline_attributions,
    predict_attributions,
    predict_newsmtsc,
    read_newsmtsc,
    read_stance_gold,
    read_vader_nyt,
    score_attributions,
    score_newsmtsc,
    score_stance,
    score_vader_nyt,
    stance_values,
    write_newsmtsc_predictions,
    write_scores,
)
from analysis.paths import write_if_changed
from analysis.pipeline import Settings, load


def add(commands: argparse._SubParsersAction) -> None:
    """Register ``analysis evaluate attribution`` and ``analysis evaluate sentiment``."""
    tasks = options.group(
        commands,
        "evaluate",
        "Score an analysis against human annotations.",
        help="score an analysis against human annotations",
        metavar="TASK",
    )
    attribution = options.command(
        tasks,
        "attribution",
        "Extract attributions from the annotated articles and score content spans (overlap: "
        f"Jaccard >= {JACCARD_THRESHOLD}; exact: ignoring quote marks, whitespace and punctuation "
        "at the ends), source and cue, overall and for direct quotations.",
        "output",
        "model",
        "cache_dir",
        help="score attribution extraction against brat gold spans (PolNeAR)",
    )
    attribution.add_argument(
        "--brat",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder of <article>_<annotator>.ann files, or the split folder holding attributions/",
    )
    options.path(
        attribution, "--text", "folder of <article>.txt files (default: DIR/../text)", metavar="DIR"
    )
    attribution.set_defaults(run=_run_attribution)
    _add_sentiment_cli(tasks)
    _add_figures_cli(tasks)


def _add_figures_cli(tasks: argparse._SubParsersAction) -> None:
    figures = options.command(
        tasks,
        "figures",
        "Compute every accuracy figure of docs/evaluation.md (entity identity, bare surnames, "
        "attribution on PolNeAR dev and train, targeted sentiment on NewsMTSC dev and in "
        "cross-validation, VADER on the NYT snippets, document stance) and print them as the "
        "page's Markdown table; --write replaces the table in the page. Takes minutes: it "
        "parses every PolNeAR article once (cached).",
        "model",
        "cache_dir",
        help="every accuracy figure of docs/evaluation.md, as its Markdown table",
    )
    figures.add_argument(
        "--data",
        type=Path,
        required=True,
        metavar="DIR",
        help="the evaluation data: polnear/, newsmtsc/ and vader-nyt/ as ../shared/data has them",
    )
    options.path(figures, "--write", "the page whose table to replace (docs/evaluation.md)")
    figures.set_defaults(run=_run_figures)


def _run_figures(args: argparse.Namespace) -> int:
    from analysis.evaluate.figures import evaluation_figures, figures_table, replace_table

    if not args.data.is_dir():
        raise AnalysisError(f"evaluation data not found: {args.data}")
    cache_dir = args.cache_dir.absolute() if args.cache_dir else None
    table = figures_table(
        evaluation_figures(args.data.absolute(), model=args.model, cache_dir=cache_dir)
    )
    sys.stdout.write(table)
    if args.write is not None:
        page = args.write.absolute()
        try:
            text = replace_table(page.read_text(encoding="utf-8"), table)
        except (OSError, ValueError) as error:
            raise AnalysisError(f"{page}: {error}") from None
        write_if_changed(page, text)
    return 0


def _run_attribution(args: argparse.Namespace) -> int:
    # On the command line a relative path means the working directory, as in any shell tool.
    gold, documents = gold_corpus(
        args.brat.absolute(), args.text.absolute() if args.text is not None else None
    )
    settings = Settings(model=args.model)
    cache_dir = args.cache_dir.absolute() if args.cache_dir else None
    predicted, failures = predict_attributions(
        documents, lambda docs: pipeline_attributions(docs, settings, cache_dir=cache_dir)
    )
    scores = score_attributions(
        gold, predicted, texts={doc.id: doc.text for doc in documents}, failures=failures
    )
    scores = {"system": f"analysis pipeline attributions (model {args.model})", **scores}
    sys.stdout.write(format_scores(scores))
    if args.output is not None:
        write_scores(scores, args.output.absolute())
    return 0


def _add_sentiment_cli(tasks: argparse._SubParsersAction) -> None:
    sentiment = options.command(
        tasks,
        "sentiment",
        "Score targeted sentiment on a NewsMTSC file (macro-F1 and accuracy over negative, "
        "neutral and positive, against the sentence-level VADER baseline with thresholds ±0.05), "
        "and/or sentence sentiment on VADER's NYT snippets (Pearson r of VADER's compound score "
        "with the mean human rating).",
        "output",
        "model",
        help="score sentiment against human judgements (NewsMTSC targets, VADER NYT snippets)",
    )
    sentiment.add_argument(
        "--newsmtsc",
        type=Path,
        action="append",
        metavar="FILE",
        help="a NewsMTSC .jsonl file; repeat it to score several splits in one run",
    )
    options.path(
        sentiment,
        "--vader-nyt",
        "nytEditorialSnippets_GroundTruth.txt (id, mean rating, text; tab-separated)",
    )
    sentiment.add_argument(
        "--method",
        choices=("model", "lexicon"),
        default="model",
        help="targeted method: the trained model (default) or the syntax-scoped lexicon",
    )
    options.path(
        sentiment,
        "--predictions",
        "write one JSON line per NewsMTSC target: primary_gid, from, to, polarity (-1/0/1)",
    )
    options.path(
        sentiment,
        "--stance",
        "a document-level gold (doc_id, start, end, label: the author's stance toward the entity "
        "mentioned at start-end); needs --texts",
    )
    options.path(sentiment, "--texts", "the folder of the --stance documents' .txt files")
    sentiment.set_defaults(run=_run_sentiment)


def _run_sentiment(args: argparse.Namespace) -> int:
    if args.newsmtsc is None and args.vader_nyt is None and args.stance is None:
        raise AnalysisError("give --newsmtsc FILE, --vader-nyt FILE, --stance FILE or several")
    if (args.stance is None) != (args.texts is None):
        raise AnalysisError("--stance and --texts go together")
    if args.predictions is not None and len(args.newsmtsc or ()) != 1:
        raise AnalysisError("--predictions needs one --newsmtsc file")
    scores: dict[str, object] = {}
    if args.method == "model" and (args.newsmtsc or args.stance is not None):
        scores["model"] = model_summary()
    results = []
    for file in args.newsmtsc or ():
        targets = read_newsmtsc(file.absolute())
        predictions = predict_newsmtsc(targets, method=args.method, model=args.model)
        results.append({"file": file.name, "method": args.method, **score_newsmtsc(predictions)})
        if args.predictions is not None:
            write_newsmtsc_predictions(predictions, args.predictions.absolute())
    if results:
        scores["newsmtsc"] = results
    if args.vader_nyt is not None:
        snippets = read_vader_nyt(args.vader_nyt.absolute())
        scores["vader_nyt"] = {"file": args.vader_nyt.name, **score_vader_nyt(snippets)}
    if args.stance is not None:
        gold = read_stance_gold(args.stance.absolute())
        documents = [d for d in load_corpus(args.texts.absolute()) if d.id in set(gold["doc_id"])]
        tables = load(
            documents,
            Settings(model=args.model),
            only=["entity_mentions", "mention_sentiment", "sentences"],
        )
        values = stance_values(
            gold, tables.entity_mentions, tables.mention_sentiment, tables.sentences
        )
        scores["stance"] = {"file": args.stance.name, **score_stance(values)}
    sys.stdout.write(format_sentiment_scores(scores))
    if args.output is not None:
        write_scores(scores, args.output.absolute())
    return 0
