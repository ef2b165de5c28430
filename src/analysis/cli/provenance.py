"""``analysis provenance``: where a quotation came from.

The same quotation in several documents (after normalising case, punctuation and quote marks; a
trimmed or slightly edited quotation matches when 80% of the shorter one's words line up, in
order, with the longer one's), with the first document, date and outlet that carried it, how
many outlets repeated it, and whether they gave it to the same speaker. --all prints every
quotation instead.
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options
from analysis import provenance


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "provenance", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument(
        "--threshold", type=float, default=provenance.THRESHOLD,
        help=f"share of the shorter quotation's words that must line up ({provenance.THRESHOLD})",
    )  # fmt: skip
    parser.add_argument(
        "--min-documents", type=int, default=2, help="list quotations in N documents or more (2)"
    )
    parser.add_argument("--all", action="store_true", help="print every quotation with its id")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the quotations carried by several documents (or every quotation)."""
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents)
    quotes, carried = provenance.provenance(
        documents, tables, threshold=args.threshold, min_documents=args.min_documents
    )
    options.write_table(quotes.drop(columns="normalised") if args.all else carried, args.format)
    return 0
