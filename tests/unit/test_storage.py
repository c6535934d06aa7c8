"""The Store: migrations, refusal of files that are not ours, append-only history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from factcheck.errors import StoreError
from factcheck.migrations import APPLICATION_ID, LATEST, MIGRATIONS
from factcheck.models import EventKind, ExtractedClaim
from factcheck.segment import split_passages
from factcheck.storage import Store


def test_blank_database_gets_the_whole_schema(store: Store) -> None:
    names = set(store.db.table_names())
    assert {"articles", "passages", "claims", "claim_state", "candidates", "events", "passages_fts"} <= names
    assert store.schema_version == LATEST
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    fks = {fk.other_table for fk in store.db["passages"].foreign_keys}
    assert fks == {"articles"}
    triggers = {t.name for t in store.db.triggers}
    assert {"events_append_only_update", "events_append_only_delete"} <= triggers
    assert any(t.startswith("passages_a") for t in triggers), "FTS sync triggers exist"


def _add_sample(store: Store, text: str = "Officials said 155 people were hurt. It rained.") -> int:
    article, _ = store.add_article(
        path="a.txt",
        title="A",
        sha256="x" * 64,
        text=text,
        encoding="utf-8",
        size=len(text),
        spans=split_passages(text),
    )
    return article.id


def test_fts_index_follows_inserts(store: Store) -> None:
    _add_sample(store)
    hits = store.search_passages("hurt")
    assert [p.text for p, _ in hits] == ["Officials said 155 people were hurt."]


def test_history_is_append_only(store: Store) -> None:
    article_id = _add_sample(store)
    [claim_id] = store.add_claims(
        article_id, [ExtractedClaim(text="Officials said", start=0, end=14, score=0.9)]
    )
    with store.write():
        event_id = store.append_event(
            claim_id, EventKind.NOTED, reviewer="ana", at="2025-01-01T00:00:00+00:00", note="x"
        )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE events SET note = 'changed' WHERE id = ?", [event_id])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM events")
    assert store.history(claim_id)[0].note == "x"


def test_older_database_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    MIGRATIONS.apply(db, stop_before="m002_queue_order_and_vocabulary")
    db.execute("PRAGMA user_version = 1")
    db["articles"].insert(
        {"path": "old.txt", "title": "Old", "sha256": "s", "ingested_at": "t", "text": "Hi."}
    )
    db.conn.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == LATEST
        assert [a.title for a in store.articles()] == ["Old"]
        assert "passages_fts_vocab" in store.db.table_names()


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer factcheck"):
        Store(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"just some text\n", b"\x00\x01\x02garbage" * 100, b"SQLite format 3\x00" + b"\xff" * 2000],
    ids=["text", "garbage", "corrupt-sqlite"],
)
def test_files_that_are_not_databases_are_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "queue.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        Store(path)
    assert "\n" not in str(err.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["queue.db"], "no -wal or -shm left behind"


def test_another_programs_sqlite_file_is_refused_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('a')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        Store(path)
    assert path.read_bytes() == before


def test_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    path.touch()
    with Store(path) as store:
        assert store.schema_version == LATEST


def test_missing_database_is_a_clear_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_new_version_supersedes_old_claims_but_keeps_their_history(store: Store) -> None:
    first = _add_sample(store)
    [claim_id] = store.add_claims(first, [ExtractedClaim(text="Officials said", start=0, end=14, score=0.9)])
    text = "Officials said 160 people were hurt."
    second, _ = store.add_article(
        path="a.txt",
        title="A",
        sha256="y" * 64,
        text=text,
        encoding="utf-8",
        size=len(text),
        spans=split_passages(text),
    )
    assert second.version == 2
    assert store.article(first).superseded and not store.article(second.id).superseded
    assert store.claim(claim_id).superseded
    assert [a.id for a in store.articles()] == [second.id]
    assert store.queue() == []


@pytest.mark.parametrize("words", [3, 127, 128, 300, 20_000])
def test_fts_lengths_read_the_index_document_sizes(tmp_path: Path, words: int) -> None:
    """Bulk linking normalises bm25 by these sizes, as FTS5 does (one- to three-byte varints)."""
    text = " ".join(f"word{i}" for i in range(words)) + "."
    with Store(tmp_path / "queue.db") as store:
        article, _ = store.add_article(
            path="a.txt",
            title="a",
            sha256="0" * 64,
            text=text,
            encoding="utf-8",
            size=len(text),
            spans=split_passages(text),
        )
        [passage] = store.passages(article.id)
        assert store.fts_lengths() == [(passage.id, words)]
        assert store.fts_lengths(after_id=passage.id) == []
        postings = store.term_postings(["word1", "word2", "absent"])
        assert postings == {"word1": [(passage.id, 1)], "word2": [(passage.id, 1)], "absent": []}
