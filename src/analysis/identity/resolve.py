"""The corpus pass itself: :func:`resolve_corpus` and the steps it takes, in order (see
:mod:`analysis.identity`)."""

from __future__ import annotations

import csv
import functools
import os
import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from pandas.api.types import is_numeric_dtype

from analysis import paths
from analysis.errors import DataFileError
from analysis.identity.evidence import (
    NAME_PARTICLES,
    SUFFIXES,
    WordUse,
    first_name_test,
    given_name_key,
    given_names,
    is_given_name,
    name_gender,
    name_problem,
    sub_names,
    title_case_line,
)

#: A person is the corpus's referent of a short name when at least this share of the documents
#: that name someone with that short name in full name that person (chosen on PolNeAR dev).
DOMINANT_SHARE = 0.75
#: Suffix of the entity that holds the mentions of a short name the corpus cannot decide.
AMBIGUOUS_SUFFIX = " (ambiguous)"
#: Labels a short name may carry and still be a person's (the model often tags a surname ORG).
_SHORT_NAME_LABELS = frozenset({"PERSON", "ORG"})
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr)\.?\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s$")


#: The name of an overrides file beside a corpus folder, found by :func:`find_overrides`.
OVERRIDES_FILE = "entity_overrides.csv"
#: The ``entity`` of an override that keeps a surface form apart, under its own name.
KEEP_SEPARATE = "keep separate"


class Override(NamedTuple):
    """A researcher's decision: mentions whose text is ``surface`` (in ``document`` only, when
    given) are counted for ``entity``, or under their own name when it is
    :data:`KEEP_SEPARATE`."""

    surface: str
    document: str
    entity: str


def read_overrides(path: str | os.PathLike[str]) -> list[Override]:
    """An overrides CSV: ``surface,document,entity`` (``document`` may be empty: every one).

    Raises:
        DataFileError: the file is missing, lacks a column, or a row has no surface or entity.
    """
    file = Path(path)
    if not file.is_file():
        raise DataFileError(f"overrides file not found: {file}")
    with open(file, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"surface", "entity"} - set(reader.fieldnames or ())
        if missing:
            raise DataFileError(f"{file}: no {', '.join(sorted(missing))} column")
        overrides = []
        for number, row in enumerate(reader, start=2):
            surface = (row.get("surface") or "").strip()
            entity = (row.get("entity") or "").strip()
            if not surface or not entity:
                raise DataFileError(f"{file}:{number}: a surface form and an entity are needed")
            overrides.append(Override(surface, (row.get("document") or "").strip(), entity))
    return overrides


def find_overrides(
    corpus: str | os.PathLike[str], given: str | os.PathLike[str] | None = None
) -> str | None:
    """The overrides file to use: ``given`` if any, else :data:`OVERRIDES_FILE` in the corpus
    folder (or beside a corpus file) when there is one (paths as
    :func:`analysis.paths.resolve_path` reads them)."""
    if given:
        return str(paths.resolve_path(given))
    folder = paths.resolve_path(corpus)
    beside = (folder if folder.is_dir() else folder.parent) / OVERRIDES_FILE
    return str(beside) if beside.is_file() else None


def _apply_overrides(table: pd.DataFrame, overrides: Sequence[Override]) -> None:
    for surface, document, entity in overrides:
        rows = table["text"] == surface
        if document:
            rows &= table["doc_id"] == document
        table.loc[rows, "entity"] = surface if entity == KEEP_SEPARATE else entity
        table.loc[rows, "resolution"] = "override"


@functools.lru_cache(maxsize=65536)
def variant_key(name: str) -> str:
    """What two spellings of one name share: case, dots, honorifics, a possessive and the kind
    of apostrophe removed ("F.B.I." -> "fbi", "Mr. Trump's" -> "trump", "O’Malley" and
    "O'Malley" -> "o'malley")."""
    key = _POSSESSIVE.sub("", _HONORIFIC.sub("", name.strip()))
    if _is_dotted(key):
        key = key.replace(".", "").replace(" ", "")
    return " ".join(key.casefold().translate(_APOSTROPHES).split())


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


_INITIAL = re.compile(r"^[A-Z]\.$")


def _without_initials(name: str) -> str:
    """The name without middle initials ("John D. Podesta" -> "John Podesta")."""
    words = name.split()
    return " ".join([words[0], *(w for w in words[1:-1] if not _INITIAL.match(w)), *words[-1:]])


def _initials_of(name: str) -> str:
    return "".join(w for w in name.split()[1:-1] if _INITIAL.match(w))


def _is_dotted(name: str) -> bool:
    """An abbreviation written with dots: "F.B.I.", "U.N."."""
    letters = name.replace(".", "").replace(" ", "")
    return "." in name and letters.isalpha() and letters.isupper() and len(letters) <= 6


@functools.lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    """The words of a name (split at spaces and hyphens); cached, since a corpus repeats its
    names."""
    return tuple(w for w in _NAME_SPLIT.split(name) if w)


_NAME_SPLIT = re.compile(r"[\s\-‐–]+")


