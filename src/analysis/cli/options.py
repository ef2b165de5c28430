"""Options several commands share, defined once, and what they turn into."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.schema import DEFAULT_MODEL

if TYPE_CHECKING:  # the pipeline (spaCy, pandas) is imported by the commands that read a corpus
    import pandas as pd

    from analysis.corpus import Document
    from analysis.pipeline import Settings, Tables

#: Output formats of every command that prints a table.
FORMATS = ("table", "csv", "json", "jsonl")


#: The options several commands share: name -> (flags, ``add_argument`` keywords).
SHARED: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "corpus": (
        ("corpus",),
        {
            "nargs": "?",
            "type": Path,
            "default": None,
            "help": "folder of .txt/.md files, or a .csv/.jsonl file (default: seeds/)",
        },
    ),
    "model": (
        ("--model",),
        {"default": DEFAULT_MODEL, "help": f"spaCy model package or path ({DEFAULT_MODEL})"},
    ),
    "metonyms": (
        ("--no-metonyms",),
        {
            "dest": "metonyms",
            "action": "store_false",
            "help": 'keep "Moscow" apart from Russia, "Washington" from the United States, etc.',
        },
    ),
    "cache_dir": (
        ("--cache-dir",),
        {
            "type": Path,
            "default": None,
            "help": "parse and table cache (default: $ANALYSIS_CACHE_DIR or .cache/analysis)",
        },
    ),
    "n_process": (
        ("--n-process",),
        {
            "type": int,
            "default": 1,
            "help": "worker processes for what is not analysed yet (Dask: LocalCluster workers)",
        },
    ),
    "format": (
        ("--format",),
        {
            "choices": FORMATS,
            "default": "table",
            "help": "table (aligned text), csv, json (one array) or jsonl (one record a line)",
        },
    ),
}
SHARED["output"] = (
    ("--output",),
    {"type": Path, "default": None, "metavar": "FILE", "help": "also write the scores as JSON"},
)
SHARED["overrides"] = (
    ("--overrides",),
    {
        "type": Path,
        "default": None,
        "metavar": "FILE",
        "help": "entity overrides CSV (surface,document,entity); default: entity_overrides.csv "
        "in the corpus folder, if any",
    },
)
#: What every analysis command takes: the corpus and the options of :func:`load_tables`.
ANALYSIS_OPTIONS = ("corpus", "model", "metonyms", "overrides", "cache_dir", "n_process")


def add(parser: argparse.ArgumentParser, *names: str) -> None:
    """Add the shared options ``names`` (keys of :data:`SHARED`) to ``parser``."""
    for name in names:
        flags, keywords = SHARED[name]
        parser.add_argument(*flags, **keywords)


def path(parser: argparse.ArgumentParser, flag: str, text: str, *, metavar: str = "FILE") -> None:
    """An optional path option (``None`` when not given)."""
    parser.add_argument(flag, type=Path, default=None, metavar=metavar, help=text)


def group(
    commands: argparse._SubParsersAction, name: str, description: str, *, help: str, metavar: str
) -> argparse._SubParsersAction:  # noqa: A002 - argparse's own name for it
    """Register a command with subcommands (``analysis evaluate TASK``); returns their parsers."""
    parser = commands.add_parser(name, help=help, description=description)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar=metavar)


def command(
    commands: argparse._SubParsersAction,
    name: str,
    description: str,
    *shared: str,
    help: str | None = None,  # noqa: A002 - argparse's own name for it
) -> argparse.ArgumentParser:
    """Register the command ``name`` with the shared options ``shared``; returns its parser.

    Without ``help``, ``description`` is a command module's docstring: its first line, after
    the command's name, is the one-line help, and the rest the description.
    """
    if help is None:
        first, _, rest = description.partition("\n")
        help = first.split(": ", 1)[-1].rstrip(".")
        description = " ".join(rest.split())
    parser = commands.add_parser(name, help=help, description=description)
    add(parser, *shared)
    return parser


def load_documents(args: argparse.Namespace) -> list[Document]:
    """The documents of ``args.corpus``; on the command line a relative path means the working
    directory, as in any shell tool (notebooks resolve it against the project root)."""
    from analysis.corpus import load_corpus

    return load_corpus(args.corpus.absolute() if args.corpus else None)


def settings(args: argparse.Namespace, **fields: object) -> Settings:
    """The pipeline settings the options give (``fields`` for the command's own)."""
    from analysis.identity import find_overrides
    from analysis.pipeline import Settings

    cues = getattr(args, "cues", None)
    corpus = args.corpus.absolute() if args.corpus else paths.SEEDS_DIR
    given = args.overrides.absolute() if args.overrides else None
    return Settings(
        model=args.model,
        metonyms=args.metonyms,
        cues_file=str(Path(cues).absolute()) if cues else None,
        overrides=find_overrides(corpus, given),
        **fields,  # type: ignore[arg-type]
    )


def load_tables(
    args: argparse.Namespace,
    documents: list[Document] | None = None,
    *,
    only: list[str] | None = None,
    **fields: object,
) -> Tables:
    """The tables of the corpus the options name (:func:`analysis.pipeline.load`): read from the
    store, nothing parsed when ``analysis annotate`` has run on it.

    Args:
        args: the parsed options (:data:`ANALYSIS_OPTIONS`).
        documents: the corpus, when the command has read it already.
        only: read just these tables.
        fields: the command's own :class:`analysis.pipeline.Settings` fields.
    """
    from analysis.pipeline import load

    return load(
        documents if documents is not None else load_documents(args),
        settings(args, **fields),
        only=only,
        cache_dir=args.cache_dir.absolute() if args.cache_dir else None,
        n_process=args.n_process,
    )


def write_table(
    table: pd.DataFrame,
    output: str,
    *,
    records: list[dict] | None = None,
    empty: str = "no rows",
) -> None:
    """Print ``table`` in the format ``output`` (:data:`FORMATS`); ``records`` are what json and
    jsonl print instead of the table's rows, when given; ``empty`` is the line the text format
    prints for a table without rows (csv prints the header, json an empty list)."""
    if output in ("json", "jsonl"):
        rows = records if records is not None else json.loads(table.to_json(orient="records"))
        if output == "json":
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif output == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif table.empty:
        sys.stdout.write(f"({empty})\n")
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")
