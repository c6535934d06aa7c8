"""The one storage layer: a `Store` over sqlite-utils. Nothing else in factcheck touches SQL.

Design notes
* WAL journal, a busy timeout, foreign keys on; ``synchronous=NORMAL``, which in WAL mode keeps every
  committed transaction across a killed process (power loss may drop the last few, documented).
* Every read-then-write runs in ``BEGIN IMMEDIATE`` (``Store.write()``): a deferred transaction that
  upgrades its lock returns SQLITE_BUSY at once under concurrent writers, bypassing the busy timeout.
* A file that is not ours is never written to: it is inspected read-only first, and refused unless it
  is empty or carries our ``application_id``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_core import from_json
from sqlite_utils import Database

from factcheck.errors import StoreError
from factcheck.migrations import APPLICATION_ID, LATEST, MIGRATIONS
from factcheck.models import (
    Article,
    Candidate,
    Claim,
    ClaimStatus,
    Event,
    EventKind,
    ExtractedClaim,
    Passage,
    Verdict,
)
from factcheck.segment import Span

BUSY_TIMEOUT_S = 10.0
_OPEN_PATHS: dict[str, int] = {}  # database file -> connections this process has open on it
_OPEN_LOCK = threading.Lock()
_SQLITE_MAGIC = b"SQLite format 3\x00"


def utcnow() -> str:
    """The current time as an ISO-8601 UTC string with seconds (what history rows carry)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not an empty or factcheck SQLite database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if magic != _SQLITE_MAGIC:
        raise StoreError(f"{path} is not a factcheck database (not an SQLite file); refusing to touch it")
    try:
        try:
            app_id, version, tables = _header(path, immutable=False)
        except sqlite3.OperationalError as exc:
            if not _read_only_folder(exc, path):
                raise
            app_id, version, tables = _header(path, immutable=True)
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise  # not damage: the CLI says the database is busy
        raise StoreError(f"{path} is damaged or not a database ({exc}); refusing to touch it") from None
    if app_id != APPLICATION_ID and tables:
        raise StoreError(
            f"{path} is an SQLite database of another program, not factcheck; refusing to touch it"
        )
    if version > LATEST:
        raise StoreError(
            f"{path} was written by a newer factcheck (schema {version}, this one knows {LATEST}); upgrade factcheck"
        )


def _header(path: Path, *, immutable: bool) -> tuple[int, int, int]:
    """application_id, user_version and the number of schema objects, read without writing."""
    conn = sqlite3.connect(_read_only_uri(path, immutable=immutable), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        conn.close()
    return int(app_id), int(version), int(tables)


def _read_only_uri(path: Path, *, immutable: bool) -> str:
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def _read_only_folder(exc: sqlite3.Error, path: Path) -> bool:
    """SQLite cannot create the -wal and -shm files next to a WAL database (its folder is read-only).
    With no -wal file there, no writer is connected and nothing is left uncheckpointed, so the file
    can be read as immutable: reading still works and any write fails as read-only."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith("SQLITE_READONLY") and not Path(f"{path}-wal").exists()


def _open(path: Path) -> tuple[sqlite3.Connection, str]:
    """A connection in WAL mode and its journal mode ("immutable" when only reading is possible)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn, mode
    except sqlite3.Error as exc:
        conn.close()
        if not _read_only_folder(exc, path):
            raise
    uri = _read_only_uri(path, immutable=True)
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False), "immutable"


