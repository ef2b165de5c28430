"""The README and the manual in docs/: links that resolve, generated pages up to date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import paths
from analysis.cli.reference import reference

ROOT = paths.PROJECT_ROOT
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md"]
PAGES += [ROOT / "scripts" / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
_LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    found = set()
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        found.add(slug.replace(" ", "-"))
    return found


def links(page: Path) -> list[str]:
    return _LINK.findall(_FENCE.sub("", page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(page):
    broken = []
    for target in links(page):
        if re.match(r"[a-z]+:", target):
            continue  # http:, mailto:
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or (anchor and anchor not in anchors(path)):
            broken.append(target)
    assert not broken, f"{page.name}: {broken}"


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250 and len(text.encode("utf-8")) <= 20_000
    assert "make report" in text and "make test" in text


def test_the_command_line_reference_is_written_from_the_parsers():
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "docs/cli.md is out of date: run make docs"


def test_the_readme_examples_are_what_the_commands_print():
    from analysis.cli.examples import BEGIN, END, examples
    from analysis.evaluate.figures import written_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert written_table(readme, BEGIN, END) == examples(), "README.md is out of date: make docs"


def test_the_anchor_rule_matches_github():
    page = ROOT / "docs" / "sentiment.md"
    assert "which-figure-to-read-per-document-measured-against-the-authors-stance" in anchors(page)


DATA = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(not DATA.is_dir(), reason="the evaluation data (../shared/data) not found")
def test_the_evaluation_figures_are_what_the_command_computes():
    """docs/evaluation.md's table equals what `analysis evaluate figures` computes now (through
    the pipeline's default cache, which the other PolNeAR tests fill too)."""
    from analysis.evaluate.figures import evaluation_figures, figures_table, written_table

    page = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    assert written_table(page) == figures_table(evaluation_figures(DATA))
