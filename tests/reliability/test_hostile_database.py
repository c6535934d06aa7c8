"""The database in a bad state: read-only, on a full disk, from an older or newer factcheck, locked by a
stuck process. Each time: one line on stderr, a non-zero exit, no traceback, and what was stored
before is still there (row counts and integrity_check compared before and after)."""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_support import (
    HELPERS,
    assert_one_line_error,
    build_queue,
    factcheck_command,
    fingerprint,
    needs_cli,
    run_factcheck,
    run_factcheck_many,
    unprivileged_prefix,
)
from sqlite_utils import Database

from factcheck.cli import _sqlite_message
from factcheck.ingest import ingest_paths
from factcheck.migrations import APPLICATION_ID, LATEST, MIGRATIONS
from factcheck.queue import Reviewer
from factcheck.storage import BUSY_TIMEOUT_S, Store

pytestmark = needs_cli

STORY = "".join(f"Officials said {i} people were hurt in the blast on Tuesday. " for i in range(20_000))


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A queue with one decision already made (by 'tester', the reviewer the CLI runs as)."""
    db = tmp_path / "desk" / "queue.db"
    db.parent.mkdir()
    ids, evidence = build_queue(db, 20)
    with Store(db) as store:
        Reviewer(store, "tester").decide(ids[0], "verified", evidence_passage_id=evidence)
    return db


# --- read-only -------------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["file", "file and folder"])
def test_read_only_database_can_be_read_and_refuses_writes_in_one_line(desk: Path, what: str) -> None:
    """A read-only file in a writable folder (SQLite opens it read-only), and a read-only file in a
    read-only folder (no -wal/-shm can be created: the file is read as immutable)."""
    if unprivileged_prefix() is None:
        pytest.skip("running as root without `unshare --user`: permission bits cannot be tested")
    before = fingerprint(desk)
    desk.chmod(0o444)
    if "folder" in what:
        desk.parent.chmod(0o555)
    try:
        status, export, nxt, decide = run_factcheck_many(
            [
                ["status", "--json"],
                ["export", "--format", "json"],
                ["next", "--json"],
                ["decide", "2", "--verdict", "unsupported"],
            ],
            cwd=desk.parent,
            db=desk,
            unprivileged=True,
        )
    finally:
        desk.parent.chmod(0o755)
        desk.chmod(0o644)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["status"] == {"decided": 1, "pending": 19}
    assert export.returncode == 0 and len(json.loads(export.stdout)["claims"]) == 20
    for proc in (nxt, decide):
        assert_one_line_error(proc, "read-only")
    assert fingerprint(desk) == before


# --- full disk -------------------------------------------------------------------------------------


def test_full_database_rolls_back_the_write_and_keeps_everything(desk: Path) -> None:
    """SQLite's own limit (PRAGMA max_page_count) stands in for a full disk inside one process."""
    before = fingerprint(desk)
    big = desk.parent / "big.txt"
    big.write_text(STORY, encoding="utf-8")
    with Store(desk) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 5}")
        with pytest.raises(sqlite3.OperationalError, match="full") as err:
            ingest_paths(store, [big])
        assert "full" in _sqlite_message(err.value) and "\n" not in _sqlite_message(err.value)
        assert not store.db.conn.in_transaction, "the failed write left no transaction open"
        Reviewer(store, "tester").note(2, "small writes still fit")  # the store is still usable
    after = fingerprint(desk)
    assert after["integrity"] == "ok" and after["articles"] == before["articles"]
    assert after["events"] == before["events"] + 1


