"""Cue verbs: the lemmas that introduce what a source says, believes, intends or shows
(``data/cue_verbs.csv``), with their kind."""

from __future__ import annotations

import csv
import functools
from typing import NamedTuple

from analysis import paths


class CueVerb(NamedTuple):
    """A cue lemma: its kind, and whether its object alone can carry the content ("accused the
    West of ...", "describes the conflict as ...") or only a clause can ("said that ...")."""

    kind: str
    object_content: bool


@functools.lru_cache(maxsize=8)
def load_cue_nouns(path: str | None = None) -> dict[str, str]:
    """Cue nouns ("his claim that ...", "a statement saying ...", "criticism of ...") from a CSV
    file with columns ``lemma,kind``; default the packaged ``data/cue_nouns.csv``."""
    file = paths.resolve_path(path) if path else paths.DATA_DIR / "cue_nouns.csv"
    with open(file, encoding="utf-8", newline="") as handle:
        return {row["lemma"].strip().lower(): row["kind"].strip() for row in csv.DictReader(handle)}


@functools.lru_cache(maxsize=8)
def load_source_nouns(path: str | None = None) -> frozenset[str]:
    """Nouns naming where something was said or shown ("in a poll", "by one estimate", "in an
    interview"), from a CSV file with a ``lemma`` column; default ``data/source_nouns.csv``."""
    file = paths.resolve_path(path) if path else paths.DATA_DIR / "source_nouns.csv"
    with open(file, encoding="utf-8", newline="") as handle:
        return frozenset(row["lemma"].strip().lower() for row in csv.DictReader(handle))


@functools.lru_cache(maxsize=8)
def load_cues(path: str | None = None) -> dict[str, CueVerb]:
    """Cue lemmas from a CSV file with columns ``lemma,kind,object_content``.

    Args:
        path: the file; default the packaged ``data/cue_verbs.csv``. ``kind`` is speech, belief,
            intention or evidence; ``object_content`` is yes or no.
    """
    file = paths.resolve_path(path) if path else paths.DATA_DIR / "cue_verbs.csv"
    with open(file, encoding="utf-8", newline="") as handle:
        return {
            row["lemma"].strip().lower(): CueVerb(
                row["kind"].strip(), row.get("object_content", "").strip().lower() == "yes"
            )
            for row in csv.DictReader(handle)
        }
