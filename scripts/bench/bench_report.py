"""What a notebook adds to a warm `make report`: the whole report with and without it.

Runs ``make report CORPUS=<corpus> JOBS=<jobs>`` once to fill the table store (and the parse
cache), then, alternating and ``--repeats`` times, the warm report into a fresh, empty outputs
folder: once with every notebook and once without those given by ``--leave-out`` (default notebook
05). "Warm" is the README's: the store and the parses are cached, so the annotate step reads every
document from the store, and every notebook, the explorer page, the manifest and the index are
made again. Prints each run's wall time, the medians and how much the left-out notebooks add
(median with them / median without them - 1). Nothing here asserts anything about time.

    .venv/bin/python scripts/bench/bench_report.py /tmp/polnear_200k --repeats 3 [--jobs 1]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make_report(
    corpus: str, outputs: Path, notebooks: list[str] | None, log: Path, jobs: int = 2
) -> float:
    """Wall time of one ``make report JOBS=jobs`` into ``outputs`` (an empty folder)."""
    command = [
        "make", "--no-print-directory", "report", f"CORPUS={corpus}", f"OUTPUTS={outputs}",
        f"JOBS={jobs}",
    ]  # fmt: skip
    if notebooks is not None:
        command.append("NOTEBOOKS=" + " ".join(notebooks))
    start = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="the corpus folder (or file) given to make report")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="make report JOBS= (notebooks at once)")
    parser.add_argument(
        "--leave-out",
        nargs="+",
        default=["notebooks/05_trends.ipynb"],
        help="the notebooks whose cost is measured",
    )
    args = parser.parse_args(argv)
    every = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    unknown = set(args.leave_out) - set(every)
    if unknown:
        parser.error(f"not a notebook of notebooks/: {', '.join(sorted(unknown))}")
    without = [nb for nb in every if nb not in args.leave_out]
    corpus = str(Path(args.corpus).resolve())
    times: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        log = Path(scratch) / "make.log"
        warm_up = make_report(corpus, Path(scratch) / "warm", None, log, args.jobs)
        print(f"warm-up (fills the store): {warm_up:.1f} s")
        for repeat in range(args.repeats):
            for variant, notebooks in (("with", None), ("without", without)):
                outputs = Path(scratch) / f"{variant}-{repeat}"
                seconds = make_report(corpus, outputs, notebooks, log, args.jobs)
                times[variant].append(seconds)
                print(f"repeat {repeat + 1} {variant:>7}: {seconds:.1f} s", flush=True)
    with_median = statistics.median(times["with"])
    without_median = statistics.median(times["without"])
    print(f"median with every notebook: {with_median:.1f} s")
    print(f"median without {', '.join(args.leave_out)}: {without_median:.1f} s")
    print(f"added: {with_median - without_median:.1f} s, {with_median / without_median - 1:+.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
