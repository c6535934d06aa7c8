"""Bulk linking on every core. Worker processes are forked from the ingesting one once a batch's
passages are stored and the corpus is read (posting lists, passage texts, every document frequency), so
they inherit it instead of reading it again. They extract the batch's claims, rank them, score the
mirrored hits and compare the claim pairs clustering asks about; the ingesting process does every
write, in order. All of that only reads a corpus that does not change while the batch is linked, so the
database comes out the same whichever process did the work and however many there are.

Used only where forking is safe and pays: the platform can fork, this process runs no other thread
(the review screen's rescan does, and links in-process), and the batch is big enough for posting
lists (``linking.BULK_MIN_CLAIMS``)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from factcheck.errors import FactcheckError
from factcheck.matching.clusters import same_claims
from factcheck.matching.index import _Hit, _Index, _Postings, _postings, reset_frequencies
from factcheck.matching.linking import bulk_postings, rank_rows, score_hits
from factcheck.models import Candidate, Claim
from factcheck.settings import Settings
from factcheck.storage import CandidateRow, Store

AHEAD = 200
"""Articles whose claims the workers may rank ahead of what the parent has stored: keeps both busy
without holding a large batch's candidates in memory."""


IN_FLIGHT = 2
"""Ranking tasks queued per worker at a time. The rest wait in this process and are handed over as
tasks finish, so the scoring the parent asks for meanwhile (the mirror) is not queued behind a whole
batch of ranking."""


MAX_JOBS = 8
"""Worker processes at most, whatever the machine, so a large server does not fork dozens of copies
of the ingest, each warming its own caches (measured here on 2 CPUs only; ``--jobs`` overrides it)."""


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask, which containers and ``taskset`` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs() -> int:
    """Worker processes to rank with when none is asked for: one per usable CPU, up to ``MAX_JOBS``."""
    return max(1, min(usable_cpus(), MAX_JOBS))


def can_fork() -> bool:
    """Forking is available and safe here: a process with other threads could fork holding their
    locks (the review screen links its rescans in a worker thread)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@dataclass(frozen=True)
class Shared:
    """What the parent prepared and every worker inherits; task functions get it first."""

    store: Store
    index: _Index
    postings: _Postings
    settings: Settings


_SHARED: Shared | None = None

R = TypeVar("R")


def _start_worker() -> None:
    """Runs first in each forked worker: its own database connection, and Ctrl-C left to the parent
    (which stops the workers) instead of a traceback from each of them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert _SHARED is not None
    _SHARED.store.reopen_in_child()


def _run(task: Callable[..., R], args: tuple[Any, ...]) -> R:
    assert _SHARED is not None
    return task(_SHARED, *args)


def _rank_task(shared: Shared, claim_ids: list[int]) -> tuple[list[int], list[CandidateRow]]:
    claims = shared.store.claims(ids=claim_ids)
    return claim_ids, rank_rows(shared.index, claims, shared.settings, shared.postings)


def _score_task(shared: Shared, hits: dict[int, list[_Hit]], deep: int | None) -> dict[int, list[Candidate]]:
    return score_hits(shared.index, hits, shared.settings, deep)


