"""The targeted model's pooled word vectors: which words each pool takes, the word table that
holds the model's weights for them, and that the table scores as the pooled vectors would."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from analysis import paths
from analysis.errors import AnalysisError
from analysis.parsing import load_model
from analysis.schema import DEFAULT_MODEL
from analysis.sentiment import MODEL_FILE, load_sentiment_model
from analysis.sentiment.context import mention_context
from analysis.sentiment.vectors import (
    KINDS,
    POOLS,
    WordTable,
    pooled_words,
    read_word_table,
    role_of,
)


@pytest.fixture(scope="module")
def nlp():
    return load_model(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def train_script():
    """The training functions of scripts/train_sentiment.py (they fold the model into the word
    table)."""
    from analysis.evaluate import training

    return training


def _pools(nlp, text: str, target: str, vocabulary=None, by_role: bool = False):
    """Each pool's words and weights; the pools kept apart by role under their kind's name
    (only the target's role has words), or under their own with ``by_role``."""
    doc = nlp(text)
    start = text.index(target)
    context = mention_context(doc, start, start + len(target))
    if vocabulary is None:
        vocabulary = {token.lower_: token.i for token in doc}
    names = POOLS if by_role else KINDS
    by_pool: dict[str, dict[str, float]] = {name: {} for name in names}
    for pool, i, _, weight in pooled_words(context, vocabulary):
        name = POOLS[pool] if by_role else POOLS[pool].split(":")[0]
        assert doc[i].text not in by_pool[name]
        by_pool[name][doc[i].text] = weight
    return by_pool


def test_the_governor_and_scope_pools_are_kept_apart_by_the_targets_role(nlp):
    text = "Critics praised Smith but attacked Jones."
    critics = _pools(nlp, text, "Critics", by_role=True)
    smith = _pools(nlp, text, "Smith", by_role=True)
    assert set(critics["governor:subject"]) == {"praised", "Smith"}
    assert set(smith["governor:patient"]) == {"Critics", "praised"}
    # "praised" weighs in another pool for the one who praises than for the one praised.
    assert {n for n, words in critics.items() if words} == {
        "governor:subject",
        "near",
        "sentence",
        "scope:subject",
    }
    assert {n for n, words in smith.items() if words} == {
        "governor:patient",
        "near",
        "sentence",
        "scope:patient",
    }
    by_dep = {
        "Smith's critics praised him.": ("Smith", "modifier"),
        "Critics spoke with Smith.": ("Smith", "prepositional"),
        "Smith was praised.": ("Smith", "patient"),
        "Hello, Smith.": ("Smith", "other"),
    }
    for sentence, (target, role) in by_dep.items():
        doc = nlp(sentence)
        start = sentence.index(target)
        assert role_of(mention_context(doc, start, start + len(target))) == role, sentence
    assert POOLS == (
        "governor:subject",
        "governor:patient",
        "governor:modifier",
        "governor:prepositional",
        "governor:other",
        "near",
        "sentence",
        "scope:subject",
        "scope:patient",
        "scope:modifier",
        "scope:prepositional",
        "scope:other",
    )
    # The words come grouped by pool, in POOLS order.
    doc = nlp(text)
    for name in ("Critics", "Smith", "Jones"):
        start = text.index(name)
        pools = pooled_words(
            mention_context(doc, start, start + len(name)), {t.lower_: t.i for t in doc}
        )
        assert [p for p, *_ in pools] == sorted(p for p, *_ in pools)


def test_each_pool_weighs_to_one_and_leaves_the_target_out(nlp):
    text = "Critics praised Smith but attacked Jones."
    smith = _pools(nlp, text, "Smith")
    jones = _pools(nlp, text, "Jones")
    for pools in (smith, jones):
        for words in pools.values():
            assert sum(words.values()) == pytest.approx(1.0)
    assert "Smith" not in {w for words in smith.values() for w in words}
    assert "." not in {w for words in smith.values() for w in words}  # punctuation
    assert "but" not in smith["near"]  # a stop word
    assert set(smith["governor"]) == {"Critics", "praised"}
    assert set(jones["governor"]) == {"attacked"}
    # The words next to a target weigh most in its "near" pool: the two targets differ there.
    assert smith["near"]["praised"] > smith["near"]["attacked"]
    assert jones["near"]["attacked"] > jones["near"]["praised"]
    assert smith["sentence"] == dict.fromkeys(["Critics", "praised", "attacked", "Jones"], 0.25)
    assert smith["near"] == pytest.approx(
        {
            k: v / (1 / 3 + 1 / 2 + 1 / 3 + 1 / 4)
            for k, v in {
                "Critics": 1 / 3,
                "praised": 1 / 2,
                "attacked": 1 / 3,
                "Jones": 1 / 4,
            }.items()
        }
    )
    # "attacked Jones" is another clause: not said of Smith.
    assert "attacked" not in smith["scope"] and "praised" in smith["scope"]


def test_words_outside_the_vocabulary_do_not_count(nlp):
    text = "Critics praised Smith but attacked Jones."
    vocabulary = {"critics": 0, "attacked": 1, "jones": 2}
    smith = _pools(nlp, text, "Smith", vocabulary)
    assert smith["governor"] == {"Critics": 1.0}
    # 1/3, 1/3 and 1/4 by distance, over the three known words only.
    assert smith["near"] == pytest.approx({"Critics": 4 / 11, "attacked": 4 / 11, "Jones": 3 / 11})
    assert smith["sentence"] == pytest.approx(
        dict.fromkeys(["Critics", "attacked", "Jones"], 1 / 3)
    )


def test_the_word_table_scores_as_the_pooled_vectors(nlp, train_script, tmp_path):
    # A made-up model over made-up vectors: the logits from the folded table equal the dense
    # features times the weights, and the table survives the file.
    doc = nlp("Critics praised Smith but never attacked the lazy Jones in Paris.")
    words = sorted({token.lower_ for token in doc})
    vocabulary = {word: k for k, word in enumerate(words)}
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(words), 5))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    coef = rng.normal(size=(3, 2 + len(POOLS) * 5))
    classifier = SimpleNamespace(coef_=coef, classes_=np.array([-1, 0, 1]))
    vectorizer = SimpleNamespace(vocabulary_={"a": 0, "b": 1})
    scale = 2.0
    table = train_script.word_table(vectorizer, classifier, vectors, scale)
    assert table.shape == (len(words), len(POOLS), 3)
    folded_table = WordTable(vocabulary, table)
    for name in ("Critics", "Smith", "Jones", "Paris"):
        start = doc.text.index(name)
        context = mention_context(doc, start, start + len(name))
        dense = train_script.pooled_vectors([context], vocabulary, vectors)[0] * scale
        expected = coef[:, 2:] @ dense
        folded = np.zeros(3)
        for pool, _, word, weight in pooled_words(context, vocabulary):
            folded += weight * np.asarray(folded_table.row(word, pool)[:3])
        assert folded == pytest.approx(expected, abs=1e-9)
    file = tmp_path / "words.npz"
    train_script.write_word_table(file, words, table)
    first = file.read_bytes()
    train_script.write_word_table(file, words, table)
    assert file.read_bytes() == first  # the same table, the same bytes
    read = read_word_table(file, 3)
    assert read.vocabulary == vocabulary
    # The file holds the table rounded to float16, and nothing else changes.
    assert np.array_equal(read.weights, table.astype(np.float16).astype(np.float64))


