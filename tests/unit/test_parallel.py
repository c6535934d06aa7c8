"""A large batch is linked in forked worker processes: the database must come out exactly as one
process makes it, and a worker must never take the ingest down with a traceback.

The ingests run in a subprocess (the real CLI): forking is only done by a process without other
threads, which a pytest process that has run Textual apps may not be."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import synth  # noqa: E402  (the benchmark's seeded corpus generator)

ARTICLES = 16  # ~400 evidence passages: a batch big enough for bulk linking and its workers

CHILD_CPU = (
    "import resource, sys\n"
    "from factcheck.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code or 0\n"
    "else:\n"
    "    code = 0\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_utime + usage.ru_stime, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _ingest_measured(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str, float]:
    """`factcheck ingest ARGS` in a fresh process that exits 0: its stdout, its stderr, and the CPU
    seconds its child processes (the workers) used."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD_CPU, "ingest", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FACTCHECK_DB": str(db), **(env or {})},
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    *_, cpu = out.stderr.strip().splitlines()
    return out.stdout, out.stderr, float(cpu)


def _ingest(folder: Path, db: Path, jobs: int) -> tuple[str, float]:
    """Run `factcheck ingest --jobs N --json` on the batch; its stderr and its children's CPU seconds."""
    stdout, stderr, cpu = _ingest_measured(db, "--jobs", str(jobs), "--json", str(folder))
    assert json.loads(stdout)["claims"] > 200
    return stderr, cpu


