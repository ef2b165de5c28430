"""Trends, co-occurrence networks and quotation provenance on a made-up corpus with planted
effects (tests/data/trends_corpus: three outlets, January to March 2024):

- Alice Moreno is mentioned once or not at all in January and February documents, and four or
  five times in each March document;
- Tom Okafor and Lena Brandt are only ever mentioned together, in the same sentence;
- "We will not raise taxes this year, whatever the pressure ..." is carried by the Daily Post
  first (10 January), then trimmed by the Evening Star and given to another speaker (Pedro
  Alvarez) by the Morning Herald.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from analysis import network, plots, provenance, trends
from analysis.cli import main
from analysis.corpus import Document, load_corpus
from analysis.errors import AnalysisError

CORPUS = Path(__file__).parent / "data" / "trends_corpus"
MORENO, OKAFOR, BRANDT = "Alice Moreno", "Tom Okafor", "Lena Brandt"


@pytest.fixture(scope="module")
def documents():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def tables(documents, analyse):
    return analyse(documents)


def test_periods(documents):
    months = trends.document_periods(documents, "month")
    assert months.labels == ["2024-01", "2024-02", "2024-03"]
    assert months.of["post_01"] == "2024-01" and months.undated == []
    weeks = trends.document_periods(documents, "week")
    assert weeks.of["post_01"] == "2024-01-08"  # Wednesday 10 January: the week from Monday 8
    assert weeks.labels[0] == "2024-01-08" and weeks.labels[-1] == "2024-03-25"
    assert len(weeks.labels) == 12  # the empty weeks are listed too
    by_outlet = trends.document_periods(documents, "month", by="outlet")
    assert by_outlet.group["star_01"] == "Evening Star"


def test_the_rise_shows_in_march(documents, tables):
    table = trends.entity_trends(documents, tables, entities=[MORENO], n_resamples=500)
    moreno = table.set_index("period")
    assert list(moreno.index) == ["2024-01", "2024-02", "2024-03"]
    assert moreno.loc["2024-03", "mentions"] >= 15
    assert moreno.loc["2024-02", "mentions"] == 0
    # The band of March lies above the band of every other month.
    assert moreno.loc["2024-03", "low"] > moreno.loc[["2024-01", "2024-02"], "high"].max()
    assert (table["low"] <= table["per_1000"]).all() and (table["per_1000"] <= table["high"]).all()


def test_periods_with_few_documents_are_marked_not_dropped(documents, tables):
    table = trends.entity_trends(documents, tables, freq="week", entities=[MORENO])
    assert len(table) == 12
    empty = table[table["documents"] == 0]
    assert len(empty) >= 1 and empty["per_1000"].isna().all() and empty["few_documents"].all()
    by_outlet = trends.entity_trends(documents, tables, by="outlet", entities=[MORENO])
    assert set(by_outlet["group"]) == {"Daily Post", "Evening Star", "Morning Herald"}
    assert by_outlet["few_documents"].all()  # one or two documents per outlet and month


def test_voice_and_sentiment_trends(documents, tables):
    voice = trends.voice_trends(documents, tables)
    assert list(voice["period"]) == ["2024-01", "2024-02", "2024-03"]
    assert ((voice["share_quoted"] > 0) & (voice["share_quoted"] < 1)).all()
    assert voice["attributions"].sum() == len(tables.attributions)
    sentiment = trends.sentiment_trends(documents, tables, entities=[MORENO])
    march = sentiment.set_index("period").loc["2024-03"]
    assert march["mentions"] == sum(
        1 for row in tables.mention_sentiment.itertuples()
        if row.entity == MORENO and row.doc_id in {"herald_03", "post_04", "star_04", "herald_04"}
    )  # fmt: skip
    assert march["ci_low"] <= march["mean"] <= march["ci_high"]


def test_a_corpus_without_dates_gets_a_clear_message(tables):
    undated = [Document("a", "Alice Moreno spoke.", {}, "a.txt")]
    assert not trends.has_dates(undated)
    with pytest.raises(AnalysisError, match="no document has a date"):
        trends.document_periods(undated)
    assert plots.trend_chart(pd.DataFrame(columns=trends.ENTITY_TREND_COLUMNS)) is not None


def test_the_pair_always_together(documents, tables):
    pairs, nodes = network.cooccurrence(documents, tables)
    top = pairs.iloc[0]
    assert (top["source"], top["target"]) == (BRANDT, OKAFOR)
    assert top["count"] == 4 and top["npmi"] == pytest.approx(1.0)
    others = pairs[(pairs["count"] >= 1) & ~pairs["source"].isin([BRANDT, OKAFOR])]
    assert (others["npmi"] < 1).all()
    assert nodes.set_index("entity").loc[MORENO, "mentions"] >= 20
    # By outlet and by period the pair stays whole; by document Moreno pairs with more.
    by_outlet, _ = network.cooccurrence(documents, tables, by="outlet")
    assert set(by_outlet.loc[by_outlet["source"] == BRANDT, "group"]) == {
        "Daily Post", "Evening Star", "Morning Herald",
    }  # fmt: skip
    by_month, _ = network.cooccurrence(documents, tables, freq="month")
    assert set(by_month.loc[by_month["source"] == BRANDT, "group"]) == {
        "all 2024-01",
        "all 2024-02",
    }
    by_paragraph, _ = network.cooccurrence(documents, tables, unit="paragraph")
    assert by_paragraph.iloc[0]["npmi"] == pytest.approx(1.0)


def test_graph_files_hold_names_with_control_characters(tmp_path):
    # An entity named from a text with a stray ESC in it ("father\x1b"): XML cannot hold it.
    graph = nx.Graph(group="all")
    graph.add_node("father\x1b", label="GPE", mentions=1, units=1)
    graph.add_node("father", label="PERSON", mentions=2, units=2)
    graph.add_edge("father\x1b", "father", count=1, weight=1, npmi=1.0)
    graphml, gexf = network.write_graph(graph, "control", tmp_path)
    for read in (nx.read_graphml(graphml), nx.read_gexf(gexf)):
        assert read.number_of_nodes() == 2 and read.number_of_edges() == 1
    assert set(nx.read_graphml(graphml).nodes) == {"father\ufffd", "father"}
    assert "father\x1b" in graph  # the graph itself is left as it was


def test_graph_files_open_in_networkx(documents, tables, tmp_path):
    pairs, nodes = network.cooccurrence(documents, tables)
    graph = network.graph(pairs, nodes)
    written = network.write_graph(graph, "cooccurrence", tmp_path)
    read = nx.read_graphml(written[0])
    assert read.edges[BRANDT, OKAFOR]["count"] == 4
    assert read.nodes[MORENO]["label"] == "PERSON"
    gexf = nx.read_gexf(written[1])
    assert gexf.number_of_edges() == graph.number_of_edges()
    assert "lastmodifieddate" not in written[1].read_text(encoding="utf-8")
    assert list(network.top_subgraph(graph, 2).nodes) == [MORENO, BRANDT] or set(
        network.top_subgraph(graph, 2).nodes
    ) == {MORENO, BRANDT}


def test_the_quotation_carried_by_three_outlets(documents, tables):
    quotes, carried = provenance.provenance(documents, tables)
    assert len(carried) == 1
    row = carried.iloc[0]
    assert (row["documents"], row["outlets"]) == (3, 3)
    assert (row["first_doc"], row["first_date"], row["first_outlet"]) == (
        "post_01", "2024-01-10", "Daily Post",
    )  # fmt: skip
    assert row["first_speaker"] == MORENO
    assert not row["same_speaker"] and row["speakers"] == "Alice Moreno; Pedro Alvarez"
    matched = quotes[quotes["quote_id"] == row["quote_id"]]
    assert set(matched["doc_id"]) == {"post_01", "star_01", "herald_01"}


def test_matching_rule():
    def same(a: str, b: str) -> bool:
        words = [provenance.normalise(t).split() for t in (a, b)]
        return provenance._same(*words, provenance.THRESHOLD)

    long = "We will not raise taxes this year, whatever the pressure from the markets."
    assert same(long, "“we will not raise taxes this year,”")  # trimmed, case and marks differ
    assert same(long, "We won't raise taxes this year, whatever the pressure from markets.")
    assert not same(long, "Whatever the pressure, we will build the bridge this year.")
    assert provenance.normalise("“It’s — over,” he said.") == "its over he said"


def test_cli_commands(capsys):
    assert main(["trends", str(CORPUS), "--entity", MORENO, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["period"] for row in rows] == ["2024-01", "2024-02", "2024-03"]
    assert main(["network", str(CORPUS), "--format", "csv", "--min-count", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(f"all,{BRANDT},{OKAFOR},4,")
    assert main(["provenance", str(CORPUS), "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["first_outlet"] == "Daily Post"


def test_notebook_05_runs_on_a_corpus_without_dates(tmp_path, capsys):
    """The whole notebook under ``analysis report run``: the trends say why they are empty, the
    network and the provenance are still written."""
    from test_report import _kernel_missing

    if _kernel_missing():
        pytest.skip(_kernel_missing())
    corpus = tmp_path / "undated"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:4]:
        (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    notebook = Path(__file__).parents[1] / "notebooks" / "05_trends.ipynb"
    outputs = tmp_path / "outputs"
    argv = ["report", "run", str(notebook), "--outputs", str(outputs), "-r", "corpus", str(corpus)]
    assert main(argv) == 0, capsys.readouterr().err
    executed = json.loads((outputs / "05_trends.ipynb").read_text(encoding="utf-8"))
    printed = "".join(
        "".join(output.get("text", ""))
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
    )
    assert "No document has a date" in printed
    assert pd.read_csv(outputs / "tables" / "trends_mentions.csv").empty
    assert not pd.read_csv(outputs / "tables" / "cooccurrence_pairs.csv").empty
    assert nx.read_graphml(outputs / "networks" / "cooccurrence.graphml").number_of_nodes() > 0


def test_a_shared_phrase_does_not_chain_two_quotations():
    texts = [
        "I have served as the president of the united states of america for eight long years",
        "No one has ever been more qualified to serve as president of the united states of america",
        "to serve as president of the united states of america",  # matches both
        "you would have to be insane",  # too short to match anything
        "you would have to be a new yorker to understand him at all",
    ]
    words = [provenance.normalise(text).split() for text in texts]
    centres = provenance._centres(words, provenance.THRESHOLD, provenance.MIN_WORDS)
    assert centres[0] != centres[1]  # the two long quotations stay apart
    assert centres[2] in (0, 1)  # the fragment joins one of them only
    assert centres[3] == 3 and centres[4] == 4
