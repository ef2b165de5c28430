"""Gold attributions from brat standoff files (the PolNeAR scheme): the annotation file of each
article, its ``T`` and ``E`` lines as a table of spans, and the annotated texts."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pandas as pd

from analysis.corpus import Document, load_corpus
from analysis.errors import GoldFileError
from analysis.evaluate.spans import Span, merge_pieces, span_text

#: One row per gold attribution (brat ``E`` line). ``source``, ``cue`` and ``content`` are lists
#: of ``[start, end]`` offsets into the article text (empty when the role is missing); ``*_text``
#: are the same spans' text, pieces joined by " … ", as in ``ATTRIBUTION_COLUMNS``.
GOLD_COLUMNS = [
    "doc_id",
    "annotator",
    "attribution_id",
    "source_text",
    "cue_text",
    "content_text",
    "source",
    "cue",
    "content",
]
ROLES = ("source", "cue", "content")


class AnnotationWarning(UserWarning):
    """A gold annotation file has spans that disagree with the text, or unusable attributions."""


def brat_files(ann_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """The annotation file of each article in a brat folder.

    Files are named ``<article>_<annotator>.ann``; where several annotators did one article, the
    first file in sorted order is used.

    Args:
        ann_dir: the folder of ``.ann`` files, or a split folder holding ``attributions/``.

    Returns:
        The ``.ann`` file by article stem (the document id), sorted by article.

    Raises:
        GoldFileError: the folder does not exist or holds no ``.ann`` file.
    """
    folder = _annotation_folder(Path(ann_dir))
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.ann"), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        article = path.stem.rpartition("_")[0] or path.stem
        files.setdefault(article, path)
    return dict(sorted(files.items()))


def read_brat(
    ann_dir: str | os.PathLike[str], text_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Gold attributions from a folder of brat standoff files (the PolNeAR scheme).

    ``T`` lines are text-bound spans (``Source``, ``Cue``, ``Content``, ``Attribution``; pieces of
    a discontinuous span joined by ``;``); each ``E`` line ties one attribution's spans together,
    ``Attribution:T<a> Content:T<c> Cue:T<q> Source:T<s>``. Source and cue may be missing; a
    repeated role (``Content2``) adds its pieces to the role. Other lines are ignored.

    Args:
        ann_dir: the folder of ``<article>_<annotator>.ann`` files (see :func:`brat_files`).
        text_dir: the folder of ``<article>.txt`` files; default ``<ann_dir>/../text``.

    Returns:
        One row per ``E`` line with a content span, columns :data:`GOLD_COLUMNS`, in article then
        file order.

    Raises:
        GoldFileError: a folder or text file is missing, a text is not UTF-8, or an annotation
            line is malformed or refers to an undefined span.

    Warns:
        AnnotationWarning: once per file, when spans' offsets do not give their stated text (the
            offsets are kept), or attributions without content were skipped.
    """
    folder = _annotation_folder(Path(ann_dir))
    text_folder = Path(text_dir) if text_dir is not None else folder.parent / "text"
    if not text_folder.is_dir():
        raise GoldFileError(f"text folder not found: {text_folder}")
    rows: list[dict[str, object]] = []
    for doc_id, path in brat_files(folder).items():
        text_path = text_folder / f"{doc_id}.txt"
        if not text_path.is_file():
            raise GoldFileError(f"{_display(path)}: no text file {text_path}")
        rows.extend(_read_ann(path, doc_id, read_utf8(text_path)))
    return pd.DataFrame(rows, columns=GOLD_COLUMNS)


def gold_corpus(
    ann_dir: str | os.PathLike[str], text_dir: str | os.PathLike[str] | None = None
) -> tuple[pd.DataFrame, list[Document]]:
    """Gold attributions and the annotated documents, ready for an extractor and the scorer.

    Args:
        ann_dir: the folder of ``.ann`` files (see :func:`read_brat`).
        text_dir: the folder of texts; default ``<ann_dir>/../text``.

    Returns:
        The gold table and the annotated articles read by :func:`analysis.corpus.load_corpus`
        (texts without an annotation file are left out, so they add no false positives).

    Raises:
        GoldFileError: as :func:`read_brat`.
        CorpusError: as :func:`analysis.corpus.load_corpus`.
    """
    folder = _annotation_folder(Path(ann_dir).absolute())
    text_folder = Path(text_dir).absolute() if text_dir is not None else folder.parent / "text"
    gold = read_brat(folder, text_folder)
    annotated = set(brat_files(folder))
    documents = [doc for doc in load_corpus(text_folder) if doc.id in annotated]
    unread = sorted(annotated - {doc.id for doc in documents})
    if unread:
        warnings.warn(
            f"{len(unread)} annotated article(s) not read from {text_folder} "
            f"(first: {unread[0]}); their gold attributions are not scored",
            AnnotationWarning,
            stacklevel=2,
        )
        gold = gold[~gold["doc_id"].isin(unread)].reset_index(drop=True)
    return gold, documents


