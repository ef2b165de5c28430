from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import compare as compare_module
from analysis import paths
from analysis.attribution import speaker_table
from analysis.cli import main
from analysis.compare import (
    SENTIMENT_ROW_COLUMNS,
    Grouping,
    bootstrap_ci,
    compare,
    distinctive_terms,
    document_groups,
    entity_shares,
    load_entity_groups,
    log_odds_dirichlet,
    parse_grouping,
    sentiment_intervals,
)
from analysis.corpus import Document, load_corpus
from analysis.errors import AnalysisError

CORPUS = Path(__file__).parent / "data" / "compare_corpus"
LEDGER, COURIER = "Northern Ledger", "Southern Courier"

# --- the log-odds ratio, against the formula worked by hand ---------------------------------------


def test_log_odds_matches_the_formula_by_hand():
    # y_a = (x 3, y 1, z 0), n_a = 4; y_b = (x 1, y 1, z 2), n_b = 4; prior (x 4, y 2, z 2),
    # alpha0 = 8, so alpha_w is the prior count itself.
    # x: log(7 / (4+8-3-4)) - log(5 / (4+8-1-4)) = log(7/5) - log(5/7) = 2 log 1.4 = 0.672944
    #    var = 1/7 + 1/5 = 0.342857, z = 0.672944 / 0.585540 = 1.149271
    # y: log(3/9) - log(3/9) = 0
    # z: log(2 / (4+8-0-2)) - log(4 / (4+8-2-2)) = log(0.2) - log(0.5) = log 0.4 = -0.916291
    #    var = 1/2 + 1/4 = 0.75, z = -0.916291 / 0.866025 = -1.058041
    table = log_odds_dirichlet({"x": 3, "y": 1}, {"x": 1, "y": 1, "z": 2}, {"x": 4, "y": 2, "z": 2})
    assert list(table["term"]) == ["x", "y", "z"]
    assert list(table["count_a"]) == [3, 1, 0] and list(table["count_b"]) == [1, 1, 2]
    assert table["log_odds"].tolist() == pytest.approx([0.672944, 0.0, -0.916291], abs=1e-6)
    assert table["z"].tolist() == pytest.approx([1.149271, 0.0, -1.058041], abs=1e-6)


def test_log_odds_prior_scaled_by_alpha0():
    # alpha0 = 4: alpha = 4 * (4, 2, 2) / 8 = (2, 1, 1).
    # x: log(5 / (4+4-3-2)) - log(3 / (4+4-1-2)) = 2 log(5/3) = 1.021651
    #    var = 1/5 + 1/3, z = 1.021651 / 0.730297 = 1.398954
    # z: log(1 / (4+4-0-1)) - log(3 / (4+4-2-1)) = log(1/7) - log(3/5) = -1.435085
    #    var = 1/1 + 1/3, z = -1.435085 / 1.154701 = -1.242820
    table = log_odds_dirichlet(
        {"x": 3, "y": 1}, {"x": 1, "y": 1, "z": 2}, {"x": 4, "y": 2, "z": 2}, alpha0=4
    ).set_index("term")
    assert table.loc["x", "log_odds"] == pytest.approx(2 * math.log(5 / 3))
    assert table.loc["x", "z"] == pytest.approx(1.398954, abs=1e-6)
    assert table.loc["z", "log_odds"] == pytest.approx(-1.435085, abs=1e-6)
    assert table.loc["z", "z"] == pytest.approx(-1.242820, abs=1e-6)


def test_log_odds_needs_a_prior_for_every_word():
    with pytest.raises(ValueError, match="w"):
        log_odds_dirichlet({"w": 1}, {"x": 1}, {"x": 2})


def test_distinctive_terms_is_the_log_odds_of_each_group_against_the_rest():
    occurrences = [("a", "x")] * 3 + [("a", "y")] + [("b", "x"), ("b", "y"), ("b", "z"), ("b", "z")]
    terms = pd.DataFrame(occurrences, columns=["group", "term"])
    table = distinctive_terms(terms)
    expected = log_odds_dirichlet(
        {"x": 3, "y": 1}, {"x": 1, "y": 1, "z": 2}, {"x": 4, "y": 2, "z": 2}
    )
    a = table[table["group"] == "a"]
    assert list(a["term"]) == ["x", "y"]  # terms the group uses, by z
    assert a["z"].tolist() == pytest.approx(expected["z"].head(2).tolist())
    assert list(a.columns) == [
        "group",
        "term",
        "ngram",
        "count_group",
        "count_rest",
        "log_odds",
        "z",
    ]
    b = table[table["group"] == "b"].set_index("term")
    assert b.loc["z", "z"] == pytest.approx(1.058041, abs=1e-6)  # the mirror image
    assert distinctive_terms(terms[terms["group"] == "a"]).empty  # nothing to compare with


