"""The pipeline: the same tables whatever runs the analysis, two cache layers (parses by model,
tables by code, data and settings), resumable runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import Document, load_corpus, text_hash
from analysis.errors import AnalysisError
from analysis.parsing import ParseCache
from analysis.paths import PROJECT_ROOT
from analysis.pipeline import Settings, engine, load, settings, store
from analysis.schema import SENTENCE_COLUMNS, TABLE_COLUMNS
from analysis.sentiment import sentence_sentiment, with_polarity

COMPARE_CORPUS = Path(__file__).parent / "data" / "compare_corpus"


@pytest.fixture(scope="module")
def corpus():
    # Eleven documents: ten short articles with metadata, and the seed.
    return load_corpus(COMPARE_CORPUS) + load_corpus()


@pytest.fixture(scope="module")
def local_one(corpus, tmp_path_factory):
    cache = tmp_path_factory.mktemp("local-one")
    return engine.load(corpus, cache_dir=cache), cache


def test_every_table_has_rows_and_its_columns(local_one):
    tables, _ = local_one
    for name, columns in TABLE_COLUMNS.items():
        table = getattr(tables, name)
        assert len(table) > 0, name
        if name != "documents":
            assert list(table.columns) == columns
    assert tables.documents["n_words"].sum() == len(tables.words)


def test_local_processes_and_dask_give_identical_tables(
    corpus, local_one, tmp_path, assert_same_tables
):
    tables, _ = local_one
    two = engine.load(corpus, cache_dir=tmp_path / "local-two", n_process=2)
    assert_same_tables(tables, two)
    dask = engine.load(corpus, cache_dir=tmp_path / "dask", engine="dask", n_process=2)
    assert_same_tables(tables, dask)
    # Other batches (a few words each, so most documents are parsed alone): the same tables.
    small = engine.load(corpus, cache_dir=tmp_path / "small", batch_size=3, batch_words=200)
    assert_same_tables(tables, small)
    # Each engine wrote its own partitions, as many for two processes as for two Dask workers
    # (one rule); nothing was left half-written.
    for folder in ("local-two", "dask"):
        parts = list(store.root(Settings(), tmp_path / folder).glob("part-*"))
        assert len(parts) == 2 * engine.PARTITIONS_PER_WORKER
        assert all((p / store.SUCCESS).is_file() for p in parts)


def test_a_code_change_reanalyses_from_the_cached_parse(
    corpus, local_one, monkeypatch, assert_same_tables
):
    tables, cache = local_one
    before = store.root(Settings(), cache)
    monkeypatch.setattr(settings, "code_digest", lambda: "edited analysis code")
    assert store.root(Settings(), cache) != before
    run = engine.analyse(corpus, cache_dir=cache)
    # Every table computed again, no text parsed again: the parses came from the parse cache.
    assert (run.analysed, run.parsed, run.cached) == (len(corpus), 0, 0)
    assert_same_tables(tables, store.read(corpus, Settings(), cache_dir=cache))


def test_parsing_without_the_parse_cache_gives_the_same_tables(
    corpus, local_one, tmp_path, assert_same_tables
):
    tables, _ = local_one
    run = engine.analyse(corpus, cache_dir=tmp_path, cache_parses=False)
    assert run.parsed == run.analysed == len(corpus)
    assert not (tmp_path / "parses").exists()
    assert_same_tables(tables, store.read(corpus, Settings(), cache_dir=tmp_path))


def test_the_first_run_fills_the_parse_cache(corpus, local_one):
    _, cache = local_one
    parses = ParseCache.of(Settings().model, cache)
    assert len(list(parses.folder.rglob("*.spacy"))) == len(corpus)


def test_the_code_digest_covers_the_analyses_not_the_views():
    modules = settings.code_modules()
    for module in ("analysis.attribution", "analysis.entities", "analysis.sentiment"):
        assert module in modules
    for module in ("analysis.pipeline.analyser", "analysis.parsing", "analysis.words"):
        assert module in modules
    assert not any(m.startswith(("analysis.cli", "analysis.report")) for m in modules)
    assert "analysis.compare" not in modules and "analysis.plots" not in modules
    assert len(settings.code_digest()) == 64


def test_sentence_scores_are_vader_with_polarity_thresholds(local_one):
    tables, _ = local_one
    scored = sentence_sentiment(tables.sentences[SENTENCE_COLUMNS], positive=0.3, negative=-0.2)
    pd.testing.assert_frame_equal(tables.sentences, scored.drop(columns="polarity"))
    polarity = with_polarity(tables.sentences, positive=0.3, negative=-0.2)
    pd.testing.assert_frame_equal(polarity, scored)


def test_a_run_resumes_after_an_interruption(corpus, tmp_path):
    first = engine.analyse(corpus[:4], cache_dir=tmp_path)
    assert (first.analysed, first.cached, first.parsed) == (4, 0, 4)
    # What an interrupted run leaves: a partition folder still under its temporary name.
    folder = store.root(Settings(), tmp_path)
    done = next(folder.glob("part-*"))
    shutil.copytree(done, folder / ".part-unfinished.tmp")
    second = engine.analyse(corpus, cache_dir=tmp_path)
    assert (second.analysed, second.cached) == (len(corpus) - 4, 4)
    third = engine.analyse(corpus, cache_dir=tmp_path)
    assert (third.analysed, third.cached, third.partitions) == (0, len(corpus), 0)


def _items(documents):
    return [(text_hash(d.text), d.text) for d in documents]


def test_a_text_in_two_partitions_is_read_once(corpus, local_one, tmp_path, assert_same_tables):
    # What a run resumed while tasks of an interrupted one still ran can leave: partitions that
    # overlap. Whichever of the two the index names for a shared text, the other partition is
    # read too (for its own texts), and must not give the shared ones again.
    tables, cache = local_one
    folder = store.root(Settings(), tmp_path)
    parses = str(ParseCache.of(Settings().model, cache).folder)
    for part in (corpus[:6], corpus[4:]):
        engine.analyse_partition(_items(part), Settings(), str(folder), 64, parses=parses)
    assert len(list(folder.glob("part-*"))) == 2
    assert_same_tables(tables, store.read(corpus, Settings(), cache_dir=tmp_path))


def test_a_partition_is_published_once(corpus, local_one, tmp_path):
    _, cache = local_one
    folder = store.root(Settings(), tmp_path)
    parses = str(ParseCache.of(Settings().model, cache).folder)
    items = _items(corpus[:3])
    first = engine.analyse_partition(items, Settings(), str(folder), 64, parses=parses)
    (part,) = folder.iterdir()
    assert part == store.partition_path(folder, [key for key, _ in reversed(items)])
    written = (part / "documents.parquet").stat().st_mtime_ns
    # Dask runs a task again when the worker that ran it is lost before it reported back: the
    # partition is there, so nothing is analysed (without the parse cache it would parse) or
    # written again; the counts are the same.
    again = engine.analyse_partition(items[::-1], Settings(), str(folder), 64, parses=None)
    assert again == (3, 0, first.words)
    assert list(folder.iterdir()) == [part]
    assert (part / "documents.parquet").stat().st_mtime_ns == written
    # Two attempts finishing together: the second one's rename fails and its copy is dropped.
    with store.PartitionWriter(folder, "late") as late:
        rows = {name: [] for name in TABLE_COLUMNS}
        late.write(rows | {"documents": [(key, 1, 1) for key, _ in items]})
    assert late.path == part and list(folder.iterdir()) == [part]
    assert (part / "documents.parquet").stat().st_mtime_ns == written


def test_a_run_removes_only_what_its_own_workers_left(tmp_path):
    for name in (".part-a1-101-x.tmp", ".part-a1-102-y.tmp", ".part-b2-101-z.tmp"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "documents.parquet").write_text("half")
    assert store.remove_staging(tmp_path, "a1") == 2
    assert [p.name for p in tmp_path.iterdir()] == [".part-b2-101-z.tmp"]


def test_the_store_is_keyed_by_text_not_by_id(corpus, local_one):
    tables, cache = local_one
    renamed = [d._replace(id=f"copy-of-{d.id}") for d in corpus[:2]]
    run = engine.analyse(renamed, cache_dir=cache)
    assert run.analysed == 0
    copies = store.read(corpus[:1] + renamed[:1], Settings(), cache_dir=cache)
    counts = copies.sentences["doc_id"].value_counts()
    assert counts[corpus[0].id] == counts[renamed[0].id] > 0
    assert copies.sentences["doc_id"].iloc[0] == corpus[0].id  # corpus order


def test_other_settings_get_their_own_tables(corpus, local_one):
    tables, cache = local_one
    literal = engine.load(corpus[-1:], Settings(metonyms=False), cache_dir=cache)
    assert store.root(Settings(metonyms=False), cache) != store.root(Settings(), cache)
    assert "Moscow" in set(literal.entity_mentions["entity"])
    assert "Moscow" not in set(tables.entity_mentions["entity"])


def test_reading_an_unanalysed_corpus_says_so(corpus, tmp_path):
    with pytest.raises(KeyError, match="not analysed yet"):
        store.read(corpus, Settings(), cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, "unknown engine 'spark'"),
        ({"n_process": 0}, "at least 1"),
        ({"batch_words": 0}, "at least 1"),
        ({"scheduler": "tcp://localhost:8786"}, "needs engine='dask'"),
    ],
)
def test_bad_engine_options_are_one_line_errors(corpus, tmp_path, options, message):
    with pytest.raises(AnalysisError, match=message):
        engine.analyse(corpus, cache_dir=tmp_path, **options)


@pytest.mark.parametrize(
    ("n", "workers", "sizes"),
    [
        (0, 1, []),
        (3, 1, [3]),
        (600, 1, [200, 200, 200]),
        (10, 2, [1, 2, 1, 1, 1, 2, 1, 1]),
        (300, 2, [38, 37, 38, 37, 38, 37, 38, 37]),
        (84, 2, [11, 10, 11, 10, 11, 10, 11, 10]),  # PolNeAR dev: no longer one partition
        (84, 32, [1] * 84),
    ],
)
def test_partitions_are_even_and_several_per_worker(n, workers, sizes):
    items = [(str(k), "text") for k in range(n)]
    parts = engine.partition(items, workers=workers)
    assert [len(p) for p in parts] == sizes
    assert [item for part in parts for item in part] == items


def _words(part):
    return sum(len(text.split()) for _, text in part)


@pytest.mark.parametrize("workers", [1, 2, 3, 7, 32])
def test_partitions_balance_words_and_keep_to_the_caps(workers):
    # Uneven lengths (5 to 1,200 words), one document over the word cap.
    lengths = [5 + (k * 7919) % 1200 for k in range(150)] + [5000]
    items = [(str(k), " ".join(["w"] * n)) for k, n in enumerate(lengths)]
    parts = engine.partition(items, workers=workers, max_documents=40, max_words=4000)
    assert [item for part in parts for item in part] == items
    assert len(parts) >= workers * engine.PARTITIONS_PER_WORKER
    assert [len(part) for part in parts if _words(part) > 4000] == [1]  # the long one, alone
    assert all(len(part) <= 40 for part in parts)
    # Cut by words, not documents (an even split by documents is off by 3,900 words or more).
    shared = [_words(part) for part in parts if len(part) > 1]
    assert max(shared) - min(shared) <= 2 * max(lengths[:-1])


@pytest.mark.parametrize("workers", [2, 3, 5, 32])
def test_a_small_corpus_spreads_over_every_worker(workers):
    for n in (workers, workers + 1, 3 * workers):
        items = [(str(k), " ".join(["w"] * (1 + k % 4))) for k in range(n)]
        assert len(engine.partition(items, workers=workers)) >= workers


@pytest.mark.parametrize(
    ("lengths", "batch_size", "batch_words", "expected"),
    [
        ([], 64, 100, []),
        ([10, 20, 30], 64, 100, [[10, 20, 30]]),
        ([60, 60, 60], 64, 100, [[60], [60], [60]]),
        ([40, 40, 40, 40, 40], 2, 100, [[40, 40], [40, 40], [40]]),
        ([50, 500, 50], 64, 100, [[500], [50, 50]]),
    ],
)
def test_batches_are_bounded_by_documents_and_by_words(lengths, batch_size, batch_words, expected):
    items = [(str(k), " ".join(["word"] * n)) for k, n in enumerate(lengths)]
    batches = list(engine.batches(items, batch_size, batch_words))
    assert [[len(text.split()) for _, text in batch] for batch in batches] == expected
    assert sorted(item for batch in batches for item in batch) == sorted(items)


def test_a_failed_partition_leaves_nothing_behind(tmp_path):
    with pytest.raises(RuntimeError, match="worker died"), store.PartitionWriter(tmp_path) as part:
        part.write({name: [] for name in TABLE_COLUMNS})
        raise RuntimeError("worker died")
    assert list(tmp_path.iterdir()) == []
    assert store.index(tmp_path) == {}


def test_annotate_command_resumes_from_the_store(tmp_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "analysis", "annotate", "--cache-dir", str(tmp_path)]
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "1 document: 1 analysed (" in first and "0 read from the store" in first
    assert "1 parsed, the rest from the parse cache" in first
    assert "1 document: 0 analysed (0 words, 0 partitions; 0 parsed" in second
    assert "1 read from the store" in second


def test_reading_stored_tables_does_not_import_spacy(seed_tables, cache_dir):
    """A notebook that reads a corpus the annotate step stored, and summarises, compares and
    draws it, never pays for importing spaCy (0.6 s a kernel): only parsing and the analyses
    import it."""
    script = (
        "import sys\n"
        "from analysis import compare, export, network, plots, provenance, trends, widgets\n"
        "from analysis.attribution import kind_shares, speaker_table\n"
        "from analysis.sentiment import document_sentiment, entity_sentiment\n"
        "from analysis.corpus import load_corpus\n"
        "from analysis.pipeline import Settings, load\n"
        f"tables = load(load_corpus('seeds'), Settings(), cache_dir={str(cache_dir)!r})\n"
        "assert len(tables.mentions), 'no mentions read'\n"
        "print('spacy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_corpus_pass_is_computed_once_and_read_again(tmp_path, monkeypatch, assert_same_tables):
    documents = [
        Document("a", "Hillary Clinton spoke in Ohio. Clinton won.", {}, "a.txt"),
        Document("b", "On Tuesday, Clinton said the plan would work.", {}, "b.txt"),
    ]
    first = load(documents, cache_dir=tmp_path)
    (entry,) = (tmp_path / "tables").glob(f"*/{store.CORPUS_PASSES}/*.parquet")

    def refuse(*_args, **_kwargs):
        raise AssertionError("the corpus pass ran again")

    monkeypatch.setattr(store, "resolve_corpus", refuse)
    assert_same_tables(load(documents, cache_dir=tmp_path), first)
    monkeypatch.undo()
    # Another order of the documents, or other overrides, is another pass.
    overrides = tmp_path / "entity_overrides.csv"
    overrides.write_text("surface,document,entity\nClinton,b,Bill Clinton\n", encoding="utf-8")
    other = load(documents, Settings(overrides=str(overrides)), cache_dir=tmp_path)
    assert other.entity_mentions["entity"].tolist()[-1] == "Bill Clinton"
    assert len(list(entry.parent.glob("*.parquet"))) == 2
    # A damaged entry is computed again, with the same result.
    entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    assert_same_tables(load(documents, cache_dir=tmp_path), first)
