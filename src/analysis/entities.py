"""Entity frequency: merge the model's mentions into canonical entities, settle labels, count.

Raw spaCy counts split one entity over many names ("Kim Jong-un", "President Kim", "Kim", "the
'Rocket Man'") and labels ("Trump" as PERSON and once as ORG). Within each document this module
  1. maps known aliases and, optionally, metonyms ("Moscow describes ..." -> Russia) from the data
     files shipped in ``analysis/data`` (user-editable CSV);
  2. attaches nicknames the text introduces ("the leader known as the 'Rocket Man'");
  3. merges short person names into the full name they abbreviate ("Kim" -> "Kim Jong-un"), and
     acronyms into the name whose initials they spell ("WSJ" -> "Wall Street Journal");
  4. settles the label of each entity by vote: the model's label for every mention, plus the
     evidence of a describing noun ("the province of Crimea", "President Kim");
  5. finds the entity's names where the model missed them ("support for Kyiv").
Every resolved mention keeps its document, sentence and character offsets, so each count is
traceable to the sentences it came from (:func:`kwic`).
"""

from __future__ import annotations

import bisect
import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.corpus import Document
from analysis.schema import ENTITY_MENTION_COLUMNS as MENTION_COLUMNS
from analysis.schema import MENTION_COLUMNS as _RAW_MENTION_COLUMNS
from analysis.schema import EntityMentionRow

#: Labels of names (not numbers or dates) counted by default.
DEFAULT_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)
NAME_LABELS = frozenset(DEFAULT_LABELS)
# A describing noun weighs more than one model label, less than two agreeing ones.
DESCRIPTOR_WEIGHT = 1.5
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Knowledge:
    """User-editable linguistic knowledge: aliases, metonyms, describing nouns, nickname cues.

    Build it with :meth:`Knowledge.load`; each file is a CSV in ``analysis/data`` by default.
    """

    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    metonyms: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    descriptors: dict[str, str] = field(default_factory=dict)
    nickname_cues: tuple[str, ...] = ()

    @classmethod
    def load(
        cls,
        *,
        entities_file: str | Path | None = None,
        metonyms_file: str | Path | None = None,
        descriptors_file: str | Path | None = None,
        nickname_cues_file: str | Path | None = None,
    ) -> Knowledge:
        """Read the knowledge files (the packaged ones for any left as ``None``)."""

        def path(given: str | Path | None, default: str) -> Path:
            return paths.resolve_path(given) if given else paths.DATA_DIR / default

        aliases: dict[str, tuple[str, str]] = {}
        for row in _read_csv(path(entities_file, "entities.csv")):
            names = [row["entity"], *filter(None, row.get("aliases", "").split("|"))]
            for name in names:
                aliases[name.strip()] = (row["entity"], row["label"])
        metonyms = {
            row["name"]: (row["label"], row["refers_to"], row["refers_to_label"])
            for row in _read_csv(path(metonyms_file, "metonyms.csv"))
        }
        descriptors = {
            row["descriptor"].lower(): row["label"]
            for row in _read_csv(path(descriptors_file, "descriptors.csv"))
        }
        cues = tuple(row["cue"] for row in _read_csv(path(nickname_cues_file, "nickname_cues.csv")))
        return cls(aliases, metonyms, descriptors, cues)


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s\-‐–]+", name) if t]


_INITIAL_SKIP = {"of", "the", "and", "for", "&"}


def _initials(name: str) -> str:
    return "".join(t[0] for t in _tokens(name) if t.lower() not in _INITIAL_SKIP and t[0].isalpha())


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


class _Mention:
    __slots__ = ("start", "end", "text", "model_label", "descriptor", "relation", "name", "how")

    def __init__(self, start, end, text, model_label, descriptor="", relation="", how="model"):
        self.start, self.end, self.text = start, end, text
        self.model_label, self.descriptor, self.relation = model_label, descriptor, relation
        self.name = " ".join(text.split())  # the entity name, refined step by step
        self.how = how


