"""Shared fixtures: real SQLite databases in temporary folders, built from the real sample articles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.storage import Store

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "articles"


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own database or reviewer name."""
    monkeypatch.delenv("FACTCHECK_DB", raising=False)
    monkeypatch.setenv("FACTCHECK_REVIEWER", "tester")


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled articles."""
    target = tmp_path / "articles"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated database."""
    with Store(tmp_path / "queue.db") as s:
        yield s


@pytest.fixture
def ingested(tmp_path: Path, sample_dir: Path) -> Iterator[Store]:
    """A database holding the five sample articles, their claims and their evidence links."""
    from factcheck.ingest import ingest_paths
    from factcheck.pipeline import process_article

    with Store(tmp_path / "queue.db") as s:
        report = ingest_paths(s, [sample_dir], after_article=process_article, base=tmp_path)
        assert report.ok and len(report.added) == 5
        yield s
