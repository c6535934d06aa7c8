"""Database connections for worker threads, opened once and lent to one thread at a time.

Why not a fresh ``Store(db_path)`` per job: opening a Store reads the file's first bytes with a plain
``open()``/``close()`` (``storage._check_file``), and closing any descriptor of a SQLite file drops
every POSIX lock the process holds on it. Another process closing its last connection at that moment
checkpoints and removes the WAL under our open connections ("disk I/O error"; reproduced with
``factcheck status`` in a loop against the review screen's counting worker). Opening the connections
once, at start-up, keeps that window out of the session. Each connection is still used by a single
thread at a time, which is all SQLite asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Queue

from factcheck.storage import Store

WORKER_CONNECTIONS = 3
"""Enough for the jobs that can overlap (counting, a queue page, a search or a rescan); a fourth job
waits for a free connection rather than opening one."""


class Connections:
    """A fixed set of Store connections; ``borrow()`` lends one to the calling thread."""

    def __init__(self, db_path: Path, size: int = WORKER_CONNECTIONS) -> None:
        self.db_path = db_path
        self._free: Queue[Store] = Queue()
        self._all = [Store(db_path) for _ in range(size)]
        for store in self._all:
            self._free.put(store)

    @contextmanager
    def borrow(self) -> Iterator[Store]:
        """A connection for the duration of a ``with`` block (waits while all are lent)."""
        store = self._free.get()
        try:
            yield store
        finally:
            self._free.put(store)

    def close(self) -> None:
        """Close every connection (when the app ends)."""
        for store in self._all:
            store.close()
