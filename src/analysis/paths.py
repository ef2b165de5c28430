"""Where the project's folders are, so a notebook runs the same from papermill (cwd = project root)
and from nbval or JupyterLab (cwd = notebooks/)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
#: The packaged targeted sentiment model (:mod:`analysis.sentiment.model`).
SENTIMENT_MODEL_FILE = DATA_DIR / "sentiment_model.json"
#: The targeted model's word table (:mod:`analysis.sentiment.vectors`), named by the model file.
SENTIMENT_WORDS_FILE = DATA_DIR / "sentiment_words.npz"


def _find_project_root() -> Path:
    # Editable install (the project's own .venv): src/analysis -> project root.
    candidate = PACKAGE_DIR.parents[1]
    if (candidate / "pyproject.toml").is_file() and (candidate / "notebooks").is_dir():
        return candidate
    # Installed elsewhere: fall back to the working directory.
    return Path.cwd()


PROJECT_ROOT = _find_project_root()
SEEDS_DIR = PROJECT_ROOT / "seeds"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
#: The explorer page `make report` writes into the outputs folder (:mod:`analysis.explorer`).
EXPLORER_NAME = "explorer.html"


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """Resolve ``path`` against the project root unless it is absolute.

    Args:
        path: a path as a user writes it in a notebook parameter or on the command line.

    Returns:
        An absolute path.
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p)


def cache_dir() -> Path:
    """The parse cache folder: ``$ANALYSIS_CACHE_DIR`` or ``<project>/.cache/analysis``."""
    env = os.environ.get("ANALYSIS_CACHE_DIR")
    return Path(env).expanduser() if env else PROJECT_ROOT / ".cache" / "analysis"


def write_if_changed(path: str | os.PathLike[str], text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless the file already holds it; True if written.

    An unchanged file keeps its time stamp, so Make sees nothing new downstream.
    """
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True