def _per_value(values: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """``function`` of each value, computed once per distinct value (a corpus repeats its
    names)."""
    return values.map({value: function(value) for value in values.unique()})


def _documents_of(table: pd.DataFrame) -> dict[str, set[str]]:
    """Each entity's documents (a plain loop: a grouped aggregation into sets costs several
    times more)."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity, doc_id in zip(table["entity"].tolist(), table["doc_id"].tolist(), strict=True):
        found[entity].add(doc_id)
    return dict(found)


def _word_count(values: pd.Series) -> pd.Series:
    return _per_value(values, _length)


@functools.lru_cache(maxsize=65536)
def _length(name: str) -> int:
    return len(_words(name))


def resolve_corpus(
    mentions: pd.DataFrame, texts: Mapping[str, str], overrides: Sequence[Override] = ()
) -> pd.DataFrame:
    """Corpus-level identity of canonical mentions (see the module docstring).

    Args:
        mentions: every document's canonical mentions (:class:`analysis.schema.EntityMentionRow`
            columns), in corpus order.
        texts: document id -> text (for the honorific before a short name).
        overrides: the researcher's decisions, applied last (:func:`read_overrides`).

    Returns:
        The same rows and columns, with ``entity``, ``label`` and ``resolution`` revised.
    """
    if mentions.empty:
        return mentions
    # Plain Python strings: the steps iterate over columns, which costs several times more
    # over Arrow-backed strings (as the table store reads them); the dtypes are restored last.
    dtypes = mentions.dtypes.to_dict()
    table = mentions.astype({c: object for c, t in dtypes.items() if not is_numeric_dtype(t)})
    use = WordUse(texts)
    _merge_variants(table)
    _mark_datelines(table, texts)
    # The labels of one-word names, counted once when first asked (the first-name test's).
    word_label = _word_labels(table)
    _reject_non_names(table, texts, use, word_label)
    _merge_name_parts(table)
    _label_people_by_name(table, use, word_label)
    _resolve_short_names(table, texts, use)
    _relabel_lone_words(table, use)
    _apply_overrides(table, overrides)
    _settle_labels(table)
    return table.astype(dtypes)


_DOUBLED = re.compile(r"([a-z])\1")


def _merge_variants(table: pd.DataFrame) -> None:
    counts = table["entity"].value_counts()
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in counts.index:
        by_key[variant_key(name)].append(name)
    rename = {}
    for names in by_key.values():
        if len(names) > 1:
            # The most frequent spelling, capitals only ("LOS ANGELES" in a dateline) when
            # there is no other; ties go to the one first in the corpus.
            canonical = next((n for n in names if not n.isupper()), names[0])
            rename.update({name: canonical for name in names if name != canonical})
    # A middle initial more or less: "John D. Podesta" and "John Podesta", unless the initials
    # tell people apart ("George W. Bush", "George H. W. Bush").
    by_bare: dict[str, list[str]] = defaultdict(list)
    for name in counts.index:
        if name not in rename:
            by_bare[_without_initials(name)].append(name)
    for names in by_bare.values():
        signatures = {_initials_of(name) for name in names} - {""}
        if len(names) > 1 and len(signatures) <= 1:
            rename.update({name: names[0] for name in names[1:]})
    # One letter doubled or single, the rest alike: a misspelling of one person's name ("Hilary
    # Clinton", "Angela Correy" beside "Angela Corey"), under the more frequent spelling.
    people = set(table.loc[table["label"] == "PERSON", "entity"])
    by_spelling: dict[str, list[str]] = defaultdict(list)
    for name in counts.index:
        if name in people and name not in rename and " " in name and not name.endswith(")"):
            by_spelling[_DOUBLED.sub(r"\1", name)].append(name)
    for names in by_spelling.values():
        rename.update({name: names[0] for name in names[1:]})
    rename.update(_person_variants(table, counts, rename))
    for name, target in rename.items():  # "Charles Grassley" -> "Charles E. Grassley" -> "Chuck
        seen = {name}  # Grassley": each to the end of its chain
        while target in rename and target not in seen:
            seen.add(target)
            target = rename[target]
        rename[name] = target
    if rename:
        changed = table["entity"].isin(rename)
        table.loc[changed, "entity"] = table.loc[changed, "entity"].map(rename)
        table.loc[changed, "resolution"] = "variant"


#: What follows a dateline's place: a state, a date, a wire service, a dash ("WASHINGTON (AP) —",
#: "MANCHESTER, N.H. -", "NEW YORK, Nov. 19 (UPI) —").
_DATELINE_REST = re.compile(
    r"(?:,\s*[A-Z][\w.]*(?: [A-Z][\w.]*)?)?(?:,\s*[A-Z][a-z]{2,4}\.? \d{1,2})?"
    r"\s*(?:\([A-Za-z ]{2,20}\))?\s*(?:—|–|--|-)\s"
)


def _mark_datelines(table: pd.DataFrame, texts: Mapping[str, str]) -> None:
    """A place in capitals that opens a line and a dateline ("WASHINGTON (AP) —") is where the
    story was filed: the place itself (Washington the city, never the metonym for the United
    States), label GPE whatever the model said, resolution ``dateline``."""
    caps = table[_per_value(table["text"], lambda text: len(text) > 2 and text.isupper())]
    rows = []
    for index, doc_id, start, end in zip(
        caps.index, caps["doc_id"], caps["start_char"], caps["end_char"], strict=True
    ):
        text = texts.get(doc_id, "")
        if text[text.rfind("\n", 0, start) + 1 : start].strip() == "" and _DATELINE_REST.match(
            text, end
        ):
            rows.append(index)
    if not rows:
        return
    names = table.loc[~table.index.isin(rows), "entity"].unique()
    by_key = {variant_key(name): name for name in names if not name.isupper()}
    places = [string.capwords(t) for t in table.loc[rows, "text"]]
    table.loc[rows, "entity"] = [by_key.get(variant_key(p), p) for p in places]
    table.loc[rows, "label"] = "GPE"
    table.loc[rows, "resolution"] = "dateline"


def _person_variants(
    table: pd.DataFrame, counts: pd.Series, rename: Mapping[str, str]
) -> dict[str, str]:
    """One person under the forms of one name: a middle name or initials more or less
    ("Hillary Rodham Clinton", "Hillary Clinton"), a suffix ("Robert S. Mueller III"), a
    nickname form of the first name ("Mike Bloomberg", "Michael Bloomberg";
    :func:`~analysis.identity.evidence.given_name_key`), all under the most frequent form.

    Only for names with a listed first name, the model's PERSON label and the same surname, and
    only when the forms agree: not two different middle names or initials ("George W. Bush",
    "George H. W. Bush"), not two suffixes, and not a suffix beside the plain name in one
    document ("Donald Trump Jr." beside his father)."""
    people = table.loc[table["label"] == "PERSON", ["doc_id", "entity"]].drop_duplicates()
    documents_of = _documents_of(people)
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for name in counts.index:  # most frequent first
        if name in rename or name not in documents_of:
            continue
        words = name.split()
        suffix = words[-1] if words[-1] in SUFFIXES else ""
        core = words[:-1] if suffix else words
        if not 2 <= len(core) <= 4 or not is_given_name(core[0]):
            continue
        if not all(w[:1].isupper() for w in core[1:]) or _POSSESSIVE.search(core[-1]):
            continue
        middle = "".join(c for w in core[1:-1] for c in w if c.isupper())  # "H. W." = "H.W."
        groups[(given_name_key(core[0]), core[-1])].append((name, middle, suffix))
    found: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        middles = {middle for _, middle, _ in members} - {""}
        suffixes = {suffix for _, _, suffix in members} - {""}
        if len(middles) > 1 or len(suffixes) > 1:
            continue
        if suffixes:
            # Father and son: the suffixed name beside the plain one with the same first name in
            # one document ("Donald Trump Jr." beside "Donald Trump"; not "Joseph R. Biden Jr."
            # beside "Joe Biden", one man's formal and familiar names).
            firsts = {n.split()[0] for n, _, x in members if x}
            with_suffix = frozenset().union(*(documents_of[n] for n, _, x in members if x))
            plain = frozenset().union(
                *(documents_of[n] for n, _, x in members if not x and n.split()[0] in firsts)
            )
            if with_suffix & plain:
                continue
        canonical = members[0][0]
        found.update({name: canonical for name, _, _ in members[1:]})
    return found


def _surnames(label_of: Mapping[str, str]) -> set[str]:
    """The surnames (last word, and all words after the first) of the people the corpus names
    in full with a listed first name ("Clinton" of "Hillary Clinton")."""
    surnames = set()
    for name, label in label_of.items():
        words = name.split()
        if label == "PERSON" and len(words) > 1 and is_given_name(words[0]):
            surnames.add(" ".join(words[1:]))
            surnames.add(words[-1])
    return surnames


def _word_labels(table: pd.DataFrame) -> Callable[[str], str | None]:
    """The label of a one-word entity found in two documents or more, the label of most of
    them, a document where the word opens a name the model tagged PERSON counting as one of a
    person's ("America": GPE; not a "Carly" the model called a place in two documents, one a
    headline's "CARLY", beside the ten that name "Carly Fiorina"); counted when first asked."""

    @functools.lru_cache(maxsize=1)
    def labels() -> dict[str, str]:
        named = table.loc[table["label"] != "", ["entity", "doc_id", "label"]]
        named = named[~named["entity"].str.contains(" ", regex=False)].drop_duplicates()
        documents = Counter(named.drop_duplicates(["entity", "doc_id"])["entity"])
        people = table.loc[table["model_label"] == "PERSON", ["entity", "doc_id"]]
        people = people[people["entity"].str.contains(" ", regex=False)]
        openers = pd.DataFrame(
            {
                "entity": [name.split(" ", 1)[0] for name in people["entity"]],
                "doc_id": people["doc_id"],
                "label": "PERSON",
            }
        )
        named = pd.concat([named, openers[openers["entity"].isin(set(documents))]])
        named = named.drop_duplicates()
        votes = Counter(zip(named["entity"], named["label"], strict=True))
        found: dict[str, str] = {}
        for (entity, label), _ in votes.most_common():  # the label of most of its documents
            if documents[entity] >= 2:
                found.setdefault(entity, label)
        return found

    return lambda word: labels().get(word)


