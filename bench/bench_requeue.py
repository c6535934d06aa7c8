"""Adding one article to a 1,000-article database that holds decisions: wall time of the real
`factcheck ingest NEW` (start-up included), and which decided claims it re-queues.

    python bench/bench_requeue.py [--articles 1000] [--decide 0.3] [--keep DIR]

The corpus is bench/synth.py's (seeded): article ``n`` is a realistic next article for a corpus of
``n``, reporting events other outlets already covered, some with a different figure. A share of the
claims is decided first (verified when a candidate exists, else unsupported), as a desk would have.
The target is <= 1.5 s for the added article, re-queue included.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402
from machine import cpu_model  # noqa: E402

from factcheck.ingest import ingest_paths  # noqa: E402
from factcheck.pipeline import process_article  # noqa: E402
from factcheck.queue import Reviewer  # noqa: E402
from factcheck.storage import Store  # noqa: E402


def build(root: Path, n: int, share: float) -> tuple[Path, int]:
    """A database of ``n`` synthetic articles with ``share`` of the claims decided."""
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    synth.write(synth.corpus(n), folder)
    db = root / "queue.db"
    with Store(db) as store:
        ingest_paths(store, [folder], after_article=process_article, base=root)
        rnd = random.Random(7)
        reviewer = Reviewer(store, "bench")
        claims = store.claims()
        decided = 0
        for claim in rnd.sample(claims, int(len(claims) * share)):
            best = store.candidates(claim.id, limit=1)
            if best:
                reviewer.decide(claim.id, "verified", evidence_passage_id=best[0].passage_id)
            else:
                reviewer.decide(claim.id, "unsupported")
            decided += 1
    return db, decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument(
        "--decide", type=float, default=0.3, help="share of claims decided before the new article"
    )
    parser.add_argument("--keep", type=Path, help="build (or reuse) the corpus here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="fc-requeue-"))
    db = root / "queue.db"
    t0 = time.perf_counter()
    decided = -1
    if not db.exists():
        db, decided = build(root, args.articles, args.decide)
    built = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="fc-requeue-run-"))
    shutil.copy(db, work / "queue.db")
    new = work / "new"
    new.mkdir()
    synth.write([synth.article(args.articles)], new)
    exe = shutil.which("factcheck") or str(Path(sys.executable).with_name("factcheck"))
    t = time.perf_counter()
    proc = subprocess.run(
        [exe, "--db", str(work / "queue.db"), "ingest", str(new), "--json"],
        capture_output=True,
        text=True,
        cwd=work,
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    import json

    summary = json.loads(proc.stdout)
    with Store(work / "queue.db") as store:
        counts = store.status_counts()
        decided_now = counts.get("decided", 0) + counts.get("requeued", 0)
    print(
        f"# re-queue benchmark — {date.today()}, {os.cpu_count()} CPUs, {cpu_model()}, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"corpus: {args.articles} synthetic articles, {decided_now} decided claims"
        + (f" (built in {built:.0f} s)" if decided >= 0 else " (reused)")
    )
    print(f"factcheck ingest NEW (1 article, start-up included): {wall:.2f} s wall  (target <= 1.5 s)")
    print(f"new claims: {summary['claims']}, re-queued: {len(summary['requeued'])} of {decided_now} decided")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
