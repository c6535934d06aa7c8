"""Messages that workers post when slow work is done. Past tense: each reports a fact, and the
handler on the UI thread decides what to show. Workers never touch widgets themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual.message import Message

from factcheck.tui.data import Progress, QueueRow


@dataclass
class ProgressCounted(Message):
    """Claims were counted by status and verdict for the header (``progress`` is None when the count
    failed; ``error`` says why). ``generation`` tells a count overtaken by a decision made meanwhile."""

    progress: Progress | None
    error: str | None = None
    generation: int = 0


@dataclass
class QueuePageLoaded(Message):
    """A page of the queue was read; ``generation`` tells a stale page (older filter) from a fresh one,
    ``total`` is the filter's count when it was read along (else -1)."""

    generation: int
    page: int
    rows: list[QueueRow]
    total: int
    error: str | None = None


@dataclass
class ScanFinished(Message):
    """A rescan of the articles folder finished (``error`` set when it could not run)."""

    summary: str
    requeued: list[int] = field(default_factory=list)
    error: str | None = None


@dataclass
class ExportWritten(Message):
    """A report was written to ``path`` (or failed with ``error``)."""

    path: Path
    error: str | None = None


@dataclass
class ClaimsAdded(Message):
    """Manual claims were queued and linked (or failed with ``error``)."""

    ids: list[int]
    error: str | None = None