def _reject_non_names(
    table: pd.DataFrame,
    texts: Mapping[str, str],
    use: WordUse,
    word_label: Callable[[str], str | None],
) -> None:
    """Undo person "names" that are no one's name (:func:`~analysis.identity.evidence.
    name_problem`: a possessive phrase, a function word, a common word), before any of them
    absorbs another mention across the corpus:

    - the model's own span is cut down to the part of it the corpus knows as a name of its own
      and given that name's label ("Mitt Romney’s Medicare" -> Medicare, "Obama White House" ->
      White House, "Battleground Senate" -> Senate, "Team Clinton" -> the surname Clinton, to
      be resolved like any other), resolution ``relabelled``; with no such part it is dropped:
      label ``""`` (no name table counts it), resolution ``not a name``;
    - the mentions the document's own pass merged into it ("House" after "Will Lose House")
      get their own name and the model's label back, to be resolved like any other."""
    label_of = _vote(table)
    names = [n for n, label in label_of.items() if label == "PERSON" and len(_words(n)) > 1]
    found = table[table["entity"].isin(names) & (table["model_label"] != "")]
    if found.empty:
        return
    places: dict[str, list[tuple[str, int]]] = defaultdict(list)  # where the model found each
    for name, text, doc_id, start in zip(
        found["entity"], found["text"], found["doc_id"], found["start_char"], strict=True
    ):
        if len(text.split()) > 1 or variant_key(text) == variant_key(name):
            places[name].append((doc_id, start))

    @functools.lru_cache(maxsize=1)
    def by_surname() -> set[str]:  # names a document also calls by their last word ("Small")
        lasts = {name.split()[-1] for name in names}
        alone = table[table["text"].isin(lasts) & table["entity"].isin(names)]
        pairs = zip(alone["entity"], alone["text"], strict=True)
        return {name for name, text in pairs if text == name.split()[-1]}

    surnames = _surnames(label_of)
    for surname in surnames:
        if " " not in surname:
            label_of.setdefault(surname, "PERSON")  # a surname, to be resolved
    by_key = {variant_key(name): name for name in label_of}

    # A name's label: as an entity, else as the model labels the words ("White House", which
    # the metonyms count for the United States).
    text_label = _vote(table[table["text"].str.contains(" ", regex=False)], "model_label", "text")

    def label_of_name(part: str) -> str:
        return label_of.get(by_key.get(variant_key(part), ""), "") or text_label.get(part, "")

    is_first_name = first_name_test(use, label_of=word_label, is_surname=surnames.__contains__)
    problems: dict[str, str] = {}
    for name, where in places.items():

        def headline_only(where: list[tuple[str, int]] = where) -> bool:
            return all(title_case_line(texts.get(doc_id, ""), start) for doc_id, start in where)

        problem = name_problem(
            name,
            use,
            headline_only=headline_only,
            label_of=label_of_name,
            is_surname=surnames.__contains__,
            is_first_name=is_first_name,
            called_by_surname=lambda name=name: name in by_surname(),  # type: ignore[misc]
        )
        if problem:
            problems[name] = problem
    if not problems:
        return
    rejected = table["entity"].isin(problems)
    for name in problems:
        del label_of[name]
    by_key = {variant_key(name): name for name in label_of}
    # A part may be the words of a name counted for another entity ("White House", which the
    # metonyms count for the United States): that entity, not a shorter part ("House").
    forms = table[~rejected & (table["label"] != "") & (_word_count(table["text"]) > 1)]
    for text, entity in _vote(forms, column="entity", key="text").items():
        if entity in label_of:
            by_key.setdefault(variant_key(text), entity)
    # The model's other label for the whole span, where it gave one ("Swiss People’s Party").
    others = table[rejected & ~table["model_label"].isin({"", "PERSON"})]
    pairs = zip(others["text"], others["entity"], strict=True)
    own = [variant_key(text) == variant_key(name) for text, name in pairs]
    others = others.loc[pd.Series(own, index=others.index, dtype=bool)]
    whole = _vote(others, column="model_label")
    part_of: dict[str, str] = {}  # rejected name -> the name its own spans are cut down to
    for name, problem in problems.items():
        words = name.split()
        if name in whole or (problem == "function word" and _ORGANISATION.search(name)):
            # the model's other label, else an organisation's shape ("Friends of Hillary
            # Clinton" names a group, not her)
            label_of[name] = whole.get(name, "ORG")
            by_key[variant_key(name)] = name
            parts = [name]
        elif problem == "possessive":
            k = max(i for i, w in enumerate(words[:-1]) if _OWNER.search(w))
            parts = [" ".join(words[k + 1 :])]
        else:
            parts = sub_names(words)
        part_of[name] = next((p for p in parts if variant_key(p) in by_key), "")
    rows = table[rejected]
    entities, labels, how = [], [], []
    narrowed: dict[str, list[int]] = defaultdict(list)
    for index, text, model_label, name in zip(
        rows.index, rows["text"], rows["model_label"], rows["entity"], strict=True
    ):
        if len(text.split()) > 1 or variant_key(text) == variant_key(name):
            # the model's span of the name: cut down, or dropped
            part = part_of[name]
            if part:
                entity = by_key[variant_key(part)]
                entities.append(entity)
                labels.append(label_of[entity])
                how.append("relabelled")
                if part != name:
                    narrowed[part].append(index)
            else:
                entities.append(name)
                labels.append("")
                how.append("not a name")
        else:  # a mention the name absorbed: its own again
            entities.append(by_key.get(variant_key(text), _POSSESSIVE.sub("", text)))
            labels.append(model_label)
            how.append("model" if model_label else "propagated")
    table.loc[rows.index, "entity"] = entities
    table.loc[rows.index, "label"] = labels
    table.loc[rows.index, "resolution"] = how
    _narrow(table, ((pd.Index(index), part) for part, index in narrowed.items()))


