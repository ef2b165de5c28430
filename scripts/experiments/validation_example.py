"""The worked example of docs/validation.md: ``analysis validate`` on the 18 PolNeAR dev articles
whose main entity in our stance gold (``tests/data/stance_gold.csv``) is Donald Trump, with the
gold's stance labels standing in for a coder's reading.

Builds the corpus (a folder of links to the texts, with a ``metadata.csv`` of outlet and date from
the file names) in a temporary folder, draws 8 of the 18 with ``analysis validate sample``, fills in
their labels from the gold, and prints what ``analysis validate estimate`` prints, then the mean of
all 18 labels, the truth the estimates are after::

    python scripts/experiments/validation_example.py ../shared/data/polnear/dev/text
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import pandas as pd

from analysis.cli import main as analysis
from analysis.evaluate.stance import gold_stance_values

GOLD = Path(__file__).resolve().parents[2] / "tests" / "data" / "stance_gold.csv"
ENTITY = "Donald Trump"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path, help="the folder of PolNeAR dev's .txt files")
    parser.add_argument("--n", type=int, default=8, help="documents labelled (8)")
    args = parser.parse_args()
    values = gold_stance_values(args.texts, GOLD)
    chosen = values[values["entity"] == ENTITY]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "trump"
        folder.mkdir()
        with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "outlet", "date"])
            for doc_id in chosen["doc_id"]:
                (folder / f"{doc_id}.txt").symlink_to((args.texts / f"{doc_id}.txt").absolute())
                outlet, date, _ = doc_id.split("_", 2)
                writer.writerow([f"{doc_id}.txt", outlet, date])
        sheet = Path(temporary) / "sheet.csv"
        common = [str(folder), "--entity", ENTITY]
        analysis(["validate", "sample", *common, "--n", str(args.n), "--out", str(sheet)])
        drawn = pd.read_csv(sheet, dtype=str, keep_default_na=False)
        label_of = dict(zip(chosen["doc_id"], chosen["gold"].astype(str), strict=True))
        drawn.assign(label=drawn["doc_id"].map(label_of)).to_csv(sheet, index=False)
        analysis(["validate", "estimate", *common, "--labels", str(sheet)])
    print(f"the mean of all {len(chosen)} labels: {chosen['gold'].mean():.4f}")


if __name__ == "__main__":
    main()