# --- bootstrap ------------------------------------------------------------------------------------


def test_bootstrap_is_deterministic():
    values = [0.1, -0.4, 0.3, 0.8, -0.2, 0.5]
    first = bootstrap_ci(values, seed=7)
    assert first == bootstrap_ci(values, seed=7)
    assert first != bootstrap_ci(values, seed=8)
    mean, low, high = first
    assert mean == pytest.approx(np.mean(values))
    assert low < mean < high
    assert bootstrap_ci([0.4]) == (0.4, 0.4, 0.4)
    assert all(math.isnan(v) for v in bootstrap_ci([]))


def test_sentiment_interval_does_not_depend_on_other_groups():
    rows = pd.DataFrame(
        {"group": "a", "entity": "X", "score": [0.2, 0.4, -0.1, 0.6], "doc_id": "d"}
    ).assign(start_char=range(4))
    alone = sentiment_intervals(rows, seed=3)
    other = pd.DataFrame({"group": "b", "entity": "X", "score": [-0.5, -0.7], "doc_id": "e"})
    together = sentiment_intervals(pd.concat([rows, other.assign(start_char=[0, 1])]), seed=3)
    assert list(together["group"]) == ["a", "b"]
    pd.testing.assert_frame_equal(together.head(1), alone)
    assert together.loc[1, "mentions"] == 2


# --- groupings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("outlet", Grouping("metadata", column="outlet")),
        ("date:month", Grouping("metadata", column="date", bucket="month")),
        ("document", Grouping("document")),
        ("voice", Grouping("voice")),
    ],
)
def test_parse_grouping(by, expected):
    assert parse_grouping(by) == expected


def test_parse_grouping_errors():
    with pytest.raises(AnalysisError, match="date bucket"):
        parse_grouping("date:week")
    with pytest.raises(AnalysisError, match="not found"):
        parse_grouping("groups:/no/such/file.csv")


def test_document_groups_by_date_bucket():
    documents = load_corpus(CORPUS)
    months = document_groups(documents, parse_grouping("date:month"))
    assert months["ledger_01"] == "2024-01" and months["courier_05"] == "2024-03"
    assert set(document_groups(documents, parse_grouping("date:year")).values()) == {"2024"}
    seed = load_corpus()  # dated "2023-09": no day
    with pytest.warns(UserWarning, match="has no day"):
        assert set(document_groups(seed, parse_grouping("date:day")).values()) == {"(none)"}
    with pytest.raises(AnalysisError, match="no document has a 'outlet' value"):
        document_groups(seed, parse_grouping("outlet"))


def test_packaged_entity_groups():
    groups = load_entity_groups()
    assert groups == {
        "United States and allies": (
            "United States",
            "NATO",
            "Ukraine",
            "South Korea",
            "European Union",
        ),
        "Russia and partners": ("Russia", "North Korea", "BRICS", "China"),
    }


def test_entity_groups_from_yaml_and_aliases(tmp_path):
    path = tmp_path / "blocs.yaml"
    path.write_text("West:\n  - US\n  - Nato\nEast: Russia\n", encoding="utf-8")
    assert load_entity_groups(path) == {"West": ("United States", "NATO"), "East": ("Russia",)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,entity\nA,Russia\n", "expected columns group,entity"),
        ("group,entity\n", "no groups"),
        ("group,entity\nA,\n", "a group and an entity"),
    ],
)
def test_entity_groups_csv_errors(tmp_path, content, message):
    path = tmp_path / "groups.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        load_entity_groups(path)


