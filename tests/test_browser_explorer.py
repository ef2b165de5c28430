"""The explorer page clicked through in headless Chromium (Playwright driving Debian's Chromium; no
browser is downloaded): pick an entity, see its groups and contexts, open a context's document,
switch to distinctive terms; text with ``<script>`` and quotes in a document, title or outlet
stays text. Then the page ``make report`` published, with a screenshot in ``outputs/``.

Run by ``make test-browser``; skipped without Chromium or Playwright.
"""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM
from test_explorer import HOSTILE_OUTLET, HOSTILE_TITLE, make_corpus

from analysis import paths
from analysis.corpus import load_corpus
from analysis.explorer import Limits, build_explorer

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that records script errors and any dialog (an ``alert`` would mean injected code
    ran)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"error: {error}"))
    page.on(
        "dialog",
        lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()),
    )
    yield page
    context.close()


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory, analyse):
    """The page of the hostile corpus, with the document texts and without (as for a corpus too
    large to embed them)."""
    folder = tmp_path_factory.mktemp("explorer-page")
    documents = load_corpus(make_corpus(folder / "corpus"))
    tables = analyse(documents)
    pages = {}
    for name, limits in {"texts": Limits(), "no-texts": Limits(texts_bytes=0)}.items():
        pages[name] = folder / f"explorer-{name}.html"
        html = build_explorer(documents, tables, corpus="corpus", limits=limits)
        pages[name].write_text(html, encoding="utf-8")
    return pages


@pytest.fixture
def hostile_page(hostile_pages):
    return hostile_pages["texts"]


def test_pick_an_entity_and_open_its_document(page, hostile_page):
    page.goto(hostile_page.as_uri())
    page.fill("#filter", "lopez")
    assert page.locator("#items li").count() == 1
    page.click("#items li button")
    assert page.inner_text("#item-name") == "Maria Lopez"
    page.select_option("#grouping", "outlet")
    groups = page.locator("table.groups tbody tr")
    assert groups.count() == 3
    assert HOSTILE_OUTLET in [groups.nth(i).get_attribute("data-group") for i in range(3)]
    hostile_row = page.locator("table.groups tbody tr", has_text="Gazette")
    assert hostile_row.locator("td").first.inner_text() == HOSTILE_OUTLET  # as text, not bold
    assert page.locator("table.groups b").count() == 0
    contexts = page.locator("table.contexts tbody tr")
    assert contexts.count() >= 5
    link = page.locator("table.contexts a", has_text="alert")
    assert link.count() >= 1 and link.first.inner_text() == HOSTILE_TITLE
    link.first.click()
    assert page.locator("h2").inner_text() == HOSTILE_TITLE
    assert page.inner_text("mark#at") == "Maria Lopez"
    assert '<script>alert("x")</script>' in page.inner_text(".article")
    assert page.locator(".article script").count() == 0
    page.go_back()
    assert page.inner_text("#item-name") == "Maria Lopez"
    assert page.problems == []


def test_without_texts_a_document_lists_its_contexts(page, hostile_pages):
    page.goto(hostile_pages["no-texts"].as_uri())
    page.fill("#filter", "lopez")
    page.click("#items li button")
    page.locator("table.contexts a", has_text="alert").first.click()
    assert page.locator("h2").inner_text() == HOSTILE_TITLE
    assert "not embedded" in page.inner_text("#detail")
    # The rows of the span clicked (the entity's, and a term's with the same words) are marked.
    current = page.locator("tr.current").all_inner_texts()
    assert current and all("maria lopez" in row.lower() for row in current)
    assert any(row.startswith("Maria Lopez") for row in current)
    assert page.problems == []


def test_distinctive_terms(page, hostile_page):
    page.goto(hostile_page.as_uri())
    page.click("#tab-terms")
    first = page.locator("#items li button").first
    term = first.get_attribute("data-name")
    first.click()
    assert page.inner_text("#item-name") == term
    assert "Distinctive of" in page.inner_text("#detail")
    assert page.locator("table.contexts tbody tr").count() >= 1
    page.fill("#filter", "zzzz-no-such-term")
    assert page.locator("#items li").count() == 0
    assert page.problems == []


def test_published_explorer(page):
    path = paths.OUTPUTS_DIR / paths.EXPLORER_NAME
    if not path.is_file():
        pytest.skip("no outputs/explorer.html: run `make report` first")
    page.goto(path.as_uri())
    assert page.locator("#items li").count() >= 1
    groupings = page.locator("#grouping option").all_inner_texts()
    assert groupings and groupings[-1] == "voice"
    page.locator("#items li button").first.click()
    assert page.locator("table.groups tbody tr").count() >= 2
    assert page.locator("table.contexts tbody tr").count() >= 1
    page.screenshot(path=str(paths.OUTPUTS_DIR / "explorer.png"), full_page=True)
    assert page.problems == []