def _result(future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool:
        raise FactcheckError(
            "a linking process was killed (out of memory?); run the ingest again to finish the batch "
            "(what was stored is kept), with --jobs 1 to use less memory"
        ) from None


def _same_task(shared: Shared, pairs: list[tuple[str, str]]) -> list[bool]:
    return same_claims(pairs)


class BatchWorkers:
    """``jobs`` worker processes forked once the batch's passages are stored and the corpus is read
    (posting lists, every document frequency), running tasks that only read the database. Implements
    ``linking.Workers``: call ``queue_ranking`` with the batch's claims by article, then ``rank`` with
    each article's claims in that order while the workers rank ahead. Use it as a context manager so
    the workers are stopped however the batch ends."""

    def __init__(self, store: Store, settings: Settings, jobs: int) -> None:
        global _SHARED
        reset_frequencies(store)  # every document frequency as of now, read once and inherited
        index = _Index(store)
        index.preload_frequencies()
        _SHARED = Shared(store, index, _postings(store), settings)
        self.jobs = jobs
        self._todo: deque[list[int]] = deque()
        self._ranking: deque[Future[tuple[list[int], list[CandidateRow]]]] = deque()
        self._running = 0
        self._pool_closed = False
        self._lock = threading.RLock()  # _fill runs here and in the pool's thread as tasks finish
        self._pool = ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
        )

    @property
    def postings(self) -> _Postings:
        """The corpus's posting lists, as the workers inherited them."""
        assert _SHARED is not None
        return _SHARED.postings

    def submit(self, task: Callable[..., R], *args: Any) -> Future[R]:
        """Run ``task(shared, *args)`` in a worker (``task`` must be a module-level function)."""
        return self._pool.submit(_run, task, args)

    def map(self, task: Callable[..., R], items: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        """``task(shared, *item)`` for every item, in the workers; results in the items' order."""
        futures = [self.submit(task, *item) for item in items]
        for future in futures:
            yield _result(future)

    def queue_ranking(self, pieces: Iterable[Sequence[int]]) -> None:
        """Claims to rank, one piece per article, in the order ``rank`` will ask for them."""
        self._todo.extend(sorted(ids) for ids in pieces)
        self._fill()

    def _fill(self) -> None:
        with self._lock:
            while self._todo and len(self._ranking) < AHEAD and self._running < IN_FLIGHT * self.jobs:
                future = self.submit(_rank_task, self._todo.popleft())
                self._running += 1
                self._ranking.append(future)
                future.add_done_callback(self._finished)

    def _finished(self, _future: Future[tuple[list[int], list[CandidateRow]]]) -> None:
        with self._lock:
            self._running -= 1
        if not self._pool_closed:
            self._fill()

    def rank(self, claims: Sequence[Claim]) -> list[CandidateRow]:
        """The next queued piece's rows; ``claims`` must be that piece."""
        with self._lock:
            if not self._ranking:
                raise RuntimeError("no ranking was queued for these claims")
            future = self._ranking.popleft()
        ids, rows = _result(future)
        if ids != sorted(c.id for c in claims):
            raise RuntimeError("claims asked for out of the order they were queued in")
        self._fill()
        return rows

    def score(self, hits: Mapping[int, Sequence[_Hit]], deep: int | None) -> dict[int, list[Candidate]]:
        """``score_hits`` spread over the workers."""
        ids = list(hits)
        size = max(1, -(-len(ids) // (4 * self.jobs)))
        parts = [
            ({cid: list(hits[cid]) for cid in ids[i : i + size]}, deep) for i in range(0, len(ids), size)
        ]
        out: dict[int, list[Candidate]] = {}
        for part in self.map(_score_task, parts):
            out.update(part)
        return out

    def same_claims(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """``clusters.same_claims`` spread over the workers."""
        size = max(1, -(-len(pairs) // (4 * self.jobs)))
        parts = [(list(pairs[i : i + size]),) for i in range(0, len(pairs), size)]
        return [same for part in self.map(_same_task, parts) for same in part]

    def close(self) -> None:
        global _SHARED
        self._pool_closed = True
        with self._lock:
            self._todo.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
        _SHARED = None

    def __enter__(self) -> BatchWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def batch_workers(store: Store, settings: Settings, passages: int, jobs: int) -> BatchWorkers | None:
    """``BatchWorkers`` for a batch of ``passages`` new passages when more than one job is asked for,
    forking is safe, and the batch is big enough for bulk ranking (its claims are a little fewer than
    its passages); else None (everything runs in this process)."""
    if jobs < 2 or not can_fork() or bulk_postings(store, passages) is None:
        return None
    return BatchWorkers(store, settings, jobs)
