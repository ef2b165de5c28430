from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.cli import evaluate as evaluate_command
from analysis.cli import main
from analysis.corpus import Document
from analysis.errors import AnalysisError
from analysis.evaluate import (
    GOLD_COLUMNS,
    AnnotationWarning,
    brat_files,
    gold_corpus,
    predict_attributions,
    quotation_kind,
    read_brat,
    score_attributions,
)

# Hand-made brat files about a mayor and a council: text/<article>.txt and
# attributions/<article>_<annotator>.ann. council-vote has two annotators (a1 wins);
# council-notes has a text but no annotation. They are stored as .ann.txt, so that no file in the
# repository looks like an evaluation set, and laid out as brat expects once per test session.
_BRAT_STORED = Path(__file__).parent / "data" / "brat"
_BRAT_DIR = tempfile.TemporaryDirectory(prefix="brat-fixture-")  # removed when pytest exits


def _lay_out_brat(stored: Path, target: Path) -> Path:
    shutil.copytree(stored / "text", target / "text")
    (target / "attributions").mkdir()
    for path in (stored / "attributions").glob("*.ann.txt"):
        shutil.copy(path, target / "attributions" / path.name.removesuffix(".txt"))
    return target


BRAT = _lay_out_brat(_BRAT_STORED, Path(_BRAT_DIR.name))
POLNEAR_DEV = paths.PROJECT_ROOT.parent / "shared" / "data" / "polnear" / "dev"


@pytest.fixture(scope="module")
def gold():
    return read_brat(BRAT / "attributions")


@pytest.fixture(scope="module")
def texts():
    return {path.stem: path.read_text(encoding="utf-8") for path in (BRAT / "text").glob("*.txt")}


