"""Linking claims to evidence: one claim, many claims, a new article or a batch of them. A batch ranks
each new claim once against the whole corpus; only claims older than the batch get the reverse pass
(the new passages found through the claim index); strong links are mirrored; lists are merged in SQL."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple, Protocol

from factcheck.matching.index import FTS_LIMIT, _forget_terms, _Hit, _Index, _Postings, _postings, _search
from factcheck.matching.scoring import RERANK_DEEP, SCORER, _candidates, _rows, _score, _Scored
from factcheck.matching.text import _features
from factcheck.models import Article, Candidate, Claim, Passage
from factcheck.settings import Settings
from factcheck.storage import CandidateRow, Store, utcnow

REVERSE_LIMIT = 8
"""Existing claims (FTS over claim text, best bm25 first) that each passage of a new article is scored
against. A passage that restates or contradicts a claim shares its rare words, so it is among the first
few; scoring every loosely related claim would make adding an article cost seconds."""


MIRROR_MIN_SCORE = 40.0
BATCH_MIRROR_MIN_SCORE = 50.0
"""A new claim's candidates at least this strong are mirrored: the claims stated in them get the new
claim's passages as hits. Scores are near-symmetric, so a strong link one way is worth scoring back.
Within a batch the bar is 50: there every claim is mirrored, and at 1,000 articles 40 cost a quarter of
all linking for the same links on the labelled samples."""


REVERSE_GATE = 45.0
"""token_set_ratio below which a passage found for an existing claim is not scored at all: on the
labelled samples 99% of pairs that score 50 or more have at least 0.45, half of all pairs do not."""


def _scored(
    index: _Index, claim: Claim, exclude_article_ids: Sequence[int], postings: _Postings | None
) -> list[_Scored]:
    """Passages of other articles (see the module docstring) scored against a claim, best first. With
    ``postings`` the FTS5 query is answered in memory from the index's posting lists (bulk linking)."""
    exclude = list(dict.fromkeys([*exclude_article_ids, *([claim.article_id] if claim.article_id else [])]))
    own_passage = claim.article_id is not None
    if postings is None:
        rows = _search(
            index,
            claim.text,
            own_passage=own_passage,
            limit=FTS_LIMIT,
            fetch=lambda q: index.store.evidence_hits(q, limit=FTS_LIMIT, exclude_article_ids=exclude),
        )
        hits = [_Hit(*row) for row in rows]
    else:
        hits = postings.search(index, claim.text, own_passage=own_passage, exclude=set(exclude))
    return _score(index, claim.text, hits, deep=RERANK_DEEP)


def _rank(
    index: _Index,
    claim: Claim,
    settings: Settings,
    exclude_article_ids: Sequence[int],
    postings: _Postings | None = None,
) -> list[Candidate]:
    """A claim's best candidates among passages of other articles."""
    scored = _scored(index, claim, exclude_article_ids, postings)
    return _candidates(index, claim, scored, settings.candidates_stored)


BULK_MIN_CLAIMS = 200
BULK_PASSAGES_PER_CLAIM = 400
"""Claims linked together from which the posting lists pay for themselves. Reading the corpus's passage
texts and sizes costs ~2 us a passage (0.06 s at 26,000), and each claim then saves ~0.9 ms of FTS5
query (~0.4 ms instead of ~1.3 ms at 1,000 articles; bench/bench_matching.py): worth it from one claim
per 400 passages, and never below 200 claims. So adding an article or a few stays independent of the
corpus size (one FTS5 query a claim), and a first ingest reads the corpus once."""


class _Link(NamedTuple):
    """A stored candidate as mirroring needs it."""

    passage_id: int
    score: float


class Workers(Protocol):
    """Linking's scoring done elsewhere (worker processes, ``factcheck.matching.parallel``), with the
    same results as in this process."""

    def rank(self, claims: Sequence[Claim]) -> list[CandidateRow]:
        """``rank_rows`` of these claims."""

    def score(self, hits: Mapping[int, Sequence[_Hit]], deep: int | None) -> dict[int, list[Candidate]]:
        """``score_hits`` of these claims' hits."""


