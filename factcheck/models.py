"""Typed domain models shared by the core, the CLI, the TUI and the JSON export contract."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Verdict(StrEnum):
    """What a reviewer concluded about a claim."""

    VERIFIED = "verified"
    DISPUTED = "disputed"
    UNSUPPORTED = "unsupported"

    @property
    def needs_evidence(self) -> bool:
        """Verified and disputed must point at the passage that shows it; unsupported may not."""
        return self is not Verdict.UNSUPPORTED


class ClaimStatus(StrEnum):
    """Where a claim is in the review queue."""

    PENDING = "pending"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    REQUEUED = "requeued"


class EventKind(StrEnum):
    """Kinds of history events. History is append-only: nothing is updated in place."""

    DECIDED = "decided"
    UNDONE = "undone"
    NOTED = "noted"
    REQUEUED = "requeued"
    LEASED = "leased"
    RELEASED = "released"
    SKIPPED = "skipped"
    SUPERSEDED = "superseded"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Article(_Model):
    """One version of one source file."""

    id: int
    path: str
    title: str
    sha256: str
    version: int = 1
    superseded: bool = False
    encoding: str = "utf-8"
    ingested_at: str = ""
    duplicate_of: int | None = None  # a near-identical (syndicated) copy of this article id
    stage: str = "linked"  # how far its pipeline got: stored -> extracted -> linked
    text: str = Field(default="", repr=False)


class Passage(_Model):
    """A sentence of an article: ``article.text[start:end] == text``."""

    id: int
    article_id: int
    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str
    kind: str = "body"
    boilerplate: bool = False


class ExtractedClaim(_Model):
    """A check-worthy span found by the extractor, before it is stored."""

    text: str
    start: int
    end: int
    score: float
    reasons: list[str] = []
    quantities: list[dict[str, Any]] = []


class Claim(_Model):
    """A stored claim and its current review state (the state is a projection of its history)."""

    id: int
    article_id: int | None
    text: str
    start: int | None
    end: int | None
    score: float
    reasons: list[str] = []
    quantities: list[dict[str, Any]] = []
    origin: str = "extracted"  # extracted | manual
    source_note: str | None = None
    cluster_id: int | None = None
    passage_id: int | None = None
    status: ClaimStatus = ClaimStatus.PENDING
    verdict: Verdict | None = None
    evidence_passage_id: int | None = None
    note: str | None = None
    reviewer: str | None = None
    decided_at: str | None = None
    requeue_reason: dict[str, Any] | None = None
    lease_owner: str | None = None
    lease_expires: str | None = None
    superseded: bool = False


class Candidate(_Model):
    """An evidence passage proposed for a claim, with the score broken into its components."""

    claim_id: int
    passage_id: int
    rank: int
    score: float  # 0-100
    components: dict[str, float] = {}
    quantities: list[dict[str, Any]] = []
    syndicated: bool = False  # the passage's article is a near-copy of the claim's: not independent


class Event(_Model):
    """One row of the append-only history."""

    id: int
    claim_id: int
    kind: EventKind
    verdict: Verdict | None = None
    evidence_passage_id: int | None = None
    note: str | None = None
    reviewer: str | None = None
    at: str
    detail: dict[str, Any] | None = None
    undoes: int | None = None
