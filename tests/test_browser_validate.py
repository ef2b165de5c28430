"""The labelling panel as a coder uses it: JupyterLab on 127.0.0.1 with a token, a notebook
that shows ``analysis.widgets.label_panel`` on a sheet, opened in headless Chromium (Playwright
with Debian's Chromium) and run; three label buttons clicked; the sheet on disk holds the three
labels. Run by ``make test-browser``; skipped without Chromium or Playwright."""

from __future__ import annotations

import time

import nbformat
import pandas as pd
import pytest
from test_browser import CHROMIUM
from test_browser_lab import TOKEN, lab_server

from analysis.validate.sheet import SHEET_COLUMNS

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found")


def test_three_clicks_are_three_labels_in_the_sheet(tmp_path):
    rows = [
        (
            f"d{k}|Ann Lee",
            f"d{k}",
            "Daily Star",
            "Ann Lee",
            f"Story {k}",
            f"Ann Lee spoke ({k}).",
            "",
        )
        for k in range(4)
    ]
    sheet = tmp_path / "sheet.csv"
    pd.DataFrame(rows, columns=SHEET_COLUMNS).to_csv(sheet, index=False)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            'from analysis.widgets import label_panel\nlabel_panel("sheet.csv")'
        )
    ]
    notebook.metadata["kernelspec"] = {
        "name": "analysis",
        "display_name": "Python (analysis)",
        "language": "python",
    }
    nbformat.write(notebook, tmp_path / "label.ipynb")
    with lab_server(tmp_path) as url, playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/lab/tree/label.ipynb?token={TOKEN}")
        page.wait_for_selector("text=Python (analysis) | Idle", timeout=120_000)
        page.click("text=Run", timeout=10_000)
        page.click("text=Run All Cells", timeout=10_000)
        page.wait_for_selector("text=0 of 4", timeout=120_000)
        for label in ("1 positive", "-1 negative", "0 neutral"):
            page.get_by_role("button", name=label, exact=True).click()
        page.wait_for_selector("text=3 of 4", timeout=30_000)
        page.screenshot(path=str(tmp_path / "label.png"))
        browser.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the kernel writes the sheet as each click arrives
        labels = pd.read_csv(sheet, dtype=str, keep_default_na=False)["label"].tolist()
        if labels[:3] == ["1", "-1", "0"]:
            break
        time.sleep(0.2)
    assert labels == ["1", "-1", "0", ""]
