"""``analysis report``: run notebooks into outputs/, write the manifest and the index page."""

from __future__ import annotations

import argparse
import sys

import analysis.cli.options as options
from analysis.paths import OUTPUTS_DIR, resolve_path
from analysis.report import (
    DEFAULT_CORPUS,
    DEFAULT_KERNEL,
    INDEX_NAME,
    MANIFEST_NAME,
    NotebookFailedError,
    display_path,
    parse_parameter_value,
    run_notebook,
    strip_volatile_metadata,
    verify_outputs,
    write_index,
    write_manifest,
)
from analysis.schema import DEFAULT_MODEL


def add(commands: argparse._SubParsersAction) -> None:
    """Register ``analysis report run``, ``analysis report manifest`` and ``analysis report
    index``."""
    actions = options.group(
        commands,
        "report",
        "Run notebooks with papermill and publish their outputs only when every cell succeeded "
        "(run), record what produced the outputs (manifest), and write one page that shows the "
        "manifest and links every output (index).",
        help="run notebooks into outputs/, write outputs/manifest.json and outputs/index.html",
        metavar="ACTION",
    )
    run = options.command(
        actions,
        "run",
        "Execute NOTEBOOK with papermill (working directory: the project root) and, if every "
        "cell succeeds, publish <stem>.ipynb, <stem>.html, tables/ and figures/ in the outputs "
        "folder. On failure nothing is published and the exit code is 1.",
        help="execute a notebook and publish its notebook, HTML, tables and figures",
    )
    run.add_argument("notebook", metavar="NOTEBOOK", help="path to the .ipynb file")
    _add_outputs_option(run)
    parameters = {
        ("-p", "--parameter", "parameters"): "set a notebook parameter; True/False/None and "
        "numbers are converted (as papermill)",
        ("-r", "--raw-parameter", "raw_parameters"): "set a notebook parameter to VALUE as a "
        "string, unconverted",
    }
    for (short, flag, dest), text in parameters.items():
        run.add_argument(
            short, flag, nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
            dest=dest, help=text,
        )  # fmt: skip
    run.add_argument(
        "--kernel",
        default=DEFAULT_KERNEL,
        help=f"Jupyter kernel to run the notebook with (default: {DEFAULT_KERNEL})",
    )
    run.set_defaults(run=_run_command)

    manifest = options.command(
        actions,
        "manifest",
        "Write <outputs>/manifest.json; the file is left untouched if unchanged.",
        help="write outputs/manifest.json (corpus, model, package versions, file checksums)",
    )
    _add_outputs_option(manifest)
    for flag, default, what in (
        ("--corpus", DEFAULT_CORPUS, "the corpus the notebooks read"),
        ("--model", DEFAULT_MODEL, "the spaCy model the notebooks used"),
    ):
        manifest.add_argument(flag, default=default, help=f"{what} (default: {default})")
    manifest.set_defaults(run=_manifest_command)

    index = options.command(
        actions,
        "index",
        "Write <outputs>/index.html from <outputs>/manifest.json: a self-contained page (no "
        "server, script or network needed) with the corpus, model, package versions, one section "
        "per notebook with its parameters, figures and tables, and every file's checksum. The "
        "file is left untouched if unchanged.",
        help="write outputs/index.html: the manifest and a link to every output, on one page",
    )
    _add_outputs_option(index)
    index.set_defaults(run=_index_command)

    strip = options.command(
        actions,
        "strip",
        "Remove what differs between two runs of the same notebook (run times, widget views "
        "with their random model ids) from NOTEBOOK files in place; `make notebooks` runs it on "
        "the notebooks it re-executes.",
        help="remove run times and widget views from executed notebooks, in place",
    )
    strip.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="paths to .ipynb files")
    strip.set_defaults(run=_strip_command)

    verify = options.command(
        actions,
        "verify",
        "Check the files <outputs>/manifest.json lists against their checksums. If any is "
        "missing or differs (a notebook run by hand wrote over it, say), remove the manifest, "
        "the executed notebooks and the files that differ, so that `make report` makes them "
        "again.",
        help="check the published outputs against the manifest's checksums",
    )
    _add_outputs_option(verify)
    verify.set_defaults(run=_verify_command)


def _add_outputs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--outputs",
        default=str(OUTPUTS_DIR),
        metavar="DIR",
        help="the outputs folder (default: outputs/ in the project)",
    )


def _run_command(args: argparse.Namespace) -> int:
    parameters = {name: parse_parameter_value(value) for name, value in args.parameters}
    parameters.update(dict(args.raw_parameters))
    try:
        files = run_notebook(
            args.notebook, outputs_dir=args.outputs, parameters=parameters, kernel=args.kernel
        )
    except NotebookFailedError as failure:
        print(f"error: {failure.describe()}", file=sys.stderr)
        print("error: nothing was published; earlier outputs are unchanged", file=sys.stderr)
        return 1
    published = [files.notebook, files.html, *files.data_files]
    print("wrote " + ", ".join(display_path(path) for path in published))
    return 0


def _manifest_command(args: argparse.Namespace) -> int:
    changed = write_manifest(outputs_dir=args.outputs, corpus=args.corpus, model=args.model)
    path = display_path(resolve_path(args.outputs) / MANIFEST_NAME)
    print(f"wrote {path}" if changed else f"{path} is up to date")
    return 0


def _strip_command(args: argparse.Namespace) -> int:
    import nbformat  # slow to import; only this action needs it

    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        ids = {cell.id for cell in notebook.cells if "id" in cell}
        nbformat.write(strip_volatile_metadata(notebook, source_cell_ids=ids), path)
    return 0


def _verify_command(args: argparse.Namespace) -> int:
    changed = verify_outputs(args.outputs)
    if changed:
        print(
            f"{len(changed)} published file(s) differ from the manifest (first: {changed[0]}); "
            "the notebooks will run again"
        )
    return 0


def _index_command(args: argparse.Namespace) -> int:
    changed = write_index(outputs_dir=args.outputs)
    path = display_path(resolve_path(args.outputs) / INDEX_NAME)
    print(f"wrote {path}" if changed else f"{path} is up to date")
    return 0
