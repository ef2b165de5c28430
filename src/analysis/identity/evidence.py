"""What the corpus says about a word or a name, for the identity pass to weigh.

A rule that merges names can only be as good as its idea of what a name is. The model tags
title-case headline words ("Will Lose House"), possessive phrases ("Mitt Romney’s Medicare") and
common words ("Leave", "Aides") as people; this module tells them apart from names with evidence
the corpus itself gives, not with lists of strings:

- :class:`WordUse`: how often each word is written lowercase and capitalised in the corpus's
  texts ("lose" is a common word; "Sanders" is not);
- :func:`name_problem`: why a span the model called a person is no person's name, if it is not
  (a possessive inside it, a function word, a common word in a headline-only span);
- :func:`given_names` and :func:`given_name_key`: the listed first names and their nickname
  forms ("Mike" and "Michael"), from ``data/given_names.csv`` and
  ``data/given_name_variants.csv``;
- :func:`first_names` and :func:`first_name_test`: the US Social Security Administration's
  first names (``data/first_names.csv``, public domain), read as a first name only where the
  corpus does not use the word otherwise ("Shane", "Ian"; not "Justice", "Clinton").
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from analysis import paths

#: Words written alone, lowercase in running text, that a name never holds after its first word
#: (prepositions, articles, auxiliaries and the like): "Will Twitter Be Next", "Among Latinos".
FUNCTION_WORDS = frozenset(
    {
        "a",
        "about",
        "after",
        "against",
        "all",
        "am",
        "among",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "down",
        "during",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "might",
        "more",
        "most",
        "must",
        "near",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "our",
        "out",
        "over",
        "per",
        "says",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "to",
        "under",
        "until",
        "up",
        "upon",
        "vs",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "yet",
        "you",
        "your",
    }
)
#: Words after a name that are part of it: "Jr.", "III".
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "V"})
#: Lowercase words inside a person's name ("Osama bin Laden", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset(
    {"al", "bin", "ibn", "el", "van", "von", "der", "den", "de", "da", "di", "du", "la", "le"}
    | {"del", "dos", "das", "ter"}
)
#: A possessive at the end of a word: "Romney’s", "Fox News’".
POSSESSIVE_END = re.compile(r"[’'‘]s?$")
#: A single initial with its dot: "S." in "Robert S. Mueller".
INITIAL = re.compile(r"^[A-Z]\.$")
#: A short title or abbreviation with its dot ("Sen.", "Gov.", "H.W."): neither name nor word.
_DOTTED = re.compile(r"^[A-Z][A-Za-z.]{0,4}\.$")
_POSSESSIVE_ENDINGS = frozenset({"’s", "'s", "‘s"})
_PUNCTUATION = "\"'“”‘’.,;:!?()[]{}—–-…*_/"
#: Labels of the names a person's "name" may end with when it is no name ("Obama White House").
_INSTITUTION_LABELS = frozenset({"ORG", "FAC", "GPE", "LOC", "NORP"})
#: What no word of a name holds: a handle's, a hashtag's or a link's sign.
_SYMBOL = re.compile(r"[@#/]")


class WordUse:
    """How often each word is written lowercase and capitalised in a corpus's texts.

    Counted once, from the texts, when first asked (the identity pass asks only when a name
    needs it)."""

    def __init__(self, texts: Mapping[str, str]):
        self._texts = texts
        self._counts: Counter[str] | None = None

    @property
    def counts(self) -> Counter[str]:
        if self._counts is None:
            # Split at white space (much faster than a regular expression), then strip each
            # distinct token of its punctuation and possessive.
            tokens = Counter("\n".join(self._texts.values()).split())
            counts: Counter[str] = Counter()
            for token, count in tokens.items():
                for part in token.split("-") if "-" in token else (token,):
                    word = part.strip(_PUNCTUATION)
                    if word[-2:] in _POSSESSIVE_ENDINGS:
                        word = word[:-2]
                    if word.isalpha():
                        counts[word] += count
            self._counts = counts
        return self._counts

    def lowercase(self, word: str) -> int:
        """How often ``word`` is written in lowercase ("house" for "House")."""
        return self.counts[word.lower()] if word[:1].isupper() else self.counts[word]

    def capitalised(self, word: str) -> int:
        """How often ``word`` is written with a capital first letter and the rest lowercase."""
        return self.counts[word[:1].upper() + word[1:].lower()]

    def is_common_word(self, word: str, *, times: float = 1.0, least: int = 1) -> bool:
        """A word the corpus writes lowercase more often than capitalised ("Lose", "Coal",
        "Battleground"), so a capital tells nothing more than a title or a sentence start;
        ``times`` more often, and at least ``least`` times, for a stricter test."""
        bare = POSSESSIVE_END.sub("", word)
        if not bare.isalpha():
            return False
        lowercase = self.lowercase(bare)
        return lowercase >= least and lowercase > times * self.capitalised(bare)


@functools.lru_cache(maxsize=1)
def given_names() -> dict[str, str]:
    """First name -> ``male`` or ``female``, from ``data/given_names.csv`` (user-editable)."""
    with open(paths.DATA_DIR / "given_names.csv", encoding="utf-8", newline="") as handle:
        return {row["name"]: row["gender"] for row in csv.DictReader(handle)}


#: Of the children given a first name, the share of one sex it takes for the name to say a gender.
GENDER_SHARE = 0.95
#: How many times more often than capitalised a word may be written lowercase and still be read
#: as a first name from the SSA table ("Will" and "May" are words; they count only as listed).
_FIRST_NAME_LOWERCASE = 0.25


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """First name -> ``"girls,boys"``: how many children born in the US 1880-2017 were given
    it, from ``data/first_names.csv`` (the Social Security Administration's baby names, public
    domain; written by ``scripts/build_first_names.py``). The counts are parsed only when asked
    (:func:`first_name_counts`): most names are only looked up."""
    path = paths.DATA_DIR / "first_names.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[:1] != ["name,female,male"]:
        raise ValueError(f"{path}: the header must be name,female,male")
    return dict(line.split(",", 1) for line in lines[1:])


def first_name_counts(first: str) -> tuple[int, int]:
    """(girls, boys) given ``first`` in the SSA table; (0, 0) when it is not there."""
    counts = first_names().get(first)
    if counts is None:
        return (0, 0)
    girls, boys = counts.split(",")
    return (int(girls), int(boys))


def name_gender(first: str) -> str:
    """``male`` or ``female`` for a first name: as ``given_names.csv`` says, else as the SSA
    table says when at least :data:`GENDER_SHARE` of the children given it were of one sex
    ("Carly"; not "Jordan"); ``""`` otherwise."""
    listed = given_names().get(first)
    if listed is not None:
        return listed
    girls, boys = first_name_counts(first)
    if girls + boys == 0:
        return ""
    if girls >= GENDER_SHARE * (girls + boys):
        return "female"
    return "male" if boys >= GENDER_SHARE * (girls + boys) else ""


def first_name_test(
    use: WordUse, *, label_of: Callable[[str], str | None], is_surname: Callable[[str], bool]
) -> Callable[[str], bool]:
    """Whether a word reads as a first name in this corpus: a listed one
    (:func:`is_given_name`), or one on the SSA table (:func:`first_names`) that the corpus
    neither writes lowercase (``"justice"``), nor uses as the surname of someone it names in
    full (``"Clinton"``), nor as a name of anything but a person (``"America"``)."""

    @functools.cache
    def test(word: str) -> bool:
        if is_given_name(word):
            return True
        return (
            word in first_names()
            and not use.is_common_word(word, times=_FIRST_NAME_LOWERCASE, least=3)
            and not is_surname(word)
            and (label_of(word) or "PERSON") == "PERSON"
        )

    return test


@functools.lru_cache(maxsize=1)
def _formal_names() -> dict[str, frozenset[str]]:
    """Nickname form -> the formal first names it stands for ("Bill" -> {"William"}), from
    ``data/given_name_variants.csv`` (user-editable: ``name,variant`` rows)."""
    formal: dict[str, set[str]] = {}
    path = paths.DATA_DIR / "given_name_variants.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            formal.setdefault(row["variant"].strip(), set()).add(row["name"].strip())
    return {variant: frozenset(names) for variant, names in formal.items()}


def given_name_key(first: str) -> str:
    """What a first name and its nickname forms share: the formal name when the form stands
    for one only ("Mike" -> "Michael", "Bill" -> "William"), else the name itself ("Pat" is
    Patricia or Patrick, "Steve" Stephen or Steven)."""
    formal = _formal_names().get(first, frozenset())
    return next(iter(formal)) if len(formal) == 1 else first


def is_given_name(word: str) -> bool:
    """A listed first name or a listed nickname form of one."""
    return word in given_names() or word in _formal_names()


def _is_neutral(word: str) -> bool:
    """Initials, titles, suffixes and particles: neither for nor against a name."""
    return (
        bool(INITIAL.match(word) or _DOTTED.match(word))
        or word in SUFFIXES
        or (word in NAME_PARTICLES)
    )


def name_problem(
    name: str,
    use: WordUse,
    *,
    headline_only: Callable[[], bool],
    label_of: Callable[[str], str],
    is_surname: Callable[[str], bool],
    is_first_name: Callable[[str], bool] = is_given_name,
    called_by_surname: Callable[[], bool] = lambda: False,
) -> str:
    """Why ``name``, which the model called a person, is not a person's name; ``""`` if nothing
    says so.

    - ``possessive``: a word with a possessive before the last one ("Mitt Romney’s Medicare",
      "Obama’s State"): X’s Y names Y, owned by X; unless Y is a person's name with a listed
      first name ("Fox News’ Megyn Kelly", which the name-part rules count for her);
    - ``symbol``: a handle, a hashtag, a number or a dash ("Twitter @NolteNC", "Anderson Cooper
      360", "Weak - Rubio");
    - ``acronym``: a word in capitals in a name that is not ("Junge SVP");
    - ``lowercase word``: a word in lowercase that is no particle ("Twitter junkie"; not "bin
      Laden");
    - ``function word``: a preposition, article or auxiliary after the first word ("Will
      Twitter Be Next"; not a surname after a first name that is no common word, "Theresa
      May"), or as the first word when it is no first name ("Among Latinos");
    - ``common word``: a word the corpus writes lowercase twice as often, five times at least
      (:class:`WordUse`), in a name the model found in headlines alone ("Will Lose House":
      "Lose" is a verb), or, three
      times more often, as the first word of a name with no listed first name whose other
      words name something else ("Battleground Senate") or are the surname of someone named in
      full with a first name ("Team Clinton"; not "Norm Coleman", "Marine Le Pen"); a title
      is no common word ("Pope Francis"); or, twice as often, as the last word of a name with
      no listed first name ("Patriot Coal", "Exit Polls"), or with a first name from the SSA
      table alone that no document calls by that word ("Pearl Jam"; not "Marty Small");
    - ``other name``: a name with no listed first name that ends with a name of two words or
      more of something else ("Obama White House"; one word is too often a surname the model
      mislabelled).

    Args:
        name: the entity's name.
        use: the corpus's word use.
        headline_only: whether every mention of the name the model found stands in a title-case
            line (asked only when needed).
        label_of: the label the corpus gives a name of its own (``""`` for none).
        is_surname: whether words are the surname of someone the corpus names in full with a
            listed first name.
        is_first_name: whether a word reads as a first name here (:func:`first_name_test`;
            the listed first names alone by default).
        called_by_surname: whether a document that names it calls the person by the last word
            alone too (asked only when needed).
    """
    words = name.split()
    if any(
        w[:1].islower() and w.split("-")[0] not in NAME_PARTICLES and w not in FUNCTION_WORDS
        for w in words
    ):
        return "lowercase word"  # "Twitter junkie", "pro-Clinton"; not "bin Laden"
    if len(words) < 2:
        return ""
    for k, word in enumerate(words[:-1]):
        if POSSESSIVE_END.search(word) and word not in {"’s", "'s", "‘s"}:
            owned = words[k + 1 :]
            if not (len(owned) > 1 and is_first_name(owned[0])):
                return "possessive"
    if any(_SYMBOL.search(w) or not any(c.isalpha() for c in w) for w in words):
        return "symbol"
    if any(
        w.isalpha() and w.isupper() and len(w) > 1 and w not in SUFFIXES for w in words
    ) and not all(w.isupper() for w in words):
        return "acronym"  # "Junge SVP"
    first_listed = is_given_name(words[0])
    first_given = first_listed or is_first_name(words[0])
    # After a first name the corpus does not use as a word ("Theresa"; not "Will"), a last
    # word in title case is a surname even when it is also a function word ("Theresa May";
    # not "Al Ashry and").
    last = words[-1]
    surname = (
        last if last[:1].isupper() and first_given and not use.is_common_word(words[0]) else None
    )
    if any(
        w.lower() in FUNCTION_WORDS and not is_given_name(w)
        for w in words[1:]
        if w not in NAME_PARTICLES and w is not surname
    ) or (not first_given and words[0].lower() in FUNCTION_WORDS):
        return "function word"
    content = [w for w in words if not _is_neutral(w) and not is_given_name(w)]
    common = [w for w in content if use.is_common_word(w, times=2, least=5)]
    if common and headline_only():
        return "common word"
    if first_listed or words[0].lower() in person_titles():
        return ""
    if first_given:
        # A first name from the SSA table alone: a common last word needs the document to
        # call the person by it ("Marty Small ... Small said"; not "Pearl Jam").
        common_last = use.is_common_word(words[-1], times=2, least=5)
        return "common word" if common_last and not called_by_surname() else ""
    rest = " ".join(words[1:])
    if (
        words[0].lower() not in NAME_PARTICLES
        and use.is_common_word(words[0], times=3, least=5)
        and (label_of(rest) not in {"", "PERSON"} or is_surname(rest))
    ):
        return "common word"
    if use.is_common_word(words[-1], times=2, least=5):
        return "common word"  # "Patriot Coal", "Exit Polls"
    ending = (" ".join(words[k:]) for k in range(1, len(words) - 1))
    if any(label_of(part) in _INSTITUTION_LABELS for part in ending):
        return "other name"
    return ""


@functools.lru_cache(maxsize=1)
def person_titles() -> frozenset[str]:
    """Nouns for a person that stand as titles before a name ("Pope", "President"): the PERSON
    nouns of ``data/descriptors.csv``."""
    with open(paths.DATA_DIR / "descriptors.csv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return frozenset(r["descriptor"].strip().lower() for r in rows if r["label"] == "PERSON")


def title_case_line(text: str, start: int) -> bool:
    """Whether the line holding offset ``start`` is written in title case, as headlines are:
    at least 3 words, and 4 in 5 of those of four letters or more capitalised."""
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    line = text[begin : end if end >= 0 else len(text)]
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) >= 4]
    if len(words) < 3:
        return len(words) > 0 and all(w[:1].isupper() for w in words)
    return sum(w[:1].isupper() for w in words) >= 0.8 * len(words)


def sub_names(words: Iterable[str]) -> list[str]:
    """The proper parts of a name of several words, longest first, the later of two of one
    length first ("White House", "Obama White", "House", ... for "Obama White House")."""
    parts = list(words)
    found = []
    for size in range(len(parts) - 1, 0, -1):
        for start in range(len(parts) - size, -1, -1):
            found.append(" ".join(parts[start : start + size]))
    return found
