"""New sources arrive: exactly which decided claims come back, and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.ingest import ingest_paths
from factcheck.models import Claim, ClaimStatus, EventKind, Verdict
from factcheck.pipeline import process_article, process_articles
from factcheck.queue import Reviewer
from factcheck.storage import Store

UNRELATED = """City Council Approves New Bridge Budget

The city council voted 7-2 on Monday to approve a $12 million budget for the new river bridge, the mayor's office said.
Construction is expected to take 18 months, and about 155 residents attended the public hearing, officials said.
The transport department said traffic on the old bridge had grown by 20% since 2019.
"""


def _claim(store: Store, fragment: str, article_part: str) -> Claim:
    paths = {a.id: a.path for a in store.articles()}
    [claim] = [
        c for c in store.claims() if fragment in c.text and article_part in paths.get(c.article_id or 0, "")
    ]
    return claim


def _evidence_from(store: Store, claim: Claim, article_part: str) -> int:
    paths = {a.id: a.path for a in store.articles()}
    for cand in store.candidates(claim.id):
        if article_part in paths[store.passage(cand.passage_id).article_id]:
            return cand.passage_id
    raise AssertionError(f"no candidate from {article_part} for {claim.text[:60]}")


@pytest.fixture
def desk(tmp_path: Path, sample_dir: Path) -> tuple[Store, Path, dict[str, int]]:
    """Four outlets ingested and some claims decided; EFE is held back as the new source."""
    later = tmp_path / "later"
    later.mkdir()
    [efe] = sample_dir.glob("efe-*.txt")
    shutil.move(efe, later / efe.name)
    store = Store(tmp_path / "queue.db")
    ingest_paths(store, [sample_dir], after_article=process_article, base=tmp_path)
    ana = Reviewer(store, "ana")
    payment = _claim(store, "he had paid $3,530", "upi")
    count = _claim(store, "There are 155 Chinese citizens", "upi")
    no_limits = _claim(store, "“no-limits” relationship", "japan-times")
    indians = _claim(store, "Dozens of Indians have since been released", "reuters")
    ana.decide(payment.id, "unsupported", note="only Pravda has it")
    ana.decide(count.id, "verified", evidence_passage_id=_evidence_from(store, count, "afp-sourced"))
    ana.decide(no_limits.id, "unsupported")
    ana.decide(indians.id, "unsupported")
    ids = {"payment": payment.id, "count": count.id, "no_limits": no_limits.id, "indians": indians.id}
    return store, later, ids


@pytest.mark.parametrize("batch", [False, True], ids=["one-article", "batch"])
def test_a_new_source_requeues_exactly_the_claims_it_bears_on(
    desk: tuple[Store, Path, dict[str, int]], batch: bool
) -> None:
    store, later, ids = desk
    hook: dict[str, Any] = {"after_batch": process_articles} if batch else {"after_article": process_article}
    report = ingest_paths(store, [later], base=later.parent, **hook)
    assert report.added and report.claims > 0
    assert set(report.requeued) == {ids["payment"], ids["count"]}
    for name in ("no_limits", "indians"):
        assert store.claim(ids[name]).status is ClaimStatus.DECIDED, name

    efe = report.added[0]
    payment = store.claim(ids["payment"])
    assert payment.status is ClaimStatus.REQUEUED
    assert payment.verdict is Verdict.UNSUPPORTED, "the earlier verdict stays visible"
    reason = payment.requeue_reason or {}
    assert reason["article_title"] == efe.title and reason["article_path"] == efe.path
    assert "30,000 rubles" in reason["passage_text"]
    assert store.passage(reason["passage_id"]).article_id == efe.id
    assert any(q["relation"] == "conflict" for q in reason["quantities"])
    assert reason["previous_verdict"] == "unsupported"
    kinds = [e.kind for e in store.history(ids["payment"])]
    assert kinds == [EventKind.DECIDED, EventKind.REQUEUED]

    count_reason = store.claim(ids["count"]).requeue_reason or {}
    assert "155" in count_reason["passage_text"]

    assert [c.id for c in store.queue(limit=2)] == sorted(
        [ids["payment"], ids["count"]], key=lambda i: -store.claim(i).score
    ), "re-queued claims come first"


def test_pending_claims_just_gain_the_new_candidates(desk: tuple[Store, Path, dict[str, int]]) -> None:
    store, later, _ = desk
    pending = _claim(store, "captured two Chinese citizens fighting for Russia", "japan-times")
    report = ingest_paths(store, [later], after_article=process_article, base=later.parent)
    efe = report.added[0]
    gained = [c for c in store.candidates(pending.id) if store.passage(c.passage_id).article_id == efe.id]
    assert gained, "the new article's passages become candidates of existing claims"
    assert store.claim(pending.id).status is ClaimStatus.PENDING
    assert all(e.kind is not EventKind.REQUEUED for e in store.history(pending.id))


def test_an_unrelated_article_requeues_nothing(
    desk: tuple[Store, Path, dict[str, int]], tmp_path: Path
) -> None:
    store, _, _ = desk
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "city-2025-04-10-bridge-budget.txt").write_text(UNRELATED, encoding="utf-8")
    report = ingest_paths(store, [other], after_article=process_article, base=tmp_path)
    assert report.added and report.requeued == []
    assert store.status_counts().get("requeued", 0) == 0


def test_a_syndicated_copy_is_not_new_evidence(
    desk: tuple[Store, Path, dict[str, int]], tmp_path: Path, sample_dir: Path
) -> None:
    store, _, ids = desk
    [upi] = sample_dir.glob("upi-*.txt")
    copy = tmp_path / "mirror"
    copy.mkdir()
    text = upi.read_text(encoding="utf-8").replace("April 10 (UPI) —", "April 10 (Mirror Wire) —")
    (copy / "mirror-2025-04-10-copy-of-upi.txt").write_text(text, encoding="utf-8")
    report = ingest_paths(store, [copy], after_article=process_article, base=tmp_path)
    assert report.added[0].id
    assert store.article(report.added[0].id).duplicate_of is not None
    assert report.requeued == []


def test_status_and_json_show_requeued_claims(
    desk: tuple[Store, Path, dict[str, int]], tmp_path: Path
) -> None:
    store, later, ids = desk
    store.close()
    db = tmp_path / "queue.db"
    runner = CliRunner()
    ingest = runner.invoke(cli, ["--db", str(db), "ingest", str(later)])
    assert ingest.exit_code == 0 and "2 re-queued" in ingest.stderr
    status = runner.invoke(cli, ["--db", str(db), "status"])
    assert f"re-queued #{ids['payment']}" in status.stdout and "Efe" in status.stdout
    doc = json.loads(runner.invoke(cli, ["--db", str(db), "export", "--format", "json"]).stdout)
    [payment] = [c for c in doc["claims"] if c["id"] == ids["payment"]]
    assert payment["status"] == "requeued" and payment["verdict"] == "unsupported"
    assert payment["requeue_reason"]["passage_id"]
    assert [h["kind"] for h in payment["history"]] == ["decided", "requeued"]
    md = runner.invoke(cli, ["--db", str(db), "export", "--format", "md"]).stdout
    assert "Re-queued" in md