def _attribution(gold, doc_id, attribution_id):
    rows = gold[(gold["doc_id"] == doc_id) & (gold["attribution_id"] == attribution_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def _predicted(*rows):
    """A predicted table from (doc_id, kind, content, source, cue) tuples."""
    return pd.DataFrame(
        [
            {"doc_id": doc_id, "kind": kind, "content": content, "source": source, "cue": cue}
            for doc_id, kind, content, source, cue in rows
        ],
        columns=["doc_id", "kind", "source", "cue", "content"],
    )


def _gold(*rows):
    """A gold table from (doc_id, content, source, cue) tuples."""
    return pd.DataFrame(
        [
            {"doc_id": doc_id, "content": content, "source": source, "cue": cue}
            for doc_id, content, source, cue in rows
        ],
        columns=["doc_id", "source", "cue", "content"],
    )


# --- reading brat ------------------------------------------------------------------------------


def test_read_brat_one_row_per_attribution(gold):
    assert list(gold.columns) == GOLD_COLUMNS
    assert gold[["doc_id", "attribution_id"]].values.tolist() == [
        ["council-budget", "E1"],
        ["council-budget", "E2"],
        ["council-budget", "E3"],
        ["council-vote", "E1"],
        ["council-vote", "E2"],
        ["council-vote", "E3"],
        ["council-vote", "E4"],
    ]
    first = _attribution(gold, "council-budget", "E1")
    assert (first.source_text, first.cue_text, first.content_text) == (
        "The mayor",
        "said",
        "the budget was balanced",
    )
    assert (first.source, first.cue, first.content) == ([[0, 9]], [[10, 14]], [[15, 38]])


def test_read_brat_discontinuous_spans(gold):
    # E3 is written before the spans it refers to, as in PolNeAR.
    parks = _attribution(gold, "council-budget", "E3")
    assert parks.content == [[114, 136], [148, 172]]
    assert parks.content_text == "“The parks stay open,” … “and the libraries too.”"
    plan = _attribution(gold, "council-vote", "E2")
    assert plan.content_text == "The plan … to cost $2 million"


def test_read_brat_missing_source_and_cue(gold):
    expected = _attribution(gold, "council-vote", "E2")
    assert (expected.source, expected.source_text, expected.cue_text) == ([], "", "is expected")
    clerk = _attribution(gold, "council-vote", "E4")
    assert (clerk.cue, clerk.cue_text, clerk.source_text) == ([], "", "The clerk")


def test_first_annotator_in_sorted_order_wins(gold):
    assert brat_files(BRAT / "attributions")["council-vote"].name == "council-vote_a1.ann"
    vote = _attribution(gold, "council-vote", "E1")
    assert vote.annotator == "a1"
    assert vote.content == [[24, 42]]  # council-vote_b2.ann says [[24, 43]]
    assert set(gold.loc[gold["doc_id"] == "council-vote", "annotator"]) == {"a1"}


def test_read_brat_accepts_split_folder_and_explicit_text_folder(gold):
    pd.testing.assert_frame_equal(read_brat(BRAT), gold)
    pd.testing.assert_frame_equal(read_brat(BRAT / "attributions", BRAT / "text"), gold)


def test_gold_corpus_keeps_annotated_documents_only():
    gold, documents = gold_corpus(BRAT / "attributions")
    assert [doc.id for doc in documents] == ["council-budget", "council-vote"]
    assert len(gold) == 7


def _copy_fixture(tmp_path: Path) -> Path:
    shutil.copytree(BRAT, tmp_path / "brat")
    return tmp_path / "brat"


def test_span_text_mismatch_warns_once_per_file(tmp_path):
    folder = _copy_fixture(tmp_path)
    ann = folder / "attributions" / "council-budget_a1.ann"
    text = ann.read_text(encoding="utf-8")
    text = text.replace("\tThe mayor", "\tThe major").replace("\ttold", "\ttells")
    ann.write_text(text, encoding="utf-8")
    with pytest.warns(AnnotationWarning) as records:
        gold = read_brat(folder / "attributions")
    assert len(records) == 1
    message = str(records[0].message)
    assert "council-budget_a1.ann" in message and "3 span(s)" in message
    # The offsets are kept and the text is taken from the article.
    assert _attribution(gold, "council-budget", "E1").source_text == "The mayor"


def test_fixture_spans_match_their_text():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_brat(BRAT / "attributions")


def test_attribution_without_content_is_skipped_and_repeated_role_merged(tmp_path):
    folder = _copy_fixture(tmp_path)
    ann = folder / "attributions" / "council-budget_a1.ann"
    text = ann.read_text(encoding="utf-8")
    text = text.replace(
        "E2\tAttribution:T8 Content:T5", "E2\tAttribution:T8 Content:T5 Content2:T3"
    )
    text += "T20\tAttribution 10 14\tsaid\nE9\tAttribution:T20 \n"
    ann.write_text(text, encoding="utf-8")
    with pytest.warns(AnnotationWarning, match=r"1 attribution\(s\) without content skipped"):
        gold = read_brat(folder / "attributions")
    assert "E9" not in set(gold["attribution_id"])
    assert _attribution(gold, "council-budget", "E2").content == [[15, 38], [40, 66]]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("E9\tAttribution:T4 Content:T99", "undefined T99"),
        ("T20\tContent 10-14\tsaid", "malformed span line"),
        ("E9\tAttribution:T4 Content", "malformed attribution line"),
    ],
)
def test_bad_annotation_lines_are_errors_naming_the_file_and_line(tmp_path, line, message):
    folder = _copy_fixture(tmp_path)
    ann = folder / "attributions" / "council-budget_a1.ann"
    ann.write_text(ann.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=rf"council-budget_a1\.ann:16: .*{message}"):
        read_brat(folder / "attributions")


def test_span_text_running_over_lines_is_read(tmp_path):
    # brat writes the stated text of a span across paragraphs on several lines; the lines after
    # the first carry no id and belong to it (PolNeAR train has such spans).
    folder = _copy_fixture(tmp_path)
    ann = folder / "attributions" / "council-budget_a1.ann"
    text = ann.read_text(encoding="utf-8")
    ann.write_text(text + "T21\tContent 0 3\tThe\n\nTown line that starts with T\n", "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gold = read_brat(folder / "attributions")
    assert len(gold) == len(read_brat(BRAT / "attributions"))


def test_missing_text_file_is_an_error(tmp_path):
    folder = _copy_fixture(tmp_path)
    (folder / "text" / "council-vote.txt").unlink()
    with pytest.raises(AnalysisError, match="no text file"):
        read_brat(folder / "attributions")


def test_folder_without_annotations_is_an_error(tmp_path):
    with pytest.raises(AnalysisError, match=r"no \.ann files"):
        read_brat(tmp_path)


# --- scoring -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("“We will not raise taxes,”", "direct"),
        ('"Subpoenas are not optional,"', "direct"),
        ("“The parks stay open,” … “and the libraries too.”", "direct"),
        ("  ‘We are ready.’ .", "direct"),  # whitespace and trailing .,;: stripped first
        ("«Nous sommes prêts»", "direct"),
        ("Critics are “furious,”", "partial"),
        ("“Furious,” critics say", "partial"),
        ("It’s ‘in their heads.’", "partial"),
        ("the mayor’s budget is balanced", "indirect"),
        ("the budget was balanced", "indirect"),
        ("“", "partial"),  # one mark cannot both open and close
    ],
)
def test_quotation_kind(content, kind):
    assert quotation_kind(content) == kind