#: "X of Y" or "X for Y" in capitals: the shape of an organisation's name.
_ORGANISATION = re.compile(r"^[A-Z]\S*(?: [A-Z]\S*)* (?:of|for) (?:the )?[A-Z]")


def _label_people_by_name(
    table: pd.DataFrame, use: WordUse, word_label: Callable[[str], str | None]
) -> None:
    """A name shaped like a person's that the model also tagged PERSON is a person's, whatever
    most of its mentions say ("Phyllis Schlafly", ORG in 7 of her 9 mentions): a listed first
    name, or one from the SSA table (:func:`~analysis.identity.evidence.first_name_test`) with
    the surname used alone twice at least, one or two more capitalised words (initials and a
    suffix aside), none of them a common word ("George Washington University" is not), the
    last no word that ends the names of two things or more ("Chelsea Clinton Foundation")."""
    label_of = _vote(table)
    person_votes = set(table.loc[table["model_label"] == "PERSON", "entity"])
    is_first_name = first_name_test(
        use, label_of=word_label, is_surname=_surnames(label_of).__contains__
    )
    # The last words of the names of things ("Foundation", "PAC"): no surname. The names that
    # end with the candidate itself ("Cruz/Carly Fiorina" for "Carly Fiorina", which the model
    # may call an organisation too) are no evidence against it.
    ends: dict[str, list[str]] = defaultdict(list)
    for thing, label in label_of.items():
        if label in {"ORG", "FAC", "GPE", "LOC"} and " " in thing:
            ends[thing.split()[-1]].append(thing)

    def is_head(word: str, name: str) -> bool:
        return sum(not _ends_with_name(thing, name) for thing in ends.get(word, ())) > 1

    @functools.lru_cache(maxsize=1)
    def mentions_of() -> dict[str, int]:  # how often each text is a mention
        return table["text"].value_counts().to_dict()

    def alone(word: str) -> int:  # how often the word is a mention by itself
        return mentions_of().get(word, 0)

    found = []
    for name, label in label_of.items():
        if label == "PERSON" or name not in person_votes:
            continue
        words = [w for w in name.split() if not _INITIAL.match(w) and w not in SUFFIXES]
        # A first name the SSA table alone gives needs the surname used alone too, twice at
        # least ("Trey Gowdy ... Gowdy said"; not "Sandy Hook").
        first = is_given_name(words[0]) or (is_first_name(words[0]) and alone(words[-1]) >= 2)
        if (
            2 <= len(words) <= 3
            and first
            and all(w[:1].isupper() and w[1:].isalpha() and w[1:].islower() for w in words[1:])
            and not any(use.is_common_word(w) for w in words[1:])
            and not is_head(words[-1], name)
        ):
            found.append(name)
    if found:
        table.loc[table["entity"].isin(found), "label"] = "PERSON"


def _name_ends(full: str) -> set[str]:
    """The words a full name may be shortened to: its surname, and its first name when that is
    a listed one ("Melania" of "Melania Trump"; not "Bay" of "Bay Buchanan")."""
    words = _words(full)
    return {words[-1], words[0]} if is_given_name(words[0]) else {words[-1]}


def _ends_with_name(text: str, name: str) -> bool:
    """Whether ``text`` is ``name`` or ends with it after a non-word character ("Cruz/Carly
    Fiorina", "Sen. Carly Fiorina" for "Carly Fiorina"; not "McCarly Fiorina")."""
    return text.endswith(name) and (len(text) == len(name) or not text[-len(name) - 1].isalnum())


def _merge_name_parts(table: pd.DataFrame) -> None:
    """One person under two names, one ending with the other:

    - a person's name after an outlet's or party's possessive ("Fox News’ Megyn Kelly", "Green
      Party’s Jill Stein", which the model may call an organisation), or a full name with a listed
      first name (:func:`given_names`) after capitalised words that hold none: a title, an
      epithet or a headline's words ("Sen. Bernie Sanders", "Crooked Hillary Clinton"), counted
      for the name;
    - a surname of two words or more that does not start with a listed first name ("Suu Kyi",
      "Peña Nieto", "bin Laden", "Lamont Scott"), counted for the one name in the corpus that
      ends with it ("Aung San Suu Kyi"), which is a person's from then on, when that name starts
      with a listed first name ("Keith Lamont Scott"), or, for a surname with no listed first
      name in it, when a document introduces the name before the surname outside its first
      sentence (a headline's "Follow Adelle Nazarian" is not her name).

    Two names that each start with a listed first name stay apart ("Paul Jones", "John Paul
    Jones"), and so do words before a name that are not all capitalised ("Friends of Hillary
    Clinton") and names mostly tagged as something else ("New York")."""
    index = _NameEndings(table)
    rename: dict[str, str] = {}
    surnamed: set[str] = set()  # names found to be a person's by a surname of theirs
    for name, parts in index.words.items():
        ending_with = index.longer.get(parts, [])
        if name not in index.people or not ending_with or not _looks_like_a_name(parts):
            continue
        rename.update(_names_prefixing(index, name, ending_with))
        full = _name_of_surname(index, name, ending_with)
        if full is not None:
            rename[name] = full
            surnamed.add(full)
    _rename_name_parts(table, _follow_chains(rename), surnamed)


