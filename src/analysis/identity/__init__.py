"""Entities that hold across a corpus: the corpus pass after each document's own resolution.

:func:`analysis.entities.resolve_document` merges the names of one document ("Kim" into "Kim
Jong-un" when the document names him in full). What one document cannot settle, the corpus can;
:func:`resolve_corpus` takes every document's canonical mentions and

1. merges **variants** of one name: case, dots and honorifics ("F.B.I." and "FBI", "HIllary
   Clinton" and "Hillary Clinton"), and a person's middle name, initials, suffix or nickname
   form of the first name ("Hillary Rodham Clinton", "Robert S. Mueller III", "Mike
   Bloomberg"), under the most frequent form;

   then undoes person "names" that are **no one's name** (a possessive phrase, a function word
   or a common word: :mod:`analysis.identity.evidence`), so that they absorb nothing;
2. merges two names of one person where one **ends with the other**: an epithet, title or
   headline's words before a full name ("Crooked Hillary Clinton"), a surname of two words or
   more ("Suu Kyi" for "Aung San Suu Kyi");
3. resolves **short names** (a surname or a first name alone) the document did not: when the
   document names two people who share it ("Bill Clinton", "Hillary Clinton"), each mention goes
   to the nearest of them named before it (after it when none is); when the document names none,
   the corpus decides: the person whose full name with that short name is in at least
   :data:`DOMINANT_SHARE` of the documents that name any such person. Otherwise the mentions are
   marked ambiguous and counted as ``"<name> (ambiguous)"``, never as a person of their own. A
   short name the model labelled an organisation goes to the person too ("Podesta"). Across
   documents, only a word the corpus reads as a person's name is resolved so: not one that is
   more often part of other names, alone, or lowercase ("House", "Fox", "Post");
4. relabels a one-word "person" no one in the corpus is named with ("Twitter") by the model's
   other labels for it, or drops it when it is a common word ("Leave");
5. settles each entity's **label** across the corpus by the vote of its mentions.

6. applies a researcher's **overrides** (:func:`read_overrides`: a surface form, optionally in
   one document, is counted for a given entity, or kept separate under its own name).

It returns the mentions with ``entity``, ``label`` and ``resolution`` updated (``corpus``,
``nearest``, ``variant``, ``ambiguous``, ``override``, ``relabelled``, ``not a name``), and
:func:`rename_speakers` and :func:`rename_targets` carry the same decisions to the attribution
and sentiment tables. The pass reads only the tables and the texts, so it costs a small fraction
of parsing (see the README's
benchmark). :func:`audit` lists the rows a researcher should check (``analysis entities
--audit``).
"""

from analysis.identity.audit import AUDIT_COLUMNS, audit
from analysis.identity.evidence import given_names
from analysis.identity.resolve import (
    AMBIGUOUS_SUFFIX,
    DOMINANT_SHARE,
    KEEP_SEPARATE,
    OVERRIDES_FILE,
    Override,
    find_overrides,
    read_overrides,
    rename_speakers,
    rename_targets,
    renames,
    resolve_corpus,
    variant_key,
)

__all__ = [
    "AMBIGUOUS_SUFFIX",
    "AUDIT_COLUMNS",
    "audit",
    "DOMINANT_SHARE",
    "KEEP_SEPARATE",
    "OVERRIDES_FILE",
    "Override",
    "find_overrides",
    "given_names",
    "read_overrides",
    "rename_speakers",
    "rename_targets",
    "renames",
    "resolve_corpus",
    "variant_key",
]