def test_hand_computed_scores(gold, texts):
    predicted = _predicted(
        # content, source, cue: budget E1 matched, exact; source and cue exact
        ("council-budget", "indirect", [[15, 39]], [[0, 9]], [[10, 14]]),
        # budget E2 without its quote marks: overlap and exact; source overlaps, no cue
        ("council-budget", "direct", [[41, 64]], [[78, 85]], []),
        # first piece of budget E3 only: Jaccard 22/46 < 0.5, a false positive
        ("council-budget", "direct", [[114, 136]], [[137, 140]], [[141, 146]]),
        # "the vote will": Jaccard 14/18 with vote E1, but the next one is closer
        ("council-vote", "indirect", [[24, 38]], [[0, 15]], [[16, 23]]),
        # "Critics are" vs "Critics are “furious,”": Jaccard 11/22 = 0.5 exactly counts
        ("council-vote", "partial", [[85, 96]], [[110, 122]], [[123, 128]]),
        # vote E1 with its full stop: Jaccard 18/19, exact; no source
        ("council-vote", "indirect", [[24, 43]], [], [[16, 23]]),
    )
    scores = score_attributions(gold, predicted, texts=texts)

    assert scores["documents"] == {"scored": 3, "failed": 0, "failures": {}}
    overall = scores["overall"]
    assert overall["overlap"] == {
        "tp": 4,
        "n_gold": 7,
        "n_pred": 6,
        "precision": 0.6667,
        "recall": 0.5714,
        "f1": 0.6154,  # 2 * 4 / (7 + 6)
    }
    assert overall["exact"] == {
        "tp": 3,
        "n_gold": 7,
        "n_pred": 6,
        "precision": 0.5,
        "recall": 0.4286,
        "f1": 0.4615,  # 2 * 3 / (7 + 6)
    }
    # Matched pairs whose gold has a source: budget E1, E2, vote E1, E3 (vote E2 has none).
    assert overall["source"] == {
        "overlap": {"correct": 3, "n": 4, "accuracy": 0.75},
        "exact": {"correct": 1, "n": 4, "accuracy": 0.25},
    }
    assert overall["cue"] == {
        "overlap": {"correct": 3, "n": 4, "accuracy": 0.75},
        "exact": {"correct": 3, "n": 4, "accuracy": 0.75},
    }
    # Gold direct quotations: budget E2 and E3; predicted: the two of kind "direct".
    direct = scores["direct"]
    assert direct["overlap"] == {
        "tp": 1,
        "n_gold": 2,
        "n_pred": 2,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }
    assert direct["exact"]["tp"] == 1
    assert direct["source"]["overlap"] == {"correct": 1, "n": 1, "accuracy": 1.0}
    assert scores["kinds"] == {
        "gold": {
            "direct": {"n": 2, "tp": 1, "recall": 0.5},
            "partial": {"n": 1, "tp": 1, "recall": 1.0},
            "indirect": {"n": 4, "tp": 2, "recall": 0.5},
        },
        "predicted": {
            "direct": {"n": 2, "tp": 1, "precision": 0.5},
            "partial": {"n": 1, "tp": 1, "precision": 1.0},
            "indirect": {"n": 3, "tp": 2, "precision": 0.6667},
        },
    }
    json.dumps(scores)  # JSON-ready


TEXT = "“We will not raise taxes,” the mayor said, “not this year.”"


@pytest.mark.parametrize(
    ("predicted_content", "tp"),
    [
        ([[0, 5]], 1),  # 5 / 10
        ([[5, 10]], 1),  # 5 / 10
        ([[0, 4]], 0),  # 4 / 10
        ([[6, 10]], 0),  # 4 / 10
        ([[0, 20]], 1),  # 10 / 20
        ([[0, 21]], 0),  # 10 / 21
        ([[20, 30]], 0),
    ],
)
def test_jaccard_threshold_boundary(predicted_content, tp):
    gold = _gold(("d", [[0, 10]], [], []))
    predicted = _predicted(("d", "indirect", predicted_content, [], []))
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["overlap"]["tp"] == tp


