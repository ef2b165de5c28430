"""The index page, ``outputs/index.html``: one self-contained page that shows the manifest and
links every output, grouped by the notebook whose run published it.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Mapping
from html import escape as escape_html
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from analysis.errors import AnalysisError
from analysis.paths import OUTPUTS_DIR, resolve_path
from analysis.report.files import _write_if_changed, display_path
from analysis.report.manifest import MANIFEST_NAME
from analysis.report.runner import read_run_record

INDEX_NAME = "index.html"
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
