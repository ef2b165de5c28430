"""Which per-document figure to use as the model's prediction of the author's stance in
``analysis validate`` (task ``stance``): prediction-powered intervals narrow by the predictor's
correlation with the labels, so the figures of ``analysis.evaluate.stance`` are compared by
Pearson's r with the stance gold (84 PolNeAR dev documents, ``tests/data/stance_gold.csv``), and
chosen by 5-fold cross-validation: in each fold the figure with the best r on the other folds,
over five fold assignments (seeds 0 to 4). Prints each figure's r on all 84 and how often each
was chosen::

    python scripts/experiments/stance_predictor_cv.py ../shared/data/polnear/dev/text
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np

from analysis.evaluate.stance import gold_stance_values

GOLD = Path(__file__).resolve().parents[2] / "tests" / "data" / "stance_gold.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path, help="the folder of the gold documents' .txt files")
    args = parser.parse_args()
    values = gold_stance_values(args.texts, GOLD)
    labels = values["gold"].to_numpy(dtype=float)
    figures = [c for c in values.columns if c not in ("doc_id", "entity", "mentions", "gold")]

    def r(name: str, rows: np.ndarray) -> float:
        return float(np.corrcoef(labels[rows], values[name].to_numpy(dtype=float)[rows])[0, 1])

    everything = np.ones(len(values), dtype=bool)
    for name in figures:
        print(f"{name:40s} r = {r(name, everything):.3f}")
    chosen: Counter[str] = Counter()
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(len(values))
        fold = np.empty(len(values), dtype=int)
        fold[order] = np.arange(len(values)) % 5
        for k in range(5):
            chosen[max(figures, key=lambda name: r(name, fold != k))] += 1
    print("chosen in 25 folds:", ", ".join(f"{name} {n}" for name, n in chosen.most_common()))


if __name__ == "__main__":
    main()
