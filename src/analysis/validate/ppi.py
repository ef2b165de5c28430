"""Prediction-powered inference for a mean: estimates from a few labelled units and the model's
predictions on all of them, with intervals that hold whatever the model's accuracy.

A researcher labels a random sample of the units (documents, mentions, attributions); the model
predicts every unit. The labels alone give an unbiased mean with a wide interval; the
predictions alone give a narrow interval around a possibly biased mean. Prediction-powered
inference (PPI; Angelopoulos, Bates, Fannjiang, Jordan and Zrnic, *Science* 2023) corrects the
predictions' mean by the labelled units' mean error, and its power-tuned form (PPI++;
Angelopoulos, Duchi and Zrnic 2023) weighs the predictions by how well they track the labels
(``lam``, 0: the labels alone, 1: plain PPI), so the interval is never much wider than the
labels' own and narrower the better the model.

:func:`ppi_mean` is the estimator of the authors' reference implementation (``ppi_py``'s
``ppi_mean_ci``, which the tests check it against), for a mean over a population the units are
drawn from; :func:`population_mean` is the one a corpus needs: the mean over a finite set of
units of which some are labelled, where the labelled count for themselves and only the rest is
estimated. Hand-written rather than a dependency: the
reference package pulls in numba, statsmodels and a downloader for the paper's data sets, for
a dozen lines of arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: The default confidence level of every interval.
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A mean with its normal-approximation interval at ``level``."""

    estimate: float
    low: float
    high: float
    se: float
    #: Units labelled, and units in all (labelled or not).
    labelled: int
    units: int
    #: The weight of the predictions (``None``: the labels alone or the predictions alone).
    lam: float | None = None
    level: float = LEVEL

    @property
    def width(self) -> float:
        return self.high - self.low


def _interval(estimate: float, se: float, level: float, **fields: float | int | None) -> Estimate:
    half = NormalDist().inv_cdf(0.5 + level / 2) * se
    return Estimate(estimate, estimate - half, estimate + half, se, level=level, **fields)  # type: ignore[arg-type]


#: Numbers, one per unit.
Values = Sequence[float] | np.ndarray


def _array(values: Values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1)


