"""Paths as the report's outputs record them (relative to the project, so that outputs do not
name the machine), and writing an output file only when its content changed."""

from __future__ import annotations

import os
from pathlib import Path

from analysis.paths import PROJECT_ROOT


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless the file already holds it; True if written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True


def display_path(path: Path) -> str:
    """``path`` relative to the project root when inside it, so outputs don't name the machine."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _portable_path(path: str | os.PathLike[str]) -> str:
    """A relative path for the manifest: as given if relative, else relative to the project root."""
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        return Path(os.path.relpath(given.resolve(), PROJECT_ROOT)).as_posix()
    except ValueError:  # another drive on Windows
        return given.name
