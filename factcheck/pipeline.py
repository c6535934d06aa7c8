"""What happens to each newly stored article: extract its claims, link evidence both ways, re-queue
decided claims the new source bears on. Shared by `factcheck ingest`, start-up and the TUI's rescan."""

from __future__ import annotations

import bisect

from factcheck.extraction import extract_claims
from factcheck.models import Article
from factcheck.segment import Span
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
