from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analysis.attribution import (
    find_quotes,
    kind_shares,
    quoted_words,
    speaker_table,
)
from analysis.corpus import Document, load_corpus
from analysis.schema import AUTHOR_SPEAKER, CONSTRUCTIONS

# --- quote marks --------------------------------------------------------------------------------


def _quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” and ‘no’.", ["“yes”", "‘no’"]),
        ('He said "yes" and "no".', ['"yes"', '"no"']),
        ("It’s Kim’s ‘day’, isn’t it?", ["‘day’"]),  # apostrophes are not quote marks
        ("She said ''never again,'' twice.", ["''never again,''"]),
        ('There was “no evidence" yet.', ['“no evidence"']),  # mixed curly and straight
        ("An odd “mark never closes\nNext line.", ["“mark never closes"]),
        ("A stray ” closing mark.", []),
    ],
)
def test_find_quotes(text, expected):
    assert _quoted(text) == expected


def test_quote_continues_into_the_next_paragraph():
    text = "“First paragraph of the quote.\n“Second paragraph,” she said."
    (quote,) = find_quotes(text)
    assert [text[s:e] for s, e in quote.pieces] == [
        "“First paragraph of the quote.",
        "“Second paragraph,”",
    ]


def test_odd_number_of_marks_does_not_raise(analyse):
    text = 'The mayor said "we will win. Nobody believed him.\n\nThe council "disagreed.'
    tables = analyse([Document("odd", text, {}, "odd.txt")])
    assert len(tables.attributions) >= 1


def test_quoted_words():
    assert quoted_words("“We will win, again.”", "direct") == 4
    assert quoted_words("to defeat the “hegemonic forces and imperialism”", "partial") == 4
    assert quoted_words("that the budget is fine", "indirect") == 0


# --- the seed article ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(seed_tables):
    return seed_tables


def test_seed_quotations(seed):
    quotes = seed.attributions[seed.attributions["kind"].isin(["direct", "partial"])]
    found = sorted(zip(quotes["speaker"], quotes["via"], quotes["content_text"], strict=True))
    assert len(found) == 6
    expected = [
        ("Jake Sullivan", "", "They will pay a price"),
        ("Jan Techau", "Wall Street Journal", "It’s clear that the West"),
        ("Kim Jong-un", "", "hegemonic forces and imperialism"),
        ("Kim Jong-un", "", "My finger is (always) on the trigger"),
        ("Wall Street Journal", "", "animosity toward US and Europe"),
        ("Western backers of Ukraine", "", "for as long as it takes"),
    ]
    for (speaker, via, content), (want_speaker, want_via, want_words) in zip(
        found, expected, strict=True
    ):
        assert (speaker, via) == (want_speaker, want_via)
        assert want_words in content


@pytest.mark.parametrize(
    ("speaker", "source", "cue", "content_start"),
    [
        ("Russia", "Moscow", "describes", "the conflict as a Nato proxy war"),
        ("Western media", "Western media", "alleged", "that Presidents Putin and Kim"),
        ("Wall Street Journal", "The paper", "said", "Western governments had overestimated"),
        ("BRICS", "BRICS", "accused", "the wealthy nations of the West"),
        ("BRICS", "they", "argue", "This … is at odds"),
        ("Donald Trump", "Leading Republican contender Donald Trump", "vowed", "to end it"),
        ("Vladimir Putin", "he", "said", "there was massive room for co-operation"),
    ],
)
def test_seed_reported_speech(seed, speaker, source, cue, content_start):
    rows = seed.attributions[
        (seed.attributions["kind"] == "indirect") & (seed.attributions["cue_text"] == cue)
    ]
    matches = rows[rows["content_text"].str.startswith(content_start)]
    assert len(matches) == 1, rows[["speaker", "cue_text", "content_text"]]
    row = matches.iloc[0]
    assert (row["speaker"], row["source_text"]) == (speaker, source)


def test_seed_offsets_index_the_text(seed):
    text = load_corpus()[0].text
    for row in seed.attributions.itertuples():
        assert " … ".join(text[s:e] for s, e in row.content) == row.content_text
        assert " … ".join(text[s:e] for s, e in row.source) == row.source_text
        assert " … ".join(text[s:e] for s, e in row.cue) == row.cue_text


def test_rocket_man_is_a_quoted_term_not_a_quote(seed):
    assert "“Rocket Man”" in set(seed.quoted_terms["text"])
    assert "“pariahs”" in set(seed.quoted_terms["text"])
    assert not seed.attributions["content_text"].str.fullmatch("“Rocket Man”").any()


def test_seed_summaries(seed):
    speakers = speaker_table(seed.attributions).set_index("speaker")
    assert speakers.loc["Kim Jong-un", "attributions"] == 2
    assert speakers.loc["Kim Jong-un", "words_quoted"] == 11
    assert speakers.loc["BRICS", ["indirect", "words_quoted"]].tolist() == [2, 0]
    shares = kind_shares(seed.attributions).set_index("kind")
    assert shares.loc["direct", "attributions"] + shares.loc["partial", "attributions"] == 6
    assert shares["share"].sum() == pytest.approx(1.0, abs=1e-3)