class _NameEndings:
    """What :func:`_merge_name_parts` looks up: the names of people, organisations and places,
    their words, the names that end with each run of two words or more, and where each document
    first names each."""

    def __init__(self, table: pd.DataFrame):
        self.given = given_names()
        named = table[table["label"].isin(_SHORT_NAME_LABELS)]
        votes = named.groupby(["entity", "label"], sort=False).size().sort_values(ascending=False)
        majority = votes.reset_index().drop_duplicates("entity").set_index("entity")["label"]
        self.people = set(majority.index[majority == "PERSON"])  # most mentions say PERSON
        self.words = {name: tuple(name.split()) for name in named["entity"].unique()}
        self.longer: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for name, parts in self.words.items():
            for k in range(1, len(parts) - 1):  # every proper ending of two words or more
                self.longer[parts[k:]].append(name)
        first = named.groupby(["doc_id", "entity"], sort=False)["start_char"].min()
        self.first_at: dict[tuple[str, str], int] = first.to_dict()
        self.in_body = set(named.loc[named["sent_id"] > 0, "entity"])
        self.documents_of = _documents_of(named)

    def introduced(self, full: str, short: str) -> bool:
        """A document names ``full`` before ``short``, and ``full`` is not a headline's alone."""
        shared = self.documents_of[full] & self.documents_of[short]
        return full in self.in_body and any(
            self.first_at[d, full] < self.first_at[d, short] for d in shared
        )


def _names_prefixing(index: _NameEndings, name: str, ending_with: list[str]) -> dict[str, str]:
    """The longer names that are ``name`` after an owner's possessive ("Fox News’ Megyn Kelly"),
    or, for a full name with a listed first name, after capitalised words holding none ("Sen.
    Bernie Sanders"): each counts for ``name``."""
    parts = index.words[name]
    rename = {}
    for other in ending_with:
        before = index.words[other][: len(index.words[other]) - len(parts)]
        if not all(w[:1].isupper() and not _INITIAL.match(w) for w in before):
            continue
        if _OWNER.search(before[-1]) or (
            parts[0] in index.given
            and _is_full_name(name)
            and other in index.people
            and not any(w in index.given for w in before)
        ):
            rename[other] = name
    return rename


def _name_of_surname(index: _NameEndings, name: str, ending_with: list[str]) -> str | None:
    """The one name that ends with ``name`` when ``name`` is a surname of two words or more
    ("Suu Kyi" for "Aung San Suu Kyi"), else None."""
    parts = index.words[name]
    full = ending_with[0]
    # A surname that holds a first name ("Lamont Scott", "Crooked Hillary") only for a name
    # that starts with one ("Keith Lamont Scott", not "Defeat Crooked Hillary").
    if (
        len(ending_with) == 1
        and parts[0] not in index.given
        and _looks_like_a_name(index.words[full])
        and not _OWNER.search(index.words[full][-len(parts) - 1])
        and (
            index.words[full][0] in index.given
            or (
                not any(w in index.given for w in parts)
                and (parts[0] in NAME_PARTICLES or index.introduced(full, name))
            )
        )
    ):
        return full
    return None


def _follow_chains(rename: dict[str, str]) -> dict[str, str]:
    """``rename`` with each name mapped to the end of its chain (a -> b -> c: a -> c)."""
    for name in list(rename):
        seen = {name}
        while rename[name] in rename and rename[name] not in seen:
            seen.add(rename[name])
            rename[name] = rename[rename[name]]
    return rename


def _rename_name_parts(table: pd.DataFrame, rename: dict[str, str], surnamed: set[str]) -> None:
    """Count each renamed mention for its new name (a ``variant``, a person), narrowed to it."""
    if not rename:
        return
    changed = table["entity"].isin(rename)
    before_names = table.loc[changed, "entity"]
    table.loc[changed, "entity"] = before_names.map(rename)
    table.loc[changed, "resolution"] = "variant"
    table.loc[changed | table["entity"].isin(surnamed), "label"] = "PERSON"
    # A title, epithet or owner before the name is no part of it: the mention is the name.
    _narrow(
        table,
        (
            (before_names.index[before_names == old], new)
            for old, new in rename.items()
            if old.endswith(" " + new)
        ),
    )


#: An owner's possessive before a name: "Fox News’ Megyn Kelly", "Breitbart’s Joel Pollak".
_OWNER = re.compile(r"[’']s?$")


def _looks_like_a_name(words: tuple[str, ...]) -> bool:
    """At most five words, each capitalised or a particle: "Aung San Suu Kyi", "bin Laden", not
    "Victoria at Sandy Hook"."""
    return len(words) <= 5 and all(w[:1].isupper() or w in NAME_PARTICLES for w in words)


def _is_full_name(name: str) -> bool:
    """Two or three words besides initials, the first capitalised: "Hillary Clinton", "John D.
    Podesta", not "pro-Clinton" or "George W. Bush Presidential Center"."""
    words = [w for w in _words(name) if not _INITIAL.match(w)]
    return 1 < len(words) <= 3 and words[0][:1].isupper()


class _Names:
    """Full names by their last and by their first word, to find what a short name abbreviates
    without splitting every name again."""

    def __init__(self, names: Iterable[str]):
        self.by_last: dict[str, list[str]] = defaultdict(list)
        self.by_first: dict[str, list[str]] = defaultdict(list)
        for name in dict.fromkeys(names):
            words = _words(name)
            self.by_last[words[-1]].append(name)
            self.by_first[words[0]].append(name)

    def candidates(self, short: str) -> list[str]:
        """The full names ``short`` abbreviates: as their last word, else as their first."""
        return self.by_last.get(short) or self.by_first.get(short) or []


