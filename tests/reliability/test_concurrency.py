"""Several reviewers on one queue.db at once: nobody gets a claim someone else holds, nothing is decided
twice, and SQLite's "database is locked" never reaches a user."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from reliability_support import (
    FORBIDDEN_STDERR,
    HELPERS,
    build_queue,
    fingerprint,
    needs_cli,
    run_factcheck,
)

from factcheck.models import Event, EventKind
from factcheck.settings import DEFAULT_SETTINGS
from factcheck.storage import Store

LOOP = HELPERS / "reviewer_loop.py"
INGEST = HELPERS / "ingest_folder.py"


def lease_overlaps(events: list[Event], lease_minutes: float = DEFAULT_SETTINGS.lease_minutes) -> list[str]:
    """Times a claim was leased to a reviewer while another reviewer's lease on it was still live.

    A lease ends with its holder's decision, release or skip, or when it runs out; an undo hands the
    claim back to the reviewer who undid it."""
    problems: list[str] = []
    holder: dict[int, tuple[str, datetime]] = {}
    for e in events:
        at = datetime.fromisoformat(e.at)
        current = holder.get(e.claim_id)
        live = current is not None and at < current[1] + timedelta(minutes=lease_minutes)
        if e.kind is EventKind.LEASED:
            if live and current is not None and current[0] != e.reviewer:
                problems.append(f"claim {e.claim_id} leased to {e.reviewer} while {current[0]} held it")
            holder[e.claim_id] = (e.reviewer or "", at)
        elif e.kind is EventKind.UNDONE:
            holder[e.claim_id] = (e.reviewer or "", at)
        elif e.kind in (EventKind.DECIDED, EventKind.RELEASED, EventKind.SKIPPED):
            holder.pop(e.claim_id, None)
    return problems


def all_events(store: Store) -> list[Event]:
    ids = [c.id for c in store.claims(include_superseded=True)]
    return sorted((e for es in store.histories(ids).values() for e in es), key=lambda e: e.id)


def _check_stderr(err: bytes, who: str) -> None:
    text = err.decode("utf-8", "replace")
    for bad in FORBIDDEN_STDERR:
        assert bad not in text, f"{who}: {text}"


def _cli_worker(
    db: Path, name: str, decisions: int, results: list[tuple[str, int]], errors: list[str]
) -> None:
    """A reviewer using the headless commands: `factcheck next --json`, then `factcheck decide`."""
    for _ in range(decisions):
        nxt = run_factcheck(["next", "--json", "--reviewer", name], cwd=db.parent, db=db)
        _check_stderr(nxt.stderr, f"{name} next")
        if nxt.returncode != 0:
            errors.append(f"{name} next: exit {nxt.returncode}: {nxt.stderr.decode()}")
            return
        claim = json.loads(nxt.stdout)
        if claim is None:
            return
        verdict = ["decide", str(claim["id"]), "--verdict", "unsupported", "--reviewer", name]
        done = run_factcheck(verdict, cwd=db.parent, db=db)
        _check_stderr(done.stderr, f"{name} decide")
        if done.returncode != 0:
            errors.append(f"{name} decide {claim['id']}: exit {done.returncode}: {done.stderr.decode()}")
            return
        results.append((name, claim["id"]))


def _check_queue_after(db: Path, claim_ids: list[int], acked: list[tuple[str, int]]) -> None:
    counts = Counter(claim_id for _, claim_id in acked)
    assert not [c for c, n in counts.items() if n > 1], "a claim was acknowledged to two reviewers"
    assert set(counts) == set(claim_ids), "every claim was decided by exactly one reviewer"
    assert fingerprint(db)["integrity"] == "ok"
    with Store(db, create=False) as store:
        events = all_events(store)
        assert lease_overlaps(events) == []
        decided = Counter(e.claim_id for e in events if e.kind is EventKind.DECIDED)
        assert decided == Counter(claim_ids), "each claim decided exactly once"
        by_reviewer = {(e.reviewer, e.claim_id) for e in events if e.kind is EventKind.DECIDED}
        assert by_reviewer == set(acked), "the database agrees with what each reviewer was told"
        assert store.status_counts() == {"decided": len(claim_ids)}


def test_four_reviewer_processes_share_one_queue(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    claim_ids, evidence = build_queue(db, 400)
    procs = {
        f"r{i}": subprocess.Popen(
            # A 5 ms look at each claim (people take seconds): with none, SQLite's busy handler (which
            # sleeps and retries, first come is not first served) can let three processes drain the
            # 400 claims while the fourth sleeps, which is unfair but not wrong.
            [sys.executable, str(LOOP), str(db), f"r{i}", str(evidence), "0", "10", "0.005", "--wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    }
    # Start together: on a loaded machine the first process up could otherwise drain the 400 claims
    # before the last one has imported Python, and "every reviewer got work" would fail for no fault.
    for proc in procs.values():
        assert proc.stdout is not None and proc.stdout.readline() == b"READY\n", proc.communicate()[1]
    for proc in procs.values():
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
    acked: list[tuple[str, int]] = []
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        _check_stderr(err, name)
        assert proc.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert lines[-1] == "DONE"
        acked += [(name, int(line.split()[1])) for line in lines if line.startswith("ACK ")]
    per_reviewer = Counter(name for name, _ in acked)
    assert len(per_reviewer) == 4 and min(per_reviewer.values()) > 0, per_reviewer
    _check_queue_after(db, claim_ids, acked)


@needs_cli
def test_cli_reviewers_and_reviewer_processes_together(tmp_path: Path) -> None:
    """Two people on the headless commands and four on the review loop, all at once."""
    db = tmp_path / "queue.db"
    claim_ids, evidence = build_queue(db, 400)
    results: list[tuple[str, int]] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_cli_worker, args=(db, f"cli{i}", 3, results, errors)) for i in range(2)
    ]
    for t in threads:
        t.start()
    procs = {
        f"r{i}": subprocess.Popen(
            # A short think time keeps the loop reviewers busy while the CLI reviewers start up.
            [sys.executable, str(LOOP), str(db), f"r{i}", str(evidence), "0", "10", "0.004"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    }
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        _check_stderr(err, name)
        assert proc.returncode == 0, err.decode()
        results += [
            (name, int(line.split()[1])) for line in out.decode().splitlines() if line.startswith("ACK ")
        ]
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(1 for name, _ in results if name.startswith("cli")) > 0, "the CLI reviewers got work"
    _check_queue_after(db, claim_ids, results)


def _story(i: int) -> str:
    return f"Story number {i}\n\nOfficials said {i} people were hurt in town {i}. The mayor said roads were shut.\n"


def test_simultaneous_ingests_of_one_folder_store_each_file_once(tmp_path: Path) -> None:
    """Four reviewers start `factcheck` in the same desk folder at once: each file is stored once, as
    version 1, whichever process gets there first; the database did not exist beforehand."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(200):
        (folder / f"story-{i:03d}.txt").write_text(_story(i), encoding="utf-8")
    (folder / "copy-of-7.txt").write_text(_story(7), encoding="utf-8")
    db = tmp_path / "queue.db"
    procs = [
        subprocess.Popen(
            [sys.executable, str(INGEST), str(db), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    added = 0
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        _check_stderr(err, "ingest")
        assert proc.returncode == 0, err.decode()
        added += int(out.decode().split("ingest: ")[1].split(" added")[0])
    assert added == 200, "between them the four ingests added each distinct file exactly once"
    with Store(db, create=False) as store:
        articles = store.articles(include_superseded=True)
        assert len(articles) == 200 and {a.version for a in articles} == {1}
        assert len({a.path for a in articles}) == 200
        assert store.integrity_ok()


@needs_cli
def test_status_works_while_reviewers_write(tmp_path: Path) -> None:
    """A read-only command is never blocked by writers (WAL): it answers while four reviewers decide."""
    db = tmp_path / "queue.db"
    _, evidence = build_queue(db, 1500)
    procs = [
        subprocess.Popen(
            [sys.executable, str(LOOP), str(db), f"r{i}", str(evidence), "0", "10", "0.002"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline() == b"READY\n"
        status = run_factcheck(["status", "--json"], cwd=tmp_path, db=db)
        _check_stderr(status.stderr, "status")
        assert status.returncode == 0 and json.loads(status.stdout)["articles"] == 2
        assert all(p.poll() is None for p in procs), "the reviewers were still writing all along"
    finally:
        for p in procs:
            p.terminate()
            _, err = p.communicate(timeout=60)
            _check_stderr(err, "reviewer")
    assert fingerprint(db)["integrity"] == "ok"


@needs_cli
def test_reviewers_keep_deciding_while_articles_are_ingested(tmp_path: Path) -> None:
    """An ingest (with claim extraction and evidence linking) must not lock reviewers out: it holds the
    write lock only in short transactions. Holding it for a whole article's pipeline let a reviewer
    through once in an 8 s ingest."""
    db = tmp_path / "queue.db"
    _, evidence = build_queue(db, 800)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(24):
        (folder / f"story-{i:03d}.txt").write_text(
            f"Harbour fire, day {i}\n\nOfficials said {i + 3} people were hurt when crews reached pier {i % 9} "
            f"on Tuesday. The mayor said {i * 7 % 300} homes were evacuated, police said.\n",
            encoding="utf-8",
        )
    reviewer = subprocess.Popen(
        [sys.executable, str(LOOP), str(db), "steady", str(evidence), "0", "10", "0.02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reviewer.stdout is not None and reviewer.stdout.readline() == b"READY\n"
    acks: list[float] = []  # when each decision was acknowledged
    reader = threading.Thread(
        target=lambda: acks.extend(time.monotonic() for line in reviewer.stdout if line.startswith(b"ACK "))  # type: ignore[union-attr]
    )
    reader.start()
    ingest = subprocess.Popen(
        [sys.executable, str(INGEST), str(db), str(folder), "--pipeline"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert ingest.stdout is not None
    while not ingest.stdout.readline().startswith(b"FILE "):  # start the clock at the first article
        assert ingest.poll() is None, ingest.communicate()[1].decode()
    started = time.monotonic()
    out, ingest_err = ingest.communicate(timeout=300)
    elapsed = time.monotonic() - started
    reviewer.terminate()
    reader.join(timeout=60)
    _, err = reviewer.communicate(timeout=60)
    _check_stderr(err, "reviewer")
    _check_stderr(ingest_err, "ingest")
    assert ingest.returncode == 0 and "24 added" in out.decode()
    decided = sum(1 for t in acks if started <= t <= started + elapsed)
    # Deciding every 20 ms, a reviewer gets ~40 decisions/s through; holding the lock per article: ~5/s.
    assert decided >= 12 * elapsed, f"only {decided} decisions during a {elapsed:.1f}s ingest"
