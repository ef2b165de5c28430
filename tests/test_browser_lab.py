"""JupyterLab as a researcher uses it: ``jupyter lab`` on 127.0.0.1 with a token, notebook 01
opened in headless Chromium (driven by Playwright, with Debian's Chromium: no browser is
downloaded), Run > Run All Cells clicked; every cell runs without an error output, the entity
picked in the notebook's controls (ipywidgets) shows its lines in context, and the
published outputs keep the checksums ``manifest.json`` recorded (a run by hand writes to
``outputs/lab/``).

Run by ``make test-browser`` after ``make report``; skipped without Chromium, Playwright or a
report. The notebook is a copy in a temporary folder, so Lab's autosave never touches
``notebooks/``. The server is stopped by its process id.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM

from analysis import paths, report

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found")

TOKEN = "analysis-lab-test"
NOTEBOOK = "01_entity_frequency.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def lab_server(folder: Path) -> Iterator[str]:
    """A JupyterLab server on ``folder`` (127.0.0.1, token :data:`TOKEN`); yields its base URL
    and stops it by its process id."""
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("jupyter-lab")),
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        f"--notebook-dir={folder}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]
    log = open(folder / "lab.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(
                        (folder / "lab.log").read_text(errors="replace")[-2000:]
                    ) from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebook 01; yields its base URL."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(paths.PROJECT_ROOT / "notebooks" / NOTEBOOK, folder / NOTEBOOK)
    with lab_server(folder) as url:
        yield url


def _checksums() -> dict[str, str]:
    manifest = Path(paths.OUTPUTS_DIR) / report.MANIFEST_NAME
    if not manifest.is_file():
        pytest.skip("no outputs/manifest.json: run `make report` first")
    return json.loads(manifest.read_text(encoding="utf-8"))["files"]


def test_run_all_cells_in_lab(lab, tmp_path):
    before = _checksums()
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{lab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
        page.wait_for_selector("text=Python (analysis) | Idle", timeout=120_000)
        news_question = page.get_by_text("official Jupyter news").count()
        page.click("text=Run", timeout=10_000)
        page.click("text=Run All Cells", timeout=10_000)
        page.wait_for_selector("text=Python (analysis) | Busy", timeout=30_000)
        page.wait_for_selector("text=Python (analysis) | Idle", timeout=300_000)
        # The kernel is briefly idle between cells: wait for the last cell's execution count.
        page.wait_for_function(
            """() => {
                const prompts = document.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt");
                return prompts.length && /\\[\\d+\\]/.test(prompts[prompts.length - 1].textContent);
            }""",
            timeout=300_000,
        )
        last_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").last.inner_text()
        errors = page.locator(
            "[data-mime-type='application/vnd.jupyter.stderr'], "
            "[data-mime-type='application/vnd.jupyter.error']"
        ).count()
        # The controls at the end (analysis.widgets): pick another entity, its lines appear.
        entity = page.locator(".jupyter-widgets select").first
        entity.scroll_into_view_if_needed()
        entity.select_option("Kim Jong-un")
        page.wait_for_selector("text=mentions of Kim Jong-un", timeout=60_000)
        widget_rows = page.locator(".jupyter-widgets table.dataframe tbody tr").count()
        (Path(paths.OUTPUTS_DIR) / "lab").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(paths.OUTPUTS_DIR) / "lab" / "lab.png"))
        browser.close()
    assert last_prompt.strip().strip("[]:").isdigit(), last_prompt
    assert errors == 0
    assert widget_rows == 10  # Kim Jong-un's ten mentions in the seed, one line each
    assert news_question == 0  # switched off at bootstrap: it would cover the page
    # The run wrote its tables and figures to outputs/lab/, not over the published ones.
    outputs = Path(paths.OUTPUTS_DIR)
    assert (outputs / "lab" / "figures" / "entity_frequency.png").is_file()
    assert report.verify_outputs(outputs) == []
    assert _checksums() == before