def _nickname_pattern(cues: Sequence[str]) -> re.Pattern[str] | None:
    if not cues:
        return None
    alternatives = "|".join(
        re.escape(c).replace(r"\ ", r"\s+") for c in sorted(cues, key=len)[::-1]
    )
    return re.compile(
        rf"\b(?P<cue>{alternatives})\s+(?:the\s+)?[“\"‘'](?P<nickname>[A-Z][^”\"’'\n]{{0,58}}?)[”\"’']"
    )


# Between a name and the cue, a comma and at most an adverb: "Kim Jong-un, (also) known as".
_APPOSITIVE = re.compile(r"\s*,\s*(?:(?:also|often|sometimes|widely|popularly|better|once)\s+)?")


def _names_the_person(gap: str, cue: str, descriptors: dict[str, str]) -> bool:
    """Whether a nickname the text introduces names the person mentioned just before it, from
    the ``gap`` between that name and the ``cue``: right after the name and a comma ("Kim
    Jong-un, known as"), right after the name for "known as", or after a noun for a person
    (a PERSON describing noun: "the leader known as", "the man dubbed"). Not a book or group
    "called" something, not someone a person "dubbed" ("Trump dubbed “Lyin’ Ted”"), and not
    another person described after a verb ("Clinton says the Ohio native nicknamed")."""
    if _APPOSITIVE.fullmatch(gap) or (not gap.strip() and cue.lower().endswith("known as")):
        return True
    words = re.findall(r"[\w’'.-]+", gap)
    return bool(words) and descriptors.get(words[-1].lower()) == "PERSON"


def _resolve_document(
    text: str, mentions: list[_Mention], knowledge: Knowledge, *, metonyms: bool
) -> tuple[list[_Mention], dict[str, str]]:
    """Resolve one document's mentions in place; returns them and each entity's label. The
    steps, in the order ``docs/entities.md`` describes them: the knowledge files
    (:func:`_apply_knowledge`), nicknames (:func:`_add_nicknames`), short names and acronyms
    (:func:`_merge_short_names`), one label per entity (:func:`_vote_labels`), and the forms the
    model missed (:func:`_propagate_forms`)."""
    known_label = _apply_knowledge(mentions, knowledge, metonyms=metonyms)
    mentions = _add_nicknames(text, mentions, knowledge)
    _merge_short_names(mentions)
    labels = _vote_labels(mentions, knowledge, known_label)
    mentions = _propagate_forms(text, mentions, labels)
    return mentions, labels


def _apply_knowledge(
    mentions: list[_Mention], knowledge: Knowledge, *, metonyms: bool
) -> dict[str, str]:
    """Step 1: aliases and metonyms from the knowledge files; returns the labels they give."""
    known_label: dict[str, str] = {}
    for m in mentions:
        if m.name in knowledge.metonyms:
            literal_label, refers_to, refers_to_label = knowledge.metonyms[m.name]
            if metonyms:
                m.name, m.how = refers_to, "metonym"
                known_label[refers_to] = refers_to_label
            else:
                known_label[m.name] = literal_label
        elif m.name in knowledge.aliases:
            canonical, label = knowledge.aliases[m.name]
            if canonical != m.name:
                m.name, m.how = canonical, "alias"
            known_label[canonical] = label
    return known_label


def _add_nicknames(text: str, mentions: list[_Mention], knowledge: Knowledge) -> list[_Mention]:
    """Step 2: nicknames the text introduces ("the leader known as the “Rocket Man”"). The
    nickname names the nearest person mentioned before it when the words between say so
    (:func:`_names_the_person`); every occurrence then counts for that person."""
    pattern = _nickname_pattern(knowledge.nickname_cues)
    nicknames: list[_Mention] = []
    if pattern is not None:
        for match in pattern.finditer(text):
            nickname = match["nickname"].strip()
            people = [m for m in mentions if m.end <= match.start() and _label_of(m) == "PERSON"]
            if not people:
                continue
            nearest = max(people, key=lambda m: m.start)
            gap = text[nearest.end : match.start()]
            if not _names_the_person(gap, " ".join(match["cue"].split()), knowledge.descriptors):
                continue
            referent = nearest.name
            for occurrence in re.finditer(rf"(?<!\w){re.escape(nickname)}(?!\w)", text):
                nicknames.append(
                    _Mention(occurrence.start(), occurrence.end(), nickname, "", how="nickname")
                )
                nicknames[-1].name = referent
    if not nicknames:
        return mentions
    taken = [(n.start, n.end) for n in nicknames]
    return [m for m in mentions if not _overlaps(m, taken)] + nicknames


