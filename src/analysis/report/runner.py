"""Turn notebooks into reproducible reports: run them with papermill, publish their outputs only
when every cell succeeded, and describe what produced those outputs in ``outputs/manifest.json``.

``analysis report run`` executes a notebook in a staging folder inside the outputs folder, then
moves the executed notebook, its HTML and the tables and figures it wrote into place, and records
which files those were in ``outputs/.runs/<stem>.json``; a failing notebook leaves earlier outputs
as they were. ``analysis report manifest`` records the corpus, the model, package versions,
notebook parameters and a checksum of every output file. ``analysis report index`` writes
``outputs/index.html``, one self-contained page that shows the manifest and links every output.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import hashlib
import json
import os
import platform
import re
import shutil
from collections.abc import Iterable, Mapping
from html import escape as escape_html
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from analysis.corpus import corpus_hash, load_corpus
from analysis.errors import AnalysisError
from analysis.parsing import model_info
from analysis.paths import OUTPUTS_DIR, PROJECT_ROOT, resolve_path
from analysis.schema import DEFAULT_MODEL

DEFAULT_KERNEL = "analysis"
DEFAULT_CORPUS = "seeds"
STAGING_DIRNAME = ".staging"
MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
# One JSON record per notebook of the files its last successful run published. Kept outside the
# manifest so that the manifest only describes files, and hidden so that it is not an output.
RUNS_DIRNAME = ".runs"
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
    _write_run_record(outputs, notebook=notebook.name, html=html.name, data_files=data_files)
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
    _write_if_changed(path, json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


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


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless the file already holds it; True if written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True


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
    return _write_if_changed(outputs / MANIFEST_NAME, text)


def describe_corpus(corpus: str | os.PathLike[str]) -> dict[str, Any]:
    """The corpus as the manifest records it: path, content hash, number of documents."""
    path = resolve_path(corpus)
    documents = load_corpus(path)
    return {
        "path": _portable_path(corpus),
        "hash": corpus_hash(documents),
        "documents": len(documents),
    }


def describe_model(model: str) -> dict[str, Any]:
    """The model as the manifest records it (:func:`analysis.parsing.model_info`)."""
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
        raise AnalysisError(f"{display_path(path)}: not a readable notebook ({error})") from None
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
# The index page

# Output files shown as pictures, and as tables with a row count; other files are plain links.
FIGURE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
TABLE_SUFFIXES = (".csv",)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MODEL_KEYS = ("package", "name", "version", "spacy_version")
_CORPUS_KEYS = ("path", "documents", "hash")

_INDEX_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; --link: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font-size: 16px; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 24px 0 2px; padding-top: 10px; border-top: 2px solid var(--line); }
h3 { font-size: 12px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.05em; }
p { margin: 4px 0 8px; }
a { color: var(--link); }
nav ul { list-style: none; margin: 10px 0 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 4px 20px; }
table { border-collapse: collapse; margin: 2px 0 8px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 2px 14px 2px 0;
  border-bottom: 1px solid var(--line); }
th { font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash, .value { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; }
.hash { color: var(--muted); word-break: break-all; }
.value { overflow-wrap: anywhere; }
.muted, .columns { color: var(--muted); }
.columns { font-size: 13px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 0 32px; }
.facts > div, .with-figures > div { min-width: 0; }
.links a { margin-right: 20px; font-weight: 600; }
.with-figures { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 32px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
figure { margin: 0; padding: 6px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--band); }
figure img { display: block; width: 100%; height: auto; background: #fff; }
figcaption { margin-top: 4px; font-size: 13px; overflow-wrap: anywhere; }
footer { margin-top: 24px; padding-bottom: 24px; color: var(--muted); font-size: 13px; }
"""


class TableFile(NamedTuple):
    """A CSV an index section links: its path relative to the outputs folder, its number of data
    rows and its header (both None when the file cannot be read as CSV)."""

    path: str
    rows: int | None
    columns: list[str] | None


class NotebookSection(NamedTuple):
    """What the index shows for one executed notebook; paths are relative to the outputs folder.

    Attributes:
        notebook: the executed notebook, e.g. ``01_entity_frequency.ipynb``.
        title: the notebook's first markdown heading, or its stem when it has none.
        html: the notebook's HTML export, or None if there is none.
        parameters: the parameters the manifest records for it.
        figures: the pictures its last run published.
        tables: the CSV files its last run published.
        other_files: anything else its last run published.
        recorded: False when no run record says which files the notebook published.
    """

    notebook: str
    title: str
    html: str | None
    parameters: dict[str, Any]
    figures: list[str]
    tables: list[TableFile]
    other_files: list[str]
    recorded: bool


