"""The command line, through click's CliRunner and as the installed `factcheck` program."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.storage import Store

CLAIM_FIELDS = {
    "id",
    "article_id",
    "article_path",
    "text",
    "start",
    "end",
    "score",
    "reasons",
    "status",
    "verdict",
    "evidence",
    "note",
    "reviewer",
    "history",
    "candidates",
    "requeue_reason",
}
PASSAGE_FIELDS = {"passage_id", "article_path", "text", "start", "end"}


def run(*args: str, db: Path, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path, sample_dir: Path) -> Path:
    path = tmp_path / "queue.db"
    result = run("ingest", str(sample_dir), db=path)
    assert result.exit_code == 0, result.output
    return path


def test_ingest_reports_a_summary_and_is_idempotent(db: Path, sample_dir: Path) -> None:
    again = run("ingest", str(sample_dir), "--json", db=db)
    assert again.exit_code == 0
    summary = json.loads(again.stdout)
    assert summary["added"] == [] and len(summary["unchanged"]) == 5 and summary["claims"] == 0


def test_ingest_skips_bad_files_with_exit_3(tmp_path: Path, sample_dir: Path) -> None:
    (sample_dir / "empty.txt").write_bytes(b"")
    result = run("ingest", str(sample_dir), db=tmp_path / "q.db")
    assert result.exit_code == 3
    assert "skipped: " in result.stderr and "empty.txt: empty file" in result.stderr
    assert "5 added" in result.stderr


def test_status_counts(db: Path) -> None:
    result = run("status", "--json", db=db)
    counts = json.loads(result.stdout)
    assert counts["articles"] == 5
    assert counts["status"]["pending"] >= 30
    text = run("status", db=db).stdout
    assert "pending" in text and "verified" in text


def test_export_json_follows_the_contract(db: Path) -> None:
    doc = json.loads(run("export", "--format", "json", db=db).stdout)
    assert {"articles", "claims"} <= set(doc)
    assert {"id", "path", "title", "sha256"} <= set(doc["articles"][0])
    texts = {a["path"]: (Path(db).parent / a["path"]) for a in doc["articles"]}
    assert texts
    with Store(db) as store:
        article_text = {a.id: a.text for a in store.articles(with_text=True)}
    for claim in doc["claims"]:
        assert set(claim) >= CLAIM_FIELDS, CLAIM_FIELDS - set(claim)
        assert article_text[claim["article_id"]][claim["start"] : claim["end"]] == claim["text"]
        for cand in claim["candidates"]:
            assert PASSAGE_FIELDS | {"score", "quantities"} <= set(cand)
            assert cand["article_path"] != claim["article_path"]


def test_next_decide_undo_round_trip(db: Path) -> None:
    claim = json.loads(run("next", "--reviewer", "ana", "--json", db=db).stdout)
    assert claim["status"] == "in_review" and claim["candidates"], "the top claim has evidence"
    evidence = claim["candidates"][0]["passage_id"]
    missing = run("decide", str(claim["id"]), "--verdict", "verified", "--reviewer", "ana", db=db)
    assert missing.exit_code == 1 and "needs an evidence passage" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    taken = run(
        "decide",
        str(claim["id"]),
        "--verdict",
        "verified",
        "--evidence",
        str(evidence),
        "--reviewer",
        "ben",
        db=db,
    )
    assert taken.exit_code == 1 and "being reviewed by ana" in taken.stderr
    ok = run(
        "decide",
        str(claim["id"]),
        "--verdict",
        "verified",
        "--evidence",
        str(evidence),
        "--note",
        "ok",
        "--reviewer",
        "ana",
        "--json",
        db=db,
    )
    decided = json.loads(ok.stdout)
    assert decided["verdict"] == "verified" and decided["evidence"]["passage_id"] == evidence
    assert [h["kind"] for h in decided["history"]] == ["leased", "decided"]
    undone = run("undo", "--reviewer", "ana", db=db)
    assert undone.exit_code == 0 and f"claim #{claim['id']}" in undone.stdout
    with sqlite3.connect(db) as conn:
        kinds = [
            k
            for (k,) in conn.execute("SELECT kind FROM events WHERE claim_id = ? ORDER BY id", [claim["id"]])
        ]
    assert kinds == ["leased", "decided", "undone"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decide", "999999", "--verdict", "verified", "--evidence", "1"], "no claim with id 999999"),
        (["decide", "1", "--verdict", "maybe"], "unknown verdict 'maybe'"),
        (["decide", "1", "--verdict", "disputed", "--evidence", "999999"], "no passage with id 999999"),
        (["undo", "--reviewer", "nobody"], "nothing to undo"),
    ],
)
def test_user_errors_are_one_line(db: Path, args: list[str], message: str) -> None:
    proc = _factcheck(["--db", str(db), *args], cwd=db.parent)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_empty_queue_prints_null(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Nothing checkable here at all.\n", encoding="utf-8")
    db = tmp_path / "q.db"
    run("ingest", str(tmp_path / "a.txt"), db=db)
    assert run("next", "--json", db=db).stdout.strip() == "null"


def test_extract_without_a_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "never.db"), "extract", "-", "--json"],
        input="Officials said 155 people were hurt.\n\nIs it true?\n",
    )
    claims = json.loads(result.stdout)
    assert [c["text"] for c in claims] == ["Officials said 155 people were hurt."]
    assert {"text", "start", "end", "score", "reasons", "quantities"} <= set(claims[0])
    assert not (tmp_path / "never.db").exists()


def test_claim_add_queues_and_links(db: Path) -> None:
    result = run(
        "claim",
        "add",
        "A prisoner paid $3,530 to an intermediary to join the Russian army",
        "--source",
        "radio",
        "--json",
        db=db,
    )
    [claim] = json.loads(result.stdout)
    assert claim["status"] == "pending" and claim["source_note"] == "radio" and claim["article_id"] is None
    assert any("30,000 rubles" in c["text"] for c in claim["candidates"])


def test_every_command_has_help() -> None:
    for args in (
        [],
        ["ingest"],
        ["status"],
        ["export"],
        ["extract"],
        ["next"],
        ["decide"],
        ["undo"],
        ["review"],
        ["claim", "add"],
    ):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, args


def _factcheck(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("factcheck")
    cmd = [exe] if exe else [sys.executable, "-m", "factcheck"]
    env = {**os.environ, "FACTCHECK_REVIEWER": "tester"}
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text", "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x01" * 4000, "damaged or not a database"),
    ],
)
def test_installed_command_refuses_a_bad_database(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "queue.db"
    bad.write_bytes(content)
    proc = _factcheck(["status"], cwd=tmp_path)
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr
    assert bad.read_bytes() == content


def test_installed_command_with_no_arguments_ingests_articles(tmp_path: Path, sample_dir: Path) -> None:
    first = _factcheck([], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stderr and "pending" in first.stdout
    assert (tmp_path / "queue.db").exists()
    second = _factcheck([], cwd=tmp_path)
    assert second.returncode == 0 and "added" not in second.stderr
