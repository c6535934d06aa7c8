"""The review rules, shared by the CLI and the TUI: queue order, leases, decisions, notes, undo, re-queue.

A claim's state is a projection of its append-only history: ``replay(events)`` computes it, and every
change appends an event and stores the replayed state in the same ``BEGIN IMMEDIATE`` transaction.
Undo is an event too (``undone``, pointing at the decision it cancels), so nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from factcheck.errors import ReviewError, StoreError
from factcheck.models import Claim, ClaimStatus, Event, EventKind, Verdict
from factcheck.segment import clean_text
from factcheck.settings import DEFAULT_SETTINGS, Settings
from factcheck.storage import Store

# Filters offered by the TUI and the CLI, by name.
FILTERS: dict[str, tuple[str, ...] | None] = {
    "pending": ("pending", "requeued"),
    "requeued": ("requeued",),
    "decided": ("decided",),
    "all": None,
}


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_verdict(value: str | Verdict) -> Verdict:
    """A verdict from user input, or a one-line error naming the valid ones."""
    try:
        return Verdict(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(v.value for v in Verdict)
        raise ReviewError(f"unknown verdict {value!r}: use one of {valid}") from None


@dataclass
class ReviewState:
    """What a claim's history adds up to."""

    status: ClaimStatus = ClaimStatus.PENDING
    verdict: Verdict | None = None
    evidence_passage_id: int | None = None
    note: str | None = None
    reviewer: str | None = None
    decided_at: str | None = None
    decision_event_id: int | None = None
    requeue_reason: dict[str, Any] | None = None

    def columns(self) -> dict[str, Any]:
        """The state as claim_state columns."""
        return {
            "status": self.status,
            "verdict": self.verdict,
            "evidence_passage_id": self.evidence_passage_id,
            "note": self.note,
            "reviewer": self.reviewer,
            "decided_at": self.decided_at,
            "decision_event_id": self.decision_event_id,
            "requeue_reason": self.requeue_reason,
        }


def replay(events: Sequence[Event]) -> ReviewState:
    """Fold a claim's history into its current state; undone decisions are skipped as if never made."""
    undone = {e.undoes for e in events if e.kind is EventKind.UNDONE and e.undoes}
    state = ReviewState()
    for e in events:
        if e.kind is EventKind.DECIDED and e.id not in undone:
            state.status = ClaimStatus.DECIDED
            state.verdict, state.evidence_passage_id = e.verdict, e.evidence_passage_id
            state.note, state.reviewer, state.decided_at = e.note, e.reviewer, e.at
            state.decision_event_id, state.requeue_reason = e.id, None
        elif e.kind is EventKind.REQUEUED:
            state.status, state.requeue_reason = ClaimStatus.REQUEUED, e.detail
        elif e.kind is EventKind.NOTED:
            state.note = e.note
    return state


