"""What the screen shows, read from the store into plain frozen objects.

Widgets never query the database: the screen (or a worker, on its own connection) calls these loaders
and hands the result down. Everything here is plain Python, so it is tested without a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from factcheck.errors import StoreError
from factcheck.matching import also_reported_by
from factcheck.models import Article, Candidate, Claim, ClaimStatus, Event, Passage
from factcheck.settings import Settings
from factcheck.storage import Store

CONTEXT_BEFORE = 1
"""Passages shown before the claim: enough to read it in its place, short enough for 80x24."""
CONTEXT_AFTER = 1

_OUTLET = re.compile(r"^(?P<outlet>.+?)-(?:19|20)\d\d-\d\d-\d\d(?:-|$)")

EvidenceOrigin = Literal["candidate", "search", "earlier"]


@dataclass(frozen=True)
class Source:
    """An article as the screen names it: a short outlet label and the title."""

    article_id: int
    outlet: str
    title: str
    path: str
    superseded: bool = False

    @classmethod
    def of(cls, article: Article) -> Source:
        """Name an article by the outlet in its file name (``upi-2025-04-10-...``), else its title."""
        stem = article.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        match = _OUTLET.match(stem)
        outlet = match.group("outlet") if match else article.title
        return cls(article.id, outlet, article.title, article.path, article.superseded)


MANUAL_SOURCE = "manual"


class Sources:
    """Article id → Source, read on demand (without the article texts) and kept: the screen needs the
    few articles of the claims it shows, not the whole corpus (reading all 2,000 names cost ~20 ms of
    the first paint, and as much again for every queue page)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._by_id: dict[int, Source | None] = {}

    def reload(self) -> None:
        """Forget what was read (after a rescan: new articles, older versions superseded)."""
        self._by_id = {}

    def prefetch(self, article_ids: Iterable[int | None]) -> None:
        """Read the sources of these articles in one query."""
        missing = {i for i in article_ids if i is not None and i not in self._by_id}
        if missing:
            found = self._store.articles_by_id(missing)
            self._by_id.update({i: Source.of(found[i]) if i in found else None for i in missing})

    def get(self, article_id: int | None) -> Source | None:
        """The source of an article id; None for manual claims."""
        if article_id is None:
            return None
        if article_id not in self._by_id:
            self.prefetch([article_id])
        return self._by_id.get(article_id)

    def outlet(self, article_id: int | None) -> str:
        """The short label for the queue's source column."""
        source = self.get(article_id)
        return source.outlet if source else MANUAL_SOURCE


@dataclass(frozen=True)
class NumberPair:
    """A quantity in the claim next to the one the evidence gives for it, as the matcher compared them
    (``relation``: agree, approx or conflict; ``reason`` says why in words)."""

    claim: str
    evidence: str
    relation: str = ""
    reason: str = ""

    @property
    def conflict(self) -> bool:
        """The evidence gives another figure for the same thing."""
        return self.relation == "conflict"


def number_pairs(quantities: Sequence[Mapping[str, Any]]) -> list[NumberPair]:
    """The matcher's quantity comparisons stored with a candidate; an entry without both sides is
    skipped rather than shown half-empty."""
    pairs = []
    for item in quantities:
        claim_side = str(item.get("claim_label") or item.get("claim") or "")
        evidence_side = str(item.get("evidence_label") or item.get("evidence") or "")
        if claim_side and evidence_side:
            pairs.append(
                NumberPair(
                    claim_side, evidence_side, str(item.get("relation") or ""), str(item.get("reason") or "")
                )
            )
    return pairs


@dataclass(frozen=True)
class EvidenceItem:
    """One passage that may serve as evidence, with why it was proposed."""

    passage: Passage
    source: Source | None
    score: float | None
    components: Mapping[str, float] = field(default_factory=dict)
    numbers: Sequence[NumberPair] = ()
    syndicated: bool = False
    origin: EvidenceOrigin = "candidate"

    @property
    def conflict(self) -> bool:
        """The passage gives a different number for something the claim quantifies."""
        return any(pair.conflict for pair in self.numbers)


@dataclass(frozen=True)
class ClaimDetail:
    """Everything the claim and evidence panes show for one claim."""

    claim: Claim
    source: Source | None
    context: Sequence[Passage]
    evidence: Sequence[EvidenceItem]
    cluster: Sequence[tuple[Claim, Source | None]] = ()
    history: Sequence[Event] = ()
    decision_evidence: EvidenceItem | None = None

    @property
    def requeued(self) -> bool:
        """Sent back to the queue by a new source, with an earlier verdict that can be kept (the status
        reads "in review" while the reviewer holds it, so the re-queue reason is what tells)."""
        claim = self.claim
        return (
            claim.requeue_reason is not None
            and claim.verdict is not None
            and claim.status is not ClaimStatus.DECIDED
        )


