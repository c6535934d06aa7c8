"""What happens to each newly stored article: extract its claims, link evidence both ways, re-queue
decided claims the new source bears on. Shared by `factcheck ingest`, start-up and the TUI's rescan."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from factcheck.errors import InputError
from factcheck.extraction import extract_claims, score_passage
from factcheck.matching import link_claims
from factcheck.models import Article, ExtractedClaim
from factcheck.quantities import find_quantities
from factcheck.segment import Span, clean_text
from factcheck.settings import Settings
from factcheck.storage import Store


def process_article(store: Store, article: Article, settings: Settings) -> int:
    """Extract and store the article's claims; return how many."""
    passages = store.passages(article.id)
    spans = [Span(p.start, p.end, p.paragraph, p.kind) for p in passages]  # type: ignore[arg-type]
    text = store.article(article.id).text
    extracted = extract_claims(text, settings, spans=spans)
    starts = [p.start for p in passages]
    passage_ids = [passages[max(bisect.bisect_right(starts, c.start) - 1, 0)].id if passages else None
                   for c in extracted]
    store.add_claims(article.id, extracted, passage_ids=passage_ids)
    return len(extracted)


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
        claims.append(ExtractedClaim(text=text, start=0, end=len(text), score=max(score, 0.0),
                                     reasons=["added by hand", *reasons], quantities=quantities))
    if not claims:
        raise InputError("no claim text given")
    ids = store.add_claims(None, claims, origin="manual", source_note=source_note)
    link_claims(store, ids, settings)
    return ids