def _merge_short_names(mentions: list[_Mention]) -> None:
    """Step 3: short person names and acronyms merge into the one full name they abbreviate."""
    person_names = {m.name for m in mentions if _label_of(m) == "PERSON" and m.how != "nickname"}
    full_names = {n for n in person_names if len(_tokens(n)) > 1}
    all_names = {m.name for m in mentions if len(_tokens(m.name)) > 1}
    short_to_full: dict[str, str] = {}
    full_name_words = {f: set(_tokens(f)) for f in full_names}  # split each name once
    for name in person_names - full_names:
        words = set(_tokens(name))
        containing = {f for f, f_words in full_name_words.items() if words <= f_words}
        if len(containing) == 1:
            short_to_full[name] = containing.pop()
    for name in {m.name for m in mentions if _is_acronym(m.name)}:
        spelled = {f for f in all_names if _initials(f) == name.replace(".", "")}
        if len(spelled) == 1:
            short_to_full[name] = spelled.pop()
    for m in mentions:
        if m.name in short_to_full:
            m.name = short_to_full[m.name]
            m.how = "acronym" if _is_acronym(m.text) else "short name"


def _vote_labels(
    mentions: list[_Mention], knowledge: Knowledge, known_label: dict[str, str]
) -> dict[str, str]:
    """Step 4: one label per entity: curated knowledge first, else the vote of the model's
    labels and of describing nouns (each adds :data:`DESCRIPTOR_WEIGHT`, a fraction). Ties go
    to the label seen first."""
    votes: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    first_seen: dict[tuple[str, str], int] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.model_label:
            votes[m.name][m.model_label] += 1
            first_seen.setdefault((m.name, m.model_label), m.start)
        described = knowledge.descriptors.get(m.descriptor)
        if described and (m.relation != "of" or described in PLACE_LABELS):
            votes[m.name][described] += DESCRIPTOR_WEIGHT
            first_seen.setdefault((m.name, described), m.start)
    labels: dict[str, str] = {}
    for name in {m.name for m in mentions}:
        if name in known_label:
            labels[name] = known_label[name]
        elif votes[name]:
            labels[name] = min(
                votes[name], key=lambda lab: (-votes[name][lab], first_seen[(name, lab)])
            )
        else:  # only nicknames of someone: a person
            labels[name] = "PERSON"
    return labels


def _propagate_forms(text: str, mentions: list[_Mention], labels: dict[str, str]) -> list[_Mention]:
    """Step 5: names the model missed: every other occurrence of a surface form already resolved
    in this document, longest forms first so "BRICS Plus" is not read as "BRICS", and a
    person's surname alone ("“...,” Lopez said") when one full name in the document has it."""
    forms: dict[str, str] = {}
    for m in mentions:
        if m.how != "nickname" and m.text[:1].isupper() and len(m.text) > 1:
            forms.setdefault(m.text, m.name)
    surnames: dict[str, set[str]] = defaultdict(set)
    for name, label in labels.items():
        parts = _tokens(name)
        if label == "PERSON" and len(parts) > 1 and parts[-1][:1].isupper() and len(parts[-1]) > 1:
            surnames[parts[-1]].add(name)
    for surname, names in surnames.items():
        if len(names) == 1:
            forms.setdefault(surname, names.pop())
    if not forms:
        return mentions
    taken = sorted((m.start, m.end) for m in mentions)
    taken_starts = [start for start, _ in taken]
    found = []
    for start, end in _find_forms(text, sorted(forms, key=len, reverse=True)):
        if not _overlaps_sorted(start, end, taken, taken_starts):
            m = _Mention(start, end, text[start:end], "", how="propagated")
            m.name = forms[m.text]
            found.append(m)
    return mentions + found


# Where a name may start: not after a word character or hyphen (a name never starts with space).
_NAME_START = re.compile(r"(?<![\w-])\S")
_WORD_CHARACTER = re.compile(r"\w")


