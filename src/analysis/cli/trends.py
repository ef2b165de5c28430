"""``analysis trends``: entities, voice and sentiment over time.

Per day, week or month (and per group, e.g. outlet), the mentions of the most mentioned entities
per 1,000 words with a bootstrap band over the period's documents (--measure mentions), the share
of the words that are quoted or reported (voice), or the targeted sentiment toward each entity
with a bootstrap interval (sentiment). Periods with few documents are marked, empty ones listed.
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options
from analysis import trends


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "trends", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument(
        "--freq",
        choices=list(trends.FREQUENCIES),
        default="month",
        help="the period: day, week or month (default)",
    )
    parser.add_argument("--by", metavar="COLUMN", help="a metadata column to split by (outlet)")
    parser.add_argument(
        "--measure",
        choices=("mentions", "voice", "sentiment"),
        default="mentions",
        help="mentions per 1,000 words (default), share of words quoted or reported, or "
        "targeted sentiment toward each entity",
    )
    parser.add_argument(
        "--entity", action="append", metavar="NAME", help="an entity to follow (repeatable)"
    )
    parser.add_argument("--top", type=int, default=5, help="follow the N most mentioned (5)")
    parser.add_argument("--min-documents", type=int, default=3, help="mark thinner periods (3)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the trend table."""
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents)
    common = {"freq": args.freq, "by": args.by, "seed": args.seed}
    if args.measure == "voice":
        table = trends.voice_trends(documents, tables, min_documents=args.min_documents, **common)
    elif args.measure == "sentiment":
        table = trends.sentiment_trends(
            documents, tables, entities=args.entity, top_n=args.top, **common
        )
    else:
        table = trends.entity_trends(
            documents, tables, entities=args.entity, top_n=args.top,
            min_documents=args.min_documents, **common,
        )  # fmt: skip
    options.write_table(table, args.format)
    return 0
