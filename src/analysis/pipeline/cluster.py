"""A Dask cluster of separate processes on this machine, started with Dask's own commands.

``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 with free ports, as an
administrator starts them on a real cluster (not Dask's in-process ``LocalCluster``): each worker
is a nanny process that runs (and restarts) a worker process with one thread. For the tests that
kill a worker mid-run and for the Dask row of ``make bench``; ``analysis annotate --engine dask
--scheduler ADDRESS`` connects to it like to any scheduler.

    with ProcessCluster(workers=2) as cluster:
        analyse(corpus, engine="dask", scheduler=cluster.address)

Every process is started here and stopped here by its id (nanny, worker and scheduler), also when
the block fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

#: How long to wait for the scheduler, or for the workers to join it.
START_TIMEOUT = 120.0


class ProcessCluster:
    """``dask scheduler`` and ``workers`` ``dask worker`` processes (one single-threaded worker
    each, under a nanny) on 127.0.0.1; use it as a context manager.

    Attributes:
        address: the scheduler's address (``tcp://127.0.0.1:PORT``), once started.
        folder: a temporary folder with the scheduler file, the workers' scratch space and the
            processes' logs (``scheduler.log``, ``worker-N.log``); deleted on exit.
    """

    def __init__(self, workers: int = 2, *, timeout: float = START_TIMEOUT):
        self.workers = workers
        self.timeout = timeout
        self.address = ""
        self.folder = Path(tempfile.mkdtemp(prefix="dask-cluster-"))
        self._processes: list[subprocess.Popen] = []

    def __enter__(self) -> ProcessCluster:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _spawn(self, name: str, *arguments: str) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "dask", *arguments],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._processes.append(process)
        return process

    def _start(self) -> None:
        scheduler_file = self.folder / "scheduler.json"
        scheduler = self._spawn(
            "scheduler",
            *("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"),
            *("--scheduler-file", str(scheduler_file)),
        )
        deadline = time.monotonic() + self.timeout
        while not self.address:
            if scheduler.poll() is not None:
                raise RuntimeError(f"dask scheduler exited: {self.log('scheduler')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no dask scheduler after {self.timeout:.0f} s")
            with contextlib.suppress(OSError, ValueError):
                self.address = json.loads(scheduler_file.read_text())["address"]
            time.sleep(0.05)
        for number in range(self.workers):
            self._spawn(
                f"worker-{number}",
                *("worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1"),
                *("--nworkers", "1", "--nthreads", "1", "--no-dashboard"),
                *("--name", f"worker-{number}", "--local-directory", str(self.folder)),
            )
        if self.workers:
            self.wait_for_workers(self.workers)

    def log(self, name: str) -> str:
        """The last lines a process wrote (``scheduler`` or ``worker-N``)."""
        path = self.folder / f"{name}.log"
        lines = path.read_text(errors="replace").splitlines() if path.is_file() else []
        return "\n".join(lines[-20:])

    def wait_for_workers(self, count: int) -> None:
        """Wait until ``count`` workers are connected to the scheduler."""
        from dask.distributed import Client

        with Client(self.address, timeout=self.timeout) as client:
            client.wait_for_workers(count, timeout=self.timeout)

    def worker_pids(self) -> dict[str, int]:
        """Worker address -> the id of the worker process (the nanny's child, which runs the
        tasks), as each worker says (outside its task thread, so also while it runs a task)."""
        from dask.distributed import Client

        with Client(self.address, timeout=self.timeout) as client:
            return client.run(os.getpid)

    def close(self) -> None:
        """Stop every process started here, by its id: the nannies (which stop their workers),
        then the scheduler, with SIGTERM (a nanny whose scheduler is gone takes seconds longer);
        anything still running after 15 s, and any worker process a nanny left, with SIGKILL.
        Then delete :attr:`folder`."""
        children: list[psutil.Process] = []
        for process in self._processes:
            with contextlib.suppress(psutil.Error):
                children.extend(psutil.Process(process.pid).children(recursive=True))
        workers, scheduler = self._processes[1:], self._processes[:1]
        for group in (workers, scheduler):
            for process in group:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in group:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        psutil.wait_procs(children, timeout=5)
        self._processes.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
