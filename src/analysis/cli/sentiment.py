"""``analysis sentiment``: sentence sentiment, or sentiment toward each entity.

VADER sentence sentiment (--by sentence) or targeted sentiment toward each canonical entity,
author and quoted voices apart (--by entity).
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options
from analysis.errors import AnalysisError
from analysis.sentiment import METHODS, THRESHOLD, entity_sentiment, with_polarity


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "sentiment", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument(
        "--by",
        choices=["sentence", "entity"],
        default="entity",
        help="one row per sentence (VADER) or per entity (targeted; default)",
    )
    parser.add_argument(
        "--method",
        choices=list(METHODS),
        default="model",
        help="targeted sentiment from the trained model (default) or the VADER lexicon",
    )
    parser.add_argument("--positive", type=float, default=THRESHOLD, help="sentence threshold")
    parser.add_argument("--negative", type=float, default=-THRESHOLD, help="sentence threshold")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print sentence or entity sentiment."""
    if args.by == "sentence" and args.negative > args.positive:  # said before any parsing
        raise AnalysisError(
            f"negative threshold {args.negative} is above positive one {args.positive}"
        )
    only = ["sentences"] if args.by == "sentence" else ["mention_sentiment"]
    tables = options.load_tables(args, only=only, method=args.method)
    if args.by == "sentence":
        table = with_polarity(tables.sentences, positive=args.positive, negative=args.negative)
    else:
        table = entity_sentiment(tables.mention_sentiment)
    if args.format == "table":
        table = table.drop(columns=["sentences"], errors="ignore")
        if "text" in table:
            table = table.assign(text=table["text"].str.slice(0, 70))
    options.write_table(table, args.format)
    return 0
