"""``outputs/index.html`` in a real browser: headless Chromium renders the page and every notebook
page it links, every link and picture points to a file that exists, and a screenshot of the index
is saved to ``outputs/index.png``.

Run by ``make test-browser`` (which runs ``make report`` first and installs Debian's ``chromium``
when it is missing), not by ``make test``. Skipped when no Chromium binary is found; set
``CHROMIUM=/path/to/chromium`` to use another one. Chromium runs with every host name unresolvable,
so the pages are shown as they would be offline, from ``file://``, without a server.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import pytest

from analysis import paths, report
from analysis.paths import OUTPUTS_DIR

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCREENSHOT_SIZE = (1280, 4800)  # tall enough for the four notebooks and the checksum list
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No network: a page that needs one shows up as missing content, not as a slow test.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CHROMIUM_TIMEOUT_SECONDS = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def find_chromium() -> str | None:
    """``$CHROMIUM`` if it is an executable, else the first Chromium or Chrome on the PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured and os.access(configured, os.X_OK) and Path(configured).is_file():
        return configured
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=(
        "no Chromium binary found (looked for $CHROMIUM, then "
        f"{', '.join(CHROMIUM_NAMES)} on the PATH); `make test-browser` installs Debian's chromium"
    ),
)


class Link(NamedTuple):
    """A link or picture in a page: the tag, its target, and the id and heading of the
    ``<section>`` it is in (None outside sections)."""

    tag: str
    target: str
    section_id: str | None = None
    section: str | None = None


class Page(HTMLParser):
    """What the tests need from a rendered DOM: links and pictures, element ids, the title, the
    body's visible text, the number of script elements and the headings of its sections."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.ids: set[str] = set()
        self.title = ""
        self.scripts = 0
        self.section_headings: list[str] = []
        self._body_text: list[str] = []
        self._open: list[str] = []  # the elements whose text is being collected specially
        self._sections: list[tuple[str | None, list[str]]] = []  # id, heading of each open one
        self.feed(dom)
        self.close()

    @property
    def body_text(self) -> str:
        return " ".join(" ".join(self._body_text).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        section_id, heading = self._sections[-1] if self._sections else (None, None)
        section = " ".join("".join(heading).split()) if heading is not None else None
        target = values.get("src") if tag == "img" else values.get("href")
        if tag in ("a", "img", "link") and target is not None:
            self.links.append(Link(tag, target, section_id, section))
        elif tag == "script":
            self.scripts += 1
        if tag == "section":
            self._sections.append((values.get("id"), []))
        if tag in ("title", "script", "style", "h2"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._sections:
            self.section_headings.append(" ".join("".join(self._sections.pop()[1]).split()))
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._open:
            self.title += data
        elif "script" in self._open or "style" in self._open:
            return
        else:
            self._body_text.append(data)
            if "h2" in self._open and self._sections:
                self._sections[-1][1].append(data)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Run Chromium headless with a fresh profile on a file; returns its standard output."""
    profiles = tmp_path_factory.mktemp("chromium-profiles")

    def run(path: Path, *args: str) -> str:
        profile = tempfile.mkdtemp(dir=profiles)
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, path.as_uri()]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_SECONDS, check=False
        )
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr[-2000:]}"
        return result.stdout

    return run


@pytest.fixture(scope="module")
def outputs() -> Path:
    folder = Path(OUTPUTS_DIR).resolve()
    if not (folder / report.INDEX_NAME).is_file():
        pytest.skip(f"{folder / report.INDEX_NAME} does not exist: run `make report` first")
    return folder


