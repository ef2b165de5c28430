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
    labelled, the author-voice mean of the rest as the model; the truth is the mean of all 84
    labels."""
    import warnings

    from analysis.corpus import load_corpus
    from analysis.evaluate.stance import read_stance_gold, stance_values
    from analysis.pipeline import load

    gold = read_stance_gold(Path(__file__).parent / "data" / "stance_gold.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = [d for d in load_corpus(DEV) if d.id in set(gold["doc_id"])]
    tables = load(documents, only=["entity_mentions", "mention_sentiment", "sentences"])
    values = stance_values(gold, tables.entity_mentions, tables.mention_sentiment, tables.sentences)
    labels = values["gold"].to_numpy(dtype=float)
    model = values["targeted author-voice mean"].to_numpy(dtype=float)
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