def test_entity_shares_lists_members_never_mentioned():
    mentions = pd.DataFrame({"group": ["g", "g"], "entity": ["A", "A"], "label": ["GPE", "GPE"]})
    table = entity_shares(mentions, {"g": 500}, members={"g": ["A", "B"]})
    assert table[["entity", "mentions", "per_1000"]].to_dict("list") == {
        "entity": ["A", "B"],
        "mentions": [2, 0],
        "per_1000": [4.0, 0.0],
    }


# --- planted differences in a synthetic corpus ---------------------------------------------------


def _sentiment_rows() -> pd.DataFrame:
    """Hand-made targeted sentiment: the Ledger is negative about Mexico, the Courier positive."""
    rng = np.random.default_rng(0)
    rows = []
    for outlet, sign in (("ledger", -1), ("courier", 1)):
        for i in range(12):
            doc_id = f"{outlet}_0{i % 5 + 1}"
            score = sign * (0.5 + 0.3 * rng.uniform(-1, 1))
            voice = "quoted" if i % 3 == 0 else "author"
            rows.append(
                (doc_id, 0, "Mexico", "GPE", 10 * i, 10 * i + 6, score, sign, voice, "", "")
            )
        rows.append((f"{outlet}_01", 0, "Canada", "GPE", 500, 506, 0.1 * sign, 1, "author", "", ""))
    return pd.DataFrame(rows, columns=SENTIMENT_ROW_COLUMNS)


@pytest.fixture(scope="module")
def documents():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def tables(documents, analyse):
    return analyse(documents)


@pytest.fixture(scope="module")
def by_outlet(documents, tables):
    return compare(documents, tables, by="outlet", sentiment=_sentiment_rows())


def test_groups_table(by_outlet, tables):
    groups = by_outlet.groups.set_index("group")
    assert list(groups.index) == [LEDGER, COURIER]
    assert groups["documents"].tolist() == [5, 5]
    assert groups["words"].sum() == len(tables.words)
    assert groups.loc[LEDGER, "members"].startswith("ledger_01; ledger_02")


def test_outlet_that_mentions_canada_more(by_outlet):
    shares = by_outlet.shares.set_index(["group", "entity"])
    ledger, courier = shares.loc[(LEDGER, "Canada")], shares.loc[(COURIER, "Canada")]
    assert ledger["mentions"] > 5 * courier["mentions"]
    assert ledger["per_1000"] > 5 * courier["per_1000"]
    assert ledger["per_1000"] == pytest.approx(ledger["mentions"] / ledger["words"] * 1000)
    # Canada leads the Ledger's table: sorted by share within each group.
    assert by_outlet.shares[by_outlet.shares["group"] == LEDGER].iloc[0]["entity"] == "Canada"


def test_distinctive_phrase_of_an_outlet(by_outlet):
    words = by_outlet.words
    ledger = words[words["group"] == LEDGER]
    top = ledger.iloc[0]
    assert (top["term"], top["ngram"], top["count_rest"]) == ("housing shortage", 2, 0)
    assert ledger["z"].is_monotonic_decreasing
    courier = words[words["group"] == COURIER].set_index("term")
    assert "housing shortage" not in courier.index  # only terms the group uses
    assert courier.loc["maria lopez", "z"] > 1.5


def test_one_outlet_quotes_mostly_one_speaker(by_outlet):
    speakers = by_outlet.speakers
    courier = speakers[speakers["group"] == COURIER].iloc[0]
    assert courier["speaker"] == "Maria Lopez" and courier["share"] > 0.5
    assert courier["direct"] >= 3 and courier["words_quoted"] > 20
    ledger = speakers[speakers["group"] == LEDGER]
    assert ledger["share"].max() < 0.3
    assert speakers.groupby("group")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    kinds = by_outlet.kinds.set_index(["group", "kind"])
    assert kinds.loc[(COURIER, "direct"), "attributions"] >= 4
    assert kinds.groupby("group")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_speakers_per_group_as_in_speaker_table(by_outlet, tables):
    courier = tables.attributions[tables.attributions["doc_id"].str.startswith("courier")]
    expected = speaker_table(courier)
    got = by_outlet.speakers[by_outlet.speakers["group"] == COURIER]
    pd.testing.assert_frame_equal(
        got.drop(columns=["group", "share"]).reset_index(drop=True),
        expected[got.columns.drop(["group", "share"])],
        check_dtype=False,
    )