@pytest.fixture(scope="module")
def manifest(outputs) -> dict:
    return json.loads((outputs / report.MANIFEST_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(chromium, outputs) -> Page:
    """The index as Chromium rendered it."""
    return Page(chromium(outputs / report.INDEX_NAME, "--dump-dom"))


def target_file(outputs: Path, target: str) -> Path:
    """The file a relative link points to; fails if it leaves the outputs folder."""
    path = (outputs / unquote(urlsplit(target).path)).resolve()
    assert path.is_relative_to(outputs), f"{target} points outside {outputs}"
    return path


def file_links(page: Page, *, in_notebook_sections: bool = False) -> list[Link]:
    """Links and pictures that point to files, in the whole page or in the notebooks' sections
    only (their ids start with ``nb-``)."""
    return [
        link
        for link in page.links
        if not link.target.startswith("#")
        and (not in_notebook_sections or (link.section_id or "").startswith("nb-"))
    ]


def test_index_shows_every_section(index, manifest):
    assert index.title == "Analysis report"
    assert "What produced it" in index.section_headings
    assert "Every file and its checksum" in index.section_headings
    notebooks_linked = {
        unquote(link.target): link.section_id
        for link in file_links(index, in_notebook_sections=True)
        if link.target.endswith(".ipynb")
    }
    assert set(notebooks_linked) == set(manifest["notebooks"])
    assert len(set(notebooks_linked.values())) == len(manifest["notebooks"]), "one section each"
    corpus, model = manifest["corpus"], manifest["model"]
    for value in (corpus["path"], corpus["hash"], corpus["documents"], model["name"]):
        assert str(value) in index.body_text
    for name, version in manifest["packages"].items():
        assert f"{name} {version or 'not installed'}" in index.body_text
    for parameters in manifest["notebooks"].values():
        for name, value in parameters.items():
            assert f"{name} {json.dumps(value, ensure_ascii=False)}" in index.body_text


def test_index_is_self_contained(index):
    assert index.scripts == 0
    assert not [link for link in index.links if link.tag == "link"], "no stylesheet files"
    for link in index.links:
        parts = urlsplit(link.target)
        assert not parts.scheme and not parts.netloc, f"{link.target} is not a relative link"


def test_every_link_and_picture_points_to_an_existing_file(index, outputs):
    for link in index.links:
        if link.target.startswith("#"):
            assert link.target[1:] in index.ids, f"no element with id {link.target}"
        else:
            assert target_file(outputs, link.target).is_file(), f"{link.target} does not exist"


def test_every_output_file_is_linked(index, outputs, manifest):
    linked = {target_file(outputs, link.target) for link in file_links(index)}
    for name in manifest["files"]:
        assert (outputs / name).resolve() in linked, f"{name} is not linked from the index"


def test_the_explorer_is_linked_and_renders(index, outputs, manifest, chromium):
    if paths.EXPLORER_NAME not in manifest["files"]:
        pytest.skip("no explorer page in this report")
    assert paths.EXPLORER_NAME in {link.target for link in index.links}
    page = Page(chromium(outputs / paths.EXPLORER_NAME, "--dump-dom"))
    assert "Explorer" in page.body_text and "most mentioned" in page.body_text


def test_linked_notebook_pages_render_with_their_title(index, outputs, chromium):
    titles = {
        link.target: link.section
        for link in file_links(index, in_notebook_sections=True)
        if link.target.endswith(".html")
    }
    assert titles, "the index links no notebook page"
    pages = {link.target for link in file_links(index) if link.target.endswith(".html")}
    assert pages - {paths.EXPLORER_NAME} == set(titles)
    for target, title in sorted(titles.items()):
        page = Page(chromium(target_file(outputs, target), "--dump-dom"))
        assert page.body_text, f"{target} rendered an empty body"
        assert title and title in page.body_text, f"{target} does not show its title {title!r}"


def test_linked_notebooks_are_notebooks(index, outputs):
    for target in {link.target for link in file_links(index) if link.target.endswith(".ipynb")}:
        notebook = json.loads(target_file(outputs, target).read_text(encoding="utf-8"))
        assert notebook["cells"], f"{target} has no cells"


def test_pictures_are_valid_pngs(index, outputs):
    from PIL import Image  # matplotlib's own dependency, so nothing to install

    pictures = {link.target for link in index.links if link.tag == "img"}
    assert pictures, "the index shows no figure"
    for target in sorted(pictures):
        path = target_file(outputs, target)
        assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{target} is not a PNG"
        with Image.open(path) as image:
            image.verify()  # chunk structure and checksums
        with Image.open(path) as image:
            image.load()  # decodes every pixel: a truncated file fails here
            assert image.format == "PNG" and min(image.size) > 0


def test_linked_tables_are_non_empty_csvs(index, outputs):
    tables = {link.target for link in file_links(index) if link.target.endswith(".csv")}
    assert tables, "the index links no table"
    for target in sorted(tables):
        with target_file(outputs, target).open(encoding="utf-8", newline="") as file:
            header = next(csv.reader(file), [])
        assert any(header), f"{target} is empty"


def test_screenshot_of_the_index(chromium, outputs):
    screenshot = outputs / "index.png"
    screenshot.unlink(missing_ok=True)
    width, height = SCREENSHOT_SIZE
    chromium(
        outputs / report.INDEX_NAME,
        f"--screenshot={screenshot}",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
    )
    data = screenshot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    # The IHDR chunk comes first: width and height as big-endian 32-bit integers.
    assert data[12:16] == b"IHDR"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (
        width,
        height,
    )
