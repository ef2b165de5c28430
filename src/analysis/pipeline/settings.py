"""What besides the text a document's tables depend on, and the key that names them in the store.

:meth:`Settings.key` digests the settings, the model's identity, the package version, the content
of every data file the analyses read, and the source of every module that computes the tables
(:func:`code_digest`): edit a rule in :mod:`analysis.attribution` or a row of
``data/cue_verbs.csv`` and the tables are computed again, from the cached parse.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from analysis import __version__, paths
from analysis.models import model_info
from analysis.schema import DEFAULT_MODEL

#: The module whose imports, followed transitively within the package, make up the code that
#: computes the tables.
ANALYSER_MODULE = "analysis.pipeline.analyser"
_PACKAGE = "analysis"


@dataclass(frozen=True)
class Settings:
    """Everything besides the text that a document's tables depend on.

    Attributes:
        model: spaCy model package name or path.
        metonyms: resolve "Moscow" to Russia etc. (see :mod:`analysis.entities`).
        method: targeted sentiment method, ``model`` or ``lexicon``.
        cues_file: a CSV of attribution cue lemmas; ``None`` for the packaged one.
        overrides: a CSV of entity overrides (:func:`analysis.identity.read_overrides`),
            applied when the tables are read; not part of :meth:`key`, since the stored tables
            do not depend on it.
    """

    model: str = DEFAULT_MODEL
    metonyms: bool = True
    method: str = "model"
    cues_file: str | None = None
    overrides: str | None = None

    def key(self) -> str:
        """A digest of the settings, the model's identity, the package version, the content of
        every data file the analyses read and the analysis code: tables computed under one key
        are valid for it."""
        info = model_info(self.model)
        files = [
            *sorted(paths.DATA_DIR.glob("*.csv")),
            paths.SENTIMENT_MODEL_FILE,
            *sorted(paths.DATA_DIR.glob("*.npz")),  # the model's word table
        ]
        if self.cues_file:
            files.append(paths.resolve_path(self.cues_file))
        digest = hashlib.sha256()
        fields = [info["name"], info["version"], __version__, str(self.metonyms), self.method]
        digest.update(json.dumps(fields).encode("utf-8"))
        for file in files:
            digest.update(file.name.encode("utf-8"))
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        digest.update(code_digest().encode("utf-8"))
        return digest.hexdigest()[:16]


def _module_file(name: str) -> Path | None:
    """The source file of a module of this package, or None for a name that is no module."""
    relative = Path(*name.split(".")[1:])
    if name == _PACKAGE:
        return paths.PACKAGE_DIR / "__init__.py"
    for candidate in (relative.with_suffix(".py"), relative / "__init__.py"):
        path = paths.PACKAGE_DIR / candidate
        if path.is_file():
            return path
    return None


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that the module ``name`` imports, its parent packages included."""
    found = {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {
        module
        for module in found
        if module.split(".")[0] == _PACKAGE and _module_file(module) is not None
    }


@functools.lru_cache(maxsize=1)
def code_modules() -> tuple[str, ...]:
    """The package's modules the table computation runs: :data:`ANALYSER_MODULE` and what it
    imports, transitively (the command line, the notebooks' views and the report are not)."""
    seen: set[str] = set()
    todo = [ANALYSER_MODULE]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is not None and name != _PACKAGE:
            todo.extend(_imports(name, path) - seen)
    return tuple(sorted(seen))


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the source of :func:`code_modules`."""
    digest = hashlib.sha256()
    for name in code_modules():
        path = _module_file(name)
        if path is not None:
            digest.update(name.encode("utf-8"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
