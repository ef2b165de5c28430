"""How a corpus is split into groups: the ``--by`` groupings (a metadata column, dates bucketed,
each document, blocs of entities from a groups file, voices) and the group of each document."""

from __future__ import annotations

import csv
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from analysis import paths
from analysis.corpus import Document
from analysis.entities import Knowledge
from analysis.errors import GroupingError

#: The packaged entity groups (``group,entity`` rows), an example for the seed corpus.
ENTITY_GROUPS_FILE = paths.DATA_DIR / "entity_groups.csv"
#: Group of the documents that have no value in the grouping column.
NO_VALUE = "(none)"
#: Date buckets for ``COLUMN:BUCKET`` groupings, and how many ISO date parts each keeps.
DATE_BUCKETS = {"year": 1, "month": 2, "day": 3}

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?!\d)")


def example_groups_apply(
    corpus: str | os.PathLike[str], groups_file: str | os.PathLike[str] | None = None
) -> bool:
    """Whether to compare by entity groups: a groups file was given, or the corpus is the
    packaged seed, which :data:`ENTITY_GROUPS_FILE`'s example blocs ("United States and
    allies", "Russia and partners") were written for; on any other corpus they are noise."""
    if groups_file:
        return True
    return paths.resolve_path(corpus).resolve() == paths.SEEDS_DIR.resolve()


class Grouping(NamedTuple):
    """How a corpus is split into groups; build it with :func:`parse_grouping`.

    Attributes:
        kind: ``metadata`` (a metadata column), ``document`` (each document on its own),
            ``entities`` (blocs of canonical entities) or ``voice`` (author against sources).
        column: the metadata column, for ``metadata``.
        bucket: ``year``, ``month`` or ``day`` when the column holds ISO dates to bucket, else "".
        entity_groups: group name -> canonical entities, for ``entities``.
    """

    kind: str
    column: str = ""
    bucket: str = ""
    entity_groups: dict[str, tuple[str, ...]] | None = None


def parse_grouping(by: str, *, groups_file: str | os.PathLike[str] | None = None) -> Grouping:
    """Read a grouping as written on the command line or in a notebook parameter.

    Args:
        by: ``COLUMN`` (a metadata column such as ``outlet`` or ``author``), ``COLUMN:BUCKET``
            (ISO dates bucketed by ``year``, ``month`` or ``day``: ``date:month``),
            ``document``, ``groups`` (the entity groups of ``groups_file``, default the packaged
            :data:`ENTITY_GROUPS_FILE`), ``groups:FILE`` or ``voice``.
        groups_file: the entity groups file for ``by="groups"``.

    Raises:
        GroupingError: an unknown date bucket, an empty column name, or a bad groups file.
    """
    by = by.strip()
    if by in ("document", "voice"):
        return Grouping(by)
    if by == "groups" or by.startswith("groups:"):
        path = by.partition(":")[2].strip() or groups_file
        return Grouping("entities", entity_groups=load_entity_groups(path))
    column, _, bucket = (part.strip() for part in by.partition(":"))
    if not column:
        raise GroupingError(f"--by {by!r}: name a metadata column, document, groups or voice")
    if bucket and bucket not in DATE_BUCKETS:
        raise GroupingError(
            f"--by {by!r}: unknown date bucket {bucket!r} (use {', '.join(DATE_BUCKETS)})"
        )
    return Grouping("metadata", column=column, bucket=bucket)


