"""Paths as the report's outputs record them (relative to the project, so that outputs do not
name the machine), and writing an output file only when its content changed."""

from __future__ import annotations

import os
from pathlib import Path

from analysis.paths import PROJECT_ROOT, write_if_changed

__all__ = ["display_path", "portable_path", "write_if_changed"]


def display_path(path: Path) -> str:
    """``path`` relative to the project root when inside it, so outputs don't name the machine."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def portable_path(path: str | os.PathLike[str]) -> str:
    """A relative path for the manifest: as given if relative, else relative to the project root."""
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        return Path(os.path.relpath(given.resolve(), PROJECT_ROOT)).as_posix()
    except ValueError:  # another drive on Windows
        return given.name
