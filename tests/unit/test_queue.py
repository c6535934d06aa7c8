"""Review rules: leases, decisions, the evidence requirement, notes, undo, re-queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factcheck.errors import ReviewError
from factcheck.models import ClaimStatus, EventKind, ExtractedClaim, Verdict
from factcheck.queue import Reviewer, expire_leases, replay, requeue
from factcheck.segment import split_passages
from factcheck.storage import Store

T0 = datetime.now(UTC).replace(microsecond=0)


def _corpus(store: Store) -> tuple[list[int], int]:
    """Two articles; three claims in the first (scores .9, .7, .5); returns claim ids and an evidence passage."""
    a = "Officials said 155 people were hurt. The mayor said 12 homes burned. Police said roads were shut."
    b = "Hospital staff said 155 people were treated on Tuesday."
    first, _ = store.add_article(
        path="a.txt",
        title="A",
        sha256="a" * 64,
        text=a,
        encoding="utf-8",
        size=len(a),
        spans=split_passages(a),
    )
    _, passages = store.add_article(
        path="b.txt",
        title="B",
        sha256="b" * 64,
        text=b,
        encoding="utf-8",
        size=len(b),
        spans=split_passages(b),
    )
    spans = split_passages(a)
    claims = [
        ExtractedClaim(text=a[s.start : s.end], start=s.start, end=s.end, score=score)
        for s, score in zip(spans, (0.9, 0.7, 0.5), strict=True)
    ]
    return store.add_claims(first.id, claims), passages[0].id


def test_next_leases_in_score_order_and_never_twice(store: Store) -> None:
    ids, _ = _corpus(store)
    ana, ben = Reviewer(store, "ana"), Reviewer(store, "ben")
    got_a = ana.next(now=T0)
    got_b = ben.next(now=T0)
    assert got_a is not None and got_b is not None
    assert (got_a.id, got_b.id) == (ids[0], ids[1])
    assert got_a.lease_owner == "ana" and got_a.status is ClaimStatus.IN_REVIEW
    assert ana.next(now=T0).id == ids[0], "asking again renews the same lease"  # type: ignore[union-attr]
    assert [e.kind for e in store.history(ids[0])] == [EventKind.LEASED]


def test_expired_lease_returns_the_claim(store: Store) -> None:
    ids, _ = _corpus(store)
    Reviewer(
        store,
        "ana",
    ).next(now=T0)
    later = T0 + timedelta(minutes=11)
    got = Reviewer(store, "ben").next(now=later)
    assert got is not None and got.id == ids[0]
    assert expire_leases(store, now=later + timedelta(minutes=30)) == 1


def test_decision_needs_evidence_for_verified_and_disputed(store: Store) -> None:
    ids, evidence = _corpus(store)
    ana = Reviewer(store, "ana")
    with pytest.raises(ReviewError, match="needs an evidence passage"):
        ana.decide(ids[0], "verified")
    with pytest.raises(ReviewError, match="unknown verdict"):
        ana.decide(ids[0], "maybe")
    with pytest.raises(ReviewError, match="own article"):
        ana.decide(ids[0], "verified", evidence_passage_id=store.claim(ids[1]).passage_id or 1)
    claim = ana.decide(ids[0], "verified", evidence_passage_id=evidence, note="hospital confirms")
    assert (claim.status, claim.verdict, claim.evidence_passage_id) == (
        ClaimStatus.DECIDED,
        Verdict.VERIFIED,
        evidence,
    )
    assert claim.note == "hospital confirms" and claim.reviewer == "ana" and claim.lease_owner is None
    assert ana.decide(ids[1], "unsupported").verdict is Verdict.UNSUPPORTED


def test_someone_elses_lease_blocks_a_decision(store: Store) -> None:
    ids, evidence = _corpus(store)
    Reviewer(store, "ana").next(now=T0)
    with pytest.raises(ReviewError, match="being reviewed by ana"):
        Reviewer(store, "ben").decide(ids[0], "verified", evidence_passage_id=evidence, now=T0)


def test_undo_restores_the_previous_state_and_keeps_both_events(store: Store) -> None:
    ids, evidence = _corpus(store)
    ana = Reviewer(store, "ana")
    ana.decide(ids[0], "verified", evidence_passage_id=evidence)
    ana.decide(ids[0], "disputed", evidence_passage_id=evidence, note="second look")
    undone = ana.undo()
    assert undone.id == ids[0] and undone.verdict is Verdict.VERIFIED and undone.status is ClaimStatus.DECIDED
    again = ana.undo()
    assert again.verdict is None and again.status is ClaimStatus.IN_REVIEW, "back with ana, who undid it"
    ana.release_all()
    assert store.claim(ids[0]).status is ClaimStatus.PENDING
    kinds = [e.kind for e in store.history(ids[0])]
    assert kinds == [
        EventKind.DECIDED,
        EventKind.DECIDED,
        EventKind.UNDONE,
        EventKind.UNDONE,
        EventKind.RELEASED,
    ]
    with pytest.raises(ReviewError, match="nothing to undo"):
        ana.undo()


def test_undo_is_per_reviewer(store: Store) -> None:
    ids, evidence = _corpus(store)
    Reviewer(store, "ana").decide(ids[0], "unsupported")
    with pytest.raises(ReviewError, match="nothing to undo"):
        Reviewer(store, "ben").undo()


def test_requeue_keeps_the_earlier_verdict_visible(store: Store) -> None:
    ids, evidence = _corpus(store)
    ana = Reviewer(store, "ana")
    ana.decide(ids[0], "unsupported")
    requeue(store, ids[0], {"article_title": "B", "passage_id": evidence, "score": 88.0})
    claim = store.claim(ids[0])
    assert claim.status is ClaimStatus.REQUEUED and claim.verdict is Verdict.UNSUPPORTED
    assert claim.requeue_reason == {"article_title": "B", "passage_id": evidence, "score": 88.0}
    assert store.queue()[0].id == ids[0], "re-queued claims come first"
    kept = ana.keep_verdict(ids[0])
    assert (
        kept.status is ClaimStatus.DECIDED
        and kept.verdict is Verdict.UNSUPPORTED
        and kept.requeue_reason is None
    )
    ana.undo()
    ana.release_all()
    assert store.claim(ids[0]).status is ClaimStatus.REQUEUED


def test_state_is_a_replay_of_history(store: Store) -> None:
    ids, evidence = _corpus(store)
    ana = Reviewer(store, "ana")
    ana.decide(ids[2], "disputed", evidence_passage_id=evidence)
    ana.note(ids[2], "call the hospital")
    state = replay(store.history(ids[2]))
    claim = store.claim(ids[2])
    assert (state.status, state.verdict, state.note) == (claim.status, claim.verdict, claim.note)
    assert claim.note == "call the hospital"


def test_release_and_skip_give_the_claim_back(store: Store) -> None:
    ids, _ = _corpus(store)
    ana = Reviewer(store, "ana")
    first = ana.next(now=T0)
    assert first is not None
    ana.release(first.id, skipped=True, now=T0)
    assert ana.next(exclude=[first.id], now=T0).id == ids[1]  # type: ignore[union-attr]
    assert ana.release_all(now=T0) == 1
    assert store.held_by("ana") == []
    assert [e.kind for e in store.history(first.id)] == [EventKind.LEASED, EventKind.SKIPPED]
