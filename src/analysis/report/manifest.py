"""The manifest, ``outputs/manifest.json``: the corpus, the model, package versions, notebook
parameters and a checksum of every output file, without timestamps or absolute paths.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.corpus import corpus_hash, load_corpus
from analysis.errors import AnalysisError
from analysis.models import model_info
from analysis.paths import EXPLORER_NAME, OUTPUTS_DIR, resolve_path
from analysis.report.files import display_path, portable_path, write_if_changed
from analysis.schema import DEFAULT_MODEL

DEFAULT_CORPUS = "seeds"
MANIFEST_NAME = "manifest.json"
# Folders a notebook writes below its ``output_dir``; the manifest checksums every file in them.
OUTPUT_SUBDIRS = ("tables", "figures", "networks")
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
    packages: dict[str, str | None] = {"python": platform.python_version()}
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
    return write_if_changed(outputs / MANIFEST_NAME, text)


def verify_outputs(outputs_dir: str | os.PathLike[str] = OUTPUTS_DIR) -> list[str]:
    """Check every file ``<outputs_dir>/manifest.json`` lists against its checksum; where one
    is missing or differs (a notebook run by hand wrote over it, say), remove the manifest, the
    executed notebooks and the files that differ, so that ``make report`` runs them again and
    republishes everything.

    Returns:
        The listed files that are missing or differ (paths relative to the outputs folder);
        empty when all match or there is no manifest.
    """
    outputs = resolve_path(outputs_dir)
    manifest_path = outputs / MANIFEST_NAME
    if not manifest_path.is_file():
        return []
    listed = json.loads(manifest_path.read_text(encoding="utf-8")).get("files", {})
    changed = sorted(
        name
        for name, checksum in listed.items()
        if not (outputs / name).is_file() or _sha256(outputs / name) != checksum
    )
    if changed:
        # The files that differ go too, so that what makes them (a notebook, the explorer page's
        # rule in the Makefile) runs again even when its inputs are older than the file.
        for name in {*changed, *(n for n in listed if n.endswith(".ipynb"))}:
            (outputs / name).unlink(missing_ok=True)
        manifest_path.unlink()
    return changed


def describe_corpus(corpus: str | os.PathLike[str]) -> dict[str, Any]:
    """The corpus as the manifest records it: path, content hash, number of documents."""
    path = resolve_path(corpus)
    documents = load_corpus(path)
    return {
        "path": portable_path(corpus),
        "hash": corpus_hash(documents),
        "documents": len(documents),
    }


def describe_model(model: str) -> dict[str, Any]:
    """The model as the manifest records it (:func:`analysis.models.model_info`)."""
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
    files: list[Path] = []
    for subdir in OUTPUT_SUBDIRS:
        files.extend(
            path
            for path in (outputs / subdir).rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
    explorer = outputs / EXPLORER_NAME
    if explorer.is_file():
        files.append(explorer)
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