def notebook_title(notebook: str | os.PathLike[str]) -> str | None:
    """The text of a notebook's first markdown heading, without its markup.

    Args:
        notebook: path to an ``.ipynb`` file.

    Returns:
        The heading's text (emphasis, code marks and link targets removed), or None when the
        notebook has no markdown heading or cannot be read.
    """
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            match = _HEADING.match(line)
            if match and match.group(1):
                return re.sub(r"[*`]", "", _MARKDOWN_LINK.sub(r"\1", match.group(1))).strip()
    return None


def notebook_sections(
    *, outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR, manifest: Mapping[str, Any]
) -> tuple[list[NotebookSection], list[str]]:
    """Group the manifest's files by the notebook whose run published them.

    Args:
        outputs_dir: the outputs folder.
        manifest: the manifest of that folder (``build_manifest``).

    Returns:
        One section per notebook in the manifest, in file-name order, and the data files no
        notebook's run record claims (from an older run, nbval or a hand-made file), sorted.
        Only files the manifest lists are shown, so every link has a checksum.
    """
    outputs = resolve_path(outputs_dir)
    listed = set(manifest.get("files", {}))
    claimed: set[str] = set()
    sections = []
    for name, parameters in sorted(manifest.get("notebooks", {}).items()):
        stem = Path(name).stem
        html_name = f"{stem}.html"
        claimed.update((name, html_name))
        record = read_run_record(outputs, name)
        files = sorted(f for f in (record or {}).get("files", []) if f in listed)
        claimed.update(files)
        sections.append(
            NotebookSection(
                notebook=name,
                title=notebook_title(outputs / name) or stem,
                html=html_name if html_name in listed else None,
                parameters=dict(parameters),
                figures=[f for f in files if f.lower().endswith(FIGURE_SUFFIXES)],
                tables=[
                    _table_file(outputs, f) for f in files if f.lower().endswith(TABLE_SUFFIXES)
                ],
                other_files=[
                    f for f in files if not f.lower().endswith(FIGURE_SUFFIXES + TABLE_SUFFIXES)
                ],
                recorded=record is not None,
            )
        )
    return sections, sorted(listed - claimed)


def build_index(*, outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR) -> str:
    """The HTML of ``<outputs_dir>/index.html``, from the manifest already written there.

    The page needs no server, script or network: CSS is inline and every link is a relative
    path. Everything taken from the outputs (titles, parameters, file names, CSV headers) is
    HTML-escaped. The same outputs give the same bytes.

    Args:
        outputs_dir: the outputs folder.

    Returns:
        The page's text.

    Raises:
        AnalysisError: there is no readable ``manifest.json`` in ``outputs_dir``.
    """
    outputs = resolve_path(outputs_dir)
    manifest_path = outputs / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnalysisError(
            f"{display_path(manifest_path)} does not exist; run `analysis report manifest` first"
        ) from None
    except (OSError, ValueError) as error:
        raise AnalysisError(f"{display_path(manifest_path)}: unreadable ({error})") from None
    sections, unclaimed = notebook_sections(outputs_dir=outputs, manifest=manifest)
    return _render_index(manifest, sections, unclaimed, outputs=outputs)


def write_index(*, outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR) -> bool:
    """Write ``<outputs_dir>/index.html`` unless it already has the same content.

    Args:
        outputs_dir: the outputs folder, with its ``manifest.json``.

    Returns:
        True if the file was (re)written, False if it was already up to date.

    Raises:
        AnalysisError: there is no readable manifest.
    """
    outputs = resolve_path(outputs_dir)
    return _write_if_changed(outputs / INDEX_NAME, build_index(outputs_dir=outputs))


def _table_file(outputs: Path, name: str) -> TableFile:
    try:
        with (outputs / name).open(encoding="utf-8", errors="replace", newline="") as file:
            rows = list(csv.reader(file))
    except (OSError, csv.Error):
        return TableFile(name, None, None)
    return TableFile(name, max(len(rows) - 1, 0), rows[0] if rows else [])


