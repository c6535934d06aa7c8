"""A reviewer killed with SIGKILL at any moment loses no acknowledged decision, leaves a sound database,
and its lease runs out so the claim it held goes back to the queue."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from reliability_support import HELPERS, build_queue, fingerprint, needs_cli

from factcheck.ingest import ingest_paths
from factcheck.models import ClaimStatus, EventKind
from factcheck.queue import Reviewer, expire_leases, replay
from factcheck.settings import Settings
from factcheck.storage import Store

LOOP = HELPERS / "reviewer_loop.py"
SEED = 20250409
ROUNDS = 8


def _start(db: Path, name: str, evidence: int, lease_minutes: float, think: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(LOOP), str(db), name, str(evidence), "0", str(lease_minutes), str(think)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill(proc: subprocess.Popen[bytes], out: bytes = b"") -> list[str]:
    """SIGKILL the reviewer and return the complete lines it printed (a line the kill cut short has no
    newline, so it was never acknowledged)."""
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL, f"the reviewer ended on its own: {err.decode()}"
    assert b"Traceback" not in err, err.decode()
    return (out + rest).decode().split("\n")[:-1]


def _run_and_kill(db: Path, name: str, evidence: int, delay: float, *, after_ready: bool) -> list[str]:
    """Start a reviewer and SIGKILL it ``delay`` seconds after it starts, or after it has opened the
    database and said READY (so the kill lands in the review loop however slow start-up is today)."""
    proc = _start(db, name, evidence, 10.0, think=0.003)
    seen = b""
    if after_ready:
        seen = proc.stdout.readline()  # type: ignore[union-attr]
        assert seen == b"READY\n", proc.communicate()[1].decode()
    time.sleep(delay)
    return _kill(proc, seen)


def _acked(lines: list[str]) -> list[int]:
    return [int(line.split()[1]) for line in lines if line.startswith("ACK ")]


def _check_after_crash(store: Store, name: str, acked: list[int]) -> list[int]:
    """Every acknowledged decision is in force; state is the replay of history. Returns held claims."""
    for claim_id in acked:
        claim = store.claim(claim_id)
        assert claim.status is ClaimStatus.DECIDED and claim.reviewer == name, (claim_id, claim)
        decided = [e for e in store.history(claim_id) if e.kind is EventKind.DECIDED]
        assert [e.reviewer for e in decided] == [name], "decided exactly once, by the dead reviewer"
    held = store.held_by(name)
    assert len(held) <= 1, "a reviewer holds at most the one claim it was working on"
    return held


def test_sigkill_at_random_moments_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    ids, evidence = build_queue(db, 3000)
    rng = random.Random(SEED)
    all_acked: list[int] = []
    killed_holding = rounds = 0
    # Eight rounds, and more (up to 30) until at least three kills landed while a claim was held.
    while rounds < ROUNDS or (killed_holding < 3 and rounds < 30):
        name = f"crash-{rounds}"
        # Every fourth kill lands during start-up (opening the database), the rest in the loop.
        startup = rounds % 4 == 0
        delay = rng.uniform(0.0, 0.4)
        acked = _acked(_run_and_kill(db, name, evidence, delay, after_ready=not startup))
        rounds += 1
        all_acked.extend(acked)
        assert fingerprint(db)["integrity"] == "ok"
        with Store(db, create=False) as store:
            held = _check_after_crash(store, name, acked)
            if not held:
                continue
            killed_holding += 1
            now = datetime.now(UTC)
            [claim_id] = held
            rescuer = Reviewer(store, "rescuer")
            other = rescuer.store.next_available("rescuer", now.isoformat(timespec="seconds"))
            assert other is None or other.id != claim_id, "a live lease is honoured after its owner died"
            later = now + timedelta(minutes=11)
            assert expire_leases(store, now=later) == 1
            released = store.history(claim_id)[-1]
            assert released.kind is EventKind.RELEASED and released.reviewer == name
            assert released.detail == {"reason": "lease expired"}
            got = rescuer.next(now=later)
            assert got is not None and got.id == claim_id, "the dead reviewer's claim is next in the queue"
            rescuer.release(claim_id, now=later)
    assert killed_holding >= 3, "kills should often land while a claim was held"
    assert len(all_acked) > 100, "the reviewers should have got through a fair amount of work"
    assert len(set(all_acked)) == len(all_acked)
    with Store(db, create=False) as store:
        assert store.integrity_ok()
        histories = store.histories(ids)
        for claim in store.claims(ids=ids):
            state = replay(histories[claim.id])
            assert (state.status, state.verdict, state.reviewer) == (
                ClaimStatus.PENDING if claim.status is ClaimStatus.IN_REVIEW else claim.status,
                claim.verdict,
                claim.reviewer,
            ), "the stored state is the replay of the stored history"
            decided = [e for e in histories[claim.id] if e.kind is EventKind.DECIDED]
            assert len(decided) <= 1, f"claim {claim.id} decided twice"


def test_a_short_lease_of_a_killed_reviewer_runs_out_in_real_time(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    _, evidence = build_queue(db, 50)
    lease_minutes = 1 / 60  # one second
    proc = _start(db, "shortlived", evidence, lease_minutes, think=30)
    seen = b""
    while b"LEASE" not in seen:  # killed while reading its first claim
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line, "the reviewer died before leasing anything"
        seen += line
    lines = _kill(proc, seen)
    assert _acked(lines) == []
    with Store(db, create=False) as store:
        [held] = _check_after_crash(store, "shortlived", [])
        assert expire_leases(store) == 0, "the lease is still live right after the kill"
        time.sleep(2.1)
        assert expire_leases(store) == 1
        assert store.history(held)[-1].detail == {"reason": "lease expired"}
        got = Reviewer(store, "rescuer", Settings(lease_minutes=lease_minutes)).next()
        assert got is not None and got.id == held


def _claims_by_article(store: Store) -> dict[str, list[tuple[str, int]]]:
    """Each article's claims, with how many evidence candidates each has."""
    out: dict[str, list[tuple[str, int]]] = {}
    for article in store.articles():
        claims = store.claims(article_id=article.id)
        candidates = store.candidates_for([c.id for c in claims])
        out[article.path] = [(c.text, len(candidates[c.id])) for c in claims]
    return out


