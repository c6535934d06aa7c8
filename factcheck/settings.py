"""Tunable settings with documented defaults; one object passed to the core, the CLI and the TUI."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Every threshold the product uses, in one place, so a desk can tune it and a test can pin it."""

    model_config = ConfigDict(frozen=True)

    claim_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Minimum check-worthiness score (0-1) for a passage to become a claim.

    The score is a class-balanced logistic model (factcheck/extraction.py), so 0.5 is where the
    evidence for a checkable statement (a quantity, an attribution, a named actor doing something, a
    comparison) balances the evidence against it (a question, opinion, a bare attribution, procedure);
    raise it for fewer, stronger claims. Measured in docs/BENCHMARKS.md, "Claim extraction"."""

    candidates_shown: int = Field(default=5, ge=1, le=9)
    """Evidence candidates shown per claim (keys 1-9 select them)."""

    candidates_stored: int = Field(default=20, ge=1, le=100)
    """Evidence candidates stored per claim (the TUI can page further than it shows)."""

    requeue_threshold: float = Field(default=60.0, ge=0.0, le=100.0)
    """Minimum candidate score (0-100) from a newly ingested source that re-queues a decided claim.

    On the samples, passages that restate a claim (same actors, same numbers) score 60-80 and loose
    topical neighbours (same story, different fact) 40-55; see docs/BENCHMARKS.md, "Re-queue"."""

    requeue_conflict_threshold: float = Field(default=40.0, ge=0.0, le=100.0)
    """Lower bar for a candidate whose numbers contradict the claim's (a paired quantity in conflict):
    a contradiction matters even when the wording differs ("$3,530" against "30,000 rubles")."""

    lease_minutes: float = Field(default=10.0, gt=0)
    """How long a claim handed to a reviewer stays theirs without activity."""


DEFAULT_SETTINGS = Settings()
