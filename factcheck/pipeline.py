"""What happens to each newly stored article: extract its claims, link evidence both ways, re-queue
decided claims the new source bears on. Shared by `factcheck ingest`, start-up and the TUI's rescan."""

from __future__ import annotations

import bisect
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from factcheck.errors import InputError
from factcheck.extraction import extract_claims, score_passage
from factcheck.matching import (
    BatchWorkers,
    Postings,
    Shared,
    batch_workers,
    bulk_postings,
    cluster_claims,
    default_jobs,
    find_duplicates,
    link_claims,
    link_new_articles,
    release_postings,
)
from factcheck.models import Article, Candidate, ClaimStatus, ExtractedClaim
from factcheck.quantities import find_quantities
from factcheck.queue import requeue
from factcheck.segment import Span, clean_text
from factcheck.settings import Settings
from factcheck.storage import Store


@dataclass(frozen=True)
class ArticleOutcome:
    """What processing one new article did."""

    claims: int
    requeued: list[int]


def process_article(store: Store, article: Article, settings: Settings) -> ArticleOutcome:
    """``process_articles`` for one article."""
    return process_articles(store, [article], settings)


FULL_COLLECTION_EVERY = 100
"""While a large batch is linked, what exists once the corpus is read (posting lists, passage texts,
caches) is frozen out of the cyclic garbage collector's sight, and its full passes run every 100th
middle-generation pass instead of every 10th. Its full passes over the caches the batch fills took
2-3 s of 50-60 at 1,000 articles (0.3 s so); frozen pages are not copied into forked workers when a
pass touches them (Python's advice for forking servers). Nothing is leaked: reference counting still
frees everything at once, young cycles are still collected, and all is handed back afterwards."""


@contextmanager
def _bulk_collection() -> Iterator[None]:
    """The garbage collector tuned for a large batch (see ``FULL_COLLECTION_EVERY``), then restored."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTION_EVERY)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def process_articles(
    store: Store,
    articles: Sequence[Article],
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> ArticleOutcome:
    """Extract and store the claims of newly stored articles, recognise syndicated copies, link
    evidence, cluster claims across sources, and re-queue decided claims the new sources bear on.

    A batch (a folder of new articles) is linked as a whole: every new claim is ranked once against
    the complete corpus, and only claims from before the batch are matched against its passages, so a
    first ingest of many articles does not pay for linking each one both ways. ``progress`` is told
    how many articles each step finished (extraction, then linking). A large batch is extracted,
    ranked and clustered with ``jobs`` worker processes (default: one per CPU; see
    ``factcheck.matching.parallel``); the result does not depend on it.

    Resumable: an article's claims are written in one transaction with its stage, and the stage becomes
    ``linked`` only when everything else is done, so an ingest killed half-way is finished by the next
    one (``ingest_paths`` resumes unfinished articles first) without losing or duplicating anything."""
    current = sorted((store.article(a.id) for a in articles), key=lambda a: a.id)
    passages = store.evidence_passage_count([a.id for a in current])
    workers = batch_workers(store, settings, passages, default_jobs() if jobs is None else jobs)
    try:
        postings = workers.postings if workers is not None else bulk_postings(store, passages)
        with _bulk_collection() if postings is not None else nullcontext():
            return _process(store, current, settings, progress, workers, postings)
    finally:
        if workers is not None:
            workers.close()
        release_postings(store)  # a review screen that rescanned keeps running; the corpus need not stay


def _process(
    store: Store,
    current: list[Article],
    settings: Settings,
    progress: Callable[[int], None] | None,
    workers: BatchWorkers | None,
    postings: Postings | None,
) -> ArticleOutcome:
    claims_of: dict[int, list[int]] = {}
    extracted = 0  # claims new to the database (a resumed article's were stored by the killed run)
    fresh = [a for a in current if a.stage == "stored"]
    found = (
        workers.map(_extract_task, [(a.id,) for a in fresh])
        if workers is not None
        else (_extract(store, a, settings) for a in fresh)
    )
    for article, (claims, passage_ids) in zip(fresh, found, strict=True):
        claims_of[article.id] = store.add_claims(article.id, claims, passage_ids=passage_ids)
        extracted += len(claims_of[article.id])
        if progress:
            progress(1)
    for article in current:
        if article.id not in claims_of:
            claims_of[article.id] = [c.id for c in store.claims(article_id=article.id)]
            if progress:
                progress(1)
    batch_claims = {c for ids in claims_of.values() for c in ids}
    for article in current:  # before any linking, so a copy's candidates are flagged whichever comes first
        find_duplicates(store, article, postings)
    if workers is not None:
        workers.queue_ranking(claims_of[a.id] for a in current)
    requeued: list[int] = []
    for start in range(0, len(current), LINK_CHUNK):
        chunk = [store.article(a.id) for a in current[start : start + LINK_CHUNK]]  # duplicate_of as found
        new_evidence = link_new_articles(
            store,
            chunk,
            settings,
            batch_articles=[a.id for a in current],
            batch_claims=batch_claims,
            workers=workers,
        )
        cluster_claims(store, [c for a in chunk for c in claims_of[a.id]], workers)
        for article in chunk:
            requeued += requeue_for_new_evidence(store, article, new_evidence.get(article.id, {}), settings)
        store.set_stages([a.id for a in chunk], "linked")
        if progress:
            progress(len(chunk))
    return ArticleOutcome(claims=extracted, requeued=requeued)


LINK_CHUNK = 100
"""Articles linked, clustered and marked ``linked`` together: a killed bulk ingest redoes at most this
many, and ID lists in queries stay short."""


def _extract(
    store: Store, article: Article, settings: Settings
) -> tuple[list[ExtractedClaim], list[int | None]]:
    """An article's claims, each with the passage it starts in."""
    passages = store.passages(article.id)
    spans = [Span(p.start, p.end, p.paragraph, p.kind) for p in passages]  # type: ignore[arg-type]
    extracted = extract_claims(article.text, settings, spans=spans)
    starts = [p.start for p in passages]
    passage_ids = [
        passages[max(bisect.bisect_right(starts, c.start) - 1, 0)].id if passages else None for c in extracted
    ]
    return extracted, passage_ids