def _annotation_folder(path: Path) -> Path:
    if not path.is_dir():
        raise GoldFileError(f"brat folder not found: {path}")
    if not any(path.glob("*.ann")) and (path / "attributions").is_dir():
        path = path / "attributions"
    if not any(path.glob("*.ann")):
        raise GoldFileError(f"no .ann files in {path}")
    return path


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def read_utf8(path: Path) -> str:
    # As analysis.corpus reads it: exact text, a byte order mark removed, no newline translation.
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GoldFileError(f"{path}: not UTF-8 (byte offset {error.start})") from None


_RECORD = re.compile(r"[TERAN#*]\d*\t")
_OFFSETS = re.compile(r"\d+ \d+(?:;\d+ \d+)*")


def _read_ann(path: Path, doc_id: str, text: str) -> list[dict[str, object]]:
    where = _display(path)
    annotator = path.stem.rpartition("_")[2] if "_" in path.stem else ""
    spans: dict[str, tuple[str, Span]] = {}
    events: list[tuple[int, str, list[str]]] = []
    mismatches: list[str] = []
    for number, line in enumerate(read_utf8(path).splitlines(), start=1):
        # A span's stated text may run over several lines; only lines with an id start a record.
        if not _RECORD.match(line):
            continue
        if line.startswith("T"):
            fields = line.split("\t", 2)
            label, _, offsets = fields[1].partition(" ") if len(fields) > 1 else ("", "", "")
            if len(fields) < 2 or not _OFFSETS.fullmatch(offsets):
                raise GoldFileError(f"{where}:{number}: malformed span line {line[:60]!r}")
            pieces = tuple(
                (int(start), int(end))
                for start, end in (piece.split() for piece in offsets.split(";"))
            )
            spans[fields[0]] = (label, pieces)
            # brat writes a discontinuous span's text with its pieces joined by one space.
            stated = fields[2] if len(fields) > 2 else None
            actual = " ".join(text[start:end] for start, end in pieces)
            out_of_range = any(not 0 <= start <= end <= len(text) for start, end in pieces)
            if out_of_range or (stated is not None and stated != actual):
                mismatches.append(
                    f"{fields[0]} at {offsets} says {stated!r:.40}, text has {actual!r:.40}"
                )
        elif line.startswith("E"):
            fields = line.split("\t")
            arguments = fields[1].split() if len(fields) > 1 else []
            if not arguments or any(":" not in argument for argument in arguments):
                raise GoldFileError(f"{where}:{number}: malformed attribution line {line[:60]!r}")
            events.append((number, fields[0], arguments[1:]))

    rows = []
    without_content: list[str] = []
    for number, event_id, arguments in events:
        role_pieces: dict[str, list[tuple[int, int]]] = {role: [] for role in ROLES}
        for argument in arguments:
            role, _, span_id = argument.partition(":")
            if span_id not in spans:
                raise GoldFileError(f"{where}:{number}: {event_id} refers to undefined {span_id}")
            role = role.rstrip("0123456789").lower()  # Content2 adds to Content
            if role in role_pieces:
                role_pieces[role].extend(spans[span_id][1])
        if not role_pieces["content"]:
            without_content.append(event_id)
            continue
        row: dict[str, object] = {
            "doc_id": doc_id,
            "annotator": annotator,
            "attribution_id": event_id,
        }
        for role in ROLES:
            span = merge_pieces(role_pieces[role])
            row[f"{role}_text"] = span_text(span, text)
            row[role] = [list(piece) for piece in span]
        rows.append(row)

    problems = []
    if mismatches:
        problems.append(
            f"{len(mismatches)} span(s) whose offsets do not give their stated text, offsets "
            f"kept (first: {mismatches[0]})"
        )
    if without_content:
        problems.append(
            f"{len(without_content)} attribution(s) without content skipped "
            f"(first: {without_content[0]})"
        )
    if problems:
        warnings.warn(f"{where}: {'; '.join(problems)}", AnnotationWarning, stacklevel=3)
    return rows