def test_discontinuous_spans_compare_as_character_sets():
    gold = _gold(("d", [[0, 10], [40, 50]], [], []))
    # 10 characters shared out of 20: 0.5. Taken from its first to its last character the gold
    # span would have 50 and the Jaccard index would be 0.2.
    predicted = _predicted(("d", "indirect", [[0, 10]], [], []))
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["overlap"]["tp"] == 1


def test_matching_is_one_to_one():
    gold = _gold(("d", [[0, 10]], [], []))
    predicted = _predicted(
        ("d", "indirect", [[0, 10]], [], []),
        ("d", "indirect", [[0, 9]], [], []),
    )
    overlap = score_attributions(gold, predicted, texts={"d": TEXT})["overall"]["overlap"]
    assert (overlap["tp"], overlap["n_pred"], overlap["precision"]) == (1, 2, 0.5)


def test_matching_prefers_the_highest_jaccard():
    gold = _gold(("d", [[0, 10]], [[27, 36]], []), ("d", [[0, 20]], [[37, 41]], []))
    # Jaccard: [0, 19] with the gold spans 0.53 and 0.95, [0, 12] 0.83 and 0.6. The sources
    # show which pairs were made: only the best pairs get both right.
    predicted = _predicted(
        ("d", "indirect", [[0, 19]], [[37, 41]], []),
        ("d", "indirect", [[0, 12]], [[27, 36]], []),
    )
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["overlap"]["tp"] == 2
    assert scores["overall"]["source"]["overlap"]["correct"] == 2


def test_matching_is_within_documents():
    gold = _gold(("a", [[0, 10]], [], []))
    predicted = _predicted(("b", "indirect", [[0, 10]], [], []))
    scores = score_attributions(gold, predicted, texts={"a": TEXT, "b": TEXT})
    assert scores["overall"]["overlap"]["tp"] == 0


@pytest.mark.parametrize(
    ("predicted_content", "exact"),
    [
        ([[0, 26]], True),  # “We will not raise taxes,”
        ([[1, 24]], True),  # We will not raise taxes
        ([[0, 25]], True),  # “We will not raise taxes,
        ([[0, 8], [9, 26]], True),  # pieces separated by a space only
        ([[1, 23]], False),  # We will not raise taxe
        ([[3, 26]], False),  # will not raise taxes,”
    ],
)
def test_exact_match_ignores_quote_marks_whitespace_and_punctuation(predicted_content, exact):
    gold = _gold(("d", [[0, 26]], [], []))
    predicted = _predicted(("d", "direct", predicted_content, [], []))
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["exact"]["tp"] == int(exact)
    assert scores["overall"]["overlap"]["tp"] == 1


def test_direct_subset_selects_quoted_gold_and_direct_predictions():
    gold = _gold(
        ("d", [[0, 26]], [[27, 36]], [[37, 41]]),  # “We will not raise taxes,”
        ("d", [[1, 24]], [], []),  # We will not raise taxes: indirect
        ("d", [[43, 59]], [[27, 36]], [[37, 41]]),  # “not this year.”
    )
    predicted = _predicted(
        ("d", "direct", [[0, 26]], [[31, 36]], [[37, 41]]),
        ("d", "partial", [[43, 59]], [[27, 36]], [[37, 41]]),
        ("d", "direct", [[1, 24]], [], []),
    )
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    direct = scores["direct"]
    # Subset gold: 1st and 3rd; subset predictions: 1st and 3rd. The 3rd prediction overlaps
    # the 1st gold (23/26) but that one is taken by the identical prediction.
    assert direct["overlap"] == {
        "tp": 1,
        "n_gold": 2,
        "n_pred": 2,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }
    assert direct["source"]["overlap"] == {"correct": 1, "n": 1, "accuracy": 1.0}
    assert direct["source"]["exact"] == {"correct": 0, "n": 1, "accuracy": 0.0}
    assert scores["overall"]["overlap"]["tp"] == 3


def test_source_accuracy_counts_only_pairs_whose_gold_has_a_source():
    gold = _gold(
        ("d", [[0, 26]], [[27, 36]], []),
        ("d", [[43, 59]], [], []),
    )
    predicted = _predicted(
        ("d", "direct", [[0, 26]], [[35, 40]], []),  # one shared character: "r"
        ("d", "direct", [[43, 59]], [[27, 36]], []),
    )
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["source"]["overlap"] == {"correct": 1, "n": 1, "accuracy": 1.0}
    assert scores["overall"]["cue"]["overlap"] == {"correct": 0, "n": 0, "accuracy": None}


