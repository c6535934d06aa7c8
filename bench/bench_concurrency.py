"""Throughput of the review queue with several reviewers at once on one queue.db, and why every
read-then-write is a ``BEGIN IMMEDIATE`` transaction.

    python bench/bench_concurrency.py                      # reviewers as processes: 1, 2, 4, 8 workers
    python bench/bench_concurrency.py --cli                # also the headless commands (next + decide)
    python bench/bench_concurrency.py --compare-deferred   # also deferred vs immediate transactions
    python bench/bench_concurrency.py --during-ingest 200  # also a reviewer's wait while ingest runs

Each worker is a separate process with its own connection (as separate reviewers are), working the
queue as fast as it can: ``Reviewer.next()`` then ``Reviewer.decide()``. All workers start together
(a barrier) on a fresh database of --claims pending claims; the clock runs from the barrier until the
queue is empty. Afterwards the run is checked: every claim decided exactly once, no error in any
worker. Prints Markdown tables for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from factcheck.models import ExtractedClaim
from factcheck.queue import Reviewer
from factcheck.segment import split_passages
from factcheck.storage import Store


def build_queue(path: Path, claims: int) -> int:
    """A fresh database with ``claims`` pending claims; returns an evidence passage id."""
    text = " ".join(f"Officials said {i + 100} people were hurt in district {i}." for i in range(claims))
    evidence = "Hospital staff said the figures were confirmed on Tuesday."
    with Store(path) as store:
        spans = split_passages(text)
        first, _ = store.add_article(
            path="c.txt", title="C", sha256="c" * 64, text=text, encoding="utf-8", size=len(text), spans=spans
        )
        _, passages = store.add_article(
            path="e.txt",
            title="E",
            sha256="e" * 64,
            text=evidence,
            encoding="utf-8",
            size=len(evidence),
            spans=split_passages(evidence),
        )
        store.add_claims(
            first.id,
            [
                ExtractedClaim(
                    text=text[s.start : s.end], start=s.start, end=s.end, score=1 - i / (claims + 1)
                )
                for i, s in enumerate(spans)
            ],
        )
        return passages[0].id


def _worker(db: str, name: str, evidence: int, barrier: Any, results: Any) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    decided: list[int] = []
    try:
        with Store(db, create=False) as store:
            reviewer = Reviewer(store, name)
            barrier.wait()
            while True:
                started = time.perf_counter()
                claim = reviewer.next()
                if claim is None:
                    break
                if claim.id % 2:
                    reviewer.decide(claim.id, "verified", evidence_passage_id=evidence, note="bench")
                else:
                    reviewer.decide(claim.id, "unsupported")
                latencies.append(time.perf_counter() - started)
                decided.append(claim.id)
    except Exception as exc:  # reported to the parent, which fails the run
        errors.append(f"{type(exc).__name__}: {exc}")
    results.put({"name": name, "decided": decided, "latencies": latencies, "errors": errors})


def run_processes(workers: int, claims: int) -> dict[str, Any]:
    """Decisions per second with ``workers`` reviewer processes on one fresh queue."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "queue.db"
        evidence = build_queue(db, claims)
        ctx = mp.get_context("spawn")
        barrier, results = ctx.Barrier(workers + 1), ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(str(db), f"r{i}", evidence, barrier, results))
            for i in range(workers)
        ]
        for p in procs:
            p.start()
        barrier.wait()
        started = time.perf_counter()
        outcomes = [results.get(timeout=600) for _ in procs]
        elapsed = time.perf_counter() - started
        for p in procs:
            p.join()
        _check(db, claims, outcomes)
    latencies = sorted(x for o in outcomes for x in o["latencies"])
    per_worker = sorted(len(o["decided"]) for o in outcomes)
    return {
        "workers": workers,
        "decisions": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "fewest_most": (per_worker[0], per_worker[-1]),
    }


