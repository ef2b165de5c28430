"""``analysis entities``: count canonical entities in a corpus.

Count canonical entities (aliases, nicknames and metonyms merged).
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options
from analysis.entities import DEFAULT_LABELS, entity_frequencies


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "entities", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument("--top", type=int, default=None, help="only the N most frequent")
    parser.add_argument(
        "--labels", default=",".join(DEFAULT_LABELS), help="comma-separated entity labels"
    )
    parser.add_argument("--by-document", action="store_true", help="one row per document")
    parser.add_argument(
        "--audit",
        action="store_true",
        help="list the entities worth checking (odd name shapes, lowercase aliases, mixed "
        "labels, likely splits) instead of counting",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the entity frequency table."""
    tables = options.load_tables(args, only=["entity_mentions"])
    if args.audit:
        from analysis.identity.audit import audit

        rows = audit(tables.entity_mentions, tables.texts)
        options.write_table(rows, args.format, empty="nothing worth checking")
        return 0
    labels = [label.strip() for label in args.labels.split(",") if label.strip()]
    table = entity_frequencies(tables.name_mentions(labels), by_document=args.by_document)
    if args.top is not None:
        table = (
            table.groupby("doc_id", sort=False).head(args.top)
            if args.by_document
            else table.head(args.top)
        )
    records = [
        {**row, "aliases": row["aliases"].split("; ")} for row in table.to_dict(orient="records")
    ]
    options.write_table(table, args.format, records=records)
    return 0