def test_outlets_disagree_about_mexico(by_outlet):
    sentiment = by_outlet.sentiment.set_index(["group", "entity"])
    ledger, courier = sentiment.loc[(LEDGER, "Mexico")], sentiment.loc[(COURIER, "Mexico")]
    assert ledger["mentions"] == courier["mentions"] == 12
    assert ledger["ci_low"] < ledger["mean"] < ledger["ci_high"] < 0
    assert 0 < courier["ci_low"] < courier["mean"] < courier["ci_high"]
    assert list(by_outlet.sentiment.columns) == [
        "group",
        "entity",
        "mentions",
        "mean",
        "ci_low",
        "ci_high",
        "share_polar",
    ]
    assert by_outlet.sentiment["share_polar"].between(0, 1).all()


def test_same_seed_same_tables(documents, tables, by_outlet):
    again = compare(documents, by="outlet", tables=tables, sentiment=_sentiment_rows())
    for name, table in again._asdict().items():
        pd.testing.assert_frame_equal(table, getattr(by_outlet, name), check_dtype=False)
    other = compare(documents, by="outlet", tables=tables, sentiment=_sentiment_rows(), seed=1)
    assert not other.sentiment["ci_low"].equals(by_outlet.sentiment["ci_low"])


def test_other_document_groupings(documents, tables):
    by_month = compare(documents, by="date:month", tables=tables)
    assert list(by_month.groups["group"]) == ["2024-01", "2024-02", "2024-03"]
    assert by_month.groups["documents"].tolist() == [4, 4, 2]
    by_document = compare(documents, by="document", tables=tables)
    assert len(by_document.groups) == 10
    first = by_document.words[by_document.words["group"] == "courier_01"]
    assert not first.empty and first["z"].is_monotonic_decreasing


def test_voices_take_sentiment_rows_voice(documents, tables):
    voices = compare(documents, by="voice", tables=tables, sentiment=_sentiment_rows())
    mexico = voices.sentiment[voices.sentiment["entity"] == "Mexico"].set_index("group")
    assert mexico["mentions"].to_dict() == {"author": 16, "quoted": 8}


def test_sentiment_rows_default_to_the_tables(documents, tables, by_outlet):
    result = compare(documents, tables._replace(mention_sentiment=_sentiment_rows()), by="outlet")
    assert len(result.sentiment) == 4
    pd.testing.assert_frame_equal(result.sentiment, by_outlet.sentiment)
    empty = tables.mention_sentiment.iloc[0:0]
    result = compare(documents, tables._replace(mention_sentiment=empty), by="outlet")
    assert result.sentiment.empty and list(result.sentiment.columns) == list(
        compare_module.SENTIMENT_COLUMNS
    )


# --- the seed article: entity groups and voices --------------------------------------------------


def test_seed_entity_groups(seed_tables):
    result = compare(load_corpus(), seed_tables, by="groups")
    assert list(result.groups["group"]) == ["United States and allies", "Russia and partners"]
    shares = result.shares.set_index(["group", "entity"])
    for group, members in load_entity_groups().items():
        for entity in members:
            assert shares.loc[(group, entity), "mentions"] > 0, entity
    assert shares.loc[("Russia and partners", "Russia"), "mentions"] == 17
    assert shares.loc[("United States and allies", "United States"), "mentions"] == 16
    assert set(shares["words"]) == {len(seed_tables.words)}  # per 1,000 words of the corpus
    groups = result.groups.set_index("group")
    assert (groups["words"] > 0).all() and (groups["mentions"] > 0).all()
    # The names of the blocs' members are left out of the text compared.
    assert not {"nato", "united states", "north korea"} & set(result.words["term"])
    assert "BRICS" in set(result.speakers["speaker"])
    assert set(result.speakers["group"]) <= set(groups.index)


def test_seed_voices(seed_tables):
    result = compare(load_corpus(), seed_tables, by="voice")
    groups = result.groups.set_index("group")
    assert list(groups.index) == ["author", "quoted"]
    assert groups["words"].min() > 100
    assert groups["words"].sum() == seed_tables.documents["n_words"].sum()
    assert groups.loc["author", "words"] > groups.loc["quoted", "words"]
    assert set(result.words["group"]) == {"author", "quoted"}
    assert set(result.speakers["group"]) == {"quoted"}
    assert result.kinds.set_index(["group", "kind"]).loc[("author", "direct"), "attributions"] == 0
    assert set(result.shares["group"]) == {"author", "quoted"}


