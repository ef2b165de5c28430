"""Read a corpus of news articles from a folder, a table or a single file, and validate it.

Every later step indexes character offsets into ``Document.text``, so the text is kept exactly as
decoded: no newline or whitespace normalisation. Problems are reported as one line naming the file
(and row): a ``CorpusError`` when the corpus cannot be read, a ``CorpusWarning`` when one document
is skipped or re-decoded.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import NamedTuple

import pandas as pd

from analysis import paths
from analysis.errors import CorpusError, CorpusWarning

__all__ = [
    "Document",
    "META_COLUMNS",
    "TABLE_COLUMNS",
    "corpus_hash",
    "documents_table",
    "load_corpus",
    "text_hash",
]

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
METADATA_FILE = "metadata.csv"
META_COLUMNS = ("title", "outlet", "date", "url", "author")
TABLE_COLUMNS = ("doc_id", *META_COLUMNS, "source", "n_chars", "text_hash")

# Characters that are never in prose. Tab, newline, vertical tab, form feed and carriage return
# are whitespace and legitimately appear in text files.
_CONTROL_CHARS = frozenset(chr(c) for c in (*range(0x20), 0x7F)) - frozenset("\t\n\x0b\x0c\r")
# Above this share of control characters a file is binary data, not text with a stray byte.
_BINARY_CONTROL_SHARE = 0.05
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Document(NamedTuple):
    """One article of the corpus.

    Attributes:
        id: unique within the corpus: the file stem, the table's id column, or ``<stem>-<row>``.
        text: the article text exactly as decoded (a UTF-8 byte order mark removed).
        meta: non-empty metadata values (title, outlet, date, url, author and any other column).
        source: where the text came from, for messages: a path relative to the corpus folder's
            parent, plus ``:row N`` (CSV data row, 1-based) or ``:line N`` (JSONL line, 1-based).
    """

    id: str
    text: str
    meta: dict[str, str]
    source: str


def load_corpus(
    path: str | os.PathLike[str] | None = None,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    encoding: str | None = None,
) -> list[Document]:
    """Read and validate a corpus.

    ``path`` may be:

    - a folder of ``.txt``/``.md`` files (top level only, sorted by name; hidden files and other
      extensions are ignored), with an optional ``metadata.csv`` that has a ``file`` column naming
      each file and optional title, outlet, date, url, author and other columns. id = file stem.
    - a ``.csv`` or ``.jsonl`` file with one document per row: ``text_column`` holds the text,
      ``id_column`` (if present) the id, else id = ``<file stem>-<row>``; other columns go to meta.
    - a single ``.txt``/``.md`` file.

    Files are decoded as UTF-8; a file that is not UTF-8 but decodes as Windows-1252 is kept with a
    warning, anything else is skipped with a warning. Empty, binary and duplicate (same text)
    documents are skipped with a warning.

    Args:
        path: the corpus; relative paths are resolved against the project root.
            Defaults to the project's ``seeds/`` folder.
        text_column: the column (CSV) or key (JSONL) that holds the text.
        id_column: the column or key that holds the document id; ``None`` to always number rows.
        encoding: decode every file with this codec instead of guessing; a file that does not
            decode is an error.

    Returns:
        The documents, in file-name order for a folder and row order for a table.

    Raises:
        CorpusError: the path does not exist, holds no document, no document is usable, a table
            or ``metadata.csv`` is malformed, or a file does not decode with ``encoding``.

    Warns:
        CorpusWarning: a document was skipped or decoded as Windows-1252, or a ``metadata.csv``
            row was ignored.
    """
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise CorpusError(f"unknown encoding: {encoding!r}") from None
    corpus_path = paths.SEEDS_DIR if path is None else paths.resolve_path(path)
    if not corpus_path.exists():
        raise CorpusError(f"corpus not found: {corpus_path}")

    if corpus_path.is_dir():
        return _load_folder(corpus_path, encoding=encoding)

    suffix = corpus_path.suffix.lower()
    # Name a single file relative to its folder's parent, so a document's source reads the
    # same whether the file was loaded alone or as part of its folder.
    base = corpus_path.parent.parent
    if suffix in TEXT_SUFFIXES:
        return _load_text_files(corpus_path, [corpus_path], base=base, encoding=encoding)
    if suffix in TABLE_SUFFIXES:
        return _load_table(
            corpus_path,
            base=base,
            text_column=text_column,
            id_column=id_column,
            encoding=encoding,
        )
    raise CorpusError(
        f"unsupported corpus file {corpus_path}: expected a folder, "
        "or a .txt, .md, .csv or .jsonl file"
    )


def text_hash(text: str) -> str:
    """The SHA-256 hex digest of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_hash(documents: Iterable[Document]) -> str:
    """A SHA-256 hex digest of the corpus that ignores document order.

    Args:
        documents: the corpus.

    Returns:
        The digest of the sorted ``(id, text_hash)`` pairs: it changes when a document is added,
        removed, renamed or edited, and not when the documents are reordered or their metadata
        changes.
    """
    pairs = sorted((doc.id, text_hash(doc.text)) for doc in documents)
    # JSON keeps the pairs unambiguous whatever characters the ids contain.
    payload = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def documents_table(documents: Iterable[Document]) -> pd.DataFrame:
    """One row per document, in the order given.

    Args:
        documents: the corpus.

    Returns:
        Columns ``doc_id, title, outlet, date, url, author, source, n_chars, text_hash``, then the
        other metadata keys sorted by name (a key that clashes with one of the first columns gets
        a ``meta_`` prefix). Missing metadata is an empty string, not NaN, so written CSVs are
        stable.
    """
    documents = list(documents)
    extra_keys = {key for doc in documents for key in doc.meta if key not in META_COLUMNS}
    extra_names = dict(
        sorted(
            ((key, f"meta_{key}" if key in TABLE_COLUMNS else key) for key in extra_keys),
            key=lambda names: names[1],
        )
    )
    rows = []
    for doc in documents:
        row: dict[str, object] = {
            "doc_id": doc.id,
            **{key: doc.meta.get(key, "") for key in META_COLUMNS},
            "source": doc.source,
            "n_chars": len(doc.text),
            "text_hash": text_hash(doc.text),
        }
        row.update({name: doc.meta.get(key, "") for key, name in extra_names.items()})
        rows.append(row)
    columns = [*TABLE_COLUMNS, *extra_names.values()]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({"n_chars": "int64"})