def _unfold_fragments(table: pd.DataFrame) -> None:
    """Undo person "names" that are no one's full name, so that their short names are resolved
    like any other: a prefixed form ("pro-Clinton") and a headline fragment ("Obama Says",
    "Derelict Obama"): a multi-word name holding the surname of someone named in full with a
    listed first name (:func:`given_names`), with no listed first name of its own, that the model
    found only in a document's first sentence or in one document alone. The document's own pass
    merged the surname alone into such a name; each of those mentions becomes its surname again,
    and so does a headline fragment itself."""
    given = given_names()
    names = table[table["label"].isin(_SHORT_NAME_LABELS) & (_word_count(table["entity"]) > 1)]
    people = names[names["label"] == "PERSON"]["entity"].unique()
    surnames = {_words(n)[-1] for n in people if _is_full_name(n) and _words(n)[0] in given}
    documents = names.drop_duplicates(["doc_id", "entity"])["entity"].value_counts()
    # Only names holding such a surname and no listed first name can be fragments.
    short_of = {}
    for name in documents.index:
        words = _words(name)
        short = next((w for w in words if w in surnames), None)
        if short is not None and not any(w in given for w in words):
            short_of[name] = short
    candidates = names[names["entity"].isin(short_of)]
    found = candidates[candidates["resolution"] == "model"]
    headline = (found["sent_id"] == 0).groupby([found["doc_id"], found["entity"]]).all().to_dict()
    surname_of: dict[int, str] = {}  # row -> the surname it counts for
    narrowed: list[tuple[pd.Index, str]] = []
    for (doc_id, name), rows in candidates.groupby(["doc_id", "entity"], sort=False):
        words = _words(name)
        short = short_of[name]
        prefixed = not words[0][:1].isupper()
        # A surname before other words ("Obama Speech") is no full name; after them it may be
        # one ("Ouisa Davis"), unless the model found it in a headline alone. An organisation's
        # name is left alone unless it is a headline's ("Obama Sees 'Personal Insult'").
        person = rows["label"].iloc[0] == "PERSON"
        surname_first = (
            person
            and words[0] == short
            and documents[name] == 1
            and not any(_INITIAL.match(w) for w in words)
            # a surname of its own joined it ("Abu Laban" for "Osman Abu Laban"): a name
            and not (rows["resolution"] == "variant").any()
        )
        if not ((person and prefixed) or surname_first or headline.get((doc_id, name), False)):
            continue
        alone = rows.index[rows["text"] == short]
        surname_of.update(dict.fromkeys(alone, short))
        if not prefixed:  # "pro-Clinton" itself is no mention of the person
            fragments = rows.index.difference(alone)
            surname_of.update(dict.fromkeys(fragments, short))
            narrowed.append((fragments, short))  # "Obama" in "Obama Says", not the headline
    if surname_of:
        index = pd.Index(list(surname_of))
        table.loc[index, "entity"] = list(surname_of.values())
        table.loc[index, "label"] = "PERSON"
    _narrow(table, narrowed)


def _narrow(table: pd.DataFrame, mentions: Iterable[tuple[pd.Index, str]]) -> None:
    """Cut each mention down to the last whole-word occurrence of its name in its text, for
    ``(rows, name)`` pairs ("Crooked Hillary Clinton" -> "Hillary Clinton", "Obama Says" ->
    "Obama"), so that its offsets and keyword show the name; a mention without it stays."""
    spans: dict[int, tuple[int, int, str]] = {}
    for index, name in mentions:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        for row, text, start in zip(
            index, table.loc[index, "text"], table.loc[index, "start_char"], strict=True
        ):
            found = list(pattern.finditer(text))
            if found and text != name:
                begin = int(start) + found[-1].start()
                spans[row] = (begin, begin + len(name), name)
    if spans:
        rows = pd.Index(list(spans))
        starts, ends, texts = zip(*spans.values(), strict=True)
        table.loc[rows, "start_char"] = list(starts)
        table.loc[rows, "end_char"] = list(ends)
        table.loc[rows, "text"] = list(texts)


def _person_reading(table: pd.DataFrame, use: WordUse) -> Callable[[str], bool]:
    """Whether a bare word, in a document that names no one with it, can be taken for a person
    the corpus knows ("Podesta"), or is to keep its own reading ("House", "Fox", "Post",
    "Senate"): the documents where it stands for a person named in full beside it must be at
    least as many as those where it is part of a name of something else ("White House", "Fox
    News") or stands alone with no such person, and it must not be written lowercase more often
    than it stands for a person (a first name aside: "Bill")."""
    single = _word_count(table["text"]) == 1
    multi = _word_count(table["entity"]) > 1
    person = table["label"] == "PERSON"
    as_person = table[single & multi & person]
    ends = [
        text
        for text, name in zip(as_person["text"], as_person["entity"], strict=True)
        if text in (_words(name)[0], _words(name)[-1])
    ]
    person_mentions = Counter(ends)
    full = table.loc[multi & person, ["doc_id", "entity"]].drop_duplicates()
    person_docs = Counter(
        word
        for _, word in {
            (doc_id, w)
            for doc_id, name in full.itertuples(index=False)
            for w in (_words(name)[0], _words(name)[-1])
        }
    )
    pairs = table.loc[multi & ~person, ["doc_id", "entity"]].drop_duplicates()
    other_docs = Counter(
        word
        for doc_id, word in {(d, w) for d, e in pairs.itertuples(index=False) for w in _words(e)}
    )
    alone = table[single & ~multi & ~person & (table["resolution"] == "model")]
    other_docs.update(Counter(alone.drop_duplicates(["doc_id", "text"])["text"]))

    def reading(word: str) -> bool:
        if is_given_name(word):
            return True
        if other_docs[word] > person_docs[word] or not person_docs[word]:
            return False
        return not use.is_common_word(word) or use.lowercase(word) <= person_mentions[word]

    return functools.lru_cache(maxsize=None)(reading)