def test_one_document_by_document(seed_tables):
    result = compare(load_corpus(), seed_tables, by="document")
    assert len(result.groups) == 1 and result.words.empty and not result.shares.empty


# --- command line ---------------------------------------------------------------------------------


def test_cli_json(cache_dir, capsys, tables):
    args = ["compare", str(CORPUS), "--by", "outlet", "--format", "json", "--top", "3"]
    args += ["--cache-dir", str(cache_dir)]
    assert main([*args, "--measure", "shares", "--measure", "words"]) == 0
    tables_out = json.loads(capsys.readouterr().out)
    assert set(tables_out) == {"shares", "words"}
    assert tables_out["words"][0]["term"] == "housing shortage"
    assert len([r for r in tables_out["shares"] if r["group"] == LEDGER]) == 3


def test_cli_table_and_csv(cache_dir, capsys, tables):
    cache = ["--cache-dir", str(cache_dir)]
    assert main(["compare", str(CORPUS), "--by", "author", *cache]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for name in ("groups", "shares", "words", "sentiment", "speakers", "kinds"):
        assert f"\n{name}\n" in f"\n{out}"
    # The command read the table store that `analysis annotate` fills: a second run parses nothing.
    from analysis.pipeline import Settings, engine, store

    assert store.root(Settings(), cache_dir).is_dir()
    assert engine.analyse(load_corpus(CORPUS), cache_dir=cache_dir).analysed == 0
    args = ["--by", "outlet", "--format", "csv", "--measure", "kinds", *cache]
    assert main(["compare", str(CORPUS), *args]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "group,kind,attributions,share,words_quoted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "outlet", "--format", "csv"], "--format csv writes one table"),
        (["--by", "publisher"], "no document has a 'publisher' value"),
        (["--by", "groups:missing.csv"], "groups file not found"),
    ],
)
def test_cli_errors(args, message, capsys, cache_dir):
    assert main(["compare", str(CORPUS), *args, "--cache-dir", str(cache_dir)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_wide_tables_put_groups_side_by_side(by_outlet):
    shares = compare_module.wide(by_outlet, "shares", top_n=3)
    assert list(shares.columns) == [LEDGER, COURIER]
    long = by_outlet.shares.set_index(["entity", "group"])["per_1000"]
    for entity in shares.index:
        for group in shares.columns:
            expected = round(long.get((entity, group), 0.0), 3)
            assert shares.loc[entity, group] == pytest.approx(expected)
    assert shares.max(axis=1).is_monotonic_decreasing
    words = compare_module.wide(by_outlet, "words", top_n=4)
    assert list(words.index) == [1, 2, 3, 4] and list(words.columns) == [LEDGER, COURIER]
    first = by_outlet.words[by_outlet.words["group"] == LEDGER].iloc[0]
    assert words.loc[1, LEDGER] == f"{first['term']} ({first['z']:.1f})"
    sentiment = compare_module.wide(by_outlet, "sentiment", top_n=2)
    assert len(sentiment) == 2
    assert all(cell == "" or cell.endswith(")") for cell in sentiment.to_numpy().ravel())
    with pytest.raises(ValueError, match="no wide form"):
        compare_module.wide(by_outlet, "kinds")


def test_the_packaged_example_groups_are_compared_on_the_seed_only(tmp_path):
    from analysis.compare import available_groupings, example_groups_apply

    assert example_groups_apply("seeds") and example_groups_apply(paths.SEEDS_DIR)
    assert not example_groups_apply(tmp_path)
    assert example_groups_apply(tmp_path, tmp_path / "blocs.csv")
    documents = [Document(k, "Text.", {"outlet": k}, f"{k}.txt") for k in "ab"]
    assert available_groupings(documents, "outlet").groupings == ["outlet", "groups", "voice"]
    mine = available_groupings(documents, "outlet", entity_groups=False)
    assert mine.groupings == ["outlet", "voice"]
    alone = available_groupings(documents[:1], "outlet", entity_groups=False)
    assert alone.groupings == ["voice"] and "compared by voice" in alone.note
