from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis import paths, plots, render
from analysis.attribution import speaker_table
from analysis.corpus import Document, load_corpus

matplotlib.use("Agg")


def _attributions(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "doc_id": "doc",
        "speaker": "",
        "speaker_label": "",
        "via": "",
        "cue_kind": "speech",
        "source": [],
    }
    return pd.DataFrame([{**defaults, "cue": [], **row} for row in rows])


def _tree(fragment: str) -> ET.Element:
    """Parse the fragment as XML: stricter than HTML, so any unbalanced tag fails here."""
    return ET.fromstring(f"<root>{fragment}</root>")


def _article(fragment: str) -> ET.Element:
    """The article element of a fragment (the legend above it uses the same classes)."""
    return _tree(fragment).find("div[@class='article']")


def _text_without_labels(element: ET.Element) -> str:
    """The element's text, leaving out speaker labels (a nested attribution's label sits inside)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "sup":
            parts.append(_text_without_labels(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _content_texts(tree: ET.Element) -> dict[str, str]:
    texts: dict[str, str] = {}
    for element in tree.iter("span"):
        if "attr-content" in element.get("class", "").split() and element.get("data-row"):
            row = element.get("data-row")
            texts[row] = texts.get(row, "") + _text_without_labels(element)
    return texts


# --- escaping ------------------------------------------------------------------------------------

HOSTILE = 'Intro <script>alert(1)</script> & "more".\nShe said “<b>bold</b> & <i>x</i>” today.'


def test_article_text_and_labels_are_escaped():
    content_start = HOSTILE.index("“")
    table = _attributions(
        [
            {
                "kind": "direct",
                "speaker": "<script>evil()</script>",
                "via": 'A "medium" <img src=x>',
                "source": [[HOSTILE.index("She"), HOSTILE.index("She") + 3]],
                "cue": [[HOSTILE.index("said"), HOSTILE.index("said") + 4]],
                "content": [[content_start, HOSTILE.index("”") + 1]],
            }
        ]
    )
    fragment = render.highlight_attributions(HOSTILE, table)
    assert "<script>" not in fragment
    assert "<b>" not in fragment and "<img" not in fragment and "<i>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert "&lt;script&gt;evil()&lt;/script&gt;" in fragment
    article = _article(fragment)
    assert "<script>alert(1)</script>" in "".join(article.itertext())
    tooltip = article.find(".//span[@class='attr-content attr-direct']").get("title")
    assert tooltip == '<script>evil()</script> — direct — via A "medium" <img src=x>'


def test_quotes_and_ampersands_in_text_labels_and_attributes_are_escaped():
    text = "He said 'no' & \"never\" <script>x()</script>."
    speaker = 'O\'Neil & "Sons" <script>s()</script>'
    table = _attributions(
        [
            {
                "kind": "indirect",
                "speaker": speaker,
                "via": 'a "press" release & <b>blog</b>',
                "cue_kind": "sp\"eech'",
                "source": [[0, 2]],
                "cue": [[3, 7]],
                "content": [[8, len(text)]],
            }
        ]
    )
    table.index = ["r\"1'&<2>"]
    fragment = render.highlight_attributions(text, table, legend=False)
    assert "<script>" not in fragment and "<b>" not in fragment
    # Quotes come out as entities in attributes and text alike; & and < never come out bare.
    assert "'" not in fragment.split("</style>", 1)[1]
    assert "&#x27;no&#x27; &amp; &quot;never&quot; &lt;script&gt;x()&lt;/script&gt;." in fragment
    assert "O&#x27;Neil &amp; &quot;Sons&quot; &lt;script&gt;s()&lt;/script&gt;</sup>" in fragment
    article = _article(fragment)
    content = article.find(".//span[@class='attr-content attr-indirect']")
    assert content.get("data-row") == "r\"1'&<2>"
    assert content.get("title") == f'{speaker} — indirect — via a "press" release & <b>blog</b>'
    assert article.find(".//sup[@class='attr-speaker']").text == speaker
    assert article.find(".//span[@class='attr-source']").get("title") == f"source — {speaker}"
    assert article.find(".//span[@class='attr-cue']").get("title") == "cue — sp\"eech'"
    assert _text_without_labels(article).strip() == text


def test_every_paragraph_is_a_p_element():
    text = "First line.\n\nSecond line.\n   \nThird."
    article = _article(render.highlight_attributions(text, _attributions([])))
    paragraphs = article.findall("p")
    assert [p.text for p in paragraphs] == ["First line.", "Second line.", "Third."]


# --- nesting and overlaps -------------------------------------------------------------------------

NESTED = "This, they argue, is at odds with the charter. Critics said the plan fails."


def _nested_table() -> pd.DataFrame:
    they = NESTED.index("they")
    argue = NESTED.index("argue")
    return _attributions(
        [
            {  # the source and cue sit inside the content's outer span
                "kind": "indirect",
                "speaker": "BRICS",
                "source": [[they, they + 4]],
                "cue": [[argue, argue + 5]],
                "content": [[0, NESTED.index(".") + 1]],
            },
            {  # crosses the first attribution's end
                "kind": "partial",
                "speaker": "Critics",
                "source": [[NESTED.index("Critics"), NESTED.index("Critics") + 7]],
                "content": [[NESTED.index("charter"), len(NESTED)]],
            },
        ]
    )


def test_nested_and_crossing_spans_stay_well_formed():
    table = _nested_table()
    article = _article(render.highlight_attributions(NESTED, table))
    texts = _content_texts(article)
    assert texts["0"] == NESTED[: NESTED.index(".") + 1]
    assert texts["1"] == NESTED[NESTED.index("charter") :]
    source = article.find(".//span[@class='attr-source'][@data-row='0']")
    assert source.text == "they"
    # The article's text comes out whole, labels aside.
    assert _text_without_labels(article).strip() == NESTED


def test_split_content_and_json_offsets():
    table = _nested_table()
    table["content"] = [
        [[0, 4], [NESTED.index("is at"), NESTED.index(".") + 1]],
        table["content"].iloc[1],
    ]
    as_json = table.assign(**{c: table[c].map(json.dumps) for c in ["source", "cue", "content"]})
    fragment = render.highlight_attributions(NESTED, table)
    assert render.highlight_attributions(NESTED, as_json) == fragment
    article = _article(fragment)
    expected = "This" + NESTED[NESTED.index("is at") : NESTED.index(".") + 1]
    assert _content_texts(article)["0"] == expected
    # One speaker label per attribution, however many pieces.
    assert len(article.findall(".//sup[@data-row='0']")) == 1


def test_offsets_out_of_range_or_empty_are_ignored():
    table = _attributions(
        [{"kind": "direct", "content": [[5, 5], [-3, 4], [40, 999]], "cue": None, "source": ""}]
    )
    text = "Some text that is shorter than 999."
    article = _article(render.highlight_attributions(text, table))
    assert _content_texts(article)["0"] == text[:4] + text[40:]


def test_output_is_deterministic():
    table = _nested_table()
    terms = pd.DataFrame({"doc_id": ["doc"], "start_char": [0], "end_char": [4], "text": ["This"]})
    first = render.highlight_attributions(NESTED, table, quoted_terms=terms)
    assert render.highlight_attributions(NESTED, table.copy(), quoted_terms=terms) == first
    assert first.count("<style>") == 1 and first.startswith("<style>")


# --- the seed article -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_tables):
    documents = load_corpus(paths.SEEDS_DIR)
    return documents[0], (seed_tables.attributions, seed_tables.quoted_terms)


def test_seed_every_content_is_highlighted(seed):
    document, (attributions, quoted_terms) = seed
    fragment = render.render_document(document, attributions, quoted_terms)
    article = _article(fragment)
    texts = _content_texts(article)
    assert len(attributions) > 0
    for index, row in attributions.iterrows():
        expected = "".join(document.text[start:end] for start, end in row["content"])
        assert texts[str(index)] == expected
    terms = [span.text for span in article.iter("span") if span.get("class") == "attr-term"]
    assert terms == ["“Rocket Man”", "“pariahs”"]
    assert render.render_document(document, attributions, quoted_terms) == fragment


def test_highlights_hold_without_the_style_block(seed):
    # JupyterLab drops a <style> block from an untrusted notebook's output (one opened, not run):
    # every highlight carries its look inline too.
    document, (attributions, quoted_terms) = seed
    fragment = render.render_document(document, attributions, quoted_terms)
    tree = _tree(fragment.split("</style>", 1)[1])
    colours = {f"attr-{kind}": colour for kind, colour in render.HIGHLIGHT_COLOURS.items()}
    styled = 0
    for element in tree.iter():
        classes = element.get("class", "").split()
        if "attr-content" in classes:
            kind = next(c for c in classes if c in colours)
            assert f"background-color: {colours[kind]}" in element.get("style", "")
            styled += 1
        elif {"attr-source", "attr-cue", "attr-term", "attr-speaker"} & set(classes):
            assert element.get("style"), classes
    assert styled >= len(attributions)


def test_render_document_keeps_to_its_document(seed):
    document, (attributions, quoted_terms) = seed
    other = Document("other", "Nothing quoted here.", {}, "other.txt")
    article = _article(render.render_document(other, attributions, quoted_terms))
    assert _content_texts(article) == {}
    assert article.find(".//span[@class='attr-term']") is None


# --- the speaker chart ----------------------------------------------------------------------------


@pytest.mark.parametrize("top_n", [1, 3, 10])
def test_speaker_bar_chart_bars(top_n):
    attributions = _attributions(
        [
            {"kind": kind, "speaker": speaker, "content_text": "“a b”", "content": [[0, 1]]}
            for speaker, kind in [
                ("Ann", "direct"),
                ("Ann", "indirect"),
                ("Bob", "partial"),
                ("Cy", "indirect"),
                ("", "direct"),
            ]
        ]
    )
    speakers = speaker_table(attributions)
    figure = plots.speaker_bar_chart(speakers, top_n=top_n)
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    shown = min(top_n, len(speakers))
    assert [container.get_label() for container in axes.containers] == list(plots.KIND_COLOURS)
    assert [len(container) for container in axes.containers] == [shown] * 3
    assert len(axes.patches) == 3 * shown
    # Stacked: each speaker's bars end at their total, top speaker at the top.
    ends = [
        max(bar.get_x() + bar.get_width() for bar in bars)
        for bars in zip(*axes.containers, strict=True)
    ]
    assert ends == list(speakers["attributions"].head(shown))[::-1]
    assert axes.get_yticklabels()[-1].get_text() == speakers["speaker"].iloc[0]
