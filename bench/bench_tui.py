"""Measure the review screen at scale: first paint and key-to-repaint latency with 100,000 claims.

A synthetic database is built with the real Store and Reviewer (2,000 articles of 50 sentences, one
claim per sentence, five evidence candidates per claim with a number comparison, one in five a
conflict; 200 claims decided and then re-queued so the queue starts with re-queued claims). It is kept
in ``bench/out/`` and reused.

Two measurements:

* in process (headless, the real app built by ``make_app``): first paint = from building the app to the
  end of the first compositor refresh that shows the open claim; key latency = from posting the key to
  the end of the first compositor refresh after the action finished. Timestamps come from hooks on the
  app, so Pilot's own waiting (~44 ms a key) is not counted.
* in tmux (``--tmux``, the installed ``factcheck`` command in a 120x40 pane): first paint = from
  launching the process to the claim pane on screen (Python start-up and imports included); key latency
  = from ``send-keys`` to the claim pane showing the next claim, polled with ``capture-pane`` (whose own
  cost is measured and printed).

Usage: python bench/bench_tui.py [--claims N] [--keys K] [--tmux] [--rebuild]
Exit status 1 when the in-process first paint exceeds 1 s or the median UI-thread CPU time from key to
repaint exceeds 50 ms (CPU time, because wall time on a shared 2-core box mostly measures the neighbours).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from machine import cpu_model  # noqa: E402  (bench/ is on sys.path when run as a script)

from factcheck.models import Candidate, ExtractedClaim, Verdict  # noqa: E402
from factcheck.queue import Reviewer, requeue  # noqa: E402
from factcheck.segment import split_passages  # noqa: E402
from factcheck.settings import DEFAULT_SETTINGS  # noqa: E402
from factcheck.storage import Store  # noqa: E402

FIRST_PAINT_BUDGET_S = 1.0
KEY_BUDGET_MS = 50.0
PER_ARTICLE = 50
REQUEUED = 200
T0 = dt.datetime(2025, 4, 10, 9, 0, tzinfo=dt.UTC)
WORDS = [
    "officials",
    "said",
    "troops",
    "captured",
    "soldiers",
    "region",
    "ministry",
    "report",
    "border",
    "fighting",
    "recruited",
    "citizens",
]


def build(path: Path, claims: int) -> None:
    """Write the synthetic database in one transaction (minutes otherwise)."""
    rng = random.Random(20250410)
    path.unlink(missing_ok=True)
    articles = max(claims // PER_ARTICLE, 2)
    bodies: list[list[int]] = []
    with Store(path) as store:
        with store.write():
            for a in range(articles):
                lines = [
                    f"Officials in region {a} said {rng.randint(2, 900)} {rng.choice(WORDS)} {rng.choice(WORDS)} "
                    f"were {rng.choice(WORDS)} on day {i}."
                    for i in range(PER_ARTICLE)
                ]
                text = f"Report {a} on the war\n" + "\n".join(lines) + "\n"
                article, passages = store.add_article(
                    path=f"articles/outlet{a % 40}-2025-04-{1 + a % 28:02d}-report-{a}.txt",
                    title=f"Outlet {a % 40} report {a}",
                    sha256=f"bench-{a}",
                    text=text,
                    encoding="utf-8",
                    size=len(text),
                    spans=split_passages(text),
                )
                body = [p for p in passages if p.kind == "body"][:PER_ARTICLE]
                extracted = [
                    ExtractedClaim(
                        text=p.text,
                        start=p.start,
                        end=p.end,
                        score=round(rng.random(), 4),
                        reasons=["quantity", "attributed"],
                    )
                    for p in body
                ]
                ids = store.add_claims(article.id, extracted, passage_ids=[p.id for p in body])
                bodies.append([p.id for p in body])
                if a == 0:
                    continue
                for claim_id in ids:
                    other = bodies[rng.randrange(0, a)]
                    store.replace_candidates(
                        claim_id,
                        [
                            Candidate(
                                claim_id=claim_id,
                                passage_id=pid,
                                rank=r,
                                score=90.0 - 7 * r,
                                components={"token_set": 0.7, "numbers": 1.0, "names": 0.5},
                                quantities=[
                                    {
                                        "claim": "12",
                                        "evidence": "12" if rng.random() > 0.2 else "15",
                                        "relation": "agree" if rng.random() > 0.2 else "conflict",
                                    }
                                ],
                            )
                            for r, pid in enumerate(rng.sample(other, 5), start=1)
                        ],
                    )
        reviewer = Reviewer(store, "bench-setup", DEFAULT_SETTINGS)
        for claim_id in range(PER_ARTICLE + 1, PER_ARTICLE + 1 + REQUEUED):
            reviewer.decide(claim_id, Verdict.UNSUPPORTED, now=T0)
            requeue(store, claim_id, {"article_title": "A later report", "score": 80.0}, now=T0)


# --- in process ---------------------------------------------------------------------------------------


async def in_process(db: Path, keys: int) -> dict[str, Any]:
    """First paint and key latency of the app built by make_app, from hooks on the compositor."""
    from factcheck.tui.app import make_app
    from factcheck.tui.screens.review import ReviewScreen

    refreshes: list[tuple[float, float]] = []  # (wall, UI-thread CPU) at the end of each repaint
    original = ReviewScreen._compositor_refresh

    def traced(self: ReviewScreen) -> None:
        original(self)
        if self.detail is not None:
            refreshes.append((time.perf_counter(), time.thread_time()))

    ReviewScreen._compositor_refresh = traced  # type: ignore[method-assign]
    actions_done: list[float] = []
    start = time.perf_counter()
    app = make_app(db, reviewer="bench", settings=DEFAULT_SETTINGS)
    original_run_action = app.run_action

    async def run_action(*args: Any, **kwargs: Any) -> bool:
        result = await original_run_action(*args, **kwargs)
        actions_done.append(time.perf_counter())
        return result

    app.run_action = run_action  # type: ignore[method-assign]
    out: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["first_paint_s"] = refreshes[0][0] - start
        await app.workers.wait_for_complete()
        out["queue_loaded_s"] = time.perf_counter() - start
        labels = ["u (decide, next claim)", "s (skip, next claim)", "2 (select evidence)", "j (queue cursor)"]
        latencies: dict[str, list[float]] = {label: [] for label in labels}
        cpu: dict[str, list[float]] = {label: [] for label in labels}
        for i in range(keys):
            for label in latencies:
                key = label.split()[0]
                if key == "j" and not app.review.queue.list.has_focus:
                    app.review.queue.list.focus()
                    await pilot.pause()
                if key != "j" and not app.review.evidence.has_focus:
                    app.review.evidence.focus()
                    await pilot.pause()
                before, before_cpu = time.perf_counter(), time.thread_time()
                await pilot.press(key)
                done = next((t for t in actions_done if t > before), None)
                painted = next((r for r in refreshes if done is not None and r[0] >= done), None)
                if painted is not None:
                    latencies[label].append((painted[0] - before) * 1000)
                    cpu[label].append((painted[1] - before_cpu) * 1000)
            if i % 5 == 4:
                await app.workers.wait_for_complete()
        await app.workers.wait_for_complete()
    ReviewScreen._compositor_refresh = original  # type: ignore[method-assign]
    out["keys"] = {label: summary(values) for label, values in latencies.items()}
    out["keys_cpu"] = {label: summary(values) for label, values in cpu.items()}
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def summary(values: list[float]) -> dict[str, float]:
    """Median, 90th percentile and maximum."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(values),
        "median": statistics.median(ordered),
        "p90": ordered[min(int(len(ordered) * 0.9), len(ordered) - 1)],
        "max": ordered[-1],
    }