def rank_rows(
    index: _Index, claims: Sequence[Claim], settings: Settings, postings: _Postings | None
) -> list[CandidateRow]:
    """The claims' candidates ranked against every other article, as rows for ``Store.set_candidate_rows``
    (``candidate_rows`` of ``_rank``'s candidates, without building them)."""
    now = utcnow()
    return [
        row
        for c in claims
        for row in _rows(index, c, _scored(index, c, (), postings), settings.candidates_stored, now)
    ]


def rank_candidates(
    store: Store, claim: Claim, *, settings: Settings, exclude_article_ids: Sequence[int] = ()
) -> list[Candidate]:
    """The claim's best evidence candidates, best first, at most ``settings.candidates_stored``: current,
    non-boilerplate passages of other articles (and not of ``exclude_article_ids``). Stores nothing."""
    return _rank(_Index(store), claim, settings, exclude_article_ids)


def rank_many(store: Store, claims: Sequence[Claim], *, settings: Settings) -> dict[int, list[Candidate]]:
    """``rank_candidates`` for many claims at once (when they are many, the FTS5 queries are answered
    from posting lists in memory; see ``BULK_MIN_CLAIMS``). Stores nothing."""
    index = _Index(store)
    bulk = bulk_postings(store, len(claims))
    return {c.id: _rank(index, c, settings, (), bulk) for c in claims}


def bulk_postings(store: Store, claims: int) -> _Postings | None:
    """The store's posting lists when ``claims`` claims (or lookups) are many enough to pay for
    reading them (see ``BULK_MIN_CLAIMS``); else None (one FTS5 query each)."""
    if claims < max(BULK_MIN_CLAIMS, store.approx_passage_count() / BULK_PASSAGES_PER_CLAIM):
        return None
    return _postings(store)


def link_claims(store: Store, claim_ids: Sequence[int], settings: Settings) -> None:
    """(Re)compute and store the candidates of these claims (superseded claims are left alone)."""
    store.set_candidates(rank_many(store, store.claims(ids=list(claim_ids)), settings=settings))


def link_new_articles(
    store: Store,
    articles: Sequence[Article],
    settings: Settings,
    *,
    batch_articles: Sequence[int] = (),
    batch_claims: Collection[int] = (),
    workers: Workers | None = None,
) -> dict[int, dict[int, list[Candidate]]]:
    """Link a batch of newly stored articles; call after all their passages and claims are stored.

    Their claims are ranked against every other article (the whole corpus, this batch included). Only
    claims from *before* the batch still need the batch's passages: each article's passages are matched
    (through the claim index) against those older claims and merged into their stored candidates,
    keeping the best ``settings.candidates_stored``; candidates in superseded articles are dropped from
    the claims touched. With no older claims (a first ingest) that reverse pass is skipped, which is
    what makes a bulk ingest cheaper than one article at a time. Returns, per article, ``{older claim
    id: [candidates from it that made the claim's list]}`` so the caller can decide re-queues. The work
    depends on the batch, not on the rest of the corpus.

    A long batch may be linked in parts: ``batch_articles`` and ``batch_claims`` then name the whole
    batch (all stored and extracted already), whose claims are not "older" for any part. With
    ``workers`` the scoring runs there (the same results); else here, with posting lists when the
    claims are many enough to pay for them."""
    batch = list(dict.fromkeys([*batch_articles, *(a.id for a in articles)]))
    passages = {a.id: [p for p in store.passages(a.id) if not p.boilerplate] for a in articles}
    _forget_terms(store, [p.text for ps in passages.values() for p in ps])
    index = _Index(store)
    own = {a.id: store.claims(article_id=a.id) for a in articles}
    bulk = bulk_postings(store, sum(len(cs) for cs in own.values())) if workers is None else None
    written: dict[int, list[_Link]] = {}
    for article in articles:
        claims = own[article.id]
        rows = rank_rows(index, claims, settings, bulk) if workers is None else workers.rank(claims)
        store.set_candidate_rows([c.id for c in claims], rows)  # a long batch commits as it goes
        written.update({c.id: [] for c in claims})
        for row in rows:
            written[row[0]].append(_Link(row[1], row[3]))
    new_claims = set(written) | set(batch_claims)
    _mirror_within_batch(index, articles, own, passages, written, new_claims, settings, workers)
    if not store.current_claims_outside(batch):
        return {}
    out: dict[int, dict[int, list[Candidate]]] = {}
    for article in articles:
        hits = _reverse_hits(index, article, passages[article.id], exclude_article_ids=batch)
        _add_mirrored_hits(
            store, hits, own[article.id], written, {article.id: passages[article.id]}, skip=new_claims
        )
        out[article.id] = _merge_new_passages(index, store.article(article.id), hits, settings)
    return out


