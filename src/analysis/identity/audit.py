"""The rows of an entity table a researcher should look at before trusting it.

No rule of :mod:`analysis.identity` is right on every corpus. :func:`audit` lists, from the
corpus's own evidence, the entities where one is most likely wrong, so that a researcher checks
them (and fixes them with an overrides file) rather than finds them in a published table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import pandas as pd

from analysis.identity.evidence import (
    SUFFIXES,
    WordUse,
    given_name_key,
    is_given_name,
    name_problem,
)

#: The columns of :func:`audit`.
AUDIT_COLUMNS = ["check", "entity", "label", "mentions", "documents", "detail"]
#: An entity's model labels are mixed when the second most frequent has this share or more.
MIXED_SHARE = 0.25
#: ... among at least this many mentions.
MIXED_LEAST = 5


def audit(mentions: pd.DataFrame, texts: Mapping[str, str]) -> pd.DataFrame:
    """Entities worth checking, one row per finding:

    - ``name shape``: a person's name with a possessive, a function word, a symbol or a common
      word in it (:func:`analysis.identity.evidence.name_problem`);
    - ``lowercase alias``: a one-word alias the corpus writes lowercase more often than it is
      counted for the entity ("Bill" for Bill Clinton beside the lowercase "bill");
    - ``mixed labels``: the model gave the entity's mentions two labels, the second on at least
      :data:`MIXED_SHARE` of them ("Latinos" PERSON and ORG), unless it is a person named in
      full with a listed first name (whose PERSON/ORG slips the pass settles);
    - ``likely split``: two people with one surname and compatible first names ("Mike" and
      "Michael") that were kept apart.

    Args:
        mentions: canonical mentions after the corpus pass (``Tables.entity_mentions``).
        texts: document id -> text.

    Returns:
        :data:`AUDIT_COLUMNS`, sorted by check, then mentions (descending), then entity.
    """
    named = mentions[mentions["label"] != ""]
    if named.empty:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    use = WordUse(texts)
    sizes = named.groupby(["entity", "label"], sort=False).agg(
        mentions=("doc_id", "size"), documents=("doc_id", "nunique")
    )
    rows: list[tuple] = []

    def add(check: str, entity: str, label: str, detail: str) -> None:
        size = sizes.loc[(entity, label)]
        rows.append((check, entity, label, int(size["mentions"]), int(size["documents"]), detail))

    people = [e for e, label in sizes.index if label == "PERSON"]
    for entity in people:
        problem = name_problem(
            entity,
            use,
            headline_only=lambda: False,
            label_of=lambda _: "",
            is_surname=lambda _: False,
        )
        if problem:
            add("name shape", entity, "PERSON", problem)
    aliases = named.groupby(["entity", "label", "text"], sort=False).size()
    for (entity, label, text), count in aliases.items():
        word = text.strip()
        if word == entity or " " in word or not word[:1].isupper() or not word[1:].islower():
            continue
        lowercase = use.lowercase(word)
        if lowercase > count:
            add("lowercase alias", entity, label, f"{word}: {count} for it, {lowercase} lowercase")
    votes = named[named["model_label"] != ""].groupby(["entity", "label"], sort=False)
    for (entity, label), labels in votes["model_label"]:
        counts = Counter(labels).most_common()
        words = entity.split()
        if len(labels) < MIXED_LEAST or (len(words) > 1 and is_given_name(words[0])):
            continue  # a person named in full: the model's usual PERSON/ORG slips are settled
        if len(counts) > 1 and counts[1][1] >= MIXED_SHARE * len(labels):
            detail = ", ".join(f"{lab} {n}" for lab, n in counts)
            add("mixed labels", entity, label, f"the model's labels: {detail}")
    by_surname: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entity in people:
        words = [w for w in entity.split() if w not in SUFFIXES]
        if len(words) > 1 and is_given_name(words[0]) and not entity.endswith(")"):
            by_surname[(given_name_key(words[0]), words[-1])].append(entity)
    for names in by_surname.values():
        for name in names[1:]:
            add("likely split", name, "PERSON", f"beside {names[0]}")
    table = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    return table.sort_values(
        ["check", "mentions", "entity"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
