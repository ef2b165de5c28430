"""The README's small tables, one per notebook, written by running the commands that print the
same tables on the example article: ``python -m analysis.cli.examples --write README.md``
(``make docs``), and a test checks that the README holds what this module writes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.cli import main
from analysis.evaluate.figures import replace_table

BEGIN = "<!-- examples: written by `python -m analysis.cli.examples --write README.md` -->"
END = "<!-- end of examples -->"


class Example(NamedTuple):
    """One notebook's table on the example article, as its command prints it."""

    notebook: str
    command: tuple[str, ...]
    columns: tuple[str, ...]
    rows: int = 3


EXAMPLES = (
    Example(
        "01_entity_frequency",
        ("entities", "--top", "3"),
        ("entity", "label", "count", "documents", "aliases"),
    ),
    Example(
        "02_sentiment",
        ("sentiment",),
        ("entity", "mentions", "author_mean", "author_low", "author_high", "quoted_mean"),
    ),
    Example(
        "03_source_attribution", ("quotes",), ("kind", "speaker", "cue_text", "content_text"), 2
    ),
    Example(
        "04_comparison",
        ("compare", "--by", "voice", "--measure", "sentiment", "--top", "2"),
        ("group", "entity", "mentions", "mean", "ci_low", "ci_high"),
        4,
    ),
    Example("05_trends", ("trends",), ("period", "entity", "mentions", "per_1000")),
)


def run(command: Sequence[str]) -> pd.DataFrame:
    """What ``analysis COMMAND --format csv`` prints, as a table."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([*command, "--format", "csv"])
    if status != 0:
        raise RuntimeError(f"analysis {' '.join(command)} exited with {status}")
    return pd.read_csv(io.StringIO(out.getvalue()))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(table: pd.DataFrame) -> list[str]:
    """``table`` as the lines of a Markdown table."""
    lines = ["| " + " | ".join(table.columns) + " |", "|" + " --- |" * len(table.columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.itertuples(False)]
    return lines


def examples() -> str:
    """The README's block: each notebook's command and the first rows of its table."""
    lines = [BEGIN]
    for example in EXAMPLES:
        table = run(example.command).loc[:, list(example.columns)].head(example.rows)
        lines += ["", f"`{example.notebook}`, as `analysis {' '.join(example.command)}` prints it:"]
        lines += ["", *markdown(table)]
    return "\n".join([*lines, "", END]) + "\n"


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="the page whose block to replace (README.md)")
    args = parser.parse_args(argv)
    block = examples()
    if args.write is None:
        sys.stdout.write(block)
    else:
        text = args.write.read_text(encoding="utf-8")
        args.write.write_text(replace_table(text, block, BEGIN, END), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
