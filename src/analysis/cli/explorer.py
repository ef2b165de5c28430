"""``analysis explorer``: write the explorer page of a corpus.

Write one self-contained HTML page (no server, no network) where a reader picks an entity or a
distinctive term and sees its counts per group (outlet, author, month: every metadata grouping the
corpus allows), its sentiment with 95% intervals, its speakers and its sentences in context, each
opening its document. The page keeps the most mentioned entities, the most distinctive terms of
each group and a bounded number of contexts each, and says so.
"""

from __future__ import annotations

import argparse

import analysis.cli.options as options
from analysis.explorer import DEFAULT_LIMITS, Limits, build_explorer, write_explorer
from analysis.paths import EXPLORER_NAME, OUTPUTS_DIR, resolve_path


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "explorer", __doc__, *options.ANALYSIS_OPTIONS)
    parser.add_argument(
        "--output",
        default=str(OUTPUTS_DIR / EXPLORER_NAME),
        metavar="FILE",
        help=f"the page to write (default: outputs/{EXPLORER_NAME})",
    )
    parser.add_argument(
        "--by",
        action="append",
        metavar="GROUPING",
        help="a grouping to offer (repeat for several; default: each of outlet, author and "
        "date:month that splits the corpus into 2-60 groups)",
    )
    for flag, default, text in (
        ("--entities", DEFAULT_LIMITS.entities, "the most mentioned entities kept"),
        ("--terms", DEFAULT_LIMITS.terms, "distinctive terms kept per group"),
        ("--contexts", DEFAULT_LIMITS.contexts, "contexts kept per entity or term"),
        ("--max-bytes", DEFAULT_LIMITS.max_bytes, "the embedded data's size limit"),
    ):
        parser.add_argument(flag, type=int, default=default, help=f"{text} (default: {default})")
    parser.add_argument("--seed", type=int, default=0, help="seeds the bootstrap intervals")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the page and write it unless unchanged."""
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents)
    limits = Limits(
        entities=args.entities, terms=args.terms, contexts=args.contexts, max_bytes=args.max_bytes
    )
    html = build_explorer(
        documents, tables, corpus=str(args.corpus or "seeds"), groupings=args.by, limits=limits,
        seed=args.seed,
    )  # fmt: skip
    path = resolve_path(args.output)
    written = write_explorer(path, html)
    size = len(html.encode("utf-8")) / 1e6
    print(f"wrote {args.output} ({size:.2f} MB)" if written else f"{args.output} is up to date")
    return 0