# --- tmux ---------------------------------------------------------------------------------------------


class PaneStream:
    """The bytes the app writes to the pane, as tmux receives them (``pipe-pane`` into a FIFO read by a
    thread, each chunk timestamped on arrival): waiting for text costs no CPU, unlike polling."""

    def __init__(self, fifo: Path) -> None:
        self.chunks: list[tuple[float, bytes]] = []
        self.changed = threading.Condition()
        self.fifo = fifo
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.fifo, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                with self.changed:
                    self.chunks.append((time.perf_counter(), chunk))
                    self.changed.notify_all()

    def wait(
        self, pattern: re.Pattern[bytes], after: float, timeout: float = 60
    ) -> tuple[float, re.Match[bytes]]:
        """When the first output written after ``after`` matched ``pattern`` (with the match)."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            while True:
                data, when = b"", 0.0
                for at, chunk in self.chunks:
                    if at >= after:
                        data += chunk
                        if (m := pattern.search(data)) is not None:
                            return at, m
                        when = at
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise RuntimeError(f"timed out waiting for {pattern.pattern!r} (last output {when:.3f})")
                self.changed.wait(left)


def in_tmux(db: Path, keys: int) -> dict[str, Any]:
    """The installed command in a real terminal, timed from outside, two ways: from the output stream
    tmux receives (no polling), and by polling ``capture-pane`` as a cross-check (each poll starts a tmux
    client: on a 2-core box the polling itself takes CPU from the app it is timing)."""
    factcheck, tmux = shutil.which("factcheck"), shutil.which("tmux")
    if not factcheck or not tmux:
        return {"skipped": "tmux or the factcheck command is missing"}
    socket = f"factcheck-bench-{os.getpid()}"

    def run(*args: str) -> str:
        return subprocess.run([tmux, "-L", socket, *args], capture_output=True, text=True, check=True).stdout

    def screen() -> str:
        return run("capture-pane", "-p", "-t", "bench")

    def poll(check: Callable[[str], bool], timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if check(screen()):
                return time.perf_counter()
        raise RuntimeError("timed out:\n" + screen())

    claim = re.compile(r"Claim #(\d+)")
    total = count(db)
    out: dict[str, Any] = {}
    fifo = Path(tempfile.mkdtemp()) / "pane"
    os.mkfifo(fifo)
    run("-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", "sleep 600")
    try:
        t = time.perf_counter()
        for _ in range(20):
            screen()
        out["capture_pane_ms"] = (time.perf_counter() - t) / 20 * 1000
        run("pipe-pane", "-O", "-t", "bench", f"cat > {fifo}")
        stream = PaneStream(fifo)
        start = time.perf_counter()
        run("respawn-pane", "-k", "-t", "bench", f"{factcheck} --db {db} review --reviewer bench-tmux")
        painted, _ = stream.wait(re.compile(rb" Claim #\d+ (?s:.*) Evidence"), start)
        out["first_paint_s"] = painted - start
        loaded, _ = stream.wait(re.compile(f"pending · {total:,}".encode()), start)
        out["queue_loaded_s"] = loaded - start
        time.sleep(0.5)  # let the start-up finish (the queue's first page, the count)
        streamed: list[float] = []
        for _ in range(keys):
            shown = claim.search(screen())
            assert shown is not None
            old = shown.group(1).encode()
            before = time.perf_counter()
            run("send-keys", "-t", "bench", "u")
            after, _ = stream.wait(re.compile(rb" Claim #(?!" + old + rb" )\d+ "), before)
            streamed.append((after - before) * 1000)
            poll(lambda s, old=old: (m := claim.search(s)) is not None and m.group(1).encode() != old)
        polled: list[float] = []
        for _ in range(keys):
            shown = claim.search(screen())
            assert shown is not None
            old_number = shown.group(1)
            before = time.perf_counter()
            run("send-keys", "-t", "bench", "u")
            after = poll(lambda s, old=old_number: (m := claim.search(s)) is not None and m.group(1) != old)
            polled.append((after - before) * 1000)
        out["keys"] = {
            "u, output reaches tmux": summary(streamed),
            "u, capture-pane polling": summary(polled),
        }
        run("send-keys", "-t", "bench", "q")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)
    return out


def count(db: Path) -> int:
    """Pending and re-queued claims (the default filter's total)."""
    with Store(db) as store:
        return store.queue_count(statuses=["pending", "requeued"])


# --- report -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=20, help="rounds of key presses to time")
    parser.add_argument("--tmux", action="store_true", help="also time the installed command in tmux")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    args = parser.parse_args()
    out_dir = REPO / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / f"tui-{args.claims}.db"
    if args.rebuild or not db.exists():
        t = time.perf_counter()
        build(db, args.claims)
        print(f"built {db} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    Store(db).close()  # migrate the kept database once: a migration is a one-off, not start-up time
    work = out_dir / f"tui-{args.claims}-run.db"  # decisions change the database: time a fresh copy
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copy(db, work)
    print(
        f"# Review TUI at {args.claims:,} claims — {dt.date.today()}, {os.cpu_count()} CPUs, {cpu_model()}, "
        f"Python {platform.python_version()}"
    )
    result = asyncio.run(in_process(work, args.keys))
    print(
        f"in process: first paint {result['first_paint_s'] * 1000:.0f} ms, queue page and counts in "
        f"{result['queue_loaded_s'] * 1000:.0f} ms, max RSS {result['max_rss_mb']:.0f} MB"
    )
    print("  key to repaint, wall clock (includes waiting for the CPU on a busy machine):")
    print_keys(result["keys"])
    print("  key to repaint, CPU time of the UI thread (what the app itself spends):")
    print_keys(result["keys_cpu"])
    failed = result["first_paint_s"] > FIRST_PAINT_BUDGET_S or any(
        k.get("median", 0) > KEY_BUDGET_MS for k in result["keys_cpu"].values()
    )
    if args.tmux:
        tmux = in_tmux(work, args.keys)
        if "skipped" in tmux:
            print(f"tmux: skipped ({tmux['skipped']})")
        else:
            print(
                f"tmux (installed command, 120x40): first paint {tmux['first_paint_s'] * 1000:.0f} ms "
                f"including Python start-up, queue loaded {tmux['queue_loaded_s'] * 1000:.0f} ms (from the "
                f"output stream); capture-pane costs {tmux['capture_pane_ms']:.1f} ms a poll"
            )
            print_keys(tmux["keys"])
    return 1 if failed else 0


def print_keys(keys: dict[str, dict[str, float]]) -> None:
    """One line per key: median, p90 and max milliseconds from key to repaint."""
    for label, s in keys.items():
        if s.get("n"):
            print(
                f"  {label:<26} median {s['median']:6.1f} ms   p90 {s['p90']:6.1f} ms   max {s['max']:6.1f} ms"
                f"   (n={s['n']:.0f})"
            )


if __name__ == "__main__":
    raise SystemExit(main())
