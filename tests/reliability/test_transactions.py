"""Every read-then-write runs inside one ``BEGIN IMMEDIATE`` transaction.

Why it matters: under WAL, a deferred ``BEGIN; SELECT ...; INSERT ...`` that has to upgrade its read
lock gets SQLITE_BUSY at once (the busy timeout does not apply to a lock upgrade): with two writers
that failed 1,423 times in 4,000. And a decision made on a read taken outside the transaction can
overwrite what another reviewer committed in between. So we watch the SQL each review operation
actually sends to SQLite (the connection's trace callback) and check where its reads and writes fall.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reliability_support import build_queue

from factcheck.models import Candidate, ExtractedClaim
from factcheck.queue import Reviewer, expire_leases, requeue
from factcheck.segment import split_passages
from factcheck.storage import Store

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _keyword(sql: str) -> str:
    return sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""


def traced(store: Store, action: Callable[[], object]) -> list[str]:
    """The SQL statements ``action`` sends to SQLite, in order."""
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        action()
    finally:
        store.db.conn.set_trace_callback(None)
    return statements


def misplaced(statements: list[str]) -> list[str]:
    """Statements that break the rule: a write outside BEGIN IMMEDIATE ... COMMIT, or (when the
    operation writes) a read before its first BEGIN IMMEDIATE, whose answer the write would rely on."""
    problems: list[str] = []
    inside = False
    began = False
    writes = any(_keyword(s) in WRITES for s in statements)
    for sql in statements:
        word = _keyword(sql)
        if sql.strip().upper().startswith("BEGIN"):
            if sql.strip().upper() != "BEGIN IMMEDIATE":
                problems.append(f"deferred transaction: {sql}")
            inside = began = True
        elif word in ("COMMIT", "ROLLBACK", "END"):
            inside = False
        elif word in WRITES and not inside:
            problems.append(f"write outside BEGIN IMMEDIATE: {sql[:100]}")
        elif word == "SELECT" and writes and not began:
            problems.append(f"read before the write transaction: {sql[:100]}")
    return problems


@pytest.fixture
def queue(tmp_path: Path) -> tuple[Store, list[int], int]:
    ids, evidence = build_queue(tmp_path / "queue.db", 6)
    store = Store(tmp_path / "queue.db")
    yield store, ids, evidence  # type: ignore[misc]
    store.close()


NOW = datetime.now(UTC).replace(microsecond=0)


def test_every_review_operation_reads_and_writes_in_one_immediate_transaction(
    queue: tuple[Store, list[int], int],
) -> None:
    store, ids, evidence = queue
    ana, ben = Reviewer(store, "ana"), Reviewer(store, "ben")
    operations: list[tuple[str, Callable[[], object]]] = [
        ("next", lambda: ana.next(now=NOW)),
        ("next again (renew)", lambda: ana.next(now=NOW)),
        ("lease", lambda: ben.lease(ids[1], now=NOW)),
        ("note", lambda: ana.note(ids[0], "call the hospital", now=NOW)),
        ("decide", lambda: ana.decide(ids[0], "verified", evidence_passage_id=evidence, now=NOW)),
        ("undo", lambda: ana.undo(now=NOW)),
        ("decide unsupported", lambda: ana.decide(ids[0], "unsupported", now=NOW)),
        ("requeue", lambda: requeue(store, ids[0], {"article_title": "B", "score": 90.0}, now=NOW)),
        ("keep verdict", lambda: ana.keep_verdict(ids[0], now=NOW)),
        ("skip", lambda: ben.release(ids[1], skipped=True, now=NOW)),
        ("release", lambda: (ana.lease(ids[2], now=NOW), ana.release(ids[2], now=NOW))[1]),
        (
            "expire leases",
            lambda: (ben.lease(ids[3], now=NOW), expire_leases(store, now=NOW + timedelta(hours=1))),
        ),
    ]
    report = {}
    for name, action in operations:
        statements = traced(store, action)
        assert any(_keyword(s) in WRITES for s in statements), f"{name} wrote nothing"
        report[name] = misplaced(statements)
    assert report == {name: [] for name, _ in operations}


def test_store_writes_are_immediate_transactions(queue: tuple[Store, list[int], int]) -> None:
    store, ids, evidence = queue
    text = "The council said 40 roads were closed. Police said 3 people were hurt."
    spans = split_passages(text)
    operations: list[tuple[str, Callable[[], object]]] = [
        (
            "add article (new version of an existing path)",
            lambda: store.add_article(
                path="claims.txt",
                title="v2",
                sha256="d" * 64,
                text=text,
                encoding="utf-8",
                size=1,
                spans=spans,
            ),
        ),
        (
            "add claims",
            lambda: store.add_claims(None, [ExtractedClaim(text="x said 5", start=0, end=8, score=0.5)]),
        ),
        (
            "replace candidates",
            lambda: store.replace_candidates(
                ids[0], [Candidate(claim_id=ids[0], passage_id=evidence, rank=1, score=80)]
            ),
        ),
        ("cluster", lambda: store.set_cluster(ids[:2], 1)),
    ]
    report = {name: misplaced(traced(store, action)) for name, action in operations}
    assert report == {name: [] for name, _ in operations}