def test_a_bad_word_table_is_a_user_error(tmp_path, train_script):
    file = tmp_path / "words.npz"
    train_script.write_word_table(file, ["a", "b"], np.zeros((2, len(POOLS), 2)))
    with pytest.raises(AnalysisError, match="expected"):
        read_word_table(file, 3)
    with pytest.raises(AnalysisError, match="cannot read"):
        read_word_table(tmp_path / "missing.npz", 3)


def test_the_shipped_model_has_its_word_table_and_is_small():
    model = load_sentiment_model()
    assert model.words is not None
    table = MODEL_FILE.parent / "sentiment_words.npz"
    assert table == paths.SENTIMENT_WORDS_FILE
    assert MODEL_FILE.stat().st_size + table.stat().st_size <= 10 * 1024 * 1024
    assert model.words.weights.shape[1:] == (len(POOLS), 3)
    assert "the" in model.words.vocabulary and "praised" in model.words.vocabulary


def test_negation_and_contrast_weigh_as_in_the_lexicon_methods(nlp):
    negated = _pools(nlp, "Smith is not a good leader.", "Smith")
    plain = _pools(nlp, "Smith is a good leader.", "Smith")
    assert plain["scope"]["good"] > 0 > negated["scope"]["good"]
    assert negated["scope"]["leader"] > 0  # not valenced: as it is
    for words in negated.values():
        assert sum(abs(w) for w in words.values()) == pytest.approx(1.0)
    contrast = _pools(nlp, "Jones is lazy but smart.", "Jones")
    assert contrast["sentence"]["smart"] == pytest.approx(3 * contrast["sentence"]["lazy"])


def _copy_shipped_model(tmp_path):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    table = tmp_path / data["vectors"]["file"]
    table.write_bytes(paths.SENTIMENT_WORDS_FILE.read_bytes())
    return data, tmp_path / "model.json"


def test_a_model_loads_only_the_word_table_it_was_trained_with(tmp_path, train_script):
    data, model_file = _copy_shipped_model(tmp_path)
    assert data["vectors"]["sha256"]  # written by the training script
    model_file.write_text(json.dumps(data), encoding="utf-8")
    assert load_sentiment_model(model_file).words is not None
    # Another table of the same shape in its place: refused.
    table = tmp_path / data["vectors"]["file"]
    weights = load_sentiment_model().words.weights
    words = list(load_sentiment_model().words.vocabulary)
    train_script.write_word_table(table, words, weights * 2)
    load_sentiment_model.cache_clear()  # read once per process: read again
    with pytest.raises(AnalysisError, match="not the word table"):
        load_sentiment_model(model_file)
    for vectors in ({"pools": list(POOLS)}, "sentiment_words.npz"):
        model_file.write_text(json.dumps({**data, "vectors": vectors}), encoding="utf-8")
        load_sentiment_model.cache_clear()
        with pytest.raises(AnalysisError, match="does not name a word table"):
            load_sentiment_model(model_file)
    load_sentiment_model.cache_clear()
