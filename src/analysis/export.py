"""Write tables and figures so that the same results give the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis import paths


def _target(output_dir: str | os.PathLike[str], kind: str, name: str, suffix: str) -> Path:
    folder = paths.resolve_path(output_dir) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}{suffix}"


def save_table(table: pd.DataFrame, name: str, output_dir: str | os.PathLike[str]) -> Path:
    """Write ``table`` to ``<output_dir>/tables/<name>.csv`` (UTF-8, ``\\n`` line ends, no index).

    Returns:
        The path written.
    """
    path = _target(output_dir, "tables", name, ".csv")
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
    return path


def preview(table: pd.DataFrame, name: str, rows: int = 20) -> pd.DataFrame:
    """The first ``rows`` of a table for a notebook to show; when there are more, one printed line
    says how many and that the notebook writes them all to ``tables/<name>.csv``."""
    if len(table) > rows:
        print(f"{len(table):,} rows: the first {rows} shown; all of them in tables/{name}.csv")
    return table.head(rows)


def save_figure(figure: Figure, name: str, output_dir: str | os.PathLike[str]) -> Path:
    """Write ``figure`` to ``<output_dir>/figures/<name>.png`` without the metadata that varies.

    Returns:
        The path written.
    """
    path = _target(output_dir, "figures", name, ".png")
    figure.savefig(path, dpi=FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    return path


#: Resolution of the published PNGs.
FIGURE_DPI = 120


def show_figure(figure: Figure, name: str, output_dir: str | os.PathLike[str]) -> Path:
    """Write ``figure`` like :func:`save_figure` and show that file in the notebook.

    The figure is drawn once: what the notebook shows is the published PNG, at the size the
    inline backend would have shown the figure. The figure is closed in pyplot, so the inline
    backend does not draw it again at the end of the cell; it can still be changed and shown
    again. Outside IPython nothing is shown.

    Returns:
        The path written.
    """
    path = save_figure(figure, name, output_dir)
    plt.close(figure)
    from IPython import get_ipython  # the kernel has it loaded; commands never call this

    if get_ipython() is not None:
        from IPython.display import Image, display

        data = path.read_bytes()
        width = int.from_bytes(data[16:20], "big")  # the PNG header's width, in pixels
        display(Image(data=data, format="png", width=round(width * figure.dpi / FIGURE_DPI)))
    return path