# --- folders and text files ------------------------------------------------------------------


def _load_folder(folder: Path, *, encoding: str | None) -> list[Document]:
    files = sorted(
        (
            entry
            for entry in folder.iterdir()
            if not entry.name.startswith(".")
            and entry.suffix.lower() in TEXT_SUFFIXES
            and entry.is_file()
        ),
        key=lambda entry: entry.name,
    )
    if not files:
        raise CorpusError(
            f"no documents in {folder}: expected .txt or .md files, or a .csv or .jsonl file"
        )
    base = folder.parent
    metadata_path = folder / METADATA_FILE
    metadata = (
        _read_metadata(metadata_path, files, base=base, encoding=encoding)
        if metadata_path.is_file()
        else {}
    )
    return _load_text_files(folder, files, base=base, encoding=encoding, metadata=metadata)


def _load_text_files(
    corpus_path: Path,
    files: Sequence[Path],
    *,
    base: Path,
    encoding: str | None,
    metadata: dict[str, dict[str, str]] | None = None,
) -> list[Document]:
    metadata = metadata or {}
    documents: list[Document] = []
    first_source_by_hash: dict[str, str] = {}
    source_by_id: dict[str, str] = {}
    n_skipped = 0
    for file in files:
        source = _display_path(file, base)
        text = _read_text(file, source, encoding=encoding)
        if text is None or not _is_usable(text, source, first_source_by_hash):
            n_skipped += 1
            continue
        doc_id = file.stem
        if doc_id in source_by_id:
            # a.txt and a.md: an id must name one document, so refuse rather than guess.
            raise CorpusError(
                f"{source}: duplicate id {doc_id!r} (also {source_by_id[doc_id]}); rename one file"
            )
        source_by_id[doc_id] = source
        documents.append(Document(doc_id, text, dict(metadata.get(file.name, {})), source))
    if not documents:
        raise CorpusError(
            f"no usable documents in {corpus_path} "
            f"({_plural(n_skipped, 'file')} skipped, see warnings above)"
        )
    return documents