class Reviewer:
    """One reviewer's session over a store: every rule of the review lives here, once."""

    def __init__(self, store: Store, name: str, settings: Settings = DEFAULT_SETTINGS) -> None:
        name = clean_text(name)  # names and notes are shown to others: no terminal escapes in them
        if not name.strip():
            raise ReviewError("a reviewer name is needed (--reviewer NAME or $FACTCHECK_REVIEWER)")
        self.store, self.name, self.settings = store, name.strip(), settings

    # --- leases ------------------------------------------------------------------------------

    def _lease_until(self, now: datetime) -> str:
        return _iso(now + timedelta(minutes=self.settings.lease_minutes))

    def next(self, *, exclude: Sequence[int] = (), now: datetime | None = None) -> Claim | None:
        """Lease and return the next claim in queue order (re-queued first, then by score); None when
        the queue is empty. Nobody else receives a claim while its lease lasts."""
        moment = now or _now()
        with self.store.write():
            claim = self.store.next_available(self.name, _iso(moment), exclude=exclude)
            if claim is None:
                return None
            self._take(claim, moment)
        return self.store.claim(claim.id)

    def lease(self, claim_id: int, *, now: datetime | None = None) -> Claim:
        """Take (or renew) the lease on a specific claim, e.g. one the reviewer picked in the queue."""
        moment = now or _now()
        with self.store.write():
            claim = self._live_claim(claim_id, moment)
            self._take(claim, moment)
        return self.store.claim(claim_id)

    def _take(self, claim: Claim, moment: datetime) -> None:
        renewing = claim.lease_owner == self.name and (claim.lease_expires or "") > _iso(moment)
        if not renewing:
            self.store.append_event(claim.id, EventKind.LEASED, reviewer=self.name, at=_iso(moment))
        self.store.set_state(claim.id, lease_owner=self.name, lease_expires=self._lease_until(moment))

    def release(self, claim_id: int, *, skipped: bool = False, now: datetime | None = None) -> None:
        """Give a claim back to the queue (quit or skip)."""
        moment = now or _now()
        with self.store.write():
            claim = self.store.claim(claim_id)
            if claim.lease_owner != self.name:
                return
            kind = EventKind.SKIPPED if skipped else EventKind.RELEASED
            self.store.append_event(claim_id, kind, reviewer=self.name, at=_iso(moment))
            self.store.set_state(claim_id, lease_owner=None, lease_expires=None)

    def release_all(self, *, now: datetime | None = None) -> int:
        """Give back every claim this reviewer holds (on quit)."""
        held = self.store.held_by(self.name)
        for claim_id in held:
            self.release(claim_id, now=now)
        return len(held)

    def _live_claim(self, claim_id: int, moment: datetime) -> Claim:
        try:
            claim = self.store.claim(claim_id)
        except StoreError:
            raise ReviewError(f"no claim with id {claim_id}") from None
        if claim.superseded:
            raise ReviewError(f"claim {claim_id} belongs to a superseded version of its article")
        if claim.lease_owner not in (None, self.name) and (claim.lease_expires or "") > _iso(moment):
            raise ReviewError(
                f"claim {claim_id} is being reviewed by {claim.lease_owner} until {claim.lease_expires}"
            )
        return claim

    # --- decisions ---------------------------------------------------------------------------

    def decide(
        self,
        claim_id: int,
        verdict: str | Verdict,
        *,
        evidence_passage_id: int | None = None,
        note: str | None = None,
        now: datetime | None = None,
    ) -> Claim:
        """Record a verdict. Verified and disputed need an evidence passage; unsupported may have one.
        The decision is committed before this returns."""
        moment = now or _now()
        chosen = parse_verdict(verdict)
        if chosen.needs_evidence and evidence_passage_id is None:
            raise ReviewError(
                f"{chosen.value} needs an evidence passage: select a candidate (or --evidence PASSAGE_ID)"
            )
        note = (clean_text(note).strip() or None) if note else None
        with self.store.write():
            claim = self._live_claim(claim_id, moment)
            if evidence_passage_id is not None:
                self._check_evidence(claim, evidence_passage_id)
            self.store.append_event(
                claim_id,
                EventKind.DECIDED,
                reviewer=self.name,
                at=_iso(moment),
                verdict=chosen,
                evidence_passage_id=evidence_passage_id,
                note=note,
                detail={
                    "previous_verdict": claim.verdict.value if claim.verdict else None,
                    "requeue_reason": claim.requeue_reason,
                },
            )
            self._project(claim_id)
            self.store.set_state(claim_id, lease_owner=None, lease_expires=None)
        return self.store.claim(claim_id)

    def _check_evidence(self, claim: Claim, passage_id: int) -> None:
        try:
            passage = self.store.passage(passage_id)
        except StoreError:
            raise ReviewError(f"no passage with id {passage_id}") from None
        if passage.boilerplate:
            raise ReviewError(f"passage {passage_id} is boilerplate and cannot be evidence")
        if claim.article_id is not None and passage.article_id == claim.article_id:
            raise ReviewError(
                f"passage {passage_id} is from the claim's own article; evidence must come from another source"
            )

    def keep_verdict(self, claim_id: int, *, note: str | None = None, now: datetime | None = None) -> Claim:
        """Confirm a re-queued claim's earlier verdict and evidence with one action."""
        with self.store.write():  # the verdict kept is the one in force when the decision is written
            claim = self.store.claim(claim_id)
            if claim.verdict is None:
                raise ReviewError(f"claim {claim_id} has no earlier verdict to keep")
            return self.decide(
                claim_id,
                claim.verdict,
                evidence_passage_id=claim.evidence_passage_id,
                note=note if note is not None else claim.note,
                now=now,
            )

    def note(self, claim_id: int, text: str, *, now: datetime | None = None) -> Claim:
        """Attach a note to a claim without deciding it."""
        text = clean_text(text)
        if not text.strip():
            raise ReviewError("the note is empty")
        with self.store.write():
            self._live_claim(claim_id, now or _now())
            self.store.append_event(
                claim_id, EventKind.NOTED, reviewer=self.name, at=_iso(now or _now()), note=text.strip()
            )
            self._project(claim_id)
        return self.store.claim(claim_id)

    def undo(self, *, now: datetime | None = None) -> Claim:
        """Cancel this reviewer's most recent decision that is still in force. Both events stay in the
        history; the claim returns to the state it had before (pending, re-queued, or an earlier verdict)."""
        moment = now or _now()
        with self.store.write():
            event = self.store.last_live_decision(self.name)
            if event is None:
                raise ReviewError(f"nothing to undo: {self.name} has no decision in force")
            self.store.append_event(
                event.claim_id,
                EventKind.UNDONE,
                reviewer=self.name,
                at=_iso(moment),
                verdict=event.verdict,
                undoes=event.id,
            )
            self._project(event.claim_id)
            self.store.set_state(
                event.claim_id, lease_owner=self.name, lease_expires=self._lease_until(moment)
            )
        return self.store.claim(event.claim_id)

    def _project(self, claim_id: int) -> None:
        self.store.set_state(claim_id, **replay(self.store.history(claim_id)).columns())


def requeue(store: Store, claim_id: int, reason: dict[str, Any], *, now: datetime | None = None) -> None:
    """Send a decided claim back to the queue because new evidence arrived; the earlier decision stays
    in the history and in the state's verdict until the claim is decided again."""
    with store.write():
        store.append_event(claim_id, EventKind.REQUEUED, reviewer=None, at=_iso(now or _now()), detail=reason)
        store.set_state(claim_id, **replay(store.history(claim_id)).columns())


def expire_leases(store: Store, *, now: datetime | None = None) -> int:
    """Return claims whose lease ran out to the queue, recording why. Returns how many."""
    moment = _iso(now or _now())
    with store.write():
        expired = store.expired_leases(moment)
        for claim in expired:
            store.append_event(
                claim.id,
                EventKind.RELEASED,
                reviewer=claim.lease_owner,
                at=moment,
                detail={"reason": "lease expired"},
            )
            store.set_state(claim.id, lease_owner=None, lease_expires=None)
    return len(expired)
