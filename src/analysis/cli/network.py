"""``analysis network``: who appears with whom.

Pairs of canonical entities mentioned in the same sentence (--unit paragraph or document), with
their count and normalised PMI, per group (--by outlet) or period (--freq month). --graphml and
--gexf write the network for Gephi (one group: the first, or --group).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import analysis.cli.options as options
from analysis import network, trends


def add(commands: argparse._SubParsersAction) -> None:
    """Register the command."""
    parser = options.command(commands, "network", __doc__, *options.ANALYSIS_OPTIONS, "format")
    parser.add_argument(
        "--unit",
        choices=network.UNITS,
        default="sentence",
        help="two entities co-occur when named in the same sentence (default), paragraph "
        "or document",
    )
    parser.add_argument("--by", metavar="COLUMN", help="a metadata column to split by (outlet)")
    parser.add_argument("--freq", choices=list(trends.FREQUENCIES), help="split by period")
    parser.add_argument("--min-count", type=int, default=1, help="keep pairs seen N times (1)")
    parser.add_argument("--nodes", action="store_true", help="print the entities, not the pairs")
    parser.add_argument("--group", help="the group written to --graphml/--gexf")
    parser.add_argument("--graphml", type=Path, metavar="FILE", help="write the network as GraphML")
    parser.add_argument("--gexf", type=Path, metavar="FILE", help="write the network as GEXF")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the pairs (or nodes) and write the graph files asked for."""
    documents = options.load_documents(args)
    tables = options.load_tables(args, documents)
    pairs, nodes = network.cooccurrence(
        documents, tables, unit=args.unit, by=args.by, freq=args.freq, min_count=args.min_count
    )
    group = args.group or (nodes["group"].iloc[0] if len(nodes) else trends.ALL)
    graph = network.graph(pairs, nodes, group)
    for path, format in ((args.graphml, "graphml"), (args.gexf, "gexf")):
        if path:
            network.save_graph(graph, path, format)
    options.write_table(nodes if args.nodes else pairs, args.format)
    return 0
