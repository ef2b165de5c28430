"""The ``analysis`` command: one module per command, each a thin wrapper over importable functions.

Every command module has ``add(commands)``, which registers its parser and sets ``run`` to the
function that carries it out; shared options (corpus, ``--model``, ``--format``,
``--no-metonyms``, ``--cache-dir``, ``--n-process``) are defined once in
:mod:`analysis.cli.options`. Nothing in the package imports this subpackage.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from analysis import __version__
from analysis.cli import (
    annotate,
    compare,
    entities,
    evaluate,
    explorer,
    network,
    provenance,
    quotes,
    report,
    sentiment,
    trends,
)
from analysis.errors import AnalysisError

# nbformat (papermill, nbconvert) imports jsonschema, which imports rfc3987-syntax, if installed,
# for its "iri" format checker; rfc3987-syntax 1.1.0 builds a Lark grammar at import, 1.2 s on
# this machine, in every `report` command (python-jsonschema/jsonschema#1392). Nothing here
# validates IRIs (nbformat does not check formats), so this process does without that checker:
# jsonschema skips it when the import fails. Only the command line does this; an importing
# program is left as it is.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: The command modules, in the order ``analysis --help`` lists them.
COMMANDS = (
    annotate, entities, quotes, sentiment, compare, trends, network, provenance, explorer, evaluate,
    report,
)  # fmt: skip


def _print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
    print(f"warning: {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Reproducible analysis of news text: entity frequency, sentiment, "
        "source attribution and comparison.",
    )
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add(commands)
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
    except KeyboardInterrupt:  # Ctrl-C: what was stored is kept (`annotate` resumes from it)
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