def _mirror_within_batch(
    index: _Index,
    articles: Sequence[Article],
    own: dict[int, list[Claim]],
    passages: dict[int, list[Passage]],
    written: dict[int, list[_Link]],
    batch_claims: set[int],
    settings: Settings,
    workers: Workers | None,
) -> None:
    """Linking is asymmetric (a claim's rarest words find the restatement, the restatement's words
    may not find the claim), so strong links found just now are mirrored: when a new claim found
    passage Q of another article at ``BATCH_MIRROR_MIN_SCORE`` or more, the claims of this batch stated
    in Q that are already linked get the new claim's passages as hits, merged into their lists when
    they score well enough. One article at a time, the reverse pass does this through the claim index.
    (50, not the reverse pass's 40: at 1,000 articles the mirror cost a quarter of all linking at 40,
    and on the labelled samples 40 and 50 find the same links.)"""
    found: dict[int, list[_Hit]] = {}
    claims = [c for a in articles for c in own[a.id]]
    _add_mirrored_hits(
        index.store, found, claims, written, passages, skip=set(), min_score=BATCH_MIRROR_MIN_SCORE
    )
    first = min(a.id for a in articles)  # a batch is linked in id order: smaller ids are linked
    current = index.store.claim_texts(found)
    for claim_id in sorted(found):
        if claim_id not in current:
            del found[claim_id]  # superseded meanwhile
            continue
        article_id = current[claim_id][0]
        done = claim_id in written or (article_id or 0) < first
        if not done and claim_id in batch_claims:
            del found[claim_id]  # a later part of the batch: it will rank against everything itself
            continue
        have = {k.passage_id for k in written.get(claim_id, ())}
        found[claim_id] = [
            h for h in found[claim_id] if h.passage_id not in have and h.article_id != article_id
        ]
    _merge_hits(
        index, {cid: hs for cid, hs in found.items() if hs}, settings, deep=RERANK_DEEP, workers=workers
    )


def _reverse_hits(
    index: _Index, article: Article, passages: Sequence[Passage], *, exclude_article_ids: Sequence[int]
) -> dict[int, list[_Hit]]:
    """Existing claims of other articles that the new article's passages may bear on, each with the
    new passages that found it (FTS over claim text with each passage's rarest terms)."""
    store = index.store
    found: dict[int, list[_Hit]] = {}
    for p in passages:
        rows = _search(
            index,
            p.text,
            own_passage=True,
            limit=REVERSE_LIMIT,
            fetch=lambda q: store.claim_hits(q, limit=REVERSE_LIMIT, exclude_article_ids=exclude_article_ids),
        )
        for claim_id, _, _ in rows:
            found.setdefault(claim_id, []).append(_Hit(p.id, article.id, p.text))
    return found


