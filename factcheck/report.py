"""Review reports. ``collect`` reads the store once into plain models; the ``render_*`` functions are pure
(no I/O, the clock passed in), so their output is pinned by golden tests and ``export`` only writes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from factcheck.models import Article, Candidate, Claim, Event, Passage
from factcheck.storage import Store


class ReportData(BaseModel):
    """Everything a report needs, read from the store in one pass."""

    articles: list[Article]
    claims: list[Claim]
    histories: dict[int, list[Event]]
    candidates: dict[int, list[Candidate]]
    passages: dict[int, Passage]
    database: str = ""


def collect(store: Store, *, claim_ids: list[int] | None = None) -> ReportData:
    """Read articles, claims, their histories, candidates and every passage they refer to."""
    articles = store.articles(include_superseded=True)
    claims = store.claims(include_superseded=True, ids=claim_ids)
    ids = [c.id for c in claims]
    histories = store.histories(ids)
    candidates = store.candidates_for(ids)
    passage_ids = {c.passage_id for cs in candidates.values() for c in cs}
    passage_ids |= {c.evidence_passage_id for c in claims if c.evidence_passage_id}
    passage_ids |= {e.evidence_passage_id for es in histories.values() for e in es if e.evidence_passage_id}
    return ReportData(
        articles=articles, claims=claims, histories=histories, candidates=candidates,
        passages=store.passages_by_id(p for p in passage_ids if p is not None), database=str(store.path),
    )


# --- JSON: the public machine contract (documented in README.md; keep it stable) -----------------


def _passage_obj(data: ReportData, passage_id: int | None) -> dict[str, Any] | None:
    if passage_id is None or passage_id not in data.passages:
        return None
    p = data.passages[passage_id]
    article = _article_by_id(data).get(p.article_id)
    return {"passage_id": p.id, "article_path": article.path if article else None, "text": p.text,
            "start": p.start, "end": p.end}


def _article_by_id(data: ReportData) -> dict[int, Article]:
    return {a.id: a for a in data.articles}


def claim_obj(data: ReportData, claim: Claim, *, shown: int | None = None) -> dict[str, Any]:
    """One claim in the JSON contract."""
    articles = _article_by_id(data)
    article = articles.get(claim.article_id) if claim.article_id is not None else None
    candidates = data.candidates.get(claim.id, [])[:shown]
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "article_path": article.path if article else None,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "score": claim.score,
        "reasons": claim.reasons,
        "status": claim.status.value,
        "verdict": claim.verdict.value if claim.verdict else None,
        "evidence": _passage_obj(data, claim.evidence_passage_id),
        "note": claim.note,
        "reviewer": claim.reviewer,
        "history": [
            {"kind": e.kind.value, "verdict": e.verdict.value if e.verdict else None, "reviewer": e.reviewer,
             "at": e.at, "note": e.note, "evidence_passage_id": e.evidence_passage_id, "detail": e.detail}
            for e in data.histories.get(claim.id, [])
        ],
        "candidates": [
            {**(_passage_obj(data, c.passage_id) or {"passage_id": c.passage_id}), "score": c.score,
             "components": c.components, "quantities": c.quantities, "syndicated": c.syndicated}
            for c in candidates
        ],
        "requeue_reason": claim.requeue_reason,
        "origin": claim.origin,
        "source_note": claim.source_note,
        "cluster_id": claim.cluster_id,
        "superseded": claim.superseded,
        "quantities": claim.quantities,
    }


def render_json(data: ReportData, *, generated_at: datetime) -> str:
    """The JSON export: ``{"articles": [...], "claims": [...]}`` plus generation metadata."""
    doc = {
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "articles": [
            {"id": a.id, "path": a.path, "title": a.title, "sha256": a.sha256, "version": a.version,
             "superseded": a.superseded, "duplicate_of": a.duplicate_of}
            for a in data.articles
        ],
        "claims": [claim_obj(data, c) for c in data.claims],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
