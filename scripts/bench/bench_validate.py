"""Time :func:`analysis.validate.sheet.estimates` and :func:`~analysis.validate.sheet.agreement`
(what ``analysis validate estimate`` computes once the corpus's tables are read) on ``--units``
synthetic stance units in ``--groups`` groups, ``--labelled`` of them labelled. Prints the
median of ``--repeats`` runs, in seconds.

    python scripts/bench/bench_validate.py --units 10000
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analysis.validate.sheet import agreement, estimates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=7)
    parser.add_argument("--labelled", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    labels = rng.choice([-1, 0, 1], args.units)
    units = pd.DataFrame(
        {
            "unit": [f"d{k}|E" for k in range(args.units)],
            "group": [f"outlet {k % args.groups}" for k in range(args.units)],
            "prediction": 0.5 * labels + rng.normal(0, 0.5, args.units),
        }
    )
    chosen = rng.choice(args.units, args.labelled, replace=False)
    sheet = pd.DataFrame(
        {"unit": units["unit"].iloc[chosen], "label": labels[chosen].astype(str)}
    ).reset_index(drop=True)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        estimates(units, sheet)
        agreement(units, sheet)
        times.append(time.perf_counter() - start)
    print(
        f"{args.units} units, {args.groups} groups, {args.labelled} labelled: "
        f"median {statistics.median(times):.3f} s over {args.repeats} runs"
    )


if __name__ == "__main__":
    main()
