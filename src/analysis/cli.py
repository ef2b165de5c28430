"""The ``analysis`` command: the package's functions for the shell and for ``make``."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from analysis import __version__
from analysis.errors import AnalysisError


def _print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
    print(f"warning: {message}", file=sys.stderr)


def add_corpus_argument(parser: argparse.ArgumentParser) -> None:
    """The optional CORPUS argument every analysis command takes."""
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        default=None,
        help="folder of .txt/.md files, or a .csv/.jsonl file (default: the project's seeds/)",
    )


def corpus_documents(args: argparse.Namespace) -> list:
    """The documents of ``args.corpus``; on the command line a relative path means the working
    directory, as in any shell tool (notebooks resolve it against the project root)."""
    from analysis.corpus import load_corpus

    return load_corpus(args.corpus.absolute() if args.corpus else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from analysis import annotate, attribution, compare, entities, evaluate, report, sentiment

    annotate.add_cli(commands)
    entities.add_cli(commands)
    attribution.add_cli(commands)
    sentiment.add_cli(commands)
    compare.add_cli(commands)
    evaluate.add_cli(commands)
    report.add_cli(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors the user can fix are printed as one line, exit code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _print_warning
    try:
        return int(args.run(args) or 0)
    except AnalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `analysis entities | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