def test_source_accuracy_needs_a_shared_character():
    gold = _gold(("d", [[0, 26]], [[27, 36]], []))
    predicted = _predicted(("d", "direct", [[0, 26]], [[36, 41]], []))  # adjacent, not shared
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["source"]["overlap"]["correct"] == 0


def test_spans_may_be_json_strings():
    gold = _gold(("d", "[[0, 26]]", "[]", ""))
    predicted = _predicted(("d", "direct", "[[0, 26]]", "[]", "[]"))
    scores = score_attributions(gold, predicted, texts={"d": TEXT})
    assert scores["overall"]["exact"]["tp"] == 1


def test_precision_by_construction(gold, texts):
    predicted = _predicted(
        ("council-budget", "indirect", [[15, 39]], [[0, 9]], [[10, 14]]),  # matched
        ("council-budget", "direct", [[41, 64]], [[78, 85]], []),  # matched
        ("council-budget", "direct", [[114, 136]], [[137, 140]], [[141, 146]]),  # not
        ("council-vote", "indirect", [[24, 38]], [[0, 15]], [[16, 23]]),  # not
        ("council-vote", "partial", [[85, 96]], [[110, 122]], [[123, 128]]),  # matched
        ("council-vote", "indirect", [[24, 43]], [], [[16, 23]]),  # matched
    )
    assert score_attributions(gold, predicted, texts=texts)["constructions"] == {}
    predicted["construction"] = ["cue verb, clause"] * 2 + ["quote, cue after"] + ["cue noun"] * 3
    constructions = score_attributions(gold, predicted, texts=texts)["constructions"]
    assert constructions == {  # in the order of analysis.schema.CONSTRUCTIONS
        "quote, cue after": {"n": 1, "tp": 0, "share": 0.1667, "precision": 0.0},
        "cue verb, clause": {"n": 2, "tp": 2, "share": 0.3333, "precision": 1.0},
        "cue noun": {"n": 3, "tp": 2, "share": 0.5, "precision": 0.6667},
    }
    assert list(constructions) == ["quote, cue after", "cue verb, clause", "cue noun"]


def test_failed_documents_score_with_no_predictions():
    gold = _gold(("a", [[0, 26]], [], []), ("b", [[0, 26]], [], []))
    predicted = _predicted(("a", "direct", [[0, 26]], [], []))
    scores = score_attributions(
        gold, predicted, texts={"a": TEXT, "b": TEXT}, failures={"b": "ValueError: odd quotes"}
    )
    assert scores["documents"] == {
        "scored": 2,
        "failed": 1,
        "failures": {"b": "ValueError: odd quotes"},
    }
    assert scores["overall"]["overlap"]["recall"] == 0.5
    with pytest.raises(ValueError, match="predictions for failed documents"):
        score_attributions(gold, predicted, texts={"a": TEXT, "b": TEXT}, failures={"a": "x"})


def test_attributions_of_unknown_documents_are_errors():
    gold = _gold(("a", [[0, 26]], [], []))
    with pytest.raises(ValueError, match="gold attributions of 1 document"):
        score_attributions(gold, _predicted(), texts={"b": TEXT})
    with pytest.raises(ValueError, match="beyond the text"):
        score_attributions(gold, _predicted(("a", "direct", [[0, 99]], [], [])), texts={"a": TEXT})


# --- running an extractor ----------------------------------------------------------------------


def _fake_extract(calls):
    def extract(documents):
        calls.append([doc.id for doc in documents])
        if any(doc.id == "odd" for doc in documents):
            raise ValueError("3 quotation marks found\nsecond line")
        return _predicted(*((doc.id, "direct", [[0, 5]], [], []) for doc in documents))

    return extract


def test_predict_attributions_records_failing_documents():
    documents = [Document(name, TEXT, {}, name) for name in ("a", "odd", "b")]
    calls = []
    predicted, failures = predict_attributions(documents, _fake_extract(calls))
    assert calls == [["a", "odd", "b"], ["a"], ["odd"], ["b"]]
    assert list(predicted["doc_id"]) == ["a", "b"]
    assert failures == {"odd": "ValueError: 3 quotation marks found"}

    calls.clear()
    predict_attributions(documents, _fake_extract(calls), batch=False)
    assert calls == [["a"], ["odd"], ["b"]]