def _read_metadata(
    metadata_path: Path, files: Sequence[Path], *, base: Path, encoding: str | None
) -> dict[str, dict[str, str]]:
    """Metadata by file name, from the folder's ``metadata.csv``."""
    source = _display_path(metadata_path, base)
    text = _read_text(metadata_path, source, encoding=encoding)
    if text is None or not text.strip():
        return {}
    header, rows = _csv_rows(text, source)
    if "file" not in header:
        raise CorpusError(f"{source}: no 'file' column (columns: {', '.join(header)})")
    document_names = {file.name for file in files}
    folder = metadata_path.parent
    metadata: dict[str, dict[str, str]] = {}
    row_by_name: dict[str, int] = {}
    for row_number, row in rows:
        where = f"{source} row {row_number}"
        # Accept "./a.txt" as well as "a.txt"; names are relative to the folder.
        name = os.path.normpath(row["file"].strip()) if row["file"].strip() else ""
        if not name:
            _warn(f"{where}: empty 'file' value; row ignored")
            continue
        if name not in document_names:
            if (folder / name).exists():
                _warn(
                    f"{where}: file {name!r} is not a corpus document "
                    "(a .txt or .md file at the folder's top level); row ignored"
                )
            else:
                _warn(f"{where}: file {name!r} not found; row ignored")
            continue
        if name in row_by_name:
            _warn(
                f"{where}: file {name!r} already listed at row {row_by_name[name]}; "
                "row ignored, the first one is kept"
            )
            continue
        row_by_name[name] = row_number
        metadata[name] = _meta_values(row, exclude={"file"})
    return metadata


# --- tables ----------------------------------------------------------------------------------


def _load_table(
    table_path: Path,
    *,
    base: Path,
    text_column: str,
    id_column: str | None,
    encoding: str | None,
) -> list[Document]:
    display = _display_path(table_path, base)
    text = _read_text(table_path, display, encoding=encoding)
    if text is None:
        raise CorpusError(
            f"no usable documents in {table_path} (1 file skipped, see warnings above)"
        )
    records: Sequence[tuple[str, int, Mapping[str, object]]]
    if table_path.suffix.lower() == ".csv":
        if not text.strip():
            raise CorpusError(f"{display}: empty file, no header row")
        header, csv_rows = _csv_rows(text, display)
        records = [(f"row {n}", n, row) for n, row in csv_rows]
        columns = header
    else:
        records, columns = _jsonl_records(text, display)
    if text_column not in columns:
        found = ", ".join(columns) if columns else "none"
        raise CorpusError(f"{display}: no {text_column!r} column (columns: {found})")
    if not records:
        raise CorpusError(f"no documents in {table_path}: the file has no data rows")

    has_ids = id_column is not None and id_column in columns
    documents: list[Document] = []
    first_source_by_hash: dict[str, str] = {}
    source_by_id: dict[str, str] = {}
    n_skipped = 0
    for where, number, record in records:
        source = f"{display}:{where}"
        text_value = record.get(text_column)
        if text_value is None:
            text_value = ""
        elif not isinstance(text_value, str):
            raise CorpusError(
                f"{source}: {text_column!r} is {type(text_value).__name__}, not a string"
            )
        if not _is_usable(text_value, source, first_source_by_hash):
            n_skipped += 1
            continue
        if has_ids and id_column is not None:
            doc_id = _as_text(record.get(id_column)).strip()
            if not doc_id:
                raise CorpusError(f"{source}: empty {id_column!r}")
        else:
            doc_id = f"{table_path.stem}-{number}"
        if doc_id in source_by_id:
            first_where = source_by_id[doc_id].rsplit(":", 1)[-1]
            raise CorpusError(f"{source}: duplicate id {doc_id!r} (also at {first_where})")
        source_by_id[doc_id] = source
        exclude: set[str | None] = {text_column, id_column} if has_ids else {text_column}
        documents.append(Document(doc_id, text_value, _meta_values(record, exclude), source))
    if not documents:
        raise CorpusError(
            f"no usable documents in {table_path} "
            f"({_plural(n_skipped, 'row')} skipped, see warnings above)"
        )
    return documents