def _resolve_short_names(table: pd.DataFrame, texts: Mapping[str, str], use: WordUse) -> None:
    _unfold_fragments(table)
    person_reading = _person_reading(table, use)
    people = table[(table["label"] == "PERSON") & _per_value(table["entity"], _is_full_name)]
    documents_of: Counter[str] = Counter(people.drop_duplicates(["doc_id", "entity"])["entity"])
    corpus = _Names(documents_of)
    named_in: dict[str, tuple[Counter[str], list[tuple[int, str]]]] = {}
    for doc_id, start, entity in zip(
        people["doc_id"], people["start_char"], people["entity"], strict=True
    ):
        weights, positions = named_in.setdefault(doc_id, (Counter(), []))
        weights[entity] += 1
        positions.append((start, entity))
    names_in: dict[str, _Names] = {}  # a document's full names, built when first needed
    person_rows = table[table["label"] == "PERSON"]
    person_groups = person_rows.groupby("doc_id", sort=False)["start_char"]

    @functools.cache
    def person_starts(doc_id: str) -> tuple[int, ...]:  # where the document names a person
        if doc_id not in person_groups.groups:
            return ()
        return tuple(sorted(person_groups.get_group(doc_id)))

    short = table[table["label"].isin(_SHORT_NAME_LABELS) & (_word_count(table["entity"]) == 1)]
    decided: dict[int, tuple[str, str]] = {}  # row index -> (entity, resolution)
    # A surname the model gave the label of a place, group or thing ("Kasich" GPE, "McAuliffe"
    # LOC, "Pelosi" EVENT), or a listed first name ("Melania" GPE), is a person's when its
    # document names one person in full with it last (first), unless the corpus has the word
    # alone, with no one of that name in the document, in more documents than it names such a
    # person ("Israel" beside Steve Israel, "Idaho" beside a headline's "Take Idaho", "Cuban"
    # beside Mark Cuban). Not a name the data files resolved.
    other = table[
        ~table["label"].isin(_SHORT_NAME_LABELS)
        & ~table["resolution"].isin({"alias", "metonym"})
        & (_word_count(table["entity"]) == 1)
    ]
    rows_of = other.groupby(["doc_id", "entity"], sort=False).groups
    owners_of = {
        (doc_id, name): [
            full
            for full in named_in.get(doc_id, (Counter(), []))[0]
            if name in _name_ends(full) and not any(_OWNER.search(w) for w in full.split()[:-1])
        ]
        for doc_id, name in rows_of
    }
    alone = Counter(name for (_, name), owners in owners_of.items() if not owners)
    surname_documents = Counter(
        end
        for (_, full) in people[["doc_id", "entity"]].drop_duplicates().itertuples(index=False)
        for end in _name_ends(full)
    )
    for (doc_id, name), owners in owners_of.items():
        if len(owners) == 1 and alone[name] <= surname_documents[name]:
            decided.update(dict.fromkeys(rows_of[doc_id, name], (owners[0], "short name")))
    groups: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for index, doc_id, name, start in zip(
        short.index, short["doc_id"], short["entity"], short["start_char"], strict=True
    ):
        indices, starts = groups.setdefault((doc_id, name), ([], []))
        indices.append(index)
        starts.append(start)
    for (doc_id, name), (indices, starts) in groups.items():
        weight, positions = named_in.get(doc_id, (Counter(), []))
        if doc_id not in names_in:
            names_in[doc_id] = _Names(weight)
        in_doc = names_in[doc_id].candidates(name)
        text = texts.get(doc_id, "")
        genders = [_honorific_gender(text, start) for start in starts]
        # Who the document names: its full names, and for an honorific that fits none of them
        # ("Mr. Obama" where only Michelle Obama is named in full) the corpus's referent.
        pool = list(in_doc)
        for gender in {g for g in genders if g} - {_gender_of(c) for c in in_doc}:
            referent = _corpus_referent(_of_gender(corpus.candidates(name), gender), documents_of)
            if referent:
                pool.append(referent)
                weight = weight + Counter({referent: genders.count(gender)})  # a copy
        # A man and a woman of one name in the document ("Bill Clinton", "Hillary Clinton"): the
        # pronouns that follow its bare mentions say whom the writer means by it.
        told = ""
        if len({_gender_of(c) for c in pool} - {""}) > 1 and "" in genders:
            told = _pronoun_gender(
                text,
                [s for s, g in zip(starts, genders, strict=True) if not g],
                person_starts(doc_id),
                len(name),
            )
        for index, start, gender in zip(indices, starts, genders, strict=True):
            here = _of_gender(pool, gender)
            if len(here) > 1 and told and len(_of_gender(here, told)) == 1:
                decided[index] = (_of_gender(here, told)[0], "pronouns")
            elif len(here) == 1:
                decided[index] = (here[0], "short name")
            elif here:
                # Two people of one name in the document: its principal (most mentions), ties
                # to the one the corpus names more often ("Mr. Cruz" beside his father
                # Rafael Cruz), then to the one named nearest before.
                last = {e: s for s, e in positions if s < start and e in here}
                best = max(here, key=lambda c: (weight[c], documents_of[c], last.get(c, -1)))
                decided[index] = (best, "nearest")
            elif written := [c for c in _of_gender(corpus.candidates(name), gender) if c in text]:
                # A full name the model missed but the text holds ("Chicago Mayor Rahm Emanuel"
                # untagged): the document names that person after all.
                if len(written) == 1:
                    decided[index] = (written[0], "short name")
            elif gender or person_reading(name):
                candidates = _of_gender(corpus.candidates(name), gender)
                referent = _corpus_referent(candidates, documents_of) or _hinted(
                    candidates, name, _around(text, start, len(name))
                )
                if referent:
                    decided[index] = (referent, "corpus")
                elif candidates:
                    decided[index] = (name + AMBIGUOUS_SUFFIX, "ambiguous")
    if decided:
        index = pd.Index(list(decided))
        entities, how = zip(*decided.values(), strict=True)
        table.loc[index, "entity"] = list(entities)
        table.loc[index, "resolution"] = list(how)
        people_rows = index[[h != "ambiguous" for h in how]]
        table.loc[people_rows, "label"] = "PERSON"


_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*\s")
#: The pronouns after a document's bare mentions of a name decide for the woman of that name
#: beside a man of it when "she" and "her" are at least this many and this many times "he".
PRONOUN_LEAST = 2
PRONOUN_RATIO = 2


def _pronoun_gender(text: str, starts: list[int], persons: tuple[int, ...], length: int) -> str:
    """``female`` when the pronouns that follow the mentions at ``starts`` (each of ``length``
    characters), to the end of the next sentence or to the next mention of a person
    (``persons``, the starts of the document's PERSON mentions), are mostly hers
    (:data:`PRONOUN_LEAST`, :data:`PRONOUN_RATIO`); else ``""``. "Clinton’s team ... the
    candidate herself", "Clinton ... the lowest rating of her career": Hillary Clinton.

    Only "she" decides: most people news names are men, so a "he" after a surname is as often
    another man's (Sanders's, Trump's) as the man of that surname's. On PolNeAR train+dev the
    symmetric rule moved "Clinton" to Bill Clinton in seven documents, six of them wrongly;
    "she" moved 81 mentions in three documents, all rightly."""
    she = he = 0
    for start in starts:
        end = start + length
        stop = end
        for _ in range(2):
            match = _SENTENCE_END.search(text, stop)
            stop = match.end() if match else len(text)
        following = [p for p in persons if end <= p < stop]
        window = text[end : following[0] if following else stop]
        she += len(_SHE.findall(window))
        he += len(_HE.findall(window))
    if she >= PRONOUN_LEAST and she >= PRONOUN_RATIO * he:
        return "female"
    return ""


def _gender_of(name: str) -> str:
    return name_gender(_words(name)[0])


_TITLE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")
_TITLE_GENDER = {"Mr": "male", "Mrs": "female", "Ms": "female", "Miss": "female"}


def _honorific_gender(text: str, start: int) -> str:
    """``male`` or ``female`` when "Mr." or "Mrs."/"Ms." stands just before ``start``."""
    match = _TITLE_BEFORE.search(text, max(0, start - 8), start)
    return _TITLE_GENDER[match.group(1)] if match else ""


def _of_gender(candidates: list[str], gender: str) -> list[str]:
    """The candidates whose first name is of ``gender`` (all of them when it is unknown)."""
    if not gender:
        return candidates
    return [c for c in candidates if _gender_of(c) == gender]