def _find_forms(text: str, forms: Sequence[str]) -> Iterator[tuple[int, int]]:
    r"""The ``(start, end)`` of each match of ``(?<![\w-])(?:form|form|...)(?![\w])`` in the text,
    the forms tried in the given order, as ``re.finditer`` finds them, without compiling that
    pattern for every document (a long alternation costs more to compile than to match)."""
    by_first: dict[str, list[str]] = {}
    for form in forms:
        by_first.setdefault(form[:1], []).append(form)
    resume = 0  # matches do not overlap: the search goes on after each
    for candidate in _NAME_START.finditer(text):
        start = candidate.start()
        if start < resume:
            continue
        for form in by_first.get(text[start], ()):
            end = start + len(form)
            if text.startswith(form, start) and not _WORD_CHARACTER.match(text, end):
                yield start, end
                resume = end
                break


def _label_of(m: _Mention) -> str:
    return m.model_label


def _overlaps(m: _Mention, spans: Iterable[tuple[int, int]]) -> bool:
    return any(m.start < end and start < m.end for start, end in spans)


def _overlaps_sorted(
    start: int, end: int, spans: list[tuple[int, int]], starts: list[int] | None = None
) -> bool:
    """Whether the span overlaps one of the last 8 sorted ``spans`` that start before its end;
    ``starts`` are the spans' starts, given to save listing them again for each span."""
    if starts is None:
        starts = [s for s, _ in spans]
    i = bisect.bisect_left(starts, end)  # spans starting before our end
    return any(s < end and start < e for s, e in spans[max(0, i - 8) : i])


# Where each field sits in a row of the model's mention table (analysis.schema.MentionRow).
_RAW_FIELDS = ("start_char", "end_char", "text", "label", "descriptor", "descriptor_rel")


def _resolved_rows(
    doc_id: str, text: str, raw_rows: Iterable[tuple], knowledge: Knowledge, *, metonyms: bool
) -> list[tuple]:
    """Resolved rows (``MENTION_COLUMNS`` without ``sent_id``) of one document's name mentions,
    given as rows of the model's mention table."""
    at = [_RAW_MENTION_COLUMNS.index(f) for f in _RAW_FIELDS]
    mentions = [_Mention(*(r[i] for i in at)) for r in raw_rows]
    resolved, labels = _resolve_document(text, mentions, knowledge, metonyms=metonyms)
    return [
        (doc_id, m.start, m.end, m.text, m.model_label, m.name, labels.get(m.name, ""), m.how)
        for m in resolved
    ]


def mention_fields(
    mentions: pd.DataFrame | Iterable[tuple], fields: Sequence[str]
) -> Iterable[tuple]:
    """Some fields of resolved mentions, given as a table (which may hold just those columns) or
    as rows in ``MENTION_COLUMNS`` order."""
    if isinstance(mentions, pd.DataFrame):
        return mentions[list(fields)].itertuples(index=False, name=None)
    at = [MENTION_COLUMNS.index(f) for f in fields]
    return (tuple(row[i] for i in at) for row in mentions)


def resolve_document(
    document: Document,
    sentences: Sequence[tuple],
    mentions: Sequence[tuple],
    *,
    metonyms: bool = True,
    knowledge: Knowledge | None = None,
) -> list[tuple]:
    """Canonical mentions of one document, of every name label, sorted by offsets.

    Args:
        document: the :class:`analysis.corpus.Document`.
        sentences: its sentence rows (``doc_id, sent_id, start_char, end_char, ...``).
        mentions: its mention rows as the model tagged them (:class:`analysis.schema.MentionRow`).
        metonyms: count capitals and seats of government for the state they stand for
            ("Moscow" -> Russia), as listed in the metonyms file.
        knowledge: alias, metonym, descriptor and nickname files; default the packaged ones.

    Returns:
        :class:`analysis.schema.EntityMentionRow` rows: the surface form, ``model_label`` (the
        model's label, empty where the mention was found by this module), ``entity``
        (canonical name), ``label`` (resolved) and ``resolution`` (how the surface form was tied
        to the entity: model, alias, metonym, short name, acronym, nickname, propagated).
    """
    label_at = _RAW_MENTION_COLUMNS.index("label")
    names = [r for r in mentions if r[label_at] in NAME_LABELS]
    if not names:
        return []
    rows = _resolved_rows(
        document.id, document.text, names, knowledge or Knowledge.load(), metonyms=metonyms
    )
    rows.sort(key=lambda r: (r[1], r[2]))
    starts = [s[2] for s in sentences]
    return [
        EntityMentionRow(r[0], max(bisect.bisect_right(starts, r[1]) - 1, 0), *r[1:]) for r in rows
    ]


