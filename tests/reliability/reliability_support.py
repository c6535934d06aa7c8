"""Helpers for the reliability suite: synthetic review queues built through the real Store, the installed
command run as a real subprocess, and before/after fingerprints of a database.

Nothing here is mocked: every test uses a real SQLite file in ``tmp_path`` and real processes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from factcheck.models import ExtractedClaim
from factcheck.segment import split_passages
from factcheck.storage import Store

HERE = Path(__file__).resolve().parent
HELPERS = HERE / "helpers"
TABLES = ("articles", "passages", "claims", "claim_state", "candidates", "events")
# What must never reach a user: a traceback, or SQLite's raw lock error.
FORBIDDEN_STDERR = ("Traceback", "database is locked", "OperationalError")


def build_queue(path: Path, claims: int) -> tuple[list[int], int]:
    """A database with ``claims`` pending claims in one article and one evidence passage in another.

    Returns the claim ids (in queue order: highest score first) and the evidence passage id."""
    sentences = [f"Officials said {i + 100} people were hurt in district {i}." for i in range(claims)]
    text = " ".join(sentences)
    evidence = "Hospital staff said the figures were confirmed on Tuesday."
    with Store(path) as store:
        first, _ = store.add_article(
            path="claims.txt",
            title="Claims",
            sha256="c" * 64,
            text=text,
            encoding="utf-8",
            size=len(text),
            spans=split_passages(text),
        )
        _, passages = store.add_article(
            path="evidence.txt",
            title="Evidence",
            sha256="e" * 64,
            text=evidence,
            encoding="utf-8",
            size=len(evidence),
            spans=split_passages(evidence),
        )
        spans = split_passages(text)
        assert len(spans) == claims
        extracted = [
            ExtractedClaim(text=text[s.start : s.end], start=s.start, end=s.end, score=1.0 - i / (claims + 1))
            for i, s in enumerate(spans)
        ]
        ids = store.add_claims(first.id, extracted)
        return ids, passages[0].id


def fingerprint(path: Path) -> dict[str, Any]:
    """Row counts of every table, integrity_check and the newest event id. A plain connection, so that
    closing it checkpoints and removes the -wal file like any last connection (content is unchanged);
    a read-only one would leave -wal and -shm behind and make a read-only folder writable again."""
    conn = sqlite3.connect(path)

    def one(sql: str) -> Any:
        return conn.execute(sql).fetchone()[0]

    try:
        out: dict[str, Any] = {t: one(f"SELECT count(*) FROM {t}") for t in TABLES}
        out["integrity"] = one("PRAGMA integrity_check")
        out["last_event"] = one("SELECT max(id) FROM events")
        out["decided"] = one("SELECT count(*) FROM claim_state WHERE status = 'decided'")
    finally:
        conn.close()
    return out


def factcheck_command() -> list[str]:
    """The installed `factcheck` program (the one users run), else ``python -m factcheck``."""
    exe = Path(sys.executable).with_name("factcheck")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("factcheck")
    return [found] if found else [sys.executable, "-m", "factcheck"]


def unprivileged_prefix() -> list[str] | None:
    """A command prefix under which file permission bits apply. Root bypasses them, so as root we run
    the command in a fresh user namespace (``unshare --user``), where root's override no longer
    applies to files on disk; None when that is impossible (the caller skips with this reason)."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "--user", "--", "true"], capture_output=True)
    return [unshare, "--user", "--"] if probe.returncode == 0 else None


def run_factcheck(
    args: list[str],
    *,
    cwd: Path,
    db: Path | None = None,
    unprivileged: bool = False,
    timeout: float = 60,
    input: bytes | None = None,
    preexec_fn: Any = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command as a user would, capturing raw bytes."""
    [proc] = run_factcheck_many(
        [args], cwd=cwd, db=db, unprivileged=unprivileged, timeout=timeout, input=input, preexec_fn=preexec_fn
    )
    return proc


def run_factcheck_many(
    commands: list[list[str]],
    *,
    cwd: Path,
    db: Path | None = None,
    unprivileged: bool = False,
    timeout: float = 60,
    input: bytes | None = None,
    preexec_fn: Any = None,
) -> list[subprocess.CompletedProcess[bytes]]:
    """Run several independent commands at once (start-up dominates their cost), in order of results."""
    prefix: list[str] = []
    if unprivileged:
        found = unprivileged_prefix()
        if found is None:
            pytest.skip("running as root without `unshare --user`: permission bits cannot be tested")
        prefix = found
    env = {**os.environ, "FACTCHECK_REVIEWER": "tester", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FACTCHECK_DEBUG", None)
    db_args = ["--db", str(db)] if db is not None else []
    procs = [
        subprocess.Popen(
            [*prefix, *factcheck_command(), *db_args, *args],
            cwd=cwd,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=preexec_fn,
        )
        for args in commands
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(input=input, timeout=timeout)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    """Non-zero exit, exactly one line on stderr, no traceback; returns that line."""
    err = proc.stderr.decode("utf-8", "replace").strip()
    assert proc.returncode != 0, f"expected a failure, got exit 0: {err!r}"
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, f"expected one line, got: {err!r}"
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    return err


def pipeline_available() -> bool:
    """The full CLI imports once extraction, quantities and matching exist."""
    try:
        import factcheck.cli  # noqa: F401
    except ImportError:
        return False
    return True


needs_cli = pytest.mark.skipif(not pipeline_available(), reason="factcheck.cli does not import yet")