def _dump(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    conn = sqlite3.connect(db)
    try:
        candidates = conn.execute(
            "SELECT claim_id, passage_id, rank, score, components, quantities, syndicated "
            "FROM candidates ORDER BY claim_id, passage_id"
        ).fetchall()
        claims = conn.execute(
            "SELECT id, article_id, text, passage_id, cluster_id FROM claims ORDER BY id"
        ).fetchall()
        stages = conn.execute("SELECT id, stage, duplicate_of FROM articles ORDER BY id").fetchall()
    finally:
        conn.close()
    return candidates, claims, stages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "articles"
    articles = synth.corpus(ARTICLES)
    synth.write(articles, folder)
    for original in articles[:2]:  # syndicated copies, under another headline
        copy = original.text.split("\n", 1)[1]
        (folder / f"zz-copy-of-{original.name}").write_text("Wire copy\n" + copy, encoding="utf-8")
    return folder


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux")
def test_a_batch_linked_by_two_processes_is_stored_exactly_as_by_one(corpus: Path, tmp_path: Path) -> None:
    _, alone_cpu = _ingest(corpus, tmp_path / "one.db", jobs=1)
    _, workers_cpu = _ingest(corpus, tmp_path / "two.db", jobs=2)
    assert alone_cpu == 0.0, "one job links in the ingesting process"
    assert workers_cpu > 0.1, "two jobs rank in worker processes"
    one, two = _dump(tmp_path / "one.db"), _dump(tmp_path / "two.db")
    assert len(one[0]) > 1000
    assert sum(duplicate is not None for _, _, duplicate in one[2]) == 2, "both copies were recognised"
    assert any(row[6] for row in one[0]), "copies' candidates are flagged syndicated"
    assert one == two


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux")
def test_a_batch_below_the_bulk_size_is_linked_in_process(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    synth.write(synth.corpus(ARTICLES)[:3], folder)  # ~75 passages: not worth forking for
    *_, workers_cpu = _ingest_measured(tmp_path / "q.db", "--jobs", "2", str(folder))
    assert workers_cpu == 0.0


def test_jobs_must_be_a_positive_number(tmp_path: Path) -> None:
    env = {**os.environ, "FACTCHECK_DB": str(tmp_path / "q.db")}
    out = subprocess.run(
        [sys.executable, "-m", "factcheck", "ingest", "--jobs", "0", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2
    assert "--jobs" in out.stderr and "Traceback" not in out.stderr


def _running_with(marker: str) -> list[int]:
    """Processes whose command line mentions ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux")
def test_ctrl_c_while_workers_rank_stops_them_all_and_the_next_ingest_finishes(tmp_path: Path) -> None:
    import signal
    import time

    folder = tmp_path / "interrupted-batch"
    synth.write(synth.corpus(60), folder)
    db = tmp_path / "q.db"
    env = {**os.environ, "FACTCHECK_DB": str(db)}
    cmd = [sys.executable, "-m", "factcheck", "ingest", "--jobs", "2", str(folder)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    linking = False
    while time.monotonic() < deadline and proc.poll() is None and not linking:
        time.sleep(0.02)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            linking = conn.execute("SELECT count(*) FROM candidates").fetchone()[0] > 0
            conn.close()
        except sqlite3.Error:
            continue
    assert linking and proc.poll() is None, "the ingest was caught while linking"
    assert len(_running_with(str(folder))) > 1, "worker processes were running"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] in ("factcheck: interrupted", "factcheck: aborted")
    assert "Traceback" not in err
    time.sleep(0.5)
    assert _running_with(str(folder)) == [], "no worker outlived the ingest"

    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db)
    try:
        assert {s for (s,) in conn.execute("SELECT stage FROM articles")} == {"linked"}
        texts = conn.execute(
            "SELECT article_id, start, count(*) FROM claims GROUP BY 1, 2 HAVING count(*) > 1"
        )
        assert texts.fetchall() == [], "no claim was stored twice"
        unlinked = conn.execute(
            "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM candidates k WHERE k.claim_id = c.id)"
        ).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    finally:
        conn.close()
    assert unlinked < total * 0.05


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux")
def test_factcheck_jobs_in_the_environment_keeps_a_batch_in_one_process(corpus: Path, tmp_path: Path) -> None:
    *_, workers_cpu = _ingest_measured(tmp_path / "q.db", str(corpus), env={"FACTCHECK_JOBS": "1"})
    assert workers_cpu == 0.0


def test_a_bad_factcheck_jobs_is_one_line_before_anything_is_read(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Officials said 155 people were hurt.\n", encoding="utf-8")
    env = {**os.environ, "FACTCHECK_JOBS": "many"}
    env.pop("FACTCHECK_DB", None)
    out = subprocess.run(
        [sys.executable, "-m", "factcheck"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "factcheck: error: FACTCHECK_JOBS must be a whole number of processes, 1 or more (it is 'many')"
    )
    assert not (tmp_path / "queue.db").exists()


def test_a_large_batch_tunes_the_garbage_collector_and_restores_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a large batch is linked the corpus is frozen out of the collector's full passes (which
    run less often); afterwards the collector is exactly as it was, even when the batch fails."""
    import gc

    from factcheck import pipeline
    from factcheck.ingest import ingest_paths
    from factcheck.storage import Store

    before = gc.get_threshold(), gc.get_freeze_count()
    seen: list[tuple[tuple[int, int, int], int]] = []
    real = pipeline._process

    def observed(*args: object, **kwargs: object) -> object:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_process", observed)
    with Store(tmp_path / "q.db") as store:
        report = ingest_paths(
            store,
            [corpus],
            after_batch=lambda s, batch, settings: pipeline.process_articles(s, batch, settings, jobs=1),
        )
        assert len(report.added) == ARTICLES + 2  # and the two copies
        assert store.db.execute("SELECT count(*) FROM candidates").fetchone()[0] > 0
    assert seen and seen[0][0][2] == pipeline.FULL_COLLECTION_EVERY and seen[0][1] > 10_000
    assert (gc.get_threshold(), gc.get_freeze_count()) == before

    def failing(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "_process", failing)
    with Store(tmp_path / "q2.db") as store, pytest.raises(RuntimeError):
        ingest_paths(
            store,
            [corpus],
            after_batch=lambda s, batch, settings: pipeline.process_articles(s, batch, settings, jobs=1),
        )
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