def _check(db: Path, claims: int, outcomes: list[dict[str, Any]]) -> None:
    errors = [e for o in outcomes for e in o["errors"]]
    if errors:
        raise SystemExit(f"worker errors: {errors[:3]}")
    told = Counter(c for o in outcomes for c in o["decided"])
    if len(told) != claims or max(told.values()) != 1:
        raise SystemExit("a claim was handed to two reviewers or not decided")
    conn = sqlite3.connect(db)
    twice = conn.execute(
        "SELECT count(*) FROM (SELECT claim_id FROM events WHERE kind = 'decided' GROUP BY claim_id HAVING count(*) > 1)"
    ).fetchone()[0]
    ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    if twice or ok != "ok":
        raise SystemExit(f"decided twice: {twice}; integrity: {ok}")


# --- a reviewer while an ingest runs -------------------------------------------------------------------


def _ingester(db: str, folder: str, barrier: Any, results: Any) -> None:
    from factcheck.ingest import ingest_paths
    from factcheck.pipeline import process_article

    with Store(db) as store:
        barrier.wait()
        started = time.perf_counter()
        report = ingest_paths(store, [Path(folder)], after_article=process_article)
        results.put({"ingest_seconds": time.perf_counter() - started, "added": len(report.added)})


def _steady_reviewer(db: str, evidence: int, think: float, barrier: Any, stop: Any, results: Any) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    with Store(db, create=False) as store:
        reviewer = Reviewer(store, "steady")
        barrier.wait()
        while not stop.is_set():
            try:
                claim = reviewer.next()
                if claim is None:
                    break
                time.sleep(think)
                started = time.perf_counter()
                reviewer.decide(claim.id, "verified", evidence_passage_id=evidence)
                latencies.append(time.perf_counter() - started)
            except Exception as exc:  # reported, not fatal: the point is to count them
                errors.append(f"{type(exc).__name__}: {exc}")
    results.put({"latencies": latencies, "errors": errors})


