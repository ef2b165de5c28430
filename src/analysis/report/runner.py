"""Run a notebook with papermill and publish its outputs only when every cell succeeded.

``analysis report run`` executes a notebook in a staging folder inside the outputs folder, then
moves the executed notebook, its HTML and the tables and figures it wrote into place, and records
which files those were in ``outputs/.runs/<stem>.json``; a failing notebook leaves earlier outputs
as they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from analysis.errors import AnalysisError
from analysis.paths import OUTPUTS_DIR, PROJECT_ROOT, resolve_path
from analysis.report.files import display_path, write_if_changed

DEFAULT_KERNEL = "analysis"
STAGING_DIRNAME = ".staging"
# One JSON record per notebook of the files its last successful run published. Kept outside the
# manifest so that the manifest only describes files, and hidden so that it is not an output.
RUNS_DIRNAME = ".runs"
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
        return "\n".join([f"{display_path(self.notebook)} failed in {where}:", *shown, error])


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
    # Lazy: papermill, nbformat and jupyter_client take seconds to import, and every `analysis`
    # command imports this module through the command line.
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
    parameters["output_dir"] = display_path(staging)

    try:
        try:
            executed = papermill.execute_notebook(
                str(source_path),
                str(staged_notebook),
                parameters=parameters,
                kernel_name=kernel,
                progress_bar=False,
                cwd=str(PROJECT_ROOT),
                # The controls (analysis.widgets) are for JupyterLab: their state is not saved
                # (it would embed every PNG and table again, and the HTML would need a CDN).
                store_widget_state=False,
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
        executed.metadata.papermill["input_path"] = display_path(source_path)
        executed.metadata.papermill["output_path"] = display_path(outputs / f"{stem}.ipynb")
        nbformat.write(executed, staged_notebook)
        staged_html = staging / f"{stem}.html"
        staged_html.write_text(_export_html(executed, name=stem), encoding="utf-8")

        return _publish(staging, outputs, notebook=staged_notebook, html=staged_html)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(outputs / STAGING_DIRNAME)


#: The output type of a widget's view (its model id changes with every run).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_volatile_metadata(notebook: Any, *, source_cell_ids: Iterable[str] = ()) -> Any:
    """Remove what differs between two runs of the same notebook on the same inputs.

    Merges consecutive stream outputs (how a print is split depends on when the kernel
    flushed), drops papermill's start and end times and durations (notebook and cells), nbclient's
    ``execution`` timestamps and the views of widgets (:mod:`analysis.widgets`: a random model
    id whose state is not saved, so no viewer could show it; their one line of text stays).
    Cells that got a random id during the run (the injected parameters cell, or every cell of a
    notebook saved before nbformat 4.5) get an id derived from their position instead.

    Args:
        notebook: an executed ``nbformat.NotebookNode``, changed in place.
        source_cell_ids: the cell ids the source notebook already had; these are kept.

    Returns:
        The same notebook.
    """
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    kept_ids = set(source_cell_ids)
    # A print's text may reach the notebook in one stream output or two, as the kernel flushes:
    # nbconvert's preprocessor merges consecutive ones (and settles carriage returns).
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    papermill_meta = notebook.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        papermill_meta.pop(key, None)
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("execution", None)
        cell_papermill = cell.metadata.get("papermill", {})
        for key in _VOLATILE_PAPERMILL_KEYS:
            cell_papermill.pop(key, None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
        if "id" in cell and cell.id not in kept_ids:
            tags = cell.metadata.get("tags", [])
            cell.id = "injected-parameters" if "injected-parameters" in tags else f"cell-{index}"
    return notebook


def _notebook_failure(source_path: Path, error: Any) -> NotebookFailedError:
    """Translate papermill's error, whose cell index counts the injected parameters cell."""
    import nbformat  # lazy, as in run_notebook

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
    from nbconvert import HTMLExporter  # lazy, as in run_notebook: slow to import

    body, _resources = HTMLExporter().from_notebook_node(
        notebook, resources={"metadata": {"name": name}}
    )
    return body


def _publish(staging: Path, outputs: Path, *, notebook: Path, html: Path) -> ReportFiles:
    """Move staged files to ``outputs``; the notebook goes last so that it is the newest file,
    as ``make`` expects of a target."""
    previous = read_run_record(outputs, notebook.name)
    data_files = []
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        if staged in (notebook, html):
            continue
        data_files.append(_move(staged, outputs / staged.relative_to(staging)))
    _write_run_record(outputs, notebook=notebook.name, html=html.name, data_files=data_files)
    if previous is not None:
        _remove_stale_files(outputs, previous["files"], keep=data_files, notebook=notebook.name)
    published_html = _move(html, outputs / html.name)
    published_notebook = _move(notebook, outputs / notebook.name)
    return ReportFiles(published_notebook, published_html, data_files)


def _write_run_record(outputs: Path, *, notebook: str, html: str, data_files: list[Path]) -> None:
    """Record which files a run published, for the index to list them under their notebook."""
    record = {
        "notebook": notebook,
        "html": html,
        "files": sorted(path.relative_to(outputs).as_posix() for path in data_files),
    }
    path = outputs / RUNS_DIRNAME / f"{Path(notebook).stem}.json"
    write_if_changed(path, json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _remove_stale_files(
    outputs: Path, previous: list[Any], *, keep: list[Path], notebook: str
) -> None:
    """Delete the files the notebook's previous run published and this run did not (a table of
    a group the new corpus lacks, say), unless another notebook's run published them."""
    kept = {path.relative_to(outputs).as_posix() for path in keep}
    for record_path in (outputs / RUNS_DIRNAME).glob("*.json"):
        if record_path.stem != Path(notebook).stem:
            other = read_run_record(outputs, record_path.stem + ".ipynb")
            kept.update(other["files"] if other else [])
    for name in previous:
        path = outputs / str(name)
        if name in kept or ".." in Path(str(name)).parts or not path.is_file():
            continue
        path.unlink()
        _remove_if_empty(path.parent)


def read_run_record(outputs_dir: str | os.PathLike[str], notebook: str) -> dict[str, Any] | None:
    """The files the last successful ``report run`` of ``notebook`` published.

    Args:
        outputs_dir: the outputs folder.
        notebook: the executed notebook's file name, e.g. ``01_entity_frequency.ipynb``.

    Returns:
        ``{"notebook": ..., "html": ..., "files": [...]}`` with paths relative to the outputs
        folder, or None when the notebook was not published by ``report run`` (or the record
        is unreadable).
    """
    path = resolve_path(outputs_dir) / RUNS_DIRNAME / f"{Path(notebook).stem}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("files"), list):
        return None
    return record


def _move(source: Path, destination: Path) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)
    return destination


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()
