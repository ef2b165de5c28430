"""The command-line reference, ``docs/cli.md``, written from the commands' own parsers so that it
cannot drift from them: ``python -m analysis.cli.reference > docs/cli.md`` (``make docs``), and a
test checks that the file equals what this module writes."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from analysis.cli import build_parser

#: The width usage lines are wrapped at (argparse would take the terminal's).
WIDTH = 100

HEADER = """# Command line

The package installs the `analysis` command (in `.venv/bin/`). This page is written from the
commands' own parsers by `make docs` (`python -m analysis.cli.reference > docs/cli.md`), and
`make test` checks that it still matches them; `analysis COMMAND --help` prints the same.

Every analysis command takes an optional CORPUS (a folder of `.txt`/`.md` files with an optional
`metadata.csv`, or a `.csv`/`.jsonl` file; default `seeds/`), and the shared options `--model`,
`--no-metonyms`, `--cache-dir` and `--n-process` where they apply; the commands that print a
table take `--format table|csv|json|jsonl`. Errors the user can fix (a missing corpus, an
unknown model) are printed as one line and exit with status 2.
"""


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _help(action: argparse.Action) -> str:
    text = " ".join((action.help or "").split())
    if "%(" in text:
        text = text % {"default": action.default, "prog": "", "choices": action.choices}
    return text.replace("|", "\\|")


def _metavar(action: argparse.Action) -> str:
    metavar = action.metavar
    if isinstance(metavar, tuple):
        return " ".join(metavar)
    return metavar or action.dest.upper()


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                name += f" {_metavar(action)}"
        else:
            name = _metavar(action)
        rows.append(f"| `{name}` | {_help(action)} |")
    return rows


def _section(path: str, parser: argparse.ArgumentParser, level: int) -> list[str]:
    lines = [f"{'#' * level} `{path}`", ""]
    description = " ".join((parser.description or "").split())
    if description:
        lines += [description, ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    rows = _option_rows(parser)
    if rows:
        lines += ["| argument | what it does |", "| --- | --- |", *rows, ""]
    for name, sub in _subcommands(parser):
        lines += _section(f"{path} {name}", sub, level + 1)
    return lines


def reference() -> str:
    """``docs/cli.md``: every command and subcommand with its usage and its options."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)
    try:
        parser = build_parser()
        lines = [HEADER]
        for name, sub in _subcommands(parser):
            lines += _section(f"analysis {name}", sub, 2)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(reference(), end="")