def test_predict_attributions_raises_when_every_document_fails():
    documents = [Document("odd", TEXT, {}, "odd")]
    with pytest.raises(ValueError, match="quotation marks"):
        predict_attributions(documents, _fake_extract([]))


# --- command line ------------------------------------------------------------------------------


def test_cli_scores_an_extractor(monkeypatch, tmp_path, capsys, gold):
    """The command with a stand-in extractor that returns the gold spans and fails on one
    article; the real extractor is measured on PolNeAR below."""

    def pipeline_attributions(documents, settings=None, *, cache_dir=None):
        if any(doc.id == "council-vote" for doc in documents):
            raise ValueError("cannot attribute this article")
        ids = {doc.id for doc in documents}
        rows = gold[gold["doc_id"].isin(ids)]
        return rows.assign(kind=[quotation_kind(text) for text in rows["content_text"]])

    monkeypatch.setattr(evaluate_command, "pipeline_attributions", pipeline_attributions)
    output = tmp_path / "scores" / "attribution.json"
    code = main(["evaluate", "attribution", "--brat", str(BRAT), "--output", str(output)])
    assert code == 0
    scores = json.loads(output.read_text(encoding="utf-8"))
    assert scores["documents"] == {
        "scored": 2,
        "failed": 1,
        "failures": {"council-vote": "ValueError: cannot attribute this article"},
    }
    assert scores["overall"]["overlap"]["tp"] == 3
    assert scores["overall"]["overlap"]["n_gold"] == 7
    assert scores["direct"]["exact"]["f1"] == 1.0
    assert scores["system"].startswith("analysis pipeline attributions")
    assert (
        output.read_text(encoding="utf-8")
        == json.dumps(scores, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )
    out = capsys.readouterr().out
    assert "documents: 2 scored, 1 failed" in out
    assert "overall overlap" in out


def test_cli_missing_folder_is_a_one_line_error(capsys, tmp_path):
    code = main(["evaluate", "attribution", "--brat", str(tmp_path / "missing")])
    assert code == 2
    assert capsys.readouterr().err.strip().startswith("error: brat folder not found")


# Baseline on PolNeAR dev, measured with scripts/experiments/textacy_baseline.py (textacy
# 0.13.0): content overlap F1 0.2024 overall and 0.4577 on direct quotations; it fails on 22 of
# the 84 articles.
TEXTACY_OVERLAP_F1 = {"overall": 0.2024, "direct": 0.4577}


@pytest.mark.skipif(
    not POLNEAR_DEV.is_dir(),
    reason=f"PolNeAR dev set not found at {POLNEAR_DEV} (evaluation data is kept outside the repo)",
)
def test_polnear_dev_attribution_beats_textacy(tmp_path):
    """The real extractor (the pipeline's attributions) on PolNeAR dev, through the CLI."""
    output = tmp_path / "attribution.json"
    code = main(["evaluate", "attribution", "--brat", str(POLNEAR_DEV), "--output", str(output)])
    assert code == 0
    scores = json.loads(output.read_text(encoding="utf-8"))
    assert scores["documents"]["scored"] == 84
    assert scores["documents"]["failed"] == 0, scores["documents"]["failures"]
    assert scores["overall"]["overlap"]["n_gold"] == len(read_brat(POLNEAR_DEV))
    for subset, baseline in TEXTACY_OVERLAP_F1.items():
        assert scores[subset]["overlap"]["f1"] > baseline, subset
    # The targets of the reported-speech issue, which dev meets now (F1 0.720, precision 0.826,
    # direct 0.903, source 0.941; recall indirect 0.550, partial 0.741): a change that loses
    # reported speech fails here.
    assert scores["overall"]["overlap"]["f1"] >= 0.72
    assert scores["overall"]["overlap"]["precision"] >= 0.80
    assert scores["direct"]["overlap"]["f1"] >= 0.88
    assert scores["overall"]["source"]["overlap"]["accuracy"] >= 0.90
    assert scores["kinds"]["gold"]["indirect"]["recall"] >= 0.55
    assert scores["kinds"]["gold"]["partial"]["recall"] >= 0.70
    # Every prediction names its construction.
    constructions = scores["constructions"]
    assert sum(c["n"] for c in constructions.values()) == scores["overall"]["overlap"]["n_pred"]
