"""Prediction-powered estimates (analysis.validate): the reference implementation's numbers, and
intervals that cover a known truth whatever the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.validate import (
    difference,
    labels_mean,
    population_mean,
    ppi_mean,
    predictions_mean,
)


def _stance_like(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.choice([-1.0, 0.0, 1.0], size=size, p=[0.4, 0.4, 0.2])  # mean -0.2


def test_the_estimates_are_those_of_the_reference_implementation():
    ppi_py = pytest.importorskip("ppi_py")
    rng = np.random.default_rng(1)
    y = _stance_like(rng, 60)
    f = 0.6 * y + 0.2 + rng.normal(0, 0.4, 60)
    u = 0.6 * _stance_like(rng, 900) + 0.2 + rng.normal(0, 0.4, 900)
    for lam in (None, 1.0, 0.0, 0.5):
        ours = ppi_mean(y, f, u, level=0.9, lam=lam)
        low, high = ppi_py.ppi_mean_ci(y, f, u, alpha=0.1, lam=lam)
        point = ppi_py.ppi_mean_pointestimate(y, f, u, lam=lam)
        assert ours.estimate == pytest.approx(float(np.ravel(point)[0]), abs=1e-12)
        assert (ours.low, ours.high) == pytest.approx((float(low[0]), float(high[0])), abs=1e-12)


def _simulate(predict, replications: int = 2000, n: int = 100, big_n: int = 2000):
    """Coverage of the truth (-0.2) by the PPI, labels-only and model-only 95% intervals, and
    the PPI width over the labels-only width, per replication. 2,000 replications: over 500,
    the coverage's own sampling error (about 0.01) puts a right interval outside 93-97% in
    one seed of twenty."""
    rng = np.random.default_rng(2026)
    covered = {"ppi": 0, "labels": 0, "model": 0}
    ratios = []
    for _ in range(replications):
        y, hidden = _stance_like(rng, n), _stance_like(rng, big_n)
        f, u = predict(y, rng), predict(hidden, rng)
        estimates = {
            "ppi": ppi_mean(y, f, u),
            "labels": labels_mean(y),
            "model": predictions_mean(np.concatenate([f, u])),
        }
        for name, estimate in estimates.items():
            covered[name] += estimate.low <= -0.2 <= estimate.high
        ratios.append(estimates["ppi"].width / estimates["labels"].width)
    return {k: v / replications for k, v in covered.items()}, np.array(ratios)


@pytest.mark.parametrize(
    ("name", "predict"),
    [
        # Tracks the labels, but 0.3 too high.
        ("biased", lambda y, rng: y + 0.3 + rng.normal(0, 0.5, len(y))),
        # Barely tracks them and shrinks toward 0 (mean -0.04), as a weak lexicon does.
        ("noisy", lambda y, rng: 0.2 * y + rng.normal(0, 1.0, len(y))),
    ],
)
def test_ppi_intervals_cover_the_truth_whatever_the_model(name, predict):
    coverage, ratios = _simulate(predict)
    print(f"{name}: coverage {coverage}, width ratio {ratios.mean():.3f} (max {ratios.max():.3f})")
    assert 0.93 <= coverage["ppi"] <= 0.97, coverage
    assert coverage["model"] <= 0.5, coverage  # the model's own interval misses its bias
    assert ratios.max() <= 1.03, ratios.max()  # never more than a few percent wider
    if name == "biased":
        assert ratios.mean() <= 0.8  # a model that tracks the labels narrows the interval


def test_a_population_mean_counts_the_labelled_units_as_labelled():
    y = np.array([1.0, 0.0, -1.0, 1.0])
    assert population_mean(y, y, []).estimate == pytest.approx(0.25)
    assert population_mean(y, y, []).width == 0
    # A perfect model: the unlabelled units' predictions are their labels.
    u = np.array([1.0, 1.0, 0.0, 0.0])
    perfect = population_mean(y, y, u)
    assert perfect.estimate == pytest.approx(np.mean([*y, *u]))
    assert perfect.lam == 1.0 and perfect.width == pytest.approx(0)
    assert (perfect.units, perfect.labelled) == (8, 4)


def test_population_intervals_cover_a_finite_population_mean():
    # 84 units (documents), 42 labelled at random in each replication; the truth is the mean
    # of all 84 labels, the model biased by +0.3 and noisy.
    rng = np.random.default_rng(7)
    truth_labels = _stance_like(rng, 84)
    model = truth_labels + 0.3 + rng.normal(0, 0.6, 84)
    truth = truth_labels.mean()
    covered, narrower = 0, []
    for _ in range(500):
        sample = rng.permutation(84)[:42]
        rest = np.setdiff1d(np.arange(84), sample)
        ppi = population_mean(truth_labels[sample], model[sample], model[rest])
        covered += ppi.low <= truth <= ppi.high
        narrower.append(ppi.width / labels_mean(truth_labels[sample], units=84).width)
    assert 0.93 <= covered / 500 <= 0.995
    assert np.mean(narrower) < 1
    print(f"finite population: coverage {covered / 500:.3f}, width ratio {np.mean(narrower):.3f}")


def test_a_difference_of_two_groups_adds_their_errors():
    a = ppi_mean([1.0, 0.0, 1.0, 1.0], [0.8, 0.1, 0.9, 0.7], [0.5, 0.9, 0.2])
    b = labels_mean([0.0, -1.0, 0.0])
    d = difference(a, b)
    assert d.estimate == pytest.approx(a.estimate - b.estimate)
    assert d.se == pytest.approx(np.hypot(a.se, b.se))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ppi_mean([], [], [1.0]), "labelled and unlabelled"),
        (lambda: ppi_mean([1.0], [1.0], []), "labelled and unlabelled"),
        (lambda: ppi_mean([1.0, 0.0], [1.0], [0.0]), "2 labels but 1 predictions"),
        (lambda: population_mean([], [], [1.0]), "no labelled unit"),
    ],
)
def test_estimates_need_labels(call, message):
    with pytest.raises(ValueError, match=message):
        call()


DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"


@pytest.mark.skipif(not DEV.is_dir(), reason="PolNeAR dev texts not found in ../shared")
def test_on_the_stance_gold_the_intervals_cover_the_all_documents_mean():
    """84 PolNeAR dev documents, 12 per outlet, with the author's stance toward each one's main
    entity read by hand (tests/data/stance_gold.csv): 200 samples of 6 documents per outlet
    labelled, the targeted mean of each document as the model; the truth is the mean of all 84
    labels."""
    from analysis.evaluate.stance import gold_stance_values

    values = gold_stance_values(DEV, Path(__file__).parent / "data" / "stance_gold.csv")
    labels = values["gold"].to_numpy(dtype=float)
    model = values["targeted mean"].to_numpy(dtype=float)  # what stance_units predicts
    outlets = values["doc_id"].str.split("_").str[0].to_numpy()
    truth = labels.mean()
    rng = np.random.default_rng(0)
    covered, ratios = 0, []
    for _ in range(200):
        groups = [np.flatnonzero(outlets == o) for o in sorted(set(outlets))]
        sample = np.concatenate([rng.choice(group, 6, replace=False) for group in groups])
        rest = np.setdiff1d(np.arange(len(labels)), sample)
        ppi = population_mean(labels[sample], model[sample], model[rest])
        covered += ppi.low <= truth <= ppi.high
        ratios.append(ppi.width / labels_mean(labels[sample], units=len(labels)).width)
    assert len(labels) == 84
    assert 0.93 <= covered / 200 <= 0.97, covered / 200
    assert np.mean(ratios) < 1, np.mean(ratios)
    print(f"coverage {covered / 200:.3f}, PPI width / labels-only width {np.mean(ratios):.3f}")


# --- the sheet and the commands (a made-up corpus) -------------------------------------------

_TEXTS = [
    ("a1", "Daily Star", "Hillary Clinton spoke in Ohio on Monday. Voters cheered her plan."),
    ("a2", "Daily Star", "Critics said Hillary Clinton ignored the workers of Ohio."),
    ("a3", "Daily Star", "Hillary Clinton won the debate, a great night for her campaign."),
    ("b1", "Evening Post", "Hillary Clinton lost ground in Iowa, a poll found on Tuesday."),
    ("b2", "Evening Post", "Hillary Clinton met farmers in Iowa and praised their work."),
    ("b3", "Evening Post", "A scandal hurt Hillary Clinton badly in the polls this week."),
]


def _corpus(tmp_path: Path, form: str) -> Path:
    import csv
    import json

    if form == "folder":
        folder = tmp_path / "corpus"
        folder.mkdir()
        for doc_id, _, text in _TEXTS:
            (folder / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "outlet"])
            writer.writerows([(f"{d}.txt", o) for d, o, _ in _TEXTS])
        return folder
    if form == "csv":
        path = tmp_path / "corpus.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "outlet", "text"])
            writer.writerows(_TEXTS)
        return path
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "".join(json.dumps({"id": d, "outlet": o, "text": t}) + "\n" for d, o, t in _TEXTS),
        encoding="utf-8",
    )
    return path


def _validate(step: str, corpus: Path, cache_dir, *more: str) -> int:
    from analysis.cli import main

    common = ["--entity", "Hillary Clinton", "--by", "outlet", "--cache-dir", str(cache_dir)]
    return main(["validate", step, str(corpus), *common, *more])


@pytest.mark.parametrize("form", ["folder", "csv", "jsonl"])
def test_sample_label_estimate_on_a_folder_a_csv_and_a_jsonl_corpus(
    tmp_path, cache_dir, form, capsys
):
    import pandas as pd

    from analysis.validate.sheet import ESTIMATE_COLUMNS, SHEET_COLUMNS

    corpus, sheet = _corpus(tmp_path, form), tmp_path / "sheet.csv"
    assert _validate("sample", corpus, cache_dir, "--n", "2", "--out", str(sheet)) == 0
    drawn = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert drawn.columns.tolist() == SHEET_COLUMNS  # no prediction: coders must not see it
    assert drawn["group"].value_counts().to_dict() == {"Daily Star": 2, "Evening Post": 2}
    assert (tmp_path / "sheet.csv.json").is_file()
    drawn.loc[:2, "label"] = ["1", "-1", "0"]
    drawn.to_csv(sheet, index=False)
    # A larger draw keeps the labelled units and their labels.
    assert _validate("sample", corpus, cache_dir, "--n", "3", "--out", str(sheet)) == 0
    grown = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert len(grown) == 6 and set(drawn["unit"]) <= set(grown["unit"])
    assert grown.set_index("unit").loc[drawn["unit"][:3], "label"].tolist() == ["1", "-1", "0"]
    capsys.readouterr()
    assert _validate("estimate", corpus, cache_dir, "--labels", str(sheet), "--format", "csv") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(ESTIMATE_COLUMNS)
    assert "Daily Star - Evening Post" in out


def test_bad_sheets_are_one_line_errors_and_change_no_file(tmp_path, cache_dir, capsys):
    import json

    import pandas as pd

    corpus, sheet = _corpus(tmp_path, "folder"), tmp_path / "sheet.csv"
    assert _validate("sample", corpus, cache_dir, "--n", "2", "--out", str(sheet)) == 0
    good = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    record = json.loads((tmp_path / "sheet.csv.json").read_text())

    def fails(table: pd.DataFrame, message: str, corpus_hash: str = record["corpus"]) -> None:
        table.to_csv(sheet, index=False)
        (tmp_path / "sheet.csv.json").write_text(json.dumps(record | {"corpus": corpus_hash}))
        before = sheet.read_bytes()
        capsys.readouterr()
        assert _validate("estimate", corpus, cache_dir, "--labels", str(sheet)) == 2
        assert _validate("sample", corpus, cache_dir, "--n", "3", "--out", str(sheet)) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
        assert sheet.read_bytes() == before

    fails(good.assign(label=["2", "", "", ""]), "label '2' is none of -1, 0, 1")
    fails(good.assign(label="1"), "drawn from another corpus", corpus_hash="0" * 64)
    fails(pd.concat([good, good.head(1)]), "twice")
    fails(good.assign(unit=["x|Hillary Clinton", *good["unit"][1:]], label="1"), "not one of")
    assert (
        _validate("estimate", corpus, cache_dir, "--labels", str(sheet), "--entity", "Nobody") == 2
    )
    assert "never mentions 'Nobody'" in capsys.readouterr().err


def test_a_group_with_no_labelled_unit_is_not_estimable(tmp_path, cache_dir, capsys):
    import pandas as pd

    corpus, sheet = _corpus(tmp_path, "folder"), tmp_path / "sheet.csv"
    assert _validate("sample", corpus, cache_dir, "--n", "3", "--out", str(sheet)) == 0
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    table.loc[table["group"] == "Daily Star", "label"] = ["1", "1", "0"]
    table.to_csv(sheet, index=False)
    capsys.readouterr()
    assert _validate("estimate", corpus, cache_dir, "--labels", str(sheet), "--format", "json") == 0
    rows = {r.get("group"): r for r in __import__("json").loads(capsys.readouterr().out)}
    assert rows["Daily Star"]["estimate"] == pytest.approx(2 / 3)  # every unit labelled
    assert rows["Evening Post"]["estimate"] is None
    assert rows["Evening Post"]["note"] == "not estimable: no labelled unit"


def test_the_labelling_panel_writes_each_label_as_it_is_clicked(tmp_path):
    import pandas as pd

    from analysis.validate.sheet import SHEET_COLUMNS
    from analysis.widgets import label_panel

    sheet = tmp_path / "sheet.csv"
    rows = [
        (f"d{k}|Ann Lee", f"d{k}", "g", "Ann Lee", "", f"Ann Lee spoke <{k}>.", "")
        for k in range(3)
    ]
    pd.DataFrame(rows, columns=SHEET_COLUMNS).to_csv(sheet, index=False)
    panel = label_panel(sheet)
    assert "0 of 3" in panel.progress.value and "<mark>Ann Lee</mark>" in panel.unit.value
    assert "&lt;0&gt;" in panel.unit.value  # the text stays text
    panel.buttons["1"].click()
    panel.skip.click()  # past d1 to d2
    panel.buttons["-1"].click()
    panel.back.click()  # back to d1
    panel.back.click()
    panel.skip.click()
    panel.buttons["0"].click()
    written = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert written["label"].tolist() == ["1", "0", "-1"]
    assert "3 of 3" in panel.progress.value
    assert label_panel(sheet).position == 0  # all labelled: the first
    second = label_panel(sheet, column="label_b")
    second.buttons["0"].click()
    written = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert written["label_b"].tolist() == ["0", "", ""] and written["label"].tolist()[0] == "1"


def test_two_coders_agreement_is_krippendorffs_alpha():
    import krippendorff
    import pandas as pd

    from analysis.validate.sheet import coders_alpha

    sheet = pd.DataFrame(
        {"label": ["1", "0", "-1", "1", "", "0"], "label_b": ["1", "0", "0", "1", "1", ""]}
    )
    expected = krippendorff.alpha(
        reliability_data=[[1, 0, -1, 1, np.nan, 0], [1, 0, 0, 1, 1, np.nan]],
        level_of_measurement="ordinal",
    )
    assert coders_alpha(sheet) == pytest.approx(expected)
    assert 0 < expected < 1
    assert coders_alpha(sheet.drop(columns="label_b")) is None


def test_the_validation_chart_draws_each_estimate_it_has():
    import pandas as pd

    from analysis.plots import validation_interval_chart

    table = pd.DataFrame(
        {
            "group": ["a", "b"],
            "model_mean": [0.1, 0.0],
            "model_low": [0.0, -0.1],
            "model_high": [0.2, 0.1],
            "estimate": [-0.2, None],
            "low": [-0.5, None],
            "high": [0.1, None],
        }
    )
    figure = validation_interval_chart(table, title="t")
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["model only", "prediction-powered"]
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["a", "b"]
    empty = validation_interval_chart(table.iloc[0:0], title="t")
    assert not empty.axes[0].axison  # the no-data figure


@pytest.mark.parametrize(
    ("task", "labels"), [("sentiment", ["1", "-1"]), ("attribution", ["1", "0"])]
)
def test_the_sentiment_and_attribution_tasks(tmp_path, cache_dir, task, labels, capsys):
    import json

    import pandas as pd

    from analysis.cli import main

    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = [
        "“We will win Ohio,” Hillary Clinton said on Monday. Critics attacked Hillary Clinton.",
        "Hillary Clinton praised the workers. “This is a great day,” she said.",
    ]
    for k, text in enumerate(texts):
        (folder / f"d{k}.txt").write_text(text + "\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    common = ["--task", task, "--cache-dir", str(cache_dir)]
    if task == "sentiment":
        common += ["--entity", "Hillary Clinton"]
    assert main(["validate", "sample", str(folder), *common, "--n", "2", "--out", str(sheet)]) == 0
    drawn = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert len(drawn) == 2
    assert json.loads((tmp_path / "sheet.csv.json").read_text())["task"] == task
    drawn["label"] = labels
    drawn.to_csv(sheet, index=False)
    capsys.readouterr()
    arguments = [*common, "--labels", str(sheet), "--format", "json"]
    assert main(["validate", "estimate", str(folder), *arguments]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["labelled"] == 2
    if task == "attribution":  # the model asserts each attribution: the labels alone decide
        assert rows[0]["lam"] == 0 and rows[0]["estimate"] == pytest.approx(0.5)
    drawn["label"] = ["1", "2"]
    drawn.to_csv(sheet, index=False)
    assert main(["validate", "estimate", str(folder), *arguments]) == 2


def test_agreement_scores_predictions_that_are_labels():
    import pandas as pd
    from sklearn.metrics import f1_score

    from analysis.validate.sheet import agreement

    units = pd.DataFrame({"unit": list("abcde"), "prediction": [1.0, 0.0, 1.0, 1.0, -1.0]})
    sheet = pd.DataFrame({"unit": list("abcde"), "label": ["1", "0", "-1", "1", ""]})
    scores = agreement(units, sheet)
    assert scores["labelled"] == 4 and scores["accuracy"] == pytest.approx(0.75)
    expected = f1_score([1, 0, -1, 1], [1, 0, 1, 1], average="macro", zero_division=0)
    assert scores["macro_f1"] == pytest.approx(expected)
    assert scores["accuracy_low"] <= 0.75 <= scores["accuracy_high"]
    continuous = agreement(units.assign(prediction=[0.3, 0.1, -0.2, 0.5, 0.0]), sheet)
    assert "macro_f1" not in continuous and continuous["r"] is not None
