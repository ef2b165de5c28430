"""``analysis quotes``: who is quoted or reported, saying what.

Direct, partial and reported attributions, with speakers resolved.
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "quotes", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument("--cues", default=None, help="CSV of cue lemmas to use instead")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the attribution table."""
    table = options.load_tables(args, only=["attributions"]).attributions
    keys = ["kind", "speaker", "via", "source", "cue", "content", "content_text"]
    records = [
        {"doc": row["doc_id"], **{key: row[key] for key in keys}}
        for row in table.to_dict(orient="records")
    ]
    if args.format == "table":
        columns = ["doc_id", "kind", "speaker", "via", "source_text", "cue_text", "content_text"]
        table = table[columns].assign(
            content_text=table["content_text"].str.slice(0, 70).str.replace("\n", " ")
        )
    options.write_table(table, args.format, records=records)
    return 0