def _add_mirrored_hits(
    store: Store,
    found: dict[int, list[_Hit]],
    own: Sequence[Claim],
    forward: Mapping[int, Sequence[_Link]],
    passages: Mapping[int, Sequence[Passage]],
    *,
    skip: set[int],
    min_score: float = MIRROR_MIN_SCORE,
) -> None:
    """The mirror of forward linking, for free: when a new claim found passage Q of another article as
    evidence (at ``min_score`` or more), the existing claims stated in Q get the new claim's passages
    (``passages``: by article) as hits. This catches what the per-passage search ranks too low among
    many similar claims (a story told by five outlets). Claims in ``skip`` are left out."""
    strong = {c.id: [k for k in forward.get(c.id, ()) if k.score >= min_score] for c in own}
    stated = store.claims_stated_in({k.passage_id for ks in strong.values() for k in ks})
    for claim in own:
        mine: list[_Hit] | None = None
        for k in strong[claim.id]:
            for existing in stated.get(k.passage_id, ()):
                if existing in skip:
                    continue
                if mine is None:
                    mine = [
                        _Hit(p.id, p.article_id, p.text)
                        for p in passages.get(claim.article_id or 0, ())
                        if _within(p, claim)
                    ]
                hits = found.setdefault(existing, [])
                have = {h.passage_id for h in hits}
                hits.extend(h for h in mine if h.passage_id not in have)


def _within(passage: Passage, claim: Claim) -> bool:
    """The passage is (part of) the claim's span in its article."""
    return claim.start is not None and claim.end is not None and claim.start <= passage.start < claim.end


def _merge_new_passages(
    index: _Index, article: Article, hits: dict[int, list[_Hit]], settings: Settings
) -> dict[int, list[Candidate]]:
    """Score the new passages found for existing claims (``hits``) and merge those that beat each
    claim's current last candidate into its stored list; drop candidates in the article's earlier
    version. Returns, per claim, the new candidates that made its list. Lists are merged in SQL, so a
    claim's existing candidates are never read back into Python."""
    earlier = index.store.article_version(article.path, article.version - 1) if article.version > 1 else None
    return _merge_hits(index, hits, settings, stale_article=earlier.id if earlier else None)


def _merge_hits(
    index: _Index,
    hits: dict[int, list[_Hit]],
    settings: Settings,
    *,
    stale_article: int | None = None,
    deep: int | None = None,
    workers: Workers | None = None,
) -> dict[int, list[Candidate]]:
    """Score ``hits`` against their claims (all components for the ``deep`` best by the cheap ones,
    or for all) and merge those that beat each claim's current last candidate into its stored list
    (after dropping candidates in ``stale_article``). Returns, per claim, the new candidates that made
    its list."""
    store, keep = index.store, settings.candidates_stored
    floors = store.candidate_floors(list(hits), keep)
    scored = score_hits(index, hits, settings, deep) if workers is None else workers.score(hits, deep)
    added: dict[int, list[Candidate]] = {}
    for claim_id, candidates in scored.items():
        better = [c for c in candidates if c.score > floors.get(claim_id, 0.0)]
        if better:
            added[claim_id] = better
    with store.write():
        stale = store.drop_candidates_in_article(stale_article) if stale_article else []
        stayed = store.merge_candidates(added, keep=keep, rerank=stale)
    return {
        cid: [c.model_copy(update={"rank": ranks[c.passage_id]}) for c in added[cid] if c.passage_id in ranks]
        for cid, ranks in stayed.items()
        if ranks
    }


def score_hits(
    index: _Index, hits: Mapping[int, Sequence[_Hit]], settings: Settings, deep: int | None
) -> dict[int, list[Candidate]]:
    """Each claim's ``hits`` scored (all components for the ``deep`` best by the cheap ones, or for
    all), as candidates, leaving out hits below ``REVERSE_GATE``. Stores nothing."""
    out: dict[int, list[Candidate]] = {}
    keep = settings.candidates_stored
    for claim in index.store.claims(ids=list(hits)):
        norm = _features(claim.text).norm
        gated = [h for h in hits[claim.id] if SCORER(norm, _features(h.text).norm) >= REVERSE_GATE]
        out[claim.id] = (
            _candidates(index, claim, _score(index, claim.text, gated, deep=deep), keep) if gated else []
        )
    return out
