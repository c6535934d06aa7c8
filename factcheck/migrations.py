"""Numbered schema migrations, applied in order whenever a database is opened.

Never edit a migration that has shipped: add a new one. ``LATEST`` is how many there are; a database
whose ``user_version`` is higher came from a newer factcheck and is refused.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("factcheck")

# PRAGMA application_id marks the file as ours ("FCk1"), so another program's SQLite file is refused.
APPLICATION_ID = 0x46436B31


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """The whole product's schema: articles and their passages (with FTS5), claims, their review state,
    evidence candidates, and the append-only event history."""
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('app', 'factcheck');

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            title TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            superseded INTEGER NOT NULL DEFAULT 0,
            encoding TEXT NOT NULL DEFAULT 'utf-8',
            size INTEGER NOT NULL DEFAULT 0,
            ingested_at TEXT NOT NULL,
            duplicate_of INTEGER REFERENCES articles(id),
            text TEXT NOT NULL,
            UNIQUE (path, version)
        );
        CREATE INDEX articles_sha256 ON articles(sha256);

        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            ordinal INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'body',
            boilerplate INTEGER NOT NULL DEFAULT 0,
            UNIQUE (article_id, ordinal)
        );

        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            article_id INTEGER REFERENCES articles(id),
            passage_id INTEGER REFERENCES passages(id),
            start INTEGER,
            "end" INTEGER,
            text TEXT NOT NULL,
            score REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '[]',
            quantities TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL DEFAULT 'extracted',
            source_note TEXT,
            cluster_id INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE INDEX claims_article ON claims(article_id);
        CREATE INDEX claims_cluster ON claims(cluster_id);

        -- The current review state of each claim: a projection of its events, written in the same
        -- transaction as the event that changes it. The events are the record; this is the index.
        CREATE TABLE claim_state (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id),
            status TEXT NOT NULL DEFAULT 'pending',
            score REAL NOT NULL DEFAULT 0,
            verdict TEXT,
            evidence_passage_id INTEGER REFERENCES passages(id),
            note TEXT,
            reviewer TEXT,
            decided_at TEXT,
            decision_event_id INTEGER REFERENCES events(id),
            requeue_reason TEXT,
            lease_owner TEXT,
            lease_expires TEXT,
            superseded INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE candidates (
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            passage_id INTEGER NOT NULL REFERENCES passages(id),
            rank INTEGER NOT NULL,
            score REAL NOT NULL,
            components TEXT NOT NULL DEFAULT '{}',
            quantities TEXT NOT NULL DEFAULT '[]',
            syndicated INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            PRIMARY KEY (claim_id, passage_id)
        );
        CREATE INDEX candidates_passage ON candidates(passage_id);

        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            kind TEXT NOT NULL,
            verdict TEXT,
            evidence_passage_id INTEGER REFERENCES passages(id),
            note TEXT,
            reviewer TEXT,
            at TEXT NOT NULL,
            detail TEXT,
            undoes INTEGER REFERENCES events(id)
        );
        CREATE INDEX events_claim ON events(claim_id);
        CREATE INDEX events_reviewer ON events(reviewer, kind);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'history is append-only: events cannot be changed'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'history is append-only: events cannot be deleted'); END;
        """
    )
    db.table("passages").enable_fts(
        ["text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
    )


@MIGRATIONS()
def m002_queue_order_and_vocabulary(db: Database) -> None:
    """Queue order without a sort (re-queued first, then by score), and FTS5 document frequencies so
    evidence queries can be built from a claim's rarest terms."""
    db.executescript(
        """
        CREATE INDEX claim_state_queue ON claim_state(superseded, status, score DESC, claim_id);
        CREATE INDEX claim_state_lease ON claim_state(lease_owner);
        CREATE VIRTUAL TABLE passages_fts_vocab USING fts5vocab(passages_fts, 'row');
        """
    )


@MIGRATIONS()
def m003_claims_fts(db: Database) -> None:
    """A full-text index over claim text, so a new article's passages can find the existing claims
    they bear on (incremental evidence linking, cross-source claim clusters) without reading every
    claim. External content (no second copy of the text); the update trigger fires only when the
    text itself changes, not on cluster or state updates."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE claims_fts USING fts5(
            text, content='claims', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
        );
        INSERT INTO claims_fts (rowid, text) SELECT id, text FROM claims;
        CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER claims_fts_au AFTER UPDATE OF text ON claims BEGIN
            INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO claims_fts (rowid, text) VALUES (new.id, new.text);
        END;
        """
    )


@MIGRATIONS()
def m004_claims_by_passage(db: Database) -> None:
    """Claims by the passage they start in: linking a new article looks up the claims stated in the
    passages its own claims found, and must not scan every claim to do it."""
    db.execute("CREATE INDEX claims_passage ON claims(passage_id)")


@MIGRATIONS()
def m005_verdict_counts_and_pipeline_stage(db: Database) -> None:
    """Counting decisions by verdict read every claim_state row (~190 ms at 100k claims): this index
    covers the count. And each article records how far its pipeline got (stored -> extracted ->
    linked), so an ingest killed half-way is finished by the next one instead of being lost; articles
    from before this migration were fully processed."""
    db.executescript(
        """
        CREATE INDEX claim_state_verdict ON claim_state(superseded, verdict);
        ALTER TABLE articles ADD COLUMN stage TEXT NOT NULL DEFAULT 'linked';
        """
    )


LATEST = len(MIGRATIONS._migrations)
