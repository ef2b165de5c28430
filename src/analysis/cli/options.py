"""Options several commands share, defined once, and what they turn into."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.corpus import Document, load_corpus
from analysis.pipeline import Settings
from analysis.schema import DEFAULT_MODEL

#: Output formats of every command that prints a table.
FORMATS = ("table", "csv", "json", "jsonl")


def add_corpus(parser: argparse.ArgumentParser) -> None:
    """The optional CORPUS argument every analysis command takes."""
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        default=None,
        help="folder of .txt/.md files, or a .csv/.jsonl file (default: the project's seeds/)",
    )


def add_model(parser: argparse.ArgumentParser) -> None:
    """``--model``."""
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"spaCy model package or path ({DEFAULT_MODEL})"
    )


def add_metonyms(parser: argparse.ArgumentParser) -> None:
    """``--no-metonyms`` (``args.metonyms``)."""
    parser.add_argument(
        "--no-metonyms",
        dest="metonyms",
        action="store_false",
        help='keep "Moscow" apart from Russia, "Washington" from the United States, etc.',
    )


def add_cache_dir(parser: argparse.ArgumentParser) -> None:
    """``--cache-dir``."""
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="parse and table cache (default: $ANALYSIS_CACHE_DIR or .cache/analysis)",
    )


def add_n_process(parser: argparse.ArgumentParser) -> None:
    """``--n-process``."""
    parser.add_argument(
        "--n-process",
        type=int,
        default=1,
        help="worker processes for what is not analysed yet (Dask: LocalCluster workers)",
    )


def add_format(parser: argparse.ArgumentParser, *, default: str = "table") -> None:
    """``--format``: the same values for every command (:data:`FORMATS`)."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=default,
        help="table (aligned text), csv, json (one array) or jsonl (one record a line)",
    )


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """The corpus and the options of :func:`settings` and :func:`load_options`."""
    add_corpus(parser)
    add_model(parser)
    add_metonyms(parser)
    add_cache_dir(parser)
    add_n_process(parser)


def documents(args: argparse.Namespace) -> list[Document]:
    """The documents of ``args.corpus``; on the command line a relative path means the working
    directory, as in any shell tool (notebooks resolve it against the project root)."""
    return load_corpus(args.corpus.absolute() if args.corpus else None)


def settings(args: argparse.Namespace, **fields: object) -> Settings:
    """The pipeline settings the options give (``fields`` for the command's own)."""
    cues = getattr(args, "cues", None)
    return Settings(
        model=args.model,
        metonyms=args.metonyms,
        cues_file=str(Path(cues).absolute()) if cues else None,
        **fields,  # type: ignore[arg-type]
    )


def load_options(args: argparse.Namespace) -> dict[str, object]:
    """Keywords for :func:`analysis.pipeline.load` from the shared options."""
    return {
        "cache_dir": args.cache_dir.absolute() if args.cache_dir else None,
        "n_process": args.n_process,
    }


def write_table(table: pd.DataFrame, output: str, *, records: list[dict] | None = None) -> None:
    """Print ``table`` in the format ``output`` (:data:`FORMATS`); ``records`` are what json and
    jsonl print instead of the table's rows, when given."""
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
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")
