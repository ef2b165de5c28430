"""The Dask engine on a real cluster: ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 (:class:`analysis.pipeline.cluster.ProcessCluster`), driven by the ``analysis annotate``
command. A worker killed mid-partition loses and duplicates nothing; a client interrupted
mid-run resumes with what is not stored yet; the tables are the local engine's."""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from analysis.corpus import load_corpus, text_hash
from analysis.errors import AnalysisError
from analysis.pipeline import Settings, engine, store
from analysis.pipeline.cluster import ProcessCluster

COMPARE_CORPUS = Path(__file__).parent / "data" / "compare_corpus"
#: Copies of the eleven seed and compare-corpus texts (1,580 words): 132 documents, 19,224 words,
#: so that two workers get eight partitions of about a second's work each.
ROUNDS = 12
WORKERS = 2
#: Bound on any wait here (a cold run of the corpus takes well under a minute).
TIMEOUT = 300


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory):
    """A corpus of distinct texts in a folder: each text of the base corpus ``ROUNDS`` times,
    each copy marked with a line of its own (the store analyses a repeated text once)."""
    folder = tmp_path_factory.mktemp("cluster-corpus")
    for copy in range(ROUNDS):
        for document in load_corpus(COMPARE_CORPUS) + load_corpus():
            text = f"{document.text}\n\n(Copy {copy}.)"
            (folder / f"{Path(document.source).stem}-{copy:02d}.txt").write_text(text)
    return folder


@pytest.fixture(scope="module")
def local_tables(corpus_folder, tmp_path_factory):
    """The local engine's tables of the corpus."""
    return engine.load(load_corpus(corpus_folder), cache_dir=tmp_path_factory.mktemp("local"))


@pytest.fixture(scope="module")
def cluster():
    with ProcessCluster(workers=WORKERS) as started:
        yield started


def _annotate(folder: Path, cache: Path, scheduler: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "analysis", "annotate", str(folder), "--engine", "dask"]
    command += ["--scheduler", scheduler, "--cache-dir", str(cache)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, run: subprocess.Popen, what: str):
    """Poll ``condition()`` until it returns something true, while ``run`` runs."""
    deadline = time.monotonic() + TIMEOUT
    while not (found := condition()):
        assert run.poll() is None, f"annotate ended before {what}: {run.communicate()}"
        assert time.monotonic() < deadline, f"no {what} after {TIMEOUT} s"
        time.sleep(0.02)
    return found


def _stop(run: subprocess.Popen) -> None:
    if run.poll() is None:
        run.kill()
    run.communicate()


def _stored(folder: Path) -> collections.Counter:
    """Text hash -> how many published partitions hold it."""
    return collections.Counter(
        value
        for part in folder.glob("part-*")
        if store.published(part)
        for value in pq.read_table(part / "documents.parquet", columns=["doc_id"])[0].to_pylist()
    )


def _summary(out: str) -> tuple[int, int, int]:
    """Documents, analysed and read from the store, from what ``analysis annotate`` printed."""
    found = re.search(r"(\d+) documents?: (\d+) analysed .*, (\d+) read from the store", out)
    assert found, out
    return int(found[1]), int(found[2]), int(found[3])


def test_a_worker_killed_mid_partition_loses_and_duplicates_nothing(
    cluster, corpus_folder, local_tables, tmp_path, assert_same_tables
):
    cluster.wait_for_workers(WORKERS)
    documents = load_corpus(corpus_folder)
    folder = store.root(Settings(), tmp_path)
    run = _annotate(corpus_folder, tmp_path, cluster.address)
    try:
        _wait_for(lambda: list(folder.glob("part-*")), run, "a published partition")
        # Then a partition started after that one was published, so it has all its work ahead:
        # kill -9 the worker process writing it (not its nanny, which starts a new worker
        # process; the scheduler gives the lost task to a worker again).
        workers = set(cluster.worker_pids().values())  # asked before, to kill at once below
        before = set(store.staging_folders(folder))
        staging = _wait_for(
            lambda: sorted(set(store.staging_folders(folder)) - before), run, "a new partition"
        )[0]
        pid = int(staging.name.split("-")[2])
        assert pid in workers
        os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).wait(timeout=30)
        assert staging.is_dir(), "the killed worker's partition was finished before the kill"
        out, err = run.communicate(timeout=TIMEOUT)
    finally:
        _stop(run)
    assert run.returncode == 0, err
    n = len(documents)
    partitions = WORKERS * engine.PARTITIONS_PER_WORKER  # the workers the scheduler reported
    assert _summary(out) == (n, n, 0) and f" {partitions} partitions;" in out
    assert pid not in cluster.worker_pids().values()
    # Every document in exactly one whole partition; what the killed worker left is gone.
    assert _stored(folder) == collections.Counter(text_hash(d.text) for d in documents)
    assert len(list(folder.glob("part-*"))) == partitions
    assert store.staging_folders(folder) == []
    assert_same_tables(local_tables, store.read(documents, Settings(), cache_dir=tmp_path))


def test_an_interrupted_client_resumes_with_what_is_not_stored(
    cluster, corpus_folder, local_tables, tmp_path, assert_same_tables
):
    cluster.wait_for_workers(WORKERS)  # the nanny has replaced the worker killed above
    documents = load_corpus(corpus_folder)
    folder = store.root(Settings(), tmp_path)
    run = _annotate(corpus_folder, tmp_path, cluster.address)
    try:
        _wait_for(lambda: list(folder.glob("part-*")), run, "a published partition")
        run.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = run.communicate(timeout=TIMEOUT)
    finally:
        _stop(run)
    assert run.returncode == 130 and "interrupted" in err
    stored = len(_stored(folder))
    assert 0 < stored < len(documents)
    # The tasks the scheduler had started go on and may publish the documents the second run
    # analyses too: the store then holds them twice, and the tables once.
    again = _annotate(corpus_folder, tmp_path, cluster.address)
    try:
        out, err = again.communicate(timeout=TIMEOUT)
    finally:
        _stop(again)
    assert again.returncode == 0, err
    n, analysed, cached = _summary(out)
    assert n == len(documents) and cached >= stored and analysed + cached == n
    assert set(_stored(folder)) == {text_hash(d.text) for d in documents}
    assert_same_tables(local_tables, store.read(documents, Settings(), cache_dir=tmp_path))


def test_a_scheduler_without_workers_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "WORKER_TIMEOUT", 1.0)
    with ProcessCluster(workers=0) as empty, pytest.raises(AnalysisError, match="has no worker"):
        engine.analyse(load_corpus(), engine="dask", scheduler=empty.address, cache_dir=tmp_path)
    assert not store.root(Settings(), tmp_path).exists()
