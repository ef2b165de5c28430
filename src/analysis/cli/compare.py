"""``analysis compare``: compare outlets, documents, entity groups or voices.

Compare groups of a corpus: entity shares per 1,000 words, distinctive words (log-odds with an
informative Dirichlet prior), targeted sentiment with bootstrap intervals, and who is quoted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

import analysis.cli.options as options
from analysis.compare import MEASURES, compare
from analysis.errors import AnalysisError

_MEASURE_CHOICES = (*MEASURES, "attribution")


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "compare", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument(
        "--by",
        required=True,
        metavar="GROUPING",
        help=(
            "a metadata COLUMN (outlet, author; date:month, date:year or date:day buckets ISO "
            "dates), document, groups (the packaged entity groups), groups:FILE (CSV group,entity "
            "or YAML), or voice (the author's own text against quoted and reported content)"
        ),
    )
    parser.add_argument(
        "--measure",
        action="append",
        choices=_MEASURE_CHOICES,
        help="the table to print (repeatable; attribution = speakers and kinds; default: all)",
    )
    parser.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="at most N rows per group in each table (0: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the comparison's tables."""
    measures: list[str] = []
    for measure in args.measure or MEASURES:
        for name in ("speakers", "kinds") if measure == "attribution" else (measure,):
            if name not in measures:
                measures.append(name)
    if args.format == "csv" and len(measures) > 1:
        raise AnalysisError(
            f"--format csv writes one table: choose it with --measure ({', '.join(MEASURES)})"
        )
    by = args.by
    if by.startswith("groups:"):  # on the command line a relative path means the working folder
        by = f"groups:{Path(by.partition(':')[2]).absolute()}"
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents)
    result = compare(documents, tables, by=by, seed=args.seed)._asdict()
    shown = {}
    for name in measures:
        table = result[name]
        if args.top > 0 and "group" in table.columns and name != "kinds":
            table = table.groupby("group", sort=False).head(args.top)
        shown[name] = table.reset_index(drop=True)
    if args.format in ("json", "jsonl"):
        records = {
            name: json.loads(table.to_json(orient="records")) for name, table in shown.items()
        }
        if args.format == "json":
            json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for name, rows in records.items():
                for row in rows:
                    sys.stdout.write(json.dumps({"measure": name, **row}, ensure_ascii=False))
                    sys.stdout.write("\n")
    elif args.format == "csv":
        options.write_table(next(iter(shown.values())), "csv")
    else:
        blocks = [
            f"{name}\n" + (_shorten(table).to_string(index=False) if len(table) else "(no rows)")
            for name, table in shown.items()
        ]
        sys.stdout.write("\n\n".join(blocks) + "\n")
    return 0


def _shorten(table: pd.DataFrame, width: int = 60) -> pd.DataFrame:
    """The table with long member lists cut, so that it stays readable in a terminal."""
    if "members" not in table.columns:
        return table
    members = table["members"]
    return table.assign(
        members=members.where(members.str.len() <= width, members.str.slice(0, width - 1) + "…")
    )
