"""The index page, ``outputs/index.html``: one self-contained page that shows the manifest and
links every output, grouped by the notebook whose run published it. The HTML is a Jinja2
template, ``templates/index.html.j2``, rendered with autoescape.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from analysis.errors import AnalysisError
from analysis.paths import EXPLORER_NAME, OUTPUTS_DIR, resolve_path
from analysis.report.files import display_path, write_if_changed
from analysis.report.manifest import MANIFEST_NAME
from analysis.report.runner import read_run_record
from analysis.templating import environment

INDEX_NAME = "index.html"
# Output files shown as pictures, and as tables with a row count; other files are plain links.
FIGURE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
TABLE_SUFFIXES = (".csv",)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MODEL_KEYS = ("package", "name", "version", "spacy_version")
_CORPUS_KEYS = ("path", "documents", "hash")
# The page's template, in analysis/report/templates/.
INDEX_TEMPLATE = "index.html.j2"


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
    explorer = EXPLORER_NAME if EXPLORER_NAME in unclaimed else None
    unclaimed = [name for name in unclaimed if name != explorer]
    return _render_index(manifest, sections, unclaimed, outputs=outputs, explorer=explorer)


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
    return write_if_changed(outputs / INDEX_NAME, build_index(outputs_dir=outputs))


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
    explorer: str | None = None,
) -> str:
    """The page, from the template ``templates/index.html.j2``: what it shows is worked out
    here (anchors, which notebook each file belongs to, the order of rows), how it looks there."""
    corpus = manifest.get("corpus", {})
    model = manifest.get("model", {})
    files = manifest.get("files", {})
    packages = manifest.get("packages", {})
    anchors = _section_anchors([section.notebook for section in sections])
    owners = {section.html: section.notebook for section in sections if section.html}
    for section in sections:
        owners[section.notebook] = section.notebook
        for name in (*section.figures, *(t.path for t in section.tables), *section.other_files):
            owners[name] = section.notebook
    package_rows = sorted(packages.items(), key=lambda item: (item[0] != "python", item[0]))
    return _TEMPLATES.get_template(INDEX_TEMPLATE).render(
        manifest_name=MANIFEST_NAME,
        corpus=corpus,
        model=model,
        corpus_rows=_ordered_items(corpus, _CORPUS_KEYS),
        model_rows=_ordered_items(model, _MODEL_KEYS),
        package_rows=[
            (name, "not installed" if version is None else version)
            for name, version in package_rows
        ],
        sections=sections,
        anchors=anchors,
        unclaimed_tables=[
            _table_file(outputs, n) for n in unclaimed if n.lower().endswith(TABLE_SUFFIXES)
        ],
        unclaimed_others=[n for n in unclaimed if not n.lower().endswith(TABLE_SUFFIXES)],
        checksums=[(name, digest, owners.get(name)) for name, digest in sorted(files.items())],
        explorer=explorer,
    )


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


def _href(relative_path: str) -> str:
    """A link to a file in the outputs folder: percent-encoded, so that ``#``, ``?`` or spaces
    in a name do not change what the link points to (the template then escapes it)."""
    return quote(relative_path)


def _json_values(parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Notebook parameters as the page shows them: each value as JSON."""
    return [(name, json.dumps(value, ensure_ascii=False)) for name, value in parameters.items()]


_TEMPLATES = environment("analysis.report", keep_trailing_newline=True)
_TEMPLATES.filters["href"] = _href
_TEMPLATES.filters["json_values"] = _json_values
