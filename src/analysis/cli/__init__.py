"""The ``analysis`` command: one module per command, each a thin wrapper over importable functions.

Every command module has ``add(commands)``, which registers its parser and sets ``run`` to the
function that carries it out; shared options (corpus, ``--model``, ``--format``,
``--no-metonyms``, ``--cache-dir``, ``--n-process``) are defined once in
:mod:`analysis.cli.options`. Nothing in the package imports this subpackage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

from analysis import __version__
from analysis.errors import AnalysisError

# nbformat (papermill, nbconvert) imports jsonschema, which imports rfc3987-syntax, if installed,
# for its "iri" format checker; rfc3987-syntax 1.1.0 builds a Lark grammar at import, 1.2 s on
# this machine, in every `report` command (python-jsonschema/jsonschema#1392). Nothing here
# validates IRIs (nbformat does not check formats), so this process does without that checker:
# jsonschema skips it when the import fails. Only the command line does this; an importing
# program is left as it is.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

#: The commands, in the order ``analysis --help`` lists them; each is the module
#: ``analysis.cli.<name>``.
COMMANDS = (
    "annotate", "entities", "quotes", "sentiment", "compare", "trends", "network", "provenance",
    "explorer", "evaluate", "validate", "report",
)  # fmt: skip


def command_module(name: str) -> ModuleType:
    """The module of the command ``name`` (imported on first use: a command pays only for what
    it imports, so `analysis report run` does not load spaCy)."""
    return importlib.import_module(f"analysis.cli.{name}")


def _print_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
    print(f"warning: {message}", file=sys.stderr)


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser of ``commands`` (default every command)."""
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Reproducible analysis of news text: entity frequency, sentiment, "
        "source attribution and comparison.",
    )
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in commands:
        command_module(name).add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors the user can fix are printed as one line, exit code 2."""
    given = list(sys.argv[1:] if argv is None else argv)
    # A command named first needs only its own parser; anything else (--help, a typo) all.
    parser = build_parser([given[0]] if given and given[0] in COMMANDS else COMMANDS)
    args = parser.parse_args(given)
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