def load_entity_groups(
    path: str | os.PathLike[str] | None = None, *, knowledge: Knowledge | None = None
) -> dict[str, tuple[str, ...]]:
    """Read a groups file: group name -> canonical entity names.

    A ``.csv`` file has ``group,entity`` rows; a ``.yaml``/``.yml`` file (read when PyYAML is
    installed) maps each group to a list of entities. Names known as aliases in the entities file
    are replaced by their canonical name ("US" -> United States), so they match
    :func:`analysis.entities.resolve_document`; metonyms ("Moscow") are not, since mentions of
    them count for the state they stand for.

    Args:
        path: the file; relative paths are resolved against the project root. Default
            :data:`ENTITY_GROUPS_FILE`.
        knowledge: the alias lists; default the packaged ones.

    Returns:
        Groups in file order, each with its entities in file order (duplicates dropped).

    Raises:
        GroupingError: the file is missing, malformed or lists no group.
    """
    file = paths.resolve_path(path) if path else ENTITY_GROUPS_FILE
    if not file.is_file():
        raise GroupingError(f"groups file not found: {file}")
    pairs = _yaml_groups(file) if file.suffix.lower() in (".yaml", ".yml") else _csv_groups(file)
    aliases = (knowledge or Knowledge.load()).aliases
    groups: dict[str, dict[str, None]] = {}
    for group, entity in pairs:
        canonical = aliases.get(entity, (entity, ""))[0]
        groups.setdefault(group, {})[canonical] = None
    if not groups:
        raise GroupingError(f"{file}: no groups (expected group,entity rows)")
    return {group: tuple(entities) for group, entities in groups.items()}


def _csv_groups(file: Path) -> list[tuple[str, str]]:
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        if not {"group", "entity"} <= set(header):
            raise GroupingError(
                f"{file}: expected columns group,entity (found: {', '.join(header) or 'none'})"
            )
        reader.fieldnames = header
        pairs = []
        for row in reader:
            group, entity = (row["group"] or "").strip(), (row["entity"] or "").strip()
            if group and entity:
                pairs.append((group, entity))
            elif group or entity:
                raise GroupingError(f"{file} line {reader.line_num}: a group and an entity needed")
    return pairs


def _yaml_groups(file: Path) -> list[tuple[str, str]]:
    try:
        # PyYAML is optional: imported only when a YAML groups file is read.
        import yaml
    except ImportError:
        raise GroupingError(
            f"{file}: reading YAML needs PyYAML; or write the groups as CSV"
        ) from None
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GroupingError(f"{file}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise GroupingError(f"{file}: expected a mapping of group names to lists of entities")
    pairs: list[tuple[str, str]] = []
    for group, entities in data.items():
        if isinstance(entities, str):
            entities = [entities]
        if not isinstance(entities, list) or not all(isinstance(e, str) for e in entities):
            raise GroupingError(f"{file}: group {group!r} must list entity names")
        pairs.extend((str(group).strip(), e.strip()) for e in entities if e.strip())
    return pairs


def document_groups(documents: Iterable[Document], grouping: Grouping) -> dict[str, str]:
    """The group of each document, for the ``metadata`` and ``document`` groupings.

    Documents with no value in the column, or a date too short for the bucket (``2023`` by
    month), go to the group ``(none)``, the latter with a warning.

    Raises:
        GroupingError: no document has a value in the column.
    """
    documents = list(documents)
    if grouping.kind == "document":
        return {doc.id: doc.id for doc in documents}
    if grouping.kind != "metadata":
        raise ValueError(f"grouping {grouping.kind!r} does not group whole documents")
    column = grouping.column
    if not any(doc.meta.get(column) for doc in documents):
        available = sorted({key for doc in documents for key in doc.meta})
        raise GroupingError(
            f"no document has a {column!r} value (metadata: {', '.join(available) or 'none'}); "
            "group by document, groups or voice instead"
        )
    groups = {}
    for doc in documents:
        value = doc.meta.get(column, "")
        if value and grouping.bucket:
            value = _date_bucket(value, grouping.bucket, doc.source)
        groups[doc.id] = value or NO_VALUE
    return groups


def _date_bucket(value: str, bucket: str, source: str) -> str:
    match = _ISO_DATE.match(value.strip())
    parts = [part for part in match.groups() if part] if match else []
    if len(parts) < DATE_BUCKETS[bucket]:
        warnings.warn(
            f"{source}: date {value!r} has no {bucket} (expected YYYY-MM-DD); "
            f"grouped as {NO_VALUE}",
            stacklevel=4,
        )
        return ""
    return "-".join(parts[: DATE_BUCKETS[bucket]])