def run_during_ingest(articles: int, think: float) -> dict[str, Any]:
    """How long a reviewer's decision waits while `factcheck ingest` adds ``articles`` new articles
    (each article and its pipeline are one write transaction)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "queue.db"
        evidence = build_queue(db, 5000)
        folder = Path(tmp) / "incoming"
        folder.mkdir()
        for i in range(articles):
            (folder / f"story-{i:04d}.txt").write_text(
                f"Harbour fire, day {i}\n\nOfficials said {i + 3} people were hurt when fire crews reached pier "
                f"{i % 40} on Tuesday. The mayor said {i * 7 % 300} homes were evacuated, police said.\n",
                encoding="utf-8",
            )
        ctx = mp.get_context("spawn")
        barrier, stop, results, done = ctx.Barrier(2), ctx.Event(), ctx.Queue(), ctx.Queue()
        reviewer = ctx.Process(
            target=_steady_reviewer, args=(str(db), evidence, think, barrier, stop, results)
        )
        ingester = ctx.Process(target=_ingester, args=(str(db), str(folder), barrier, done))
        reviewer.start()
        ingester.start()
        ingest = done.get(timeout=3600)
        stop.set()
        review = results.get(timeout=600)
        ingester.join()
        reviewer.join()
    lat = sorted(review["latencies"])
    return {
        **ingest,
        "decisions": len(lat),
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "max_ms": 1000 * lat[-1],
        "errors": review["errors"],
    }


# --- the headless commands ---------------------------------------------------------------------------


def run_cli(workers: int, decisions: int) -> dict[str, Any]:
    """Decisions per second with ``workers`` people each running `factcheck next --json` and
    `factcheck decide` in a loop (each command is a new process: start-up dominates)."""
    exe = Path(sys.executable).with_name("factcheck")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "queue.db"
        build_queue(db, decisions)
        errors: list[str] = []
        done: list[int] = []

        def person(name: str) -> None:
            env = {**os.environ, "FACTCHECK_REVIEWER": name}
            while True:
                nxt = subprocess.run([exe, "--db", db, "next", "--json"], capture_output=True, env=env)
                if nxt.returncode or b"locked" in nxt.stderr:
                    errors.append(nxt.stderr.decode())
                    return
                claim = json.loads(nxt.stdout)
                if claim is None:
                    return
                cmd = [exe, "--db", db, "decide", str(claim["id"]), "--verdict", "unsupported"]
                out = subprocess.run(cmd, capture_output=True, env=env)
                if out.returncode or out.stderr:
                    errors.append(out.stderr.decode())
                    return
                done.append(claim["id"])

        threads = [threading.Thread(target=person, args=(f"p{i}",)) for i in range(workers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    if errors or len(done) != decisions or len(set(done)) != decisions:
        raise SystemExit(f"CLI run failed: {errors[:2]}")
    return {"workers": workers, "decisions": len(done), "seconds": elapsed, "per_second": len(done) / elapsed}


# --- deferred vs immediate -----------------------------------------------------------------------------


def _writer(db: str, immediate: bool, transactions: int, barrier: Any, results: Any) -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=5.0)
    conn.execute("PRAGMA busy_timeout = 5000")
    barrier.wait()
    locked = 0
    for _ in range(transactions):
        try:
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            (n,) = conn.execute("SELECT count(*) FROM t").fetchone()
            conn.execute("INSERT INTO t (n) VALUES (?)", [n])
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "locked" not in str(exc):
                raise
            locked += 1
    results.put(locked)


def compare_deferred(transactions: int) -> dict[str, int]:
    """'database is locked' failures of read-then-write transactions from two writers under WAL with a
    5 s busy timeout: deferred BEGIN (the lock upgrade fails at once) vs BEGIN IMMEDIATE."""
    out = {}
    ctx = mp.get_context("spawn")
    for immediate in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            db = str(Path(folder) / "t.db")
            conn = sqlite3.connect(db)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("CREATE TABLE t (n INTEGER)")
            conn.commit()
            conn.close()
            barrier, results = ctx.Barrier(2), ctx.Queue()
            procs = [
                ctx.Process(target=_writer, args=(db, immediate, transactions, barrier, results))
                for _ in range(2)
            ]
            for p in procs:
                p.start()
            locked = sum(results.get(timeout=600) for _ in procs)
            for p in procs:
                p.join()
        out["BEGIN IMMEDIATE" if immediate else "BEGIN (deferred)"] = locked
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=2000, help="pending claims per run (default 2000)")
    parser.add_argument("--workers", default="1,2,4,8", help="worker counts (default 1,2,4,8)")
    parser.add_argument("--cli", action="store_true", help="also measure the headless commands")
    parser.add_argument("--cli-decisions", type=int, default=40, help="decisions per CLI run (default 40)")
    parser.add_argument(
        "--compare-deferred", action="store_true", help="also count lock errors, deferred vs immediate"
    )
    parser.add_argument(
        "--during-ingest",
        type=int,
        default=0,
        metavar="N",
        help="also: decision latency while N articles are ingested",
    )
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    print(f"cpus: {os.cpu_count()}, sqlite {sqlite3.sqlite_version}, {args.claims} claims per run\n")
    print(
        "| reviewer processes | decisions | seconds | decisions/s | p50 ms | p99 ms | max ms | fewest-most per worker |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |")
    for n in counts:
        r = run_processes(n, args.claims)
        print(
            f"| {n} | {r['decisions']} | {r['seconds']:.2f} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['max_ms']:.0f} | {r['fewest_most'][0]}-{r['fewest_most'][1]} |",
            flush=True,
        )
    if args.cli:
        print("\n| people on `next --json` + `decide` | decisions | seconds | decisions/s |")
        print("| ---: | ---: | ---: | ---: |")
        for n in counts:
            r = run_cli(n, args.cli_decisions)
            print(f"| {n} | {r['decisions']} | {r['seconds']:.1f} | {r['per_second']:.1f} |", flush=True)
    if args.during_ingest:
        r = run_during_ingest(args.during_ingest, think=0.05)
        print(f"\n| while `ingest` adds {r['added']} articles ({r['ingest_seconds']:.1f} s) | value |")
        print("| :--- | ---: |")
        print(f"| decisions by one reviewer (50 ms between) | {r['decisions']} |")
        print(
            f"| decide latency p50 / p99 / max (ms) | {r['p50_ms']:.1f} / {r['p99_ms']:.0f} / {r['max_ms']:.0f} |"
        )
        print(f"| errors | {len(r['errors'])} {r['errors'][:1]} |")
    if args.compare_deferred:
        result = compare_deferred(2000)
        print("\n| 2 writers x 2000 read-then-write transactions | 'database is locked' |")
        print("| :--- | ---: |")
        for mode, locked in result.items():
            print(f"| {mode} | {locked} |")


if __name__ == "__main__":
    main()