def _aliases(surface_forms: pd.Series) -> str:
    return "; ".join(sorted(set(surface_forms)))


def entity_frequencies(mentions: pd.DataFrame, *, by_document: bool = False) -> pd.DataFrame:
    """How often each canonical entity is mentioned.

    Args:
        mentions: canonical mentions (``Tables.name_mentions()``).
        by_document: one row per (document, entity) instead of one per entity.

    Returns:
        ``[doc_id,] entity, label, count, documents, aliases`` (surface forms merged into the
        entity, ``; ``-separated), sorted by count (descending) then entity name.
    """
    keys = (["doc_id"] if by_document else []) + ["entity", "label"]
    table = (
        mentions.groupby(keys, sort=False)
        .agg(count=("text", "size"), documents=("doc_id", "nunique"), aliases=("text", _aliases))
        .reset_index()
    )
    order = (["doc_id"] if by_document else []) + ["count", "entity", "label"]
    ascending = ([True] if by_document else []) + [False, True, True]
    return table.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def resolution_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """How each surface form was tied to its entity, to check the merges: one row per surface
    form, entity and resolution (``model``, ``alias``, ``metonym``, ``short name``, ``acronym``,
    ``nickname``, ``propagated`` within a document; ``variant``, ``nearest``, ``corpus`` and
    ``ambiguous`` across the corpus, see :mod:`analysis.identity`).

    Returns:
        ``text, entity, label, resolution, mentions, documents``, sorted by mentions
        (descending), then text and entity.
    """
    table = (
        mentions.groupby(["text", "entity", "label", "resolution"], sort=False)
        .agg(mentions=("doc_id", "size"), documents=("doc_id", "nunique"))
        .reset_index()
    )
    order = ["mentions", "text", "entity", "resolution"]
    return table.sort_values(order, ascending=[False, True, True, True], kind="stable").reset_index(
        drop=True
    )


def label_frequencies(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions and distinct entities per label, sorted by mentions then label."""
    table = (
        mentions.groupby("label")
        .agg(mentions=("entity", "size"), entities=("entity", "nunique"))
        .reset_index()
    )
    return table.sort_values(["mentions", "label"], ascending=[False, True]).reset_index(drop=True)


def kwic(
    mentions: pd.DataFrame,
    tables: Any,
    *,
    entity: str | None = None,
    width: int = 40,
) -> pd.DataFrame:
    """Keyword in context: every mention with the words around it and its sentence.

    Args:
        mentions: canonical mentions (``Tables.name_mentions()`` of
            :class:`analysis.pipeline.Tables`).
        tables: the tables the mentions came from, for the document and sentence text (any
            object with ``texts`` and a ``sentences`` table).
        entity: keep only this canonical entity.
        width: characters of context on each side.

    Returns:
        ``entity, label, doc_id, sent_id, start_char, end_char, left, keyword, right, sentence``.
    """
    if entity is not None:
        mentions = mentions[mentions["entity"] == entity]
    texts = tables.texts
    sentences = tables.sentences.set_index(["doc_id", "sent_id"])["text"]
    rows = []
    for m in mentions.itertuples(index=False):
        text = texts[m.doc_id]
        left = " ".join(text[max(0, m.start_char - width) : m.start_char].split())
        right = " ".join(text[m.end_char : m.end_char + width].split())
        rows.append(
            (
                m.entity,
                m.label,
                m.doc_id,
                m.sent_id,
                m.start_char,
                m.end_char,
                left,
                text[m.start_char : m.end_char],
                right,
                sentences.get((m.doc_id, m.sent_id), ""),
            )
        )
    columns = [
        "entity",
        "label",
        "doc_id",
        "sent_id",
        "start_char",
        "end_char",
        "left",
        "keyword",
        "right",
        "sentence",
    ]
    return pd.DataFrame(rows, columns=columns)