def _render_index(
    manifest: Mapping[str, Any],
    sections: list[NotebookSection],
    unclaimed: list[str],
    *,
    outputs: Path,
) -> str:
    corpus = manifest.get("corpus", {})
    model = manifest.get("model", {})
    files = manifest.get("files", {})
    anchors = _section_anchors([section.notebook for section in sections])
    owners = {section.html: section.notebook for section in sections if section.html}
    for section in sections:
        owners[section.notebook] = section.notebook
        for name in (*section.figures, *(t.path for t in section.tables), *section.other_files):
            owners[name] = section.notebook

    summary = (
        f"{_count(len(sections), 'notebook')} on the corpus "
        f"<code>{_text(corpus.get('path'))}</code> "
        f"({_count(corpus.get('documents'), 'document')}) with the model "
        f"<code>{_text(model.get('name') or model.get('package'))}</code> "
        f"{_text(model.get('version') or '')}; {_count(len(files), 'output file')}."
    )
    nav = ['<li><a href="#manifest">What produced it</a></li>']
    nav += [f'<li><a href="#{anchors[s.notebook]}">{_text(s.title)}</a></li>' for s in sections]
    if unclaimed:
        nav.append('<li><a href="#other-files">Other files</a></li>')
    nav.append('<li><a href="#checksums">Every file and its checksum</a></li>')

    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Analysis report</title>",
        f"<style>{_INDEX_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Analysis report</h1>",
        f"<p>{summary}</p>",
        '<nav aria-label="Sections"><ul>',
        *nav,
        "</ul></nav>",
        "</header>",
        "<main>",
        *_manifest_section(manifest),
    ]
    for section in sections:
        lines += _notebook_section(section, anchor=anchors[section.notebook])
    if unclaimed:
        lines += [
            '<section id="other-files">',
            "<h2>Other files</h2>",
            '<p class="muted">Files in the outputs folder that no recorded notebook run '
            "published: written by an older run, by nbval or by hand.</p>",
            *_file_list(unclaimed, outputs=outputs),
            "</section>",
        ]
    lines += [
        '<section id="checksums">',
        "<h2>Every file and its checksum</h2>",
        f'<p class="muted">SHA-256 of each output file, as <a href="{_href(MANIFEST_NAME)}">'
        f"{_text(MANIFEST_NAME)}</a> records it.</p>",
        "<table>",
        "<thead><tr><th>file</th><th>notebook</th><th>SHA-256</th></tr></thead>",
        "<tbody>",
    ]
    for name, digest in sorted(files.items()):
        owner = owners.get(name)
        owner_cell = f'<a href="#{anchors[owner]}">{_text(owner)}</a>' if owner else ""
        lines.append(
            f'<tr><td><a href="{_href(name)}">{_text(name)}</a></td><td>{owner_cell}</td>'
            f'<td class="hash">{_text(digest)}</td></tr>'
        )
    lines += [
        "</tbody>",
        "</table>",
        "</section>",
        "</main>",
        "<footer>Written by <code>analysis report index</code> from "
        f"<code>{_text(MANIFEST_NAME)}</code>; rerun <code>make report</code> to refresh it."
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def _manifest_section(manifest: Mapping[str, Any]) -> list[str]:
    corpus = manifest.get("corpus", {})
    model = manifest.get("model", {})
    packages = manifest.get("packages", {})
    package_rows = sorted(packages.items(), key=lambda item: (item[0] != "python", item[0]))
    return [
        '<section id="manifest">',
        "<h2>What produced it</h2>",
        f'<p class="muted">From <a href="{_href(MANIFEST_NAME)}">{_text(MANIFEST_NAME)}</a>; '
        "each notebook's parameters are shown in its section.</p>",
        '<div class="facts">',
        "<div>",
        "<h3>Corpus</h3>",
        *_key_value_table(_ordered_items(corpus, _CORPUS_KEYS)),
        "</div>",
        "<div>",
        "<h3>Model</h3>",
        *_key_value_table(_ordered_items(model, _MODEL_KEYS)),
        "</div>",
        "<div>",
        "<h3>Packages</h3>",
        *_key_value_table(
            (name, "not installed" if version is None else version)
            for name, version in package_rows
        ),
        "</div>",
        "</div>",
        "</section>",
    ]


def _notebook_section(section: NotebookSection, *, anchor: str) -> list[str]:
    links = [f'<a href="{_href(section.html)}">Read the notebook</a>'] if section.html else []
    links.append(
        f'<a href="{_href(section.notebook)}">Executed notebook: '
        f"<code>{_text(section.notebook)}</code></a>"
    )
    details = ["<h3>Parameters</h3>"]
    if section.parameters:
        details += _key_value_table(
            (name, json.dumps(value, ensure_ascii=False))
            for name, value in section.parameters.items()
        )
    else:
        details.append('<p class="muted">None recorded.</p>')
    if not section.recorded:
        details.append(
            '<p class="muted">No record of the files this notebook wrote: run it with '
            "<code>make report</code> (or <code>analysis report run</code>) to list them here."
            "</p>"
        )
    if section.tables:
        details += ["<h3>Tables</h3>", *_tables_table(section.tables)]
    if section.other_files:
        details += ["<h3>Other files</h3>", "<ul>"]
        details += [f'<li><a href="{_href(n)}">{_text(n)}</a></li>' for n in section.other_files]
        details.append("</ul>")
    if section.recorded and not (section.figures or section.tables or section.other_files):
        details.append('<p class="muted">This notebook wrote no tables or figures.</p>')

    lines = [
        f'<section id="{anchor}" class="notebook">',
        f"<h2>{_text(section.title)}</h2>",
        f'<p class="links">{"".join(links)}</p>',
    ]
    if not section.figures:
        return [*lines, *details, "</section>"]
    # Figures beside the parameters and tables, so that each notebook takes little height.
    figures = ["<h3>Figures</h3>", '<div class="figures">']
    for name in section.figures:
        href, label = _href(name), _text(name)
        figures.append(
            f'<figure><a href="{href}"><img src="{href}" alt="{label}"></a>'
            f'<figcaption><a href="{href}">{label}</a></figcaption></figure>'
        )
    figures.append("</div>")
    return [
        *lines,
        '<div class="with-figures">',
        "<div>",
        *details,
        "</div>",
        "<div>",
        *figures,
        "</div>",
        "</div>",
        "</section>",
    ]


def _file_list(names: list[str], *, outputs: Path) -> list[str]:
    tables = [_table_file(outputs, n) for n in names if n.lower().endswith(TABLE_SUFFIXES)]
    others = [n for n in names if not n.lower().endswith(TABLE_SUFFIXES)]
    lines = _tables_table(tables) if tables else []
    if others:
        lines += ["<ul>", *(f'<li><a href="{_href(n)}">{_text(n)}</a></li>' for n in others)]
        lines.append("</ul>")
    return lines


def _tables_table(tables: list[TableFile]) -> list[str]:
    lines = ["<table>", "<thead><tr><th>file</th><th>rows</th><th>columns</th></tr></thead>"]
    lines.append("<tbody>")
    for table in tables:
        rows = "?" if table.rows is None else f"{table.rows:,}"
        columns = ", ".join(table.columns or [])
        lines.append(
            f'<tr><td><a href="{_href(table.path)}">{_text(table.path)}</a></td>'
            f'<td class="number">{_text(rows)}</td><td class="columns">{_text(columns)}</td></tr>'
        )
    lines += ["</tbody>", "</table>"]
    return lines


def _key_value_table(rows: Iterable[tuple[Any, Any]]) -> list[str]:
    body = [
        f'<tr><th>{_text(key)}</th><td class="value">{_text(value)}</td></tr>'
        for key, value in rows
    ]
    return ["<table>", "<tbody>", *body, "</tbody>", "</table>"]


def _ordered_items(record: Mapping[str, Any], first: Iterable[str]) -> list[tuple[str, Any]]:
    """The items of ``record``: the keys in ``first`` in that order, then the others sorted."""
    first = [key for key in first if key in record]
    return [(key, record[key]) for key in [*first, *sorted(set(record) - set(first))]]


def _section_anchors(notebooks: list[str]) -> dict[str, str]:
    anchors: dict[str, str] = {}
    for notebook in notebooks:
        base = "nb-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", Path(notebook).stem).strip("-") or "x")
        anchor, suffix = base, 2
        while anchor in anchors.values():
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        anchors[notebook] = anchor
    return anchors


def _count(number: Any, noun: str) -> str:
    return f"{_text(number)} {noun}{'' if number == 1 else 's'}"


def _text(value: Any) -> str:
    return escape_html("" if value is None else str(value), quote=True)


def _href(relative_path: str) -> str:
    """A link to a file in the outputs folder: percent-encoded, so that ``#``, ``?`` or spaces
    in a name do not change what the link points to, then escaped for the attribute."""
    return escape_html(quote(relative_path), quote=True)


# --------------------------------------------------------------------------------------------
# Paths as the outputs record them


def display_path(path: Path) -> str:
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