def to_json(value: Any) -> str:
    """How JSON columns are encoded (keys sorted, so equal values are equal text)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _loads(value: str | None) -> Any:
    # pydantic-core's Rust parser: about 3x faster than json.loads on the many small JSON columns a
    # report reads (reasons, quantities, components), which dominated `collect` for 10,000 claims.
    return from_json(value) if value else None


class Store:
    """factcheck's database: articles, passages, claims, candidates and the review history."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"no database at {self.path} (run `factcheck ingest` first)")
        self._key = str(self.path.resolve())
        with _OPEN_LOCK:
            # Closing any plain file handle on a database drops every POSIX lock this process holds on
            # it (an SQLite caveat), which can pull the WAL from under our other connections. So the
            # file is inspected with plain reads only while no connection to it is open here; a second
            # Store on the same file was vetted by the first.
            if not _OPEN_PATHS.get(self._key):
                _check_file(self.path)
            try:
                conn, mode = _open(self.path)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open {self.path}: {exc}") from None
            if not _OPEN_PATHS.get(self._key):
                self.read_only = mode == "immutable" or (mode != "wal" and not _writable(self.path))
            else:
                self.read_only = mode == "immutable"
            _OPEN_PATHS[self._key] = _OPEN_PATHS.get(self._key, 0) + 1
        self.db = Database(conn)
        self._closed = False
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # --- lifecycle ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == LATEST:
            return
        try:
            with self.write():
                self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                MIGRATIONS.apply(self.db)
                self.db.execute(f"PRAGMA user_version = {LATEST}")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot prepare {self.path}: {exc}") from None

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL back into the database file)."""
        if self._closed:
            return
        self._closed = True
        self.db.conn.close()
        with _OPEN_LOCK:
            _OPEN_PATHS[self._key] -= 1

    def reopen_in_child(self) -> None:
        """Give a forked worker process its own connection. A connection must not be used across
        ``fork()``; the inherited one is kept referenced, never used and never closed (closing it
        could take the parent's WAL locks with it), and dies with the worker (``os._exit``)."""
        self._inherited = self.db.conn
        try:
            conn, _ = _open(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from None
        self.db = Database(conn)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Store]:
        """One write transaction, taken with BEGIN IMMEDIATE so concurrent writers queue on the busy
        timeout instead of failing; nested calls join the outer transaction."""
        conn = self.db.conn
        if conn.in_transaction:
            yield self
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The number of migrations applied."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def integrity_ok(self) -> bool:
        """PRAGMA integrity_check says ok."""
        return bool(self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # --- articles and passages ---------------------------------------------------------------

    def latest_article_at(self, path: str) -> Article | None:
        """The newest version of the article ingested from ``path``."""
        row = self._one("SELECT * FROM articles WHERE path = ? ORDER BY version DESC LIMIT 1", [path])
        return _article(row) if row else None

    def article_with_sha(self, sha256: str) -> Article | None:
        """A current article with exactly this content, wherever it came from."""
        row = self._one(
            "SELECT * FROM articles WHERE sha256 = ? AND superseded = 0 ORDER BY id LIMIT 1", [sha256]
        )
        return _article(row) if row else None

    def add_article(
        self,
        *,
        path: str,
        title: str,
        sha256: str,
        text: str,
        encoding: str,
        size: int,
        spans: Sequence[Span],
        stage: str = "linked",
    ) -> tuple[Article, list[Passage]]:
        """Store a new article (or a new version of one at the same path) with its passages.

        ``stage`` is ``stored`` when a pipeline (claims, evidence) will run on it next: until that
        finishes, the next ingest knows to finish it. Without a pipeline the article is complete.

        An earlier version at the same path is marked superseded, and so are its claims, whose
        decisions and history stay as they were."""
        with self.write():
            previous = self.latest_article_at(path)
            version = previous.version + 1 if previous else 1
            if previous:
                self.db.execute("UPDATE articles SET superseded = 1 WHERE path = ?", [path])
                self.db.execute(
                    "UPDATE claim_state SET superseded = 1, lease_owner = NULL, lease_expires = NULL "
                    "WHERE claim_id IN (SELECT id FROM claims WHERE article_id IN "
                    "(SELECT id FROM articles WHERE path = ?))",
                    [path],
                )
            now = utcnow()
            table = self.db.table("articles")
            table.insert(
                {
                    "path": path,
                    "title": title,
                    "sha256": sha256,
                    "version": version,
                    "encoding": encoding,
                    "size": size,
                    "ingested_at": now,
                    "text": text,
                    "stage": stage,
                }
            )
            article_id = _pk(table.last_pk)
            self.db.table("passages").insert_all(
                {
                    "article_id": article_id,
                    "ordinal": i,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "text": text[s.start : s.end],
                    "kind": s.kind,
                    "boilerplate": int(s.boilerplate),
                }
                for i, s in enumerate(spans)
            )
        article = self.article(article_id)
        return article, self.passages(article_id)

    def mark_duplicate(self, article_id: int, of_article_id: int) -> None:
        """Record that an article is a near-copy (syndication) of an earlier one."""
        with self.write():
            self.db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", [of_article_id, article_id])

    def article(self, article_id: int) -> Article:
        """One article by id."""
        row = self._one("SELECT * FROM articles WHERE id = ?", [article_id])
        if row is None:
            raise StoreError(f"no article with id {article_id}")
        return _article(row)

    def articles(self, *, include_superseded: bool = False, with_text: bool = False) -> list[Article]:
        """Articles in ingest order."""
        cols = (
            "*"
            if with_text
            else "id, path, title, sha256, version, superseded, encoding, ingested_at, duplicate_of, stage"
        )
        where = "" if include_superseded else "WHERE superseded = 0"
        return [_article(r) for r in self._all(f"SELECT {cols} FROM articles {where} ORDER BY id")]

    def passages(self, article_id: int) -> list[Passage]:
        """An article's passages in reading order."""
        return [
            _passage(r)
            for r in self._all("SELECT * FROM passages WHERE article_id = ? ORDER BY ordinal", [article_id])
        ]

    def passage(self, passage_id: int) -> Passage:
        """One passage by id."""
        row = self._one("SELECT * FROM passages WHERE id = ?", [passage_id])
        if row is None:
            raise StoreError(f"no passage with id {passage_id}")
        return _passage(row)

    def passages_by_id(self, ids: Iterable[int]) -> dict[int, Passage]:
        """Several passages at once."""
        id_list = list(dict.fromkeys(ids))
        out: dict[int, Passage] = {}
        for chunk in _chunks(id_list, 500):
            marks = ",".join("?" * len(chunk))
            for r in self._all(f"SELECT * FROM passages WHERE id IN ({marks})", chunk):
                out[r["id"]] = _passage(r)
        return out

    def search_passages(
        self,
        match: str,
        *,
        limit: int = 200,
        exclude_article_ids: Sequence[int] = (),
        evidence_only: bool = True,
    ) -> list[tuple[Passage, float]]:
        """Full-text search (an FTS5 MATCH expression) over current, non-boilerplate passages, best
        first, with the bm25 rank (lower is better)."""
        where = ["passages_fts MATCH ?"]
        params: list[Any] = [match]
        if evidence_only:
            where.append("p.boilerplate = 0 AND a.superseded = 0")
        if exclude_article_ids:
            where.append(f"p.article_id NOT IN ({','.join('?' * len(exclude_article_ids))})")
            params.extend(exclude_article_ids)
        sql = (
            "SELECT p.*, bm25(passages_fts) AS rank FROM passages_fts "
            "JOIN passages p ON p.id = passages_fts.rowid JOIN articles a ON a.id = p.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?"
        )
        params.append(limit)
        try:
            rows = self._all(sql, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query: {exc}") from None
        return [(_passage(r), float(r["rank"])) for r in rows]

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages contain each (already tokenised, stemmed) term."""
        term_list = list(dict.fromkeys(terms))
        out: dict[str, int] = {}
        for chunk in _chunks(term_list, 500):
            marks = ",".join("?" * len(chunk))
            for r in self._all(f"SELECT term, doc FROM passages_fts_vocab WHERE term IN ({marks})", chunk):
                out[r["term"]] = int(r["doc"])
        return out

    def all_document_frequencies(self) -> dict[str, int]:
        """``document_frequencies`` of every term in the index, in one pass over its vocabulary."""
        rows = self.db.execute("SELECT term, doc FROM passages_fts_vocab").fetchall()
        return {str(t): int(d) for t, d in rows}

    def term_postings(self, terms: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        """For each (tokenised, stemmed) term, the passages holding it with how often it occurs there:
        the FTS5 index's own posting lists, read through an ``fts5vocab`` 'instance' table in the
        connection's temp schema (nothing is written to the database file). Bulk linking scores
        bm25 from these in memory instead of running one FTS5 query per claim."""
        conn = self.db.conn
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fc_postings USING fts5vocab(main, passages_fts, 'instance')"
        )
        out: dict[str, list[tuple[int, int]]] = {}
        for term in dict.fromkeys(terms):
            rows = conn.execute(
                "SELECT doc, count(*) FROM temp.fc_postings WHERE term = ? GROUP BY doc ORDER BY doc", [term]
            ).fetchall()
            out[term] = [(int(d), int(n)) for d, n in rows]
        return out

    def fts_lengths(self, after_id: int = 0) -> list[tuple[int, int]]:
        """(passage id, tokens) of every indexed passage after ``after_id``, from the FTS5 index's own
        record of document sizes (what its bm25 normalises by)."""
        rows = self.db.execute(
            "SELECT id, sz FROM passages_fts_docsize WHERE id > ? ORDER BY id", [after_id]
        ).fetchall()
        return [(int(i), _varint(bytes(sz))) for i, sz in rows]

    def evidence_texts(self, after_id: int = 0) -> list[tuple[int, int, str]]:
        """(id, article id, text) of non-boilerplate passages after ``after_id``, superseded ones
        included (``superseded_article_ids`` says which to leave out)."""
        rows = self.db.execute(
            "SELECT id, article_id, text FROM passages WHERE id > ? AND boilerplate = 0 ORDER BY id",
            [after_id],
        ).fetchall()
        return [(int(i), int(a), str(t)) for i, a, t in rows]

    def superseded_article_ids(self) -> set[int]:
        """Articles replaced by a newer version of their file."""
        return {int(r[0]) for r in self.db.execute("SELECT id FROM articles WHERE superseded = 1")}

    def evidence_passage_count(self, article_ids: Sequence[int]) -> int:
        """Non-boilerplate passages of these articles."""
        sql = "SELECT count(*) FROM passages WHERE boilerplate = 0 AND article_id IN ({marks})"
        return sum(int(n) for (n,) in self._rows_in(sql, article_ids))

    def passage_count(self) -> int:
        """Passages that can serve as evidence."""
        return int(self.db.execute("SELECT count(*) FROM passages WHERE boilerplate = 0").fetchone()[0])

    # --- claims ------------------------------------------------------------------------------

    def add_claims(
        self,
        article_id: int | None,
        claims: Sequence[ExtractedClaim],
        *,
        passage_ids: Sequence[int | None] = (),
        origin: str = "extracted",
        source_note: str | None = None,
    ) -> list[int]:
        """Store claims (pending) and return their ids."""
        now = utcnow()
        ids: list[int] = []
        with self.write():
            conn = self.db.conn
            for i, c in enumerate(claims):  # plain statements: an ingest stores ~20 claims an article
                cursor = conn.execute(
                    'INSERT INTO claims (article_id, passage_id, start, "end", text, score, reasons, '
                    "quantities, origin, source_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        article_id,
                        passage_ids[i] if i < len(passage_ids) else None,
                        c.start if article_id is not None else None,
                        c.end if article_id is not None else None,
                        c.text,
                        c.score,
                        to_json(c.reasons),
                        to_json(c.quantities),
                        origin,
                        source_note,
                        now,
                    ],
                )
                claim_id = _pk(cursor.lastrowid)
                conn.execute(
                    "INSERT INTO claim_state (claim_id, status, score) VALUES (?, 'pending', ?)",
                    [claim_id, c.score],
                )
                ids.append(claim_id)
            if article_id is not None and origin == "extracted":
                self.db.execute(
                    "UPDATE articles SET stage = 'extracted' WHERE id = ? AND stage = 'stored'", [article_id]
                )
        return ids

    def set_stages(self, article_ids: Sequence[int], stage: str) -> None:
        """Record how far these articles' pipeline got (stored -> extracted -> linked), in one transaction."""
        with self.write():
            self.db.conn.executemany(
                "UPDATE articles SET stage = ? WHERE id = ?", [(stage, a) for a in article_ids]
            )

    def current_claims_outside(self, article_ids: Sequence[int]) -> bool:
        """Whether any current claim belongs to none of these articles (manual claims included): a batch
        of new articles must then also be matched against those older claims."""
        row = self.db.execute(
            "SELECT 1 FROM claims c JOIN claim_state s ON s.claim_id = c.id WHERE s.superseded = 0 AND "
            "(c.article_id IS NULL OR c.article_id NOT IN (SELECT value FROM json_each(?))) LIMIT 1",
            [json.dumps(list(article_ids))],
        ).fetchone()
        return row is not None

    def unfinished_articles(self) -> list[Article]:
        """Current articles whose pipeline did not finish (an ingest was killed half-way)."""
        rows = self._all("SELECT * FROM articles WHERE stage != 'linked' AND superseded = 0 ORDER BY id")
        return [_article(r) for r in rows]

    def claim(self, claim_id: int) -> Claim:
        """One claim with its current state."""
        rows = self._all(_CLAIM_SELECT + " WHERE c.id = ?", [claim_id])
        if not rows:
            raise StoreError(f"no claim with id {claim_id}")
        return _claim(rows[0])

    def claims(
        self,
        *,
        article_id: int | None = None,
        include_superseded: bool = False,
        ids: Sequence[int] | None = None,
    ) -> list[Claim]:
        """Claims in id order, optionally of one article or a given set of ids."""
        where: list[str] = []
        params: list[Any] = []
        if article_id is not None:
            where.append("c.article_id = ?")
            params.append(article_id)
        if not include_superseded:
            where.append("s.superseded = 0")
        if ids is not None:
            if not ids:
                return []
            where.append(f"c.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = _CLAIM_SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY c.id"
        return [_claim(r) for r in self._all(sql, params)]

    def claim_texts(self, ids: Iterable[int]) -> dict[int, tuple[int | None, str]]:
        """(article id, text) of these claims that are current, without building models."""
        sql = (
            "SELECT c.id, c.article_id, c.text FROM claims c JOIN claim_state s ON s.claim_id = c.id "
            "WHERE s.superseded = 0 AND c.id IN ({marks})"
        )
        return {int(i): (a, str(t)) for i, a, t in self._rows_in(sql, ids)}

    def cluster_ids(self, ids: Iterable[int]) -> dict[int, int | None]:
        """The cluster of each of these claims (None when in none)."""
        rows = self._rows_in("SELECT id, cluster_id FROM claims WHERE id IN ({marks})", ids)
        return {int(i): (int(k) if k is not None else None) for i, k in rows}

    def set_cluster(self, claim_ids: Sequence[int], cluster_id: int) -> None:
        """Put claims in one cross-source cluster (the same claim reported by several outlets)."""
        with self.write():
            for chunk in _chunks(list(claim_ids), 500):
                marks = ",".join("?" * len(chunk))
                self.db.execute(
                    f"UPDATE claims SET cluster_id = ? WHERE id IN ({marks})", [cluster_id, *chunk]
                )

    # Queue order is re-queued first, then pending, then the rest, each by score. One ORDER BY over a
    # CASE expression cannot use the claim_state_queue index, so at 100k claims every page, count and
    # next-claim sorted the whole queue (150-650 ms each). Each status is read on its own instead, in
    # index order (superseded, status, score DESC, claim_id): a page or the next claim costs ~1 ms.
    QUEUE_ORDER = ("requeued", "pending", "in_review", "decided")

    def queue(
        self,
        *,
        statuses: Sequence[str] | None = None,
        search: str | None = None,
        offset: int = 0,
        limit: int = 200,
        now: str | None = None,
    ) -> list[Claim]:
        """A page of the queue in review order: re-queued first, then pending by score, then the rest."""
        out: list[Claim] = []
        for status in self._queue_statuses(statuses):
            if limit <= 0:
                break
            where, params = self._queue_filter([status], search)
            size = self._count(where, params, search)
            if offset >= size:
                offset -= size
                continue
            join = "JOIN claims c ON c.id = s.claim_id" if search else ""
            ids = (
                f"SELECT s.claim_id FROM claim_state s {join} WHERE {where} "
                "ORDER BY s.score DESC, s.claim_id LIMIT ? OFFSET ?"
            )
            sql = _CLAIM_SELECT + f" WHERE c.id IN ({ids}) ORDER BY s.score DESC, c.id"
            page = [_claim(r) for r in self._all(sql, [*params, limit, offset])]
            out += page
            limit -= len(page)
            offset = 0
        return out

    def queue_count(self, *, statuses: Sequence[str] | None = None, search: str | None = None) -> int:
        """How many claims a queue filter matches."""
        where, params = self._queue_filter(statuses, search)
        return self._count(where, params, search)

    def _count(self, where: str, params: list[Any], search: str | None) -> int:
        join = "JOIN claims c ON c.id = s.claim_id" if search else ""  # no join unless the text is searched
        return int(
            self.db.execute(f"SELECT count(*) FROM claim_state s {join} WHERE {where}", params).fetchone()[0]
        )

    def _queue_statuses(self, statuses: Sequence[str] | None) -> list[str]:
        wanted = list(statuses) if statuses else list(self.QUEUE_ORDER)
        return [s for s in self.QUEUE_ORDER if s in wanted] + [s for s in wanted if s not in self.QUEUE_ORDER]

    @staticmethod
    def _queue_filter(statuses: Sequence[str] | None, search: str | None) -> tuple[str, list[Any]]:
        where = ["s.superseded = 0"]
        params: list[Any] = []
        if statuses:
            where.append(f"s.status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        if search:
            where.append("c.text LIKE ? ESCAPE '\\'")
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        return " AND ".join(where), params

    def next_available(self, reviewer: str, now: str, *, exclude: Sequence[int] = ()) -> Claim | None:
        """The first open claim in queue order that nobody else holds a live lease on (or that this
        reviewer already holds), skipping ``exclude``."""
        skip = f"AND s.claim_id NOT IN ({','.join('?' * len(exclude))}) " if exclude else ""
        for status in ("requeued", "pending"):
            sql = (
                "SELECT s.claim_id FROM claim_state s WHERE s.superseded = 0 AND s.status = ? "
                "AND (s.lease_owner IS NULL OR s.lease_expires <= ? OR s.lease_owner = ?) "
                + skip
                + "ORDER BY s.score DESC, s.claim_id LIMIT 1"
            )
            row = self.db.execute(sql, [status, now, reviewer, *exclude]).fetchone()
            if row is not None:
                return self.claim(int(row[0]))
        return None

    def held_by(self, reviewer: str) -> list[int]:
        """Ids of the claims a reviewer holds a lease on."""
        return [
            r["claim_id"]
            for r in self._all("SELECT claim_id FROM claim_state WHERE lease_owner = ?", [reviewer])
        ]

    def last_live_decision(self, reviewer: str) -> Event | None:
        """The reviewer's most recent decision that no undo has cancelled and that is still the
        claim's decision in force."""
        row = self._one(
            "SELECT e.* FROM events e JOIN claim_state s ON s.claim_id = e.claim_id AND s.decision_event_id = e.id "
            "WHERE e.reviewer = ? AND e.kind = 'decided' AND s.superseded = 0 ORDER BY e.id DESC LIMIT 1",
            [reviewer],
        )
        return _event(row) if row else None

    def status_counts(self) -> dict[str, int]:
        """Current claims by status."""
        rows = self._all("SELECT status, count(*) AS n FROM claim_state WHERE superseded = 0 GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    def verdict_counts(self) -> dict[str, int]:
        """Current decisions by verdict."""
        rows = self._all(
            "SELECT verdict, count(*) AS n FROM claim_state WHERE superseded = 0 AND verdict IS NOT NULL "
            "GROUP BY verdict"
        )
        return {r["verdict"]: int(r["n"]) for r in rows}

    def expired_leases(self, now: str) -> list[Claim]:
        """Claims whose lease ran out (a reviewer went away or was killed)."""
        rows = self._all(_CLAIM_SELECT + " WHERE s.lease_owner IS NOT NULL AND s.lease_expires <= ?", [now])
        return [_claim(r) for r in rows]

    # --- review state and history ------------------------------------------------------------

    def append_event(
        self,
        claim_id: int,
        kind: EventKind,
        *,
        reviewer: str | None,
        at: str,
        verdict: Verdict | None = None,
        evidence_passage_id: int | None = None,
        note: str | None = None,
        detail: dict[str, Any] | None = None,
        undoes: int | None = None,
    ) -> int:
        """Append one history event (never updated or deleted afterwards) and return its id."""
        table = self.db.table("events")
        table.insert(
            {
                "claim_id": claim_id,
                "kind": str(kind),
                "verdict": str(verdict) if verdict else None,
                "evidence_passage_id": evidence_passage_id,
                "note": note,
                "reviewer": reviewer,
                "at": at,
                "detail": to_json(detail) if detail is not None else None,
                "undoes": undoes,
            }
        )
        return _pk(table.last_pk)

    def set_state(self, claim_id: int, **fields: Any) -> None:
        """Update a claim's state projection (call inside ``write()`` with the event that caused it)."""
        if "requeue_reason" in fields and fields["requeue_reason"] is not None:
            fields["requeue_reason"] = to_json(fields["requeue_reason"])
        for key in ("status", "verdict"):
            if fields.get(key) is not None:
                fields[key] = str(fields[key])
        assignments = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(
            f"UPDATE claim_state SET {assignments} WHERE claim_id = ?", [*fields.values(), claim_id]
        )

    def history(self, claim_id: int) -> list[Event]:
        """A claim's events, oldest first."""
        return [
            _event(r) for r in self._all("SELECT * FROM events WHERE claim_id = ? ORDER BY id", [claim_id])
        ]

    def histories(self, claim_ids: Sequence[int]) -> dict[int, list[Event]]:
        """Many claims' events at once (for reports)."""
        out: dict[int, list[Event]] = {i: [] for i in claim_ids}
        for chunk in _chunks(list(claim_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self._all(f"SELECT * FROM events WHERE claim_id IN ({marks}) ORDER BY id", chunk):
                out[r["claim_id"]].append(_event(r))
        return out

    def event(self, event_id: int) -> Event:
        """One event by id."""
        row = self._one("SELECT * FROM events WHERE id = ?", [event_id])
        if row is None:
            raise StoreError(f"no event with id {event_id}")
        return _event(row)

    # --- candidates --------------------------------------------------------------------------

    def replace_candidates(self, claim_id: int, candidates: Sequence[Candidate]) -> None:
        """Set a claim's ranked evidence candidates (derived data, recomputed when the corpus grows)."""
        self.set_candidates({claim_id: candidates})

    def candidates(self, claim_id: int, *, limit: int | None = None) -> list[Candidate]:
        """A claim's candidates, best first."""
        sql = "SELECT * FROM candidates WHERE claim_id = ? ORDER BY rank"
        params: list[Any] = [claim_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_candidate(r) for r in self._all(sql, params)]

    def candidates_for(
        self, claim_ids: Sequence[int], *, per_claim: int | None = None
    ) -> dict[int, list[Candidate]]:
        """Candidates of many claims at once, best first; ``per_claim`` keeps only the top ones (ranks
        start at 1), which is what a report shows and much less to decode."""
        out: dict[int, list[Candidate]] = {i: [] for i in claim_ids}
        rank_cap = "AND rank <= ?" if per_claim is not None else ""
        for chunk in _chunks(list(claim_ids), 500):
            marks = ",".join("?" * len(chunk))
            params = [*chunk, per_claim] if per_claim is not None else chunk
            sql = f"SELECT * FROM candidates WHERE claim_id IN ({marks}) {rank_cap} ORDER BY claim_id, rank"
            for r in self._all(sql, params):
                out[r["claim_id"]].append(_candidate(r))
        return out

    # --- helpers -----------------------------------------------------------------------------

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _rows_in(self, sql: str, ids: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` for distinct ``ids``, whose ``{marks}`` is the placeholder list of an IN
        clause: run 500 ids at a time, below SQLite's limit on variables (a chunk's rows are in order)."""
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    # --- matching support --------------------------------------------------------------------
    # Lean queries for factcheck.matching: evidence ranking runs thousands of times per ingest, so
    # these return plain tuples instead of models where the caller only needs a few columns.

    def fts_tokens(self, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The terms the passages' FTS5 tokenizer (porter, unicode61) makes of each word, so a caller
        can look up document frequencies of exactly the terms the index holds. Uses a scratch FTS5
        table in the connection's temp schema; nothing is written to the database file."""
        unique = list(dict.fromkeys(words))
        if not unique:
            return {}
        conn = self.db.conn
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fc_tokens USING fts5(w, tokenize='porter unicode61 remove_diacritics 2')"
        )
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fc_tokens_v USING fts5vocab(temp, fc_tokens, 'instance')"
        )
        conn.execute("DELETE FROM temp.fc_tokens")
        conn.executemany("INSERT INTO temp.fc_tokens (rowid, w) VALUES (?, ?)", list(enumerate(unique)))
        terms: dict[int, list[str]] = {}
        for doc, term in conn.execute("SELECT doc, term FROM temp.fc_tokens_v ORDER BY doc, offset"):
            terms.setdefault(int(doc), []).append(str(term))
        conn.execute("DELETE FROM temp.fc_tokens")
        return {word: tuple(terms.get(i, ())) for i, word in enumerate(unique)}

    def evidence_hits(
        self, match: str, *, limit: int, exclude_article_ids: Sequence[int] = ()
    ) -> list[tuple[int, int, str, float]]:
        """(passage id, article id, text, bm25) of current non-boilerplate passages matching an FTS5
        expression, best first (bm25: lower is better). ``search_passages`` without the models."""
        where = "passages_fts MATCH ? AND p.boilerplate = 0 AND a.superseded = 0"
        params: list[Any] = [match]
        if exclude_article_ids:
            where += f" AND p.article_id NOT IN ({','.join('?' * len(exclude_article_ids))})"
            params.extend(exclude_article_ids)
        sql = (
            "SELECT p.id, p.article_id, p.text, bm25(passages_fts) AS rank FROM passages_fts "
            "JOIN passages p ON p.id = passages_fts.rowid JOIN articles a ON a.id = p.article_id "
            f"WHERE {where} ORDER BY rank LIMIT ?"
        )
        try:
            rows = self.db.execute(sql, [*params, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query: {exc}") from None
        return [(int(r[0]), int(r[1]), str(r[2]), float(r[3])) for r in rows]

    def claim_hits(
        self, match: str, *, limit: int, exclude_article_ids: Sequence[int] = ()
    ) -> list[tuple[int, int | None, str]]:
        """(claim id, article id, text) of current claims matching an FTS5 expression over claim
        text (``claims_fts``), best first; manual claims have no article."""
        where = "claims_fts MATCH ? AND s.superseded = 0"
        params: list[Any] = [match]
        if exclude_article_ids:  # one JSON parameter: a batch of new articles may be thousands long
            where += " AND (c.article_id IS NULL OR c.article_id NOT IN (SELECT value FROM json_each(?)))"
            params.append(json.dumps(list(exclude_article_ids)))
        sql = (
            "SELECT c.id, c.article_id, c.text FROM claims_fts JOIN claims c ON c.id = claims_fts.rowid "
            f"JOIN claim_state s ON s.claim_id = c.id WHERE {where} ORDER BY bm25(claims_fts) LIMIT ?"
        )
        try:
            rows = self.db.execute(sql, [*params, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query: {exc}") from None
        return [(int(r[0]), None if r[1] is None else int(r[1]), str(r[2])) for r in rows]

    def articles_by_id(self, ids: Iterable[int]) -> dict[int, Article]:
        """Several articles at once, without their text."""
        cols = "id, path, title, sha256, version, superseded, encoding, ingested_at, duplicate_of, stage"
        out: dict[int, Article] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for r in self._all(f"SELECT {cols} FROM articles WHERE id IN ({marks})", chunk):
                out[r["id"]] = _article(r)
        return out

    def set_candidates(self, by_claim: Mapping[int, Sequence[Candidate]]) -> None:
        """Replace the candidates of several claims in one transaction (``replace_candidates`` for a
        batch: one DELETE and one executemany per chunk instead of a statement per claim)."""
        self.set_candidate_rows(list(by_claim), candidate_rows(by_claim))

    def set_candidate_rows(self, claim_ids: Sequence[int], rows: Sequence[CandidateRow]) -> None:
        """``set_candidates`` with the rows already encoded by ``candidate_rows`` (which a worker
        process can do, so the writer only writes)."""
        with self.write():
            for chunk in _chunks(list(claim_ids), 500):
                marks = ",".join("?" * len(chunk))
                self.db.execute(f"DELETE FROM candidates WHERE claim_id IN ({marks})", chunk)
            self.db.conn.executemany(_INSERT_CANDIDATE, rows)

    def approx_passage_count(self) -> int:
        """Passages ever stored (the largest id: O(1), unlike count(*)); enough for idf weights."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0])

    def article_version(self, path: str, version: int) -> Article | None:
        """One version of the article ingested from ``path`` (without its text)."""
        cols = "id, path, title, sha256, version, superseded, encoding, ingested_at, duplicate_of, stage"
        row = self._one(f"SELECT {cols} FROM articles WHERE path = ? AND version = ?", [path, version])
        return _article(row) if row else None

    def claims_citing_article(self, article_id: int) -> list[int]:
        """Claims that hold a candidate passage from this article (to refresh them when it changes)."""
        rows = self.db.execute(
            "SELECT DISTINCT k.claim_id FROM candidates k JOIN passages p ON p.id = k.passage_id "
            "WHERE p.article_id = ? ORDER BY 1",
            [article_id],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def claims_stated_in(self, passage_ids: Iterable[int]) -> dict[int, list[int]]:
        """Current claims whose text starts in each of these passages (passage id -> claim ids)."""
        sql = (
            "SELECT c.passage_id, c.id FROM claims c JOIN claim_state s ON s.claim_id = c.id "
            "WHERE s.superseded = 0 AND c.passage_id IN ({marks}) ORDER BY c.id"
        )
        out: dict[int, list[int]] = {}
        for passage_id, claim_id in self._rows_in(sql, passage_ids):
            out.setdefault(int(passage_id), []).append(int(claim_id))
        return out

    def candidate_floors(self, claim_ids: Sequence[int], keep: int) -> dict[int, float]:
        """For each claim, the score a new candidate must beat to enter its best ``keep`` (0 while its
        list is shorter)."""
        sql = "SELECT claim_id, count(*), min(score) FROM candidates WHERE claim_id IN ({marks}) GROUP BY claim_id"
        return {int(cid): float(low) if n >= keep else 0.0 for cid, n, low in self._rows_in(sql, claim_ids)}

    def merge_candidates(
        self, by_claim: Mapping[int, Sequence[Candidate]], *, keep: int, rerank: Iterable[int] = ()
    ) -> dict[int, dict[int, int]]:
        """Add candidates to claims' stored lists (replacing a stored one for the same passage), rank each
        touched list by score (then passage id) and keep its best ``keep``; ``rerank`` lists are ranked
        again too. Returns, per claim, {passage id: rank} of the added candidates that stayed."""
        touched = list(dict.fromkeys([*by_claim, *rerank]))
        stayed: dict[int, dict[int, int]] = {cid: {} for cid in touched}
        added = {cid: {c.passage_id for c in cs} for cid, cs in by_claim.items()}
        dropped: list[tuple[int, int]] = []
        moved: list[tuple[int, int, int]] = []
        with self.write():
            self.db.conn.executemany(
                _INSERT_CANDIDATE.replace("INSERT", "INSERT OR REPLACE", 1), candidate_rows(by_claim)
            )
            ranked = (  # every touched list ranked anew, 500 claims a query
                "SELECT claim_id, passage_id, rank, row_number() OVER "
                "(PARTITION BY claim_id ORDER BY score DESC, passage_id) FROM candidates WHERE claim_id IN ({marks})"
            )
            for cid, pid, old, new in self._rows_in(ranked, touched):
                if new > keep:
                    dropped.append((cid, pid))
                    continue
                if old != new:
                    moved.append((new, cid, pid))
                if pid in added.get(cid, ()):
                    stayed[cid][pid] = new
            self.db.conn.executemany("DELETE FROM candidates WHERE claim_id = ? AND passage_id = ?", dropped)
            self.db.conn.executemany(
                "UPDATE candidates SET rank = ? WHERE claim_id = ? AND passage_id = ?", moved
            )
        return stayed

    def drop_candidates_in_article(self, article_id: int) -> list[int]:
        """Delete every candidate that points into this article (e.g. a superseded version); returns the
        claims that lost one."""
        with self.write():
            claims = self.claims_citing_article(article_id)
            self.db.execute(
                "DELETE FROM candidates WHERE passage_id IN (SELECT id FROM passages WHERE article_id = ?)",
                [article_id],
            )
        return claims

    def candidate_scores(self, claim_ids: Sequence[int]) -> dict[int, list[tuple[int, float]]]:
        """(passage id, score) of each claim's candidates, best first, without building models."""
        out: dict[int, list[tuple[int, float]]] = {i: [] for i in claim_ids}
        sql = "SELECT claim_id, passage_id, score FROM candidates WHERE claim_id IN ({marks}) ORDER BY claim_id, rank"
        for claim_id, passage_id, score in self._rows_in(sql, claim_ids):
            out[int(claim_id)].append((int(passage_id), float(score)))
        return out

    def cluster_member_ids(self, cluster_id: int) -> list[int]:
        """Ids of the current claims in a cross-source cluster."""
        rows = self.db.execute(
            "SELECT c.id FROM claims c JOIN claim_state s ON s.claim_id = c.id "
            "WHERE c.cluster_id = ? AND s.superseded = 0 ORDER BY c.id",
            [cluster_id],
        ).fetchall()
        return [int(r[0]) for r in rows]


_CLAIM_SELECT = (
    "SELECT c.*, s.status, s.verdict, s.evidence_passage_id, s.note, s.reviewer, s.decided_at, s.requeue_reason, "
    "s.lease_owner, s.lease_expires, s.superseded FROM claims c JOIN claim_state s ON s.claim_id = c.id"
)


def _writable(path: Path) -> bool:
    try:
        with path.open("r+b"):
            return True
    except OSError:
        return False


def _varint(data: bytes) -> int:
    """The first SQLite varint of a blob (FTS5 stores a document's token count this way)."""
    value = 0
    for i, byte in enumerate(data[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return value


_INSERT_CANDIDATE = (
    "INSERT INTO candidates (claim_id, passage_id, rank, score, components, quantities, syndicated, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


CandidateRow = tuple[int, int, int, float, str, str, int, str]
"""A candidate as stored: claim id, passage id, rank, score, components and quantities (JSON),
syndicated, created at."""


def candidate_rows(by_claim: Mapping[int, Sequence[Candidate]]) -> list[CandidateRow]:
    """Candidates as rows for ``_INSERT_CANDIDATE``, all stamped with one time."""
    now = utcnow()
    return [
        (
            claim_id,
            c.passage_id,
            c.rank,
            c.score,
            to_json(c.components),
            to_json(c.quantities),
            int(c.syndicated),
            now,
        )
        for claim_id, cands in by_claim.items()
        for c in cands
    ]


def _pk(value: Any) -> int:
    if value is None:
        raise StoreError("insert returned no row id")
    return int(value)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _article(r: dict[str, Any]) -> Article:
    return Article(
        id=r["id"],
        path=r["path"],
        title=r["title"],
        sha256=r["sha256"],
        version=r["version"],
        superseded=bool(r["superseded"]),
        encoding=r["encoding"],
        ingested_at=r["ingested_at"],
        duplicate_of=r["duplicate_of"],
        stage=r.get("stage") or "linked",
        text=r.get("text") or "",
    )


def _passage(r: dict[str, Any]) -> Passage:
    return Passage.model_construct(
        id=r["id"],
        article_id=r["article_id"],
        ordinal=r["ordinal"],
        paragraph=r["paragraph"],
        start=r["start"],
        end=r["end"],
        text=r["text"],
        kind=r["kind"],
        boilerplate=bool(r["boilerplate"]),
    )


def _claim(r: dict[str, Any]) -> Claim:
    return Claim(
        id=r["id"],
        article_id=r["article_id"],
        text=r["text"],
        start=r["start"],
        end=r["end"],
        score=r["score"],
        reasons=_loads(r["reasons"]) or [],
        quantities=_loads(r["quantities"]) or [],
        origin=r["origin"],
        source_note=r["source_note"],
        cluster_id=r["cluster_id"],
        passage_id=r["passage_id"],
        status=_status(r),
        verdict=Verdict(r["verdict"]) if r["verdict"] else None,
        evidence_passage_id=r["evidence_passage_id"],
        note=r["note"],
        reviewer=r["reviewer"],
        decided_at=r["decided_at"],
        requeue_reason=_loads(r["requeue_reason"]),
        lease_owner=r["lease_owner"],
        lease_expires=r["lease_expires"],
        superseded=bool(r["superseded"]),
    )


def _status(r: dict[str, Any]) -> ClaimStatus:
    """Stored status, except that an open claim under a live lease shows as in review."""
    if r["lease_owner"] and r["status"] != "decided" and (r["lease_expires"] or "") > utcnow():
        return ClaimStatus.IN_REVIEW
    return ClaimStatus(r["status"])


def _candidate(r: dict[str, Any]) -> Candidate:
    # Rows we wrote ourselves, already typed above: skip re-validation (reports read 100,000s of them).
    return Candidate.model_construct(
        claim_id=r["claim_id"],
        passage_id=r["passage_id"],
        rank=r["rank"],
        score=r["score"],
        components=_loads(r["components"]) or {},
        quantities=_loads(r["quantities"]) or [],
        syndicated=bool(r["syndicated"]),
    )


def _event(r: dict[str, Any]) -> Event:
    return Event(
        id=r["id"],
        claim_id=r["claim_id"],
        kind=EventKind(r["kind"]),
        verdict=Verdict(r["verdict"]) if r["verdict"] else None,
        evidence_passage_id=r["evidence_passage_id"],
        note=r["note"],
        reviewer=r["reviewer"],
        at=r["at"],
        detail=_loads(r["detail"]),
        undoes=r["undoes"],
    )