# --- constructions, on small texts --------------------------------------------------------------


def _attribute(analyse, text: str, **settings):
    return analyse(text, **settings).attributions


def test_speaker_after_and_before_the_quote(analyse):
    text = (
        "“The budget is balanced,” Mayor Ann Lee said on Monday.\n\n"
        "Council member Bo Park replied: “It is not balanced at all.”"
    )
    table = _attribute(analyse, text)
    assert table[["kind", "speaker"]].values.tolist() == [
        ["direct", "Ann Lee"],
        ["direct", "Bo Park"],
    ]


def test_interrupted_quote_is_one_attribution(analyse):
    text = "“We will appeal,” the lawyer Jo Sands said. “The ruling is wrong.”"
    table = _attribute(analyse, text)
    assert len(table) == 1
    assert len(table.iloc[0]["content"]) == 2


def test_according_to(analyse):
    text = "According to the Daily Planet, the mayor will resign next week."
    (row,) = _attribute(analyse, text).itertuples()
    assert row.cue_text == "According to"
    assert "Daily Planet" in row.source_text
    assert row.content_text.startswith("the mayor will resign")


def test_pronoun_resolves_to_the_last_person(analyse):
    text = "Ann Lee visited the plant in Ohio. Later she said that the plant would stay open."
    (row,) = _attribute(analyse, text).itertuples()
    assert (row.source_text, row.speaker) == ("she", "Ann Lee")


def test_user_cue_file(analyse, tmp_path):
    text = "The senator Ann Lee carped that the plan would fail."
    assert _attribute(analyse, text).empty
    cues = tmp_path / "cues.csv"
    cues.write_text("lemma,kind,object_content\ncarp,speech,no\n", encoding="utf-8")
    (row,) = _attribute(analyse, text, cues_file=str(cues)).itertuples()
    assert row.cue_text == "carped" and row.speaker == "Ann Lee"


# --- command line -------------------------------------------------------------------------------


