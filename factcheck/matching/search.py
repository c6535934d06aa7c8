"""Free-text evidence search over every passage (the review screen's ``e``), safe against any input."""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.errors import StoreError
from factcheck.matching.text import _QUERY_CHARS, _features, _quote
from factcheck.models import Passage
from factcheck.storage import Store

SEARCH_MAX_TERMS = 32
"""Words of a free-text search that reach FTS5 (the rest of a pasted paragraph adds nothing)."""


def _search_query(text: str, joiner: str) -> str | None:
    """User text as a safe FTS5 expression: its words, each quoted (so AND, NEAR(, * and quotes are
    plain words), joined by ``joiner``; None when nothing searchable is left."""
    words = list(dict.fromkeys(w.lower() for w in _QUERY_CHARS.findall(text)))[:SEARCH_MAX_TERMS]
    return joiner.join(_quote(w) for w in words) or None


def search_evidence(
    store: Store, query: str, *, limit: int = 50, exclude_article_ids: Sequence[int] = ()
) -> list[tuple[Passage, float]]:
    """Passages matching what a reviewer typed, best first, with a 0-100 score (share of the words
    found, and bm25 relative to the best hit). Every word must match; when nothing has them all, any
    word may. Never raises on odd input: words are quoted, everything else is dropped."""
    rows: list[tuple[int, int, str, float]] = []
    for joiner in (" AND ", " OR "):
        expression = _search_query(query, joiner)
        if expression is None:
            return []
        try:
            rows = store.evidence_hits(expression, limit=limit, exclude_article_ids=list(exclude_article_ids))
        except StoreError:  # cannot happen with quoted words; an empty result is the safe answer
            return []
        if rows:
            break
    if not rows:
        return []
    words = set(_features(query).words) or set(_QUERY_CHARS.findall(query.lower()))
    best = min(r[3] for r in rows) or -1.0
    passages = store.passages_by_id(r[0] for r in rows)
    out = []
    for pid, _, text, bm25 in rows:
        found = len(words & set(_features(text).words)) / len(words) if words else 0.0
        out.append((passages[pid], round(100 * (0.5 * found + 0.5 * (bm25 / best if best else 0.0)), 1)))
    out.sort(key=lambda item: (-item[1], item[0].id))
    return out