def _sample(
    labels: Values, predictions: Values, unlabelled: Values
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, f, u = _array(labels), _array(predictions), _array(unlabelled)
    if len(y) != len(f):
        raise ValueError(f"{len(y)} labels but {len(f)} predictions")
    return y, f, u


def tuned_lam(labels: np.ndarray, predictions: np.ndarray, unlabelled: np.ndarray) -> float:
    """The weight of the predictions that makes the PPI++ interval narrowest (the covariance
    of labels and predictions over the predictions' variance, shrunk by ``1 + n/N``), clipped
    to [0, 1] as the reference implementation does; 0 when the predictions do not vary."""
    n, big_n = len(labels), len(unlabelled)
    covariance = float(np.mean((labels - labels.mean()) * (predictions - predictions.mean())))
    variance = float(np.var(np.concatenate([predictions, unlabelled]), ddof=1))
    if variance <= 0 or not np.isfinite(variance):
        return 0.0
    return float(np.clip(covariance / ((1 + n / big_n) * variance), 0.0, 1.0))


def ppi_mean(
    labels: Values,
    predictions: Values,
    unlabelled: Values,
    *,
    level: float = LEVEL,
    lam: float | None = None,
) -> Estimate:
    """The PPI++ estimate of the mean label, from labelled units (``labels`` and the model's
    ``predictions`` on them) and the model's predictions on ``unlabelled`` units drawn from the
    same population; ``lam`` fixed, or power-tuned when ``None`` (:func:`tuned_lam`).

    Raises:
        ValueError: no labelled unit, no unlabelled one, or labels and predictions of
            different lengths.
    """
    y, f, u = _sample(labels, predictions, unlabelled)
    if len(y) == 0 or len(u) == 0:
        raise ValueError("PPI needs labelled and unlabelled units")
    weight = tuned_lam(y, f, u) if lam is None else float(lam)
    rectified = y - weight * f
    estimate = float(weight * u.mean() + rectified.mean())
    se = float(np.sqrt(np.var(weight * u) / len(u) + np.var(rectified) / len(y)))
    return _interval(estimate, se, level, labelled=len(y), units=len(y) + len(u), lam=weight)


def labels_mean(labels: Values, *, level: float = LEVEL, units: int | None = None) -> Estimate:
    """The mean of the labels alone, with the classical interval; for the mean over a finite
    set of ``units`` the labels are a simple random sample of, with the finite-population
    correction (no interval when all are labelled)."""
    y = _array(labels)
    n = len(y)
    if n == 0:
        raise ValueError("no labelled unit")
    if units is not None and units < n:
        raise ValueError(f"{n} labelled units of {units}")
    if units == n:
        se = 0.0  # every unit labelled: the mean itself
    else:
        se = float(np.std(y, ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
        se *= float(np.sqrt(1 - n / units)) if units is not None else 1.0
    return _interval(float(y.mean()), se, level, labelled=n, units=units or n)


def predictions_mean(predictions: Values, *, level: float = LEVEL) -> Estimate:
    """The mean of the model's predictions on every unit, with the interval that trusts them:
    narrow, and wrong by the model's bias."""
    f = _array(predictions)
    if len(f) == 0:
        raise ValueError("no unit")
    se = float(np.std(f, ddof=1) / np.sqrt(len(f))) if len(f) > 1 else 0.0
    return _interval(float(f.mean()), se, level, labelled=0, units=len(f))


def population_mean(
    labels: Values,
    predictions: Values,
    unlabelled: Values,
    *,
    level: float = LEVEL,
    lam: float | None = None,
) -> Estimate:
    """The mean label over a finite set of units (every document that mentions an entity, say)
    of which a simple random sample is labelled: the labelled units count with their labels,
    the others with their predictions corrected by the labelled units' mean error.

    The predictions of the unlabelled units are known exactly, so what is uncertain is only how
    far their labels stray from them: the error's variance is that of the labelled units'
    ``label - lam * prediction`` times ``1/n + 1/N`` (the difference estimator of survey
    sampling, which PPI is over a finite population), and ``lam`` is tuned to make it smallest
    (the slope of the labels on the predictions, clipped to [0, 1]; 0 when they do not vary).
    All units labelled: the exact mean, no interval.

    Raises:
        ValueError: no labelled unit, or labels and predictions of different lengths.
    """
    y, f, u = _sample(labels, predictions, unlabelled)
    n, big_n = len(y), len(u)
    if n == 0:
        raise ValueError("no labelled unit")
    if big_n == 0:
        mean = float(y.mean())
        return Estimate(mean, mean, mean, 0.0, n, n, level=level)
    if lam is None:
        variance = float(np.var(f, ddof=1)) if n > 1 else 0.0
        slope = float(np.cov(y, f, ddof=1)[0, 1]) / variance if variance > 0 else 0.0
        lam = float(np.clip(slope, 0.0, 1.0))
    rectified = y - lam * f
    rest = lam * float(u.mean()) + float(rectified.mean())
    spread = float(np.var(rectified, ddof=1)) if n > 1 else float("inf")
    share = big_n / (n + big_n)
    estimate = (n * float(y.mean()) + big_n * rest) / (n + big_n)
    se = share * float(np.sqrt(spread * (1 / n + 1 / big_n)))
    return _interval(estimate, se, level, labelled=n, units=n + big_n, lam=lam)


def difference(first: Estimate, second: Estimate) -> Estimate:
    """``first`` minus ``second``, estimated from independent samples (two groups): the
    standard errors add in quadrature."""
    se = float(np.hypot(first.se, second.se))
    return _interval(
        first.estimate - second.estimate,
        se,
        first.level,
        labelled=first.labelled + second.labelled,
        units=first.units + second.units,
    )