def _around(text: str, start: int, length: int) -> str:
    """The sentence of the ``length`` characters at ``start``, with the one before and the one
    after it."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 2000), start)]
    begin = ends[-2] if len(ends) > 1 else max(0, start - 2000) if ends else 0
    stop = start + length
    for _ in range(2):
        match = _SENTENCE_END.search(text, stop)
        stop = match.end() if match else len(text)
    return text[begin:stop]


def _hinted(candidates: list[str], name: str, text: str) -> str:
    """For a first name alone, the one candidate whose surname ``text`` (the mention's sentence
    and its neighbours) writes ("her husband, Bill", "Bill and Hillary Clinton", "Biden ... his
    son Beau" among the Bills and Beaus the corpus names in full), or ``""``. Not for a surname
    alone: first names are too common words of a text to tell "Bush" apart."""
    if len(candidates) < 2:
        return ""
    hinted = [
        c
        for c in candidates
        if _words(c)[0] == name
        and not is_given_name(_words(c)[-1])  # "David" of Larry David is any David's
        and re.search(rf"\b{re.escape(_words(c)[-1])}\b", text)
    ]
    return hinted[0] if len(hinted) == 1 else ""


def _corpus_referent(candidates: list[str], documents_of: Counter[str]) -> str:
    """The candidate named in at least :data:`DOMINANT_SHARE` of the documents naming any, or
    ``""``."""
    if not candidates:
        return ""
    total = sum(documents_of[c] for c in candidates)
    best = max(candidates, key=lambda c: (documents_of[c], c))
    return best if documents_of[best] >= DOMINANT_SHARE * total else ""


def _vote(table: pd.DataFrame, column: str = "label", key: str = "entity") -> dict[str, str]:
    """Each ``key``'s (entity's) most frequent ``column`` value that is not ``""``, ties to the
    first seen."""
    pairs = zip(table[key].tolist(), table[column].tolist(), strict=True)
    votes = Counter(pair for pair in pairs if pair[1] != "")
    found: dict[str, str] = {}
    for (name, value), _ in votes.most_common():  # most_common keeps ties in first-seen order
        found.setdefault(name, value)
    return found


def _relabel_lone_words(table: pd.DataFrame, use: WordUse) -> None:
    """A one-word "person" no one in the corpus has as a first name or surname, left to
    itself after the short names are resolved: given the label the model gave it otherwise
    when it did ("Twitter" tagged PERSON in headlines and ORG elsewhere), resolution
    ``relabelled``; a word the corpus writes lowercase more often ("Leave", "Aides") is no
    name at all (label ``""``, resolution ``not a name``). A listed first name is left alone."""
    label_of = _vote(table)
    lone = [n for n, label in label_of.items() if label == "PERSON" and len(_words(n)) == 1]
    if not lone:
        return
    people = [n for n, label in label_of.items() if label == "PERSON"]
    name_words = {w for name in people if len(_words(name)) > 1 for w in _words(name)}
    rows = table[table["entity"].isin(lone) & ~table["model_label"].isin({"", "PERSON"})]
    other_label = _vote(rows, column="model_label")
    decided: dict[str, tuple[str, str]] = {}
    for name in lone:
        if name in name_words or name[:-1] in name_words or is_given_name(name):  # "Clintons"
            continue
        if name in other_label:
            decided[name] = (other_label[name], "relabelled")
        elif name[:1].islower() or use.is_common_word(name):
            decided[name] = ("", "not a name")  # "lesbian", "Leave"
    if decided:
        rows = table.index[table["entity"].isin(decided)]
        choice = table.loc[rows, "entity"].map(decided)
        table.loc[rows, "label"] = [label for label, _ in choice]
        table.loc[rows, "resolution"] = [how for _, how in choice]


def _settle_labels(table: pd.DataFrame) -> None:
    """Each entity's label by the vote of its mentions (a dropped mention's ``""`` votes only
    when nothing else does)."""
    votes = table.groupby(["entity", "label"], sort=False).size().reset_index(name="n")
    votes["named"] = votes["label"] != ""
    votes = votes.sort_values(["named", "n"], ascending=False, kind="stable")
    label_of = votes.drop_duplicates("entity").set_index("entity")["label"]
    table["label"] = table["entity"].map(label_of)


def renames(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, start_char, end_char, before, entity, label``: the mentions whose entity or
    label the pass changed, with their entity before it, at the offsets the model gave them
    (the targeted sentiment rows and attribution sources have those; the pass may narrow a
    mention to its name)."""
    changed = (before["entity"] != after["entity"]) | (before["label"] != after["label"])
    table = before.loc[changed, ["doc_id", "start_char", "end_char"]]
    return table.assign(
        entity=after.loc[changed, "entity"],
        label=after.loc[changed, "label"],
        before=before.loc[changed, "entity"],
    )


def rename_targets(targets: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The targeted sentiment rows with the entities of :func:`renames` (matched by offsets)."""
    if changes.empty or targets.empty:
        return targets
    keys = ["doc_id", "start_char", "end_char"]
    merged = targets.merge(
        changes.drop(columns="before"), on=keys, how="left", suffixes=("", "_new"), sort=False
    )
    found = merged["entity_new"].notna()
    merged.loc[found, "entity"] = merged.loc[found, "entity_new"]
    merged.loc[found, "label"] = merged.loc[found, "label_new"]
    return merged[list(targets.columns)].set_index(targets.index)


def rename_speakers(attributions: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The attributions with the speakers the pass renamed: the renamed mention that overlaps
    the attribution's source (matched by offsets), else, for a speaker found through a pronoun
    or a description, the new name of the speaker's mentions in that document when they all got
    one."""
    if changes.empty or attributions.empty:
        return attributions
    by_doc: dict[str, list[tuple[int, int, str, str, str]]] = defaultdict(list)
    for row in changes.itertuples(index=False):
        by_doc[row.doc_id].append((row.start_char, row.end_char, row.before, row.entity, row.label))
    table = attributions.copy()
    speakers, labels = table["speaker"].tolist(), table["speaker_label"].tolist()
    for i, (doc_id, source) in enumerate(zip(table["doc_id"], table["source"], strict=True)):
        rows = by_doc.get(doc_id)
        if rows is None or not labels[i]:
            continue
        hit = next((r for start, end in source for r in rows if r[0] < end and start < r[1]), None)
        if hit is None:  # through a pronoun or a description: the speaker's new name
            renamed = {(r[3], r[4]) for r in rows if r[2] == speakers[i]}
            if len(renamed) != 1:
                continue
            speakers[i], labels[i] = renamed.pop()
        else:
            speakers[i], labels[i] = hit[3], hit[4]
    table["speaker"], table["speaker_label"] = speakers, labels
    return table
