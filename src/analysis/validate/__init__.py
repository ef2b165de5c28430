"""Validation on the researcher's own corpus: a sample of units they label, and estimates that
account for the disagreement between them and the model (:mod:`analysis.validate.ppi`)."""

from analysis.validate.ppi import (
    LEVEL,
    Estimate,
    difference,
    labels_mean,
    population_mean,
    ppi_mean,
    predictions_mean,
    tuned_lam,
)

__all__ = [
    "LEVEL",
    "Estimate",
    "difference",
    "labels_mean",
    "population_mean",
    "ppi_mean",
    "predictions_mean",
    "tuned_lam",
]