def test_cli_jsonl(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "quotes", "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=True,
        env={"ANALYSIS_CACHE_DIR": str(tmp_path), "PATH": ""},
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 17
    first = records[0]
    assert list(first) == [
        "doc",
        "kind",
        "speaker",
        "via",
        "source",
        "cue",
        "content",
        "content_text",
    ]
    assert first["speaker"] == "Kim Jong-un" and first["kind"] == "direct"
    assert all(isinstance(span, list) and len(span) == 2 for span in first["content"])


# --- constructions (issue 13) -------------------------------------------------------------------


def _one(analyse, text: str) -> dict:
    (row,) = _attribute(analyse, text).to_dict("records")
    return row


def test_every_row_names_its_construction(analyse, seed_tables):
    assert set(seed_tables.attributions["construction"]) <= set(CONSTRUCTIONS)
    text = "“The budget is balanced,” Mayor Ann Lee said. Bo Park said that it was not."
    table = _attribute(analyse, text)
    assert table["construction"].tolist() == ["quote, cue after", "cue verb, clause"]


def test_stance_verb_with_a_name_as_its_object(analyse):
    row = _one(analyse, "Senator Ted Cruz endorsed Donald Trump on Friday.")
    assert (row["cue_text"], row["content_text"], row["construction"]) == (
        "endorsed",
        "Donald Trump",
        "cue verb, object",
    )
    assert row["speaker"] == "Ted Cruz"


def test_object_content_leaves_out_when_and_where_and_asides(analyse):
    text = "Governor Chris Christie described Hillary Clinton as a disgrace during a rally in Ohio."
    assert _one(analyse, text)["content_text"] == "Hillary Clinton as a disgrace"


def test_clause_content_leaves_out_a_trailing_participle(analyse):
    text = "Mayor Ann Lee said the budget was balanced, adding that taxes would fall."
    row = _attribute(analyse, text).to_dict("records")[0]
    assert row["content_text"] == "the budget was balanced"


def test_passive_cue_with_an_agent(analyse):
    row = _one(analyse, "The plan was criticized by Senator Bo Park as reckless.")
    assert row["construction"] == "passive cue verb"
    assert row["speaker"] == "Bo Park" and row["content_text"] == "The plan … as reckless"


def test_cue_noun_with_a_possessor(analyse):
    row = _one(analyse, "Senator Bo Park stood by his claim that the election was rigged.")
    assert row["construction"] == "cue noun" and row["speaker"] == "Bo Park"
    assert row["content_text"] == "that the election was rigged"  # as PolNeAR marks it


def test_speaker_lines_of_a_transcript(analyse):
    text = "The interview went as follows.\n\nWALLACE: Will you debate again?\n\nPENCE: We will."
    table = _attribute(analyse, text)
    assert table[["construction", "source_text", "content_text"]].values.tolist() == [
        ["speaker line", "WALLACE", "Will you debate again?"],
        ["speaker line", "PENCE", "We will."],
    ]


def test_source_phrase_on_the_main_verb(analyse):
    row = _one(analyse, "In the new Quinnipiac poll, Senator Bo Park leads by four points.")
    assert row["construction"] == "source phrase" and row["cue_text"] == "In"
    assert row["content_text"] == "Senator Bo Park leads by four points"


def test_reported_speech_stays_in_its_paragraph(analyse):
    # The parser runs the sentence on into the next line ("rigged" takes "The Senate Returns").
    text = "Senator Bo Park said in a statement the vote was rigged\nThe Senate Returns"
    row = _one(analyse, text)
    assert row["content_text"] == "the vote was rigged"


def test_a_belief_noun_as_the_object_belongs_to_the_cue(analyse):
    row = _one(analyse, "Younger voters have expressed misgivings about Senator Bo Park.")
    assert (row["cue_text"], row["content_text"]) == (
        "expressed misgivings about",
        "Senator Bo Park",
    )


# --- quotations across paragraphs and speakers, and more constructions --------------------------


def test_a_run_on_quote_needs_the_same_mark():
    # A straight quote left open is not continued by a curly one that opens a quote of its own.
    text = '"Mel thought it was outrageous.\n\n“It never crossed my mind,” she said.'
    assert _quoted(text) == ['"Mel thought it was outrageous.', "“It never crossed my mind,”"]


def test_a_quote_over_two_paragraphs_is_two_pieces_not_one_span(analyse):
    text = "“First paragraph of the quote.\n“Second paragraph,” Mayor Ann Lee said."
    row = _one(analyse, text)
    assert [text[s:e] for s, e in row["content"]] == [
        "“First paragraph of the quote.",
        "“Second paragraph,”",
    ]


def test_a_quote_with_its_own_cue_after_it_is_not_the_earlier_speakers(analyse):
    text = (
        "“It is a dog whistle,” Rep. Gwen Moore said Friday. “If indeed he is not legitimate, "
        "how can you feel good about yourself,” added Rep. Jim Clyburn."
    )
    table = _attribute(analyse, text)
    assert table[["speaker", "content_text"]].values.tolist() == [
        ["Gwen Moore", "“It is a dog whistle,”"],
        ["Jim Clyburn", "“If indeed he is not legitimate, how can you feel good about yourself,”"],
    ]


def test_adding_a_quote_is_a_second_attribution(analyse):
    text = (
        "“We certainly can’t afford to do this anymore,” Trump said, adding later, "
        "“NATO is costing us a fortune.”"
    )
    table = _attribute(analyse, text)
    assert table["content_text"].tolist() == [
        "“We certainly can’t afford to do this anymore,”",
        "“NATO is costing us a fortune.”",
    ]


def test_as_someone_noted(analyse):
    text = "As many tax experts have pointed out, Mr. Trump is free to disclose his returns."
    row = _one(analyse, text)
    assert (row["construction"], row["content_text"]) == (
        "cue inside clause",
        "Mr. Trump is free to disclose his returns",
    )
    # "as" meaning while: "She was emotional" is no one's words ("called for" has its own)
    table = _attribute(analyse, "She was emotional as she called for the ratification.")
    assert table["construction"].tolist() == ["cue verb, object"]


def test_a_belief_adjective_after_a_copula(analyse):
    row = _one(analyse, "Senator Bo Park is convinced that the vote was rigged.")
    assert (row["speaker"], row["cue_text"], row["content_text"]) == (
        "Bo Park",
        "convinced",
        "that the vote was rigged",
    )
    row = _one(analyse, "Leading contender Donald Trump, who is opposed to the war, left.")
    assert (row["speaker"], row["cue_text"], row["content_text"]) == (
        "Donald Trump",
        "opposed to",
        "the war",
    )
    # an adjective that merely governs a cue ("easy to tell") names no source
    assert _attribute(analyse, "When friends are few, it is easy to tell who one can trust.").empty


def test_no_response_to_requests_for_comment(analyse):
    row = _one(analyse, "The Trump campaign did not respond to requests for comment.")
    assert row["content_text"] == "requests for comment"


def test_object_content_ends_at_the_writers_dash(analyse):
    text = (
        "Rep. Adam Schiff called on President Obama to retaliate against Russia -- meddling "
        "the congressman says is designed to sow discord."
    )
    table = _attribute(analyse, text)
    called = table[table["cue_text"].str.startswith("called")]
    assert called["content_text"].str.endswith("to retaliate against Russia").tolist() == [True]


def test_object_content_leaves_out_the_medium(analyse):
    row = _one(analyse, "Senator Ted Cruz thanked Donald Trump on Twitter for backing his bill.")
    assert row["content_text"] == "Donald Trump … for backing his bill"


def test_the_first_person_outside_quotes_is_the_author(analyse):
    table = _attribute(analyse, "As I have suggested, the plan will fail. Critics say it won't.")
    assert table["speaker"].tolist()[0] == AUTHOR_SPEAKER
    # inside a quotation "I" is the quoted speaker's, not the writer's
    text = "“I said the plan will fail,” Senator Bo Park said."
    assert AUTHOR_SPEAKER not in _attribute(analyse, text)["speaker"].tolist()