def _extract_task(shared: Shared, article_id: int) -> tuple[list[ExtractedClaim], list[int | None]]:
    """``_extract`` in a worker process."""
    return _extract(shared.store, shared.store.article(article_id), shared.settings)


def requeue_for_new_evidence(
    store: Store, article: Article, new_evidence: dict[int, list[Candidate]], settings: Settings
) -> list[int]:
    """Re-queue decided claims that the new article gives a strong candidate, supporting or contradicting:
    a score of at least ``settings.requeue_threshold``, or ``requeue_conflict_threshold`` when its numbers
    contradict the claim's. A loose topical overlap scores below both, and a syndicated copy is not new
    evidence. Pending claims simply gained the candidates. Returns the re-queued ids."""
    strong = {
        claim_id: best
        for claim_id, cands in new_evidence.items()
        if (best := _strongest(cands, settings)) is not None
    }
    if not strong:
        return []
    requeued = []
    for claim in store.claims(ids=list(strong)):
        if claim.status not in (ClaimStatus.DECIDED, ClaimStatus.REQUEUED) or claim.superseded:
            continue
        if (claim.requeue_reason or {}).get("article_id") == article.id:
            continue  # already re-queued for this article (a resumed run)
        best = strong[claim.id]
        passage = store.passage(best.passage_id)
        requeue(
            store,
            claim.id,
            {
                "article_id": article.id,
                "article_title": article.title,
                "article_path": article.path,
                "passage_id": passage.id,
                "passage_text": passage.text,
                "score": round(best.score, 1),
                "quantities": best.quantities,
                "previous_verdict": claim.verdict.value if claim.verdict else None,
            },
        )
        requeued.append(claim.id)
    return requeued


def _strongest(candidates: Sequence[Candidate], settings: Settings) -> Candidate | None:
    """The best independent candidate that is strong enough to reopen a decision, if any."""
    strong = [c for c in candidates if not c.syndicated and _is_strong(c, settings)]
    return max(strong, key=lambda c: c.score) if strong else None


def _is_strong(candidate: Candidate, settings: Settings) -> bool:
    if candidate.score >= settings.requeue_threshold:
        return True
    conflicting = any(q.get("relation") == "conflict" for q in candidate.quantities)
    return conflicting and candidate.score >= settings.requeue_conflict_threshold


def add_manual_claims(
    store: Store, texts: Sequence[str], settings: Settings, *, source_note: str | None = None
) -> list[int]:
    """Queue claims that come from outside the corpus (a tip, a quote heard on air, an editor's list)
    and link them against every article. Blank lines are ignored; returns the new claim ids."""
    cleaned = [" ".join(clean_text(t).split()) for t in texts]
    claims = []
    for text in (t for t in cleaned if t):
        score, reasons = score_passage(text)
        quantities = [q.model_dump() for q in find_quantities(text)]
        claims.append(
            ExtractedClaim(
                text=text,
                start=0,
                end=len(text),
                score=max(score, 0.0),
                reasons=["added by hand", *reasons],
                quantities=quantities,
            )
        )
    if not claims:
        raise InputError("no claim text given")
    note = " ".join(clean_text(source_note).split()) if source_note else None
    ids = store.add_claims(None, claims, origin="manual", source_note=note or None)
    link_claims(store, ids, settings)
    return ids
