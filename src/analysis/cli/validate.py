"""``analysis validate``: label a random sample of your corpus and get estimates that hold.

``sample`` draws the units to label into a sheet (a CSV with an empty ``label`` column);
``estimate`` reads the labelled sheet and prints, per group, the model's mean, the
prediction-powered estimate with its interval and the labels-only one, the differences between
groups, and how well the model agrees with the labels (docs/validation.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

import analysis.cli.options as options
from analysis.errors import GoldFileError


def add(commands: argparse._SubParsersAction) -> None:
    """Register ``analysis validate sample`` and ``analysis validate estimate``."""
    tasks = options.group(
        commands,
        "validate",
        "Label a random sample of the corpus and get estimates that account for the model's "
        "disagreement with the labels.",
        help="label a sample, get estimates with intervals that hold",
        metavar="STEP",
    )
    sample = options.command(
        tasks,
        "sample",
        "Draw a reproducible random sample of units to label (--n per group of --by; every unit "
        "of a smaller group) and write the labelling sheet, a CSV with an empty label column, "
        "and its record FILE.json (corpus hash, task, entity, grouping, seed). A sheet that "
        "exists keeps its units and labels: a larger --n adds units to it.",
        *options.ANALYSIS_OPTIONS,
        help="draw the units to label into a sheet",
    )
    _task_options(sample)
    sample.add_argument("--n", type=int, default=12, help="units per group (12)")
    sample.add_argument("--seed", type=int, default=0, help="seeds the draw (0)")
    sample.add_argument("--out", type=Path, required=True, metavar="FILE", help="the sheet")
    sample.set_defaults(run=_run_sample)
    estimate = options.command(
        tasks,
        "estimate",
        "Per group: units, labelled units, the model's mean, the prediction-powered estimate "
        "of the mean label with its interval (estimate, low, high), the labels-only mean with "
        "its own, and lam (the weight the predictions got); then each difference of two groups; "
        "then the model's agreement with the labels (Pearson r, bootstrap interval).",
        *options.ANALYSIS_OPTIONS,
        "format",
        help="estimates per group from a labelled sheet",
    )
    _task_options(estimate)
    estimate.add_argument("--labels", type=Path, required=True, metavar="FILE", help="the sheet")
    estimate.add_argument("--level", type=float, default=0.95, help="confidence level (0.95)")
    estimate.set_defaults(run=_run_estimate)


def _task_options(parser: argparse.ArgumentParser) -> None:
    from analysis.validate.sheet import TASKS

    parser.add_argument(
        "--task",
        choices=TASKS,
        default="stance",
        help="what is labelled: the author's stance toward the entity per document (default), "
        "the sentiment toward each of its mentions, or whether each attribution is right",
    )
    parser.add_argument(
        "--entity",
        default="",
        help="the canonical entity (stance, sentiment: required; attribution: the speaker, "
        "or every attribution)",
    )
    parser.add_argument("--by", metavar="COLUMN", help="a metadata column to group by (outlet)")


def _units(args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    from analysis.corpus import corpus_hash
    from analysis.validate.sheet import TASK_TABLES, task_units

    if args.task != "attribution" and not args.entity:
        raise GoldFileError(f"--task {args.task} needs --entity")
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents, only=list(TASK_TABLES[args.task]))
    return task_units(tables, args.task, args.entity, args.by), corpus_hash(documents)


def _run_sample(args: argparse.Namespace) -> int:
    from analysis.validate.sheet import check_units, read_sheet, sample, write_sheet

    if args.n < 1:
        raise GoldFileError(f"--n {args.n}: at least one unit per group")
    units, corpus = _units(args)
    out = args.out.absolute()
    existing = read_sheet(out, args.task, corpus) if out.exists() else None
    if existing is not None:
        check_units(units, existing)
    sheet = sample(units, args.n, args.seed, existing)
    record = {"corpus": corpus, "task": args.task, "entity": args.entity, "by": args.by}
    record |= {"seed": args.seed, "n": args.n}
    write_sheet(out, sheet, record)
    labelled = int((sheet["label"].str.strip() != "").sum())
    print(f"{out}: {len(sheet)} units ({labelled} labelled) of {len(units)}")
    return 0


def _run_estimate(args: argparse.Namespace) -> int:
    from analysis.validate.sheet import agreement, estimates, read_sheet

    if not 0 < args.level < 1:
        raise GoldFileError(f"--level {args.level} is not between 0 and 1")
    units, corpus = _units(args)
    sheet = read_sheet(args.labels.absolute(), args.task, corpus)
    groups, pairs = estimates(units, sheet, level=args.level)
    agree = agreement(units, sheet)
    if args.format in ("json", "jsonl"):
        records = [
            *json.loads(groups.to_json(orient="records")),
            *json.loads(pairs.to_json(orient="records")),
            {"agreement": agree},
        ]
        options.write_table(groups, args.format, records=records)
        return 0
    options.write_table(groups.round(4), args.format)
    if len(pairs):
        print()
        options.write_table(pairs.round(4), args.format)
    if args.format == "table":
        print()
        r = (
            "not computable"
            if agree["r"] is None
            else (f"{agree['r']:.3f} [{agree['r_low']:.3f}, {agree['r_high']:.3f}]")
        )
        print(f"agreement with {agree['labelled']} labels: Pearson r {r}")
        for name in ("accuracy", "macro_f1"):
            if agree.get(name) is not None:
                low, high = agree[f"{name}_low"], agree[f"{name}_high"]
                print(f"  {name} {agree[name]:.3f} [{low:.3f}, {high:.3f}]")
        if agree["coders_alpha"] is not None:
            print(f"two coders: Krippendorff's alpha (ordinal) {agree['coders_alpha']:.3f}")
    return 0