@needs_cli
@pytest.mark.parametrize("mode", ["--pipeline", "--batch"])
def test_ingest_killed_mid_article_loses_nothing_on_the_next_scan(
    tmp_path: Path, sample_dir: Path, mode: str
) -> None:
    """Kill an ingest while it extracts claims and links evidence (one article at a time, or a batch as
    the CLI does); the next scan must end exactly where an uninterrupted ingest ends: every article with
    all its claims and candidates."""
    from factcheck.pipeline import process_article, process_articles

    hook: dict[str, Any] = (
        {"after_article": process_article} if mode == "--pipeline" else {"after_batch": process_articles}
    )
    marker = b"FILE " if mode == "--pipeline" else b"STEP"
    with Store(tmp_path / "clean.db") as store:
        ingest_paths(store, [sample_dir], base=tmp_path, **hook)
        expected = _claims_by_article(store)
    assert sum(len(v) for v in expected.values()) > 20
    rng = random.Random(SEED)
    db = tmp_path / "queue.db"
    for round_no in range(2):
        proc = subprocess.Popen(
            [sys.executable, str(HELPERS / "ingest_folder.py"), str(db), str(sample_dir), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Let it start on the (round + 2)-th file, then kill it a moment later: inside that article.
        seen = b""
        while seen.count(marker) < round_no + 2:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line, proc.communicate()[1].decode()
            seen += line
        time.sleep(rng.uniform(0.0, 0.15))
        _kill(proc, seen)
        assert fingerprint(db)["integrity"] == "ok"
    with Store(db) as store:
        report = ingest_paths(store, [sample_dir], base=tmp_path, **hook)
        assert report.ok
        assert _claims_by_article(store) == expected
