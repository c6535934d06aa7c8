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

    requeue_threshold: float = Field(default=70.0, ge=0.0, le=100.0)
    """Minimum candidate score (0-100) from a newly ingested source that re-queues a decided claim.

    A loose topical overlap scores well below this; a passage that restates or contradicts the claim
    (same actors and numbers) scores above it."""

    lease_minutes: float = Field(default=10.0, gt=0)
    """How long a claim handed to a reviewer stays theirs without activity."""


DEFAULT_SETTINGS = Settings()
