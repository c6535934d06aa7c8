"""The slow jobs the review screen starts, as plain functions over a Store.

Each runs on a worker thread with a connection lent to that thread alone (``Connections``), calls the
core, and returns a plain result; the worker posts it as a message. Nothing here imports Textual, so each job is tested directly. The pipeline (extraction
model, rapidfuzz) is imported when a job first runs, not at start-up, to keep the first paint fast.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from factcheck import report
from factcheck.errors import FactcheckError, InputError
from factcheck.settings import Settings
from factcheck.storage import Store

EXPORT_FORMATS = {"markdown": "md", "json": "json"}

JOB_ERRORS = (FactcheckError, sqlite3.Error, OSError)
"""What a background job reports instead of crashing the screen: a user-fixable problem, a busy or
failing database, a file system error. Anything else is a bug and stops the app with a traceback."""


@dataclass(frozen=True)
class ScanResult:
    """What a rescan did, in one line, and which decided claims it sent back."""

    summary: str
    requeued: list[int]


def rescan(store: Store, articles_dir: Path, settings: Settings) -> ScanResult:
    """Ingest new and changed files in the articles folder through the same pipeline as the CLI
    (paths are stored relative to the working directory, as `factcheck ingest` stores them)."""
    from factcheck.ingest import ingest_paths
    from factcheck.pipeline import process_articles

    if not articles_dir.is_dir():
        raise InputError(f"no folder {articles_dir} to rescan")
    result = ingest_paths(store, [articles_dir], settings=settings, after_batch=process_articles)
    summary = result.summary()
    if result.skipped:
        summary += f" ({'; '.join(result.skipped[:3])})"
    return ScanResult(summary, list(result.requeued))


def export_report(store: Store, fmt: str, folder: Path, now: datetime, settings: Settings) -> Path:
    """Write the review report next to the database, named by format and time, atomically (a
    temporary file renamed into place), and return where it went."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    ext = EXPORT_FORMATS[fmt]
    text = report.export_text(store, ext, generated_at=now, candidates_shown=settings.candidates_shown)
    target = folder / f"factcheck-review-{now:%Y%m%d-%H%M%S}.{ext}"
    report.write_atomically(target, text)
    return target.resolve()


def add_claims(store: Store, texts: list[str], source_note: str | None, settings: Settings) -> list[int]:
    """Queue claims typed by the reviewer and link evidence for them (the core's manual pipeline)."""
    from factcheck.pipeline import add_manual_claims

    return add_manual_claims(store, texts, settings, source_note=source_note)
