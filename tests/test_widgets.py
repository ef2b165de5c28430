"""The notebooks' controls (analysis.widgets), driven from code as a researcher drives them in
JupyterLab: setting a control redraws the note, the table and the figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import entities, widgets
from analysis.attribution import speaker_table
from analysis.compare import available_groupings
from analysis.corpus import load_corpus
from analysis.sentiment import entity_sentiment

COMPARE_CORPUS = Path(__file__).parent / "data" / "compare_corpus"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def corpus(analyse):
    documents = load_corpus(COMPARE_CORPUS)
    return documents, analyse(documents)


def test_entity_panel_redraws_for_the_entity_and_top_n(seed_tables):
    mentions = seed_tables.name_mentions()
    frequencies = entities.entity_frequencies(mentions)
    panel = widgets.entity_panel(frequencies, entities.kwic(mentions, seed_tables), top_n=5)
    assert panel.controls["entity"].value == frequencies["entity"].iloc[0]
    first_png = bytes(panel.figure.value)
    assert first_png.startswith(PNG)
    panel.controls["entity"].value = "Kim Jong-un"
    assert "mentions of Kim Jong-un" in panel.note.value
    assert panel.table.value.count("<tr>") == (mentions["entity"] == "Kim Jong-un").sum()
    assert "Rocket Man" in panel.table.value and "start_char" in panel.table.value
    panel.controls["top_n"].value = 3
    assert bytes(panel.figure.value).startswith(PNG) and bytes(panel.figure.value) != first_png


def test_sentiment_panel_shows_the_evidence(seed_tables):
    scores = seed_tables.mention_sentiment
    panel = widgets.sentiment_panel(
        entity_sentiment(scores), scores, seed_tables.sentences, top_n=5
    )
    panel.controls["entity"].value = "Russia"
    assert "scored mentions of Russia" in panel.note.value and "mean score" in panel.note.value
    assert "Moscow" in panel.table.value or "Russia" in panel.table.value
    assert bytes(panel.figure.value).startswith(PNG)


def test_attribution_panel_speaker_and_document(seed_tables):
    documents = load_corpus("seeds")
    speakers = speaker_table(seed_tables.attributions)
    panel = widgets.attribution_panel(
        documents, seed_tables.attributions, seed_tables.quoted_terms, speakers
    )
    speaker = speakers["speaker"].iloc[0]
    assert panel.controls["speaker"].value == speaker
    assert f"attributions of {speaker}" in panel.note.value
    assert 'class="article"' in panel.table.value  # the highlighted document below the rows


def test_comparison_panel_switches_grouping_and_measure(corpus):
    documents, tables = corpus
    groupings, _note = available_groupings(documents, "outlet")
    panel = widgets.comparison_panel(documents, tables, groupings, top_n=3)
    assert "groups by outlet" in panel.note.value and "Northern Ledger" in panel.note.value
    assert panel.controls["measure"].value == "shares"
    panel.controls["grouping"].value = "voice"
    assert "groups by voice" in panel.note.value
    panel.controls["measure"].value = "words"
    assert "count_group" in panel.table.value
    panel.controls["measure"].value = "kinds"
    assert panel.figure.layout.display == "none"  # no chart for this measure


def test_markup_in_a_cell_stays_text(corpus):
    documents, tables = corpus
    mentions = tables.name_mentions()
    contexts = entities.kwic(mentions, tables).assign(left="<script>x</script>")
    panel = widgets.entity_panel(entities.entity_frequencies(mentions), contexts)
    assert "<script>" not in panel.table.value and "&lt;script&gt;" in panel.table.value


def test_panels_print_one_stable_line_without_a_frontend(seed_tables):
    mentions = seed_tables.name_mentions()
    panel = widgets.entity_panel(
        entities.entity_frequencies(mentions), entities.kwic(mentions, seed_tables)
    )
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"] == "Entities: controls for JupyterLab (entity, top_n)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_trends_panel_follows_one_entity(analyse):
    from analysis import network

    documents = load_corpus(Path(__file__).parent / "data" / "trends_corpus")
    tables = analyse(documents)
    pairs, _nodes = network.cooccurrence(documents, tables)
    panel = widgets.trends_panel(documents, tables, pairs, by="outlet")
    assert panel.controls["entity"].value == "Alice Moreno"
    panel.controls["entity"].value = "Tom Okafor"
    assert "4 mentions of Tom Okafor" in panel.note.value
    assert "Lena Brandt" in panel.table.value  # the entity it is always named with
    first = bytes(panel.figure.value)
    panel.controls["split"].value = True  # one panel per outlet
    assert bytes(panel.figure.value) != first
    panel.controls["freq"].value = "week"
    assert bytes(panel.figure.value).startswith(PNG)