def candidate_items(store: Store, sources: Sources, candidates: Sequence[Candidate]) -> list[EvidenceItem]:
    """Candidates with their passages and sources, best first."""
    passages = store.passages_by_id(c.passage_id for c in candidates)
    sources.prefetch(p.article_id for p in passages.values())
    return [
        EvidenceItem(
            passage=passages[c.passage_id],
            source=sources.get(passages[c.passage_id].article_id),
            score=c.score,
            components=c.components,
            numbers=number_pairs(c.quantities),
            syndicated=c.syndicated,
        )
        for c in candidates
        if c.passage_id in passages
    ]


def passage_item(
    store: Store, sources: Sources, passage_id: int, origin: EvidenceOrigin, score: float | None = None
) -> EvidenceItem | None:
    """A passage found another way (search, an earlier decision) as an evidence item."""
    try:
        passage = store.passage(passage_id)
    except StoreError:
        return None
    return EvidenceItem(passage, sources.get(passage.article_id), score, origin=origin)


def context_passages(passages: Sequence[Passage], claim: Claim) -> list[Passage]:
    """The passages that hold the claim, with a little of what comes before and after (bylines and
    credits left out: they are not context)."""
    passages = [p for p in passages if not p.boilerplate]
    if claim.start is None or claim.end is None or not passages:
        return []
    inside = [i for i, p in enumerate(passages) if p.start < claim.end and p.end > claim.start]
    if not inside:
        return []
    first, last = max(inside[0] - CONTEXT_BEFORE, 0), min(inside[-1] + CONTEXT_AFTER, len(passages) - 1)
    return list(passages[first : last + 1])


def load_detail(store: Store, sources: Sources, claim: Claim, settings: Settings) -> ClaimDetail:
    """Read what the panes need for one claim: its article context, its shown candidates (plus the
    passage an earlier decision used, if it is not among them), its cluster and its history."""
    candidates = candidate_items(store, sources, store.candidates(claim.id, limit=settings.candidates_shown))
    decision = None
    if claim.evidence_passage_id is not None:
        shown = {item.passage.id for item in candidates}
        if claim.evidence_passage_id not in shown:
            decision = passage_item(store, sources, claim.evidence_passage_id, "earlier")
    context = context_passages(store.passages(claim.article_id), claim) if claim.article_id else []
    others = [(c, sources.get(c.article_id)) for c in also_reported_by(store, claim)]
    return ClaimDetail(
        claim=claim,
        source=sources.get(claim.article_id),
        context=context,
        evidence=candidates,
        cluster=others,
        history=store.history(claim.id),
        decision_evidence=decision,
    )


@dataclass(frozen=True)
class Progress:
    """The header's numbers: claims by status and decisions by verdict."""

    statuses: Mapping[str, int]
    verdicts: Mapping[str, int]

    @property
    def total(self) -> int:
        """Current (not superseded) claims."""
        return sum(self.statuses.values())

    @property
    def decided(self) -> int:
        """Claims with a decision in force and nothing new to look at."""
        return self.statuses.get("decided", 0)

    @property
    def requeued(self) -> int:
        """Decided claims sent back by a new source."""
        return self.statuses.get("requeued", 0)

    def moved(self, before: Claim, after: Claim) -> Progress:
        """The counts once one claim went from ``before`` to ``after`` (a decision the screen has just
        committed), worked out from the two states instead of counting 100,000 rows again."""
        statuses, verdicts = dict(self.statuses), dict(self.verdicts)
        for claim, step in ((before, -1), (after, 1)):
            if claim.superseded:
                continue
            status = counted_status(claim)
            statuses[status] = statuses.get(status, 0) + step
            if claim.verdict is not None:
                verdicts[claim.verdict.value] = verdicts.get(claim.verdict.value, 0) + step
        return Progress({k: n for k, n in statuses.items() if n}, {k: n for k, n in verdicts.items() if n})


def counted_status(claim: Claim) -> str:
    """The status a claim is counted under: "in review" only means leased, so an open claim counts as
    pending, or re-queued when a new source sent it back (it then carries the re-queue reason)."""
    if claim.status is ClaimStatus.IN_REVIEW:
        return (ClaimStatus.REQUEUED if claim.requeue_reason is not None else ClaimStatus.PENDING).value
    return claim.status.value


def load_progress(store: Store) -> Progress:
    """Count claims by status and verdict."""
    return Progress(store.status_counts(), store.verdict_counts())


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    claim: Claim
    outlet: str
    conflict: bool


def load_queue_page(
    store: Store,
    sources: Sources,
    statuses: Sequence[str] | None,
    search: str | None,
    offset: int,
    limit: int,
) -> list[QueueRow]:
    """A page of the queue in review order, with each claim's source and whether any of its
    candidates gives a conflicting number."""
    claims = store.queue(statuses=statuses, search=search or None, offset=offset, limit=limit)
    candidates = store.candidates_for([c.id for c in claims])
    sources.prefetch(c.article_id for c in claims)
    return [
        QueueRow(
            claim,
            sources.outlet(claim.article_id),
            any(
                pair.conflict
                for cand in candidates.get(claim.id, [])
                for pair in number_pairs(cand.quantities)
            ),
        )
        for claim in claims
    ]