def _csv_rows(text: str, source: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the ``(data row number, row)`` pairs of a CSV text; rows are 1-based."""
    # newline="" keeps "\r\n" inside quoted fields verbatim, as the csv module requires.
    reader = csv.reader(io.StringIO(text, newline=""))
    # The default field limit (128 KiB) is below a long article; no field can exceed the text.
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_limit, len(text) + 1))
    try:
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            return [], []
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            raise CorpusError(f"{source}: duplicate column names: {', '.join(duplicates)}")
        rows = []
        row_number = 0
        for fields in reader:
            if not fields:  # a blank line is not a data row
                continue
            row_number += 1
            if len(fields) != len(header):
                raise CorpusError(
                    f"{source} row {row_number} (line {reader.line_num}): "
                    f"{len(fields)} fields, but the header has {len(header)}; check the quoting"
                )
            rows.append((row_number, dict(zip(header, fields, strict=True))))
    except csv.Error as error:
        raise CorpusError(f"{source} line {reader.line_num}: not valid CSV ({error})") from None
    finally:
        csv.field_size_limit(previous_limit)
    return header, rows


def _jsonl_records(
    text: str, source: str
) -> tuple[list[tuple[str, int, dict[str, object]]], list[str]]:
    """The ``(where, line number, record)`` triples of a JSONL text, and the keys seen."""
    records = []
    columns: dict[str, None] = {}  # an ordered set: keys in first-seen order
    # Split on "\n" only: str.splitlines() would also split on U+2028, which JSON allows in strings.
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(
                f"{source} line {line_number}: not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(record, dict):
            raise CorpusError(
                f"{source} line {line_number}: expected a JSON object, got {type(record).__name__}"
            )
        columns.update(dict.fromkeys(record))
        records.append((f"line {line_number}", line_number, record))
    return records, list(columns)


def _meta_values(record: Mapping[str, object], exclude: set[str | None]) -> dict[str, str]:
    meta = {}
    for key, value in record.items():
        if key in exclude or not key:
            continue
        value = _as_text(value).strip()
        if value:
            meta[key] = value
    return meta


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# --- decoding --------------------------------------------------------------------------------


def _read_text(path: Path, source: str, *, encoding: str | None) -> str | None:
    """The decoded text of ``path``, or None (with a warning) when it is binary or undecodable."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{source}: cannot read ({error.strerror or error})") from None

    if encoding is not None:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            raise CorpusError(
                f"{source}: not valid {encoding} (byte 0x{data[error.start]:02x} "
                f"at offset {error.start})"
            ) from None
        if _looks_binary(text):
            _warn(f"{source}: binary file, not text; skipped")
            return None
        return text

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            _warn(f"{source}: binary file, not text; skipped")
            return None
        return text

    # Notepad's "Unicode" is UTF-16 with a byte order mark; it is text, not binary data.
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text):
                _warn(f"{source}: not UTF-8; decoded as UTF-16 (byte order mark)")
                return text

    # Latin-1 maps each byte to one character, so the binary test counts bytes.
    if _looks_binary(data.decode("latin-1")):
        _warn(f"{source}: binary file, not text; skipped")
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        _warn(f"{source}: not UTF-8 or Windows-1252; skipped (pass encoding=... to force one)")
        return None
    _warn(f"{source}: not UTF-8; decoded as Windows-1252")
    return text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    n_control = sum(1 for char in text if char in _CONTROL_CHARS)
    return n_control > _BINARY_CONTROL_SHARE * len(text)


# --- shared checks and helpers ---------------------------------------------------------------


def _is_usable(text: str, source: str, first_source_by_hash: dict[str, str]) -> bool:
    """False (with a warning) for an empty text or one already seen; records ``text`` as seen."""
    if not text.strip():
        _warn(f"{source}: empty document; skipped")
        return False
    digest = text_hash(text)
    if digest in first_source_by_hash:
        _warn(f"{source}: same text as {first_source_by_hash[digest]}; skipped")
        return False
    first_source_by_hash[digest] = source
    return True


def _display_path(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _warn(message: str) -> None:
    # Point the warning at the code that called load_corpus (a notebook cell, the CLI), not at
    # this module's internals, so the default filter shows it where the user can act on it.
    stacklevel = 2
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        stacklevel += 1
        frame = frame.f_back
    warnings.warn(message, CorpusWarning, stacklevel=stacklevel)
