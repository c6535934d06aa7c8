"""The review session behind the screen: which claim is open, which were skipped, which notes go with
the next decision.

It only sequences calls to :class:`factcheck.queue.Reviewer`, which holds every rule (leases, the
evidence requirement, undo), so the screen stays a thin view and the sequencing is testable without a
terminal. It imports nothing from Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.errors import ReviewError
from factcheck.models import Claim, Verdict
from factcheck.queue import Reviewer


@dataclass(frozen=True)
class Outcome:
    """What an action did: the claim it changed and the claim that is open afterwards."""

    changed: Claim | None
    current: Claim | None


class ReviewSession:
    """One reviewer's walk through the queue: the open claim is always leased to them."""

    def __init__(self, reviewer: Reviewer) -> None:
        self.reviewer = reviewer
        self.current: Claim | None = None
        self.skipped: list[int] = []
        self._notes: dict[int, str] = {}

    @property
    def name(self) -> str:
        """The reviewer's name, as recorded in the history."""
        return self.reviewer.name

    def open_next(self) -> Claim | None:
        """Lease the next claim in queue order, passing over the ones skipped in this session; once only
        skipped claims are left they come round again rather than the screen going empty."""
        claim = self.reviewer.next(exclude=self.skipped)
        if claim is None and self.skipped:
            self.skipped.clear()
            claim = self.reviewer.next()
        self.current = claim
        return claim

    def open(self, claim_id: int) -> Claim:
        """Open a claim the reviewer picked: lease it first (which fails if someone else holds it),
        and only then give back the one that was open."""
        claim = self.reviewer.lease(claim_id)
        previous = self.current
        if previous is not None and previous.id != claim_id:
            self.reviewer.release(previous.id)
        self.current = claim
        return claim

    def refresh(self) -> Claim | None:
        """Re-read the open claim (after a rescan, or when the lease is renewed)."""
        if self.current is not None:
            self.current = self.reviewer.store.claim(self.current.id)
        return self.current

    def renew(self) -> Claim | None:
        """Extend the lease on the open claim while the reviewer is still looking at it."""
        if self.current is None:
            return None
        self.current = self.reviewer.lease(self.current.id)
        return self.current

    def decide(self, verdict: Verdict, evidence_passage_id: int | None) -> Outcome:
        """Record a verdict on the open claim (with the note written for it) and open the next one."""
        claim = self._require_current()
        decided = self.reviewer.decide(
            claim.id, verdict, evidence_passage_id=evidence_passage_id, note=self._note_for(claim)
        )
        self._notes.pop(claim.id, None)
        return Outcome(decided, self.open_next())

    def keep(self) -> Outcome:
        """Confirm a re-queued claim's earlier verdict and evidence, then open the next claim."""
        claim = self._require_current()
        decided = self.reviewer.keep_verdict(claim.id, note=self._notes.get(claim.id))
        self._notes.pop(claim.id, None)
        return Outcome(decided, self.open_next())

    def skip(self) -> Outcome:
        """Give the open claim back to the queue for now and open the next one."""
        claim = self._require_current()
        self.reviewer.release(claim.id, skipped=True)
        self.skipped.append(claim.id)
        self.current = None
        return Outcome(claim, self.open_next())

    def undo(self) -> Outcome:
        """Cancel this reviewer's last decision; its claim, leased again, becomes the open one."""
        restored = self.reviewer.undo()
        previous = self.current
        if previous is not None and previous.id != restored.id:
            self.reviewer.release(previous.id)
        if restored.id in self.skipped:
            self.skipped.remove(restored.id)
        self.current = restored
        return Outcome(restored, restored)

    def note(self, text: str) -> Claim:
        """Store a note on the open claim at once (a ``noted`` event) and carry it into the decision."""
        claim = self._require_current()
        self.current = self.reviewer.note(claim.id, text)
        self._notes[claim.id] = text.strip()
        return self.current

    def pending_note(self) -> str | None:
        """The note that will be saved with the open claim's decision, if any."""
        return self._note_for(self.current) if self.current is not None else None

    def release_all(self) -> int:
        """Give back every claim this reviewer holds (on quit, or when the reviewer changes)."""
        self.current = None
        return self.reviewer.release_all()

    def _note_for(self, claim: Claim) -> str | None:
        """A note written in this session; else the note of an undecided claim (a re-queued claim's
        note belongs to its earlier decision and is not silently copied into a new one)."""
        if claim.id in self._notes:
            return self._notes[claim.id]
        return claim.note if claim.verdict is None else None

    def _require_current(self) -> Claim:
        if self.current is None:
            raise ReviewError("no claim is open: the queue is empty")
        return self.current
