"""Syndicated copies: an article that is a near-copy of an earlier one is marked, so its agreement does
not count as independent corroboration."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from factcheck.matching.index import _Index, _Postings
from factcheck.matching.text import _features
from factcheck.models import Article, Passage
from factcheck.storage import Store

DUPLICATE_PROBES = 4
"""Longest body passages of a new article searched for near-identical passages elsewhere."""


DUPLICATE_PASSAGE_RATIO = 90.0
"""fuzz.ratio at which a probe passage counts as copied."""


DUPLICATE_RATIO = 90.0
"""fuzz.ratio of whole bodies at which an article is a near-copy (a changed byline or credit line
keeps a copy above 95; two outlets' own stories on one event are far below 60)."""


def _body(passages: Sequence[Passage]) -> str:
    """An article's body as one normalised string (headlines, headings and boilerplate left out, so a
    changed byline, credit or headline does not hide a copy)."""
    return " ".join(_features(p.text).norm for p in passages if p.kind == "body")


def find_duplicates(store: Store, article: Article, postings: _Postings | None = None) -> int | None:
    """The earlier article this one is a near-copy of (syndication), recorded with
    ``store.mark_duplicate``; None when it is original. Earlier versions of the same file are not
    copies (they are superseded). Its longest body passages are looked up through FTS, and only the
    articles they point at are compared whole, so the cost does not grow with the corpus. With the
    corpus's ``postings`` (bulk linking) the lookups are answered from them, with the same results."""
    passages = store.passages(article.id)
    body = [p for p in passages if p.kind == "body"]
    if not body:
        return None
    index = _Index(store)
    votes: dict[int, int] = {}
    for probe in sorted(body, key=lambda p: (-len(p.text), p.id))[:DUPLICATE_PROBES]:
        if postings is None:
            query = index.query(probe.text, own_passage=True)
            rows = store.evidence_hits(query, limit=5, exclude_article_ids=[article.id]) if query else []
        else:
            terms = index.chosen(probe.text, own_passage=True)
            rows = [
                (h.passage_id, h.article_id, h.text, h.bm25) for h in postings._run(terms, {article.id}, 5)
            ]
        for _, other, text, _ in rows:
            if other < article.id and fuzz.ratio(
                _features(probe.text).norm, _features(text).norm, score_cutoff=DUPLICATE_PASSAGE_RATIO
            ):
                votes[other] = votes.get(other, 0) + 1
    mine = _body(passages)
    needed = max(1, min(len(body), DUPLICATE_PROBES) // 2)
    for other in sorted(a for a, n in votes.items() if n >= needed):
        if fuzz.ratio(mine, _body(store.passages(other)), score_cutoff=DUPLICATE_RATIO):
            root = index.root(other) or other
            store.mark_duplicate(article.id, root)
            return root
    return None