def _limit_file_size() -> None:
    """In the child: the kernel refuses to grow any file past 200 kB (Python ignores SIGXFSZ, so the
    write fails with EFBIG, as it would with ENOSPC on a full disk)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_cli_write_refused_by_the_kernel_is_one_line_and_loses_nothing(desk: Path) -> None:
    before = fingerprint(desk)
    big = desk.parent / "big.txt"
    big.write_text(STORY, encoding="utf-8")
    proc = run_factcheck(["ingest", str(big)], cwd=desk.parent, db=desk, preexec_fn=_limit_file_size)
    assert_one_line_error(proc, "could not be written")
    assert fingerprint(desk) == before


def _tiny_disk(tmp_path: Path, db: Path, args: list[str]) -> dict[str, object]:
    unshare = unprivileged_prefix()
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "--", "true"], capture_output=True
    )
    if unshare is None or probe.returncode != 0:
        pytest.skip("no user and mount namespaces here: cannot mount a tiny filesystem")
    helper = [sys.executable, str(HELPERS / "tiny_disk.py"), str(tmp_path / "mnt"), "400k", str(db)]
    proc = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "--", *helper, *factcheck_command(), "--", *args],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_cli_on_a_really_full_disk_is_one_line_and_loses_nothing(desk: Path, tmp_path: Path) -> None:
    big = desk.parent / "big.txt"
    big.write_text(STORY, encoding="utf-8")
    result = _tiny_disk(tmp_path, desk, ["ingest", str(big)])
    stderr = str(result["stderr"]).strip()
    assert result["returncode"] != 0 and "Traceback" not in stderr
    assert stderr.splitlines() == [stderr] and "disk is full" in stderr
    assert result["after"] == result["before"]


# --- schema versions -------------------------------------------------------------------------------


def _version_one_database(path: Path) -> None:
    """A database as factcheck's first release left it: schema 1, one article, one decided claim."""
    db = Database(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    MIGRATIONS.apply(db, stop_before="m002_queue_order_and_vocabulary")
    db.execute("PRAGMA user_version = 1")
    text = "Officials said 155 people were hurt."
    db["articles"].insert(
        {"id": 1, "path": "a.txt", "title": "A", "sha256": "s", "ingested_at": "t", "text": text}
    )
    db["passages"].insert(
        {"id": 1, "article_id": 1, "ordinal": 0, "paragraph": 0, "start": 0, "end": 36, "text": text}
    )
    db["claims"].insert(
        {"id": 1, "article_id": 1, "passage_id": 1, "start": 0, "end": 36, "text": text, "created_at": "t"}
    )
    db["events"].insert(
        {"id": 1, "claim_id": 1, "kind": "decided", "verdict": "unsupported", "reviewer": "ana", "at": "t"}
    )
    db["claim_state"].insert(
        {
            "claim_id": 1,
            "status": "decided",
            "verdict": "unsupported",
            "reviewer": "ana",
            "decision_event_id": 1,
        }
    )
    db.conn.commit()
    db.close()


def test_older_database_is_migrated_by_the_cli_keeping_its_decisions(tmp_path: Path) -> None:
    db = tmp_path / "queue.db"
    _version_one_database(db)
    proc = run_factcheck(["status", "--json"], cwd=tmp_path, db=db)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdicts"] == {"unsupported": 1}
    doc = json.loads(run_factcheck(["export", "--format", "json"], cwd=tmp_path, db=db).stdout)
    [claim] = doc["claims"]
    assert (claim["verdict"], claim["reviewer"]) == ("unsupported", "ana")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_older_read_only_database_cannot_be_upgraded_and_says_so(tmp_path: Path) -> None:
    if unprivileged_prefix() is None:
        pytest.skip("running as root without `unshare --user`: permission bits cannot be tested")
    db = tmp_path / "queue.db"
    _version_one_database(db)
    content = db.read_bytes()
    db.chmod(0o444)
    try:
        proc = run_factcheck(["status"], cwd=tmp_path, db=db, unprivileged=True)
    finally:
        db.chmod(0o644)
    assert_one_line_error(proc, "read")
    assert db.read_bytes() == content


def test_newer_database_is_refused_by_the_cli_untouched(desk: Path) -> None:
    conn = sqlite3.connect(desk)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    content = desk.read_bytes()
    commands = [["status"], ["decide", "2", "--verdict", "unsupported"], ["ingest", str(desk.parent)]]
    for proc in run_factcheck_many(commands, cwd=desk.parent, db=desk):
        assert_one_line_error(proc, "newer factcheck")
    assert desk.read_bytes() == content


# --- locked ----------------------------------------------------------------------------------------


def test_database_locked_by_a_stuck_process(desk: Path) -> None:
    """Another process holds the write lock longer than the busy timeout: reads still answer at once
    (WAL), writes wait for the timeout and then say "busy" in one line; nothing is lost."""
    before = fingerprint(desk)
    holder = subprocess.Popen(
        [sys.executable, str(HELPERS / "hold_lock.py"), str(desk), str(BUSY_TIMEOUT_S + 8)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"LOCKED\n"
        env_cmd = [*factcheck_command(), "--db", str(desk)]
        started = time.monotonic()
        writers = [
            subprocess.Popen(
                [*env_cmd, *args], cwd=desk.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for args in (["next", "--json"], ["decide", "2", "--verdict", "unsupported"])
        ]
        status = run_factcheck(["status", "--json"], cwd=desk.parent, db=desk)
        assert status.returncode == 0 and json.loads(status.stdout)["status"]["decided"] == 1
        assert time.monotonic() - started < BUSY_TIMEOUT_S, "a read is not blocked by the writer"
        for proc in writers:
            out, err = proc.communicate(timeout=BUSY_TIMEOUT_S + 30)
            assert_one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, out, err), "busy")
        assert time.monotonic() - started >= BUSY_TIMEOUT_S * 0.9, "writers waited for the busy timeout"
    finally:
        holder.kill()
        holder.wait()
    assert fingerprint(desk) == before
