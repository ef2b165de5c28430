"""Turn notebooks into reproducible reports: run them with papermill, publish their outputs only
when every cell succeeded, and describe what produced those outputs in ``outputs/manifest.json``.

``analysis report run`` executes a notebook in a staging folder inside the outputs folder, then
moves the executed notebook, its HTML and the tables and figures it wrote into place, and records
which files those were in ``outputs/.runs/<stem>.json``; a failing notebook leaves earlier outputs
as they were. ``analysis report manifest`` records the corpus, the model, package versions,
notebook parameters and a checksum of every output file. ``analysis report index`` writes
``outputs/index.html``, one self-contained page that shows the manifest and links every output.

Modules: :mod:`~analysis.report.runner` (running and publishing a notebook, run records),
:mod:`~analysis.report.manifest`, :mod:`~analysis.report.index` (the page) and
:mod:`~analysis.report.files` (paths as the outputs record them, writing only what changed).
"""

from analysis.report.files import display_path
from analysis.report.index import (
    FIGURE_SUFFIXES,
    INDEX_NAME,
    TABLE_SUFFIXES,
    NotebookSection,
    TableFile,
    build_index,
    notebook_sections,
    notebook_title,
    write_index,
)
from analysis.report.manifest import (
    DEFAULT_CORPUS,
    MANIFEST_NAME,
    MANIFEST_PACKAGES,
    OUTPUT_SUBDIRS,
    build_manifest,
    describe_corpus,
    describe_model,
    verify_outputs,
    write_manifest,
)
from analysis.report.runner import (
    DEFAULT_KERNEL,
    RUNS_DIRNAME,
    STAGING_DIRNAME,
    NotebookFailedError,
    ReportFiles,
    parse_parameter_value,
    read_run_record,
    run_notebook,
    strip_volatile_metadata,
)

__all__ = [
    "DEFAULT_CORPUS",
    "DEFAULT_KERNEL",
    "FIGURE_SUFFIXES",
    "INDEX_NAME",
    "MANIFEST_NAME",
    "MANIFEST_PACKAGES",
    "OUTPUT_SUBDIRS",
    "RUNS_DIRNAME",
    "STAGING_DIRNAME",
    "TABLE_SUFFIXES",
    "NotebookFailedError",
    "NotebookSection",
    "ReportFiles",
    "TableFile",
    "build_index",
    "build_manifest",
    "describe_corpus",
    "describe_model",
    "display_path",
    "notebook_sections",
    "notebook_title",
    "parse_parameter_value",
    "read_run_record",
    "run_notebook",
    "strip_volatile_metadata",
    "write_index",
    "verify_outputs",
    "write_manifest",
]
