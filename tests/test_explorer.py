"""The explorer page's data and HTML: every group shown, contexts tied to their text, the size
bound, hostile text kept as text. The page in a browser is tested in ``test_browser_explorer``."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis import paths
from analysis.corpus import load_corpus
from analysis.explorer import (
    Limits,
    build_explorer,
    data_size,
    explorer_data,
    explorer_groupings,
    to_json,
)
from analysis.explorer.page import render_page

COMPARE_CORPUS = Path(__file__).parent / "data" / "compare_corpus"
HOSTILE_OUTLET = 'Gazette <b>&amp; "Co"</b>'
HOSTILE_TITLE = "</script><script>alert('title')</script>"
HOSTILE_TEXT = (
    'Mayor Maria Lopez said the <script>alert("x")</script> tag & "quotes" stay text.\n\n'
    "“We will build </script> homes,” said Maria Lopez. Tom Reyes disagreed with Maria Lopez."
)


def make_corpus(folder: Path) -> Path:
    """The comparison corpus (two outlets) plus a third outlet whose name, title and text are
    hostile HTML."""
    shutil.copytree(COMPARE_CORPUS, folder)
    (folder / "gazette_01.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    with (folder / "metadata.csv").open("a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(
            ["gazette_01.txt", HOSTILE_TITLE, HOSTILE_OUTLET, "2024-03-20", "Ana Petrov"]
        )
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("explorer") / "corpus")


@pytest.fixture(scope="module")
def documents(corpus):
    return load_corpus(corpus)


@pytest.fixture(scope="module")
def tables(documents, analyse):
    return analyse(documents)


@pytest.fixture(scope="module")
def data(documents, tables):
    return explorer_data(documents, tables, corpus="corpus")


def test_groupings_offered(documents, seed_tables):
    assert explorer_groupings(documents) == ["outlet", "author", "date:month", "voice"]
    assert explorer_groupings(load_corpus("seeds")) == ["voice"]


def test_every_group_of_every_grouping_is_shown(data, documents):
    outlets = sorted({doc.meta["outlet"] for doc in documents})
    grouping = next(g for g in data["groupings"] if g["name"] == "outlet")
    assert sorted(group for group, *_ in grouping["groups"]) == outlets
    for record in data["entities"]:
        assert [row[0] for row in record["groups"]["outlet"]] == [g[0] for g in grouping["groups"]]


def test_group_counts_add_up_to_the_entity(data):
    lopez = next(r for r in data["entities"] if r["name"] == "Maria Lopez")
    for by, rows in lopez["groups"].items():
        if by != "voice":
            assert sum(row[1] for row in rows) == lopez["mentions"], by
    gazette = next(row for row in lopez["groups"]["outlet"] if row[0] == HOSTILE_OUTLET)
    assert gazette[1] == 3  # three mentions in the hostile document
    assert lopez["quoted_as"]["direct"] >= 1


def test_contexts_point_at_their_text(data, documents):
    texts = [doc.text for doc in documents]
    for record in [*data["entities"], *data["terms"]]:
        assert record["contexts"], record["name"]
        for doc, _sent, start, left, keyword, right, *_ in record["contexts"]:
            assert texts[doc][start : start + len(keyword)] == keyword
            # Entity contexts come from `entities.kwic`, which folds runs of white space.
            assert _folded(texts[doc][:start]).endswith(_folded(left))
            assert _folded(texts[doc][start + len(keyword) :]).startswith(_folded(right))
    assert data["texts"] == texts


def _folded(text: str) -> str:
    return " ".join(text.split())


def test_terms_are_distinctive_of_a_group(data):
    assert data["terms"]
    for term in data["terms"]:
        assert term["distinctive"] and all(z > 0 for *_, z in term["distinctive"])
        assert sum(row[1] for row in term["groups"]["outlet"]) == term["count"]


def test_size_bound_cuts_texts_then_contexts(documents, tables):
    full = explorer_data(documents, tables)
    bound = data_size(full) - 1000
    cut = explorer_data(documents, tables, limits=Limits(max_bytes=bound))
    assert data_size(cut) <= bound
    assert cut["texts"] is None and cut["limits"]["texts"] is False
    tiny = explorer_data(documents, tables, limits=Limits(max_bytes=20_000, contexts=8))
    assert tiny["limits"]["contexts"] < 8
    assert all(len(r["contexts"]) <= tiny["limits"]["contexts"] for r in tiny["entities"])


def test_hostile_text_cannot_leave_the_data_element(documents, tables):
    html = build_explorer(documents, tables, corpus="<b>corpus</b>")
    assert html.count("<script") == 2  # the data element and the page's own script
    assert html.count("</script>") == 2
    assert "alert(" not in html.split('id="explorer-data">')[0]
    assert "<title>Explorer: &lt;b&gt;corpus&lt;/b&gt;</title>" in html
    embedded = re.search(r'id="explorer-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(embedded)
    assert HOSTILE_TITLE in [title for _id, title, *_ in data["documents"]]
    assert HOSTILE_TEXT in data["texts"]


def test_to_json_escapes_markup_characters():
    text = to_json({"a": "</script>&<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script>&<!--"}


def test_page_is_deterministic(data):
    assert render_page(data) == render_page(json.loads(json.dumps(data)))


def test_the_page_reads_rows_by_the_names_the_data_gives(data):
    """Every field the template reads (``F.kind.field``, or ``X.field`` after ``X = F.kind``)
    is one FIELDS declares, and every row of the data has the positions its kind declares."""
    from analysis.explorer import FIELDS

    template = (paths.PACKAGE_DIR / "explorer" / "templates" / "explorer.html.j2").read_text()
    aliases = {}
    for names, kind in re.findall(r"\b([A-Z])\s*=\s*F\.(\w+)\b(?!\.)", template):
        aliases[names] = kind
    used = set(re.findall(r"\bF\.(\w+)\.(\w+)", template))
    used |= {(aliases[a], f) for a, f in re.findall(r"\b([A-Z])\.(\w+)", template) if a in aliases}
    assert len(used) > 25 and {"share", "context", "document"} <= set(aliases.values())
    unknown = {(kind, field) for kind, field in used if field not in FIELDS.get(kind, ())}
    assert not unknown
    assert not re.findall(r"\b(?!groupings)\w+\[\d\]", template)  # no row read by position
    assert data["fields"] == {kind: list(names) for kind, names in FIELDS.items()}
    rows = {"document": data["documents"], "group": [], "share": [], "context": [], "check": []}
    for grouping in data["groupings"]:
        rows["group"] += grouping["groups"]
    for item in data["entities"]:
        rows["share"] += [r for by in item["groups"].values() for r in by]
        rows["context"] += item["contexts"]
        rows["check"] += item["checks"]
        assert item["sentiment"] is None or len(item["sentiment"]) == len(FIELDS["sentiment"])
        assert all(len(r) == len(FIELDS["speaker"]) for r in item["spoken_about_by"])
    for kind, found in rows.items():
        assert found or kind == "check", kind
        assert all(len(r) == len(FIELDS[kind]) for r in found), kind
    for item in data["terms"]:
        assert all(len(r) == len(FIELDS["distinctive"]) for r in item["distinctive"])
        assert all(len(r) == 6 for r in item["contexts"])  # the first six of a context's
