"""Evidence for claims: FTS5 narrows, rapidfuzz ranks, numbers and names adjust; syndicated copies and
cross-source clusters of the same claim.

How a claim finds its evidence
1. The claim's words become the index's own terms (the FTS5 porter tokenizer, via ``Store.fts_tokens``)
   and its rarest terms (document frequencies from ``passages_fts_vocab``) are ORed into one FTS5
   query over current, non-boilerplate passages of *other* articles, within a postings budget so the
   query's cost stays flat as the corpus grows. Measured by the product owner at 300k passages: ORing
   every word cost ~200 ms a claim, the rarest terms ~36 ms, and reranking their top hits found the
   right passage more often than a full scan.
2. rapidfuzz ranks those ``FTS_LIMIT`` hits: token_set_ratio (the scorer that recalls best) blended
   with plain ratio and a length penalty, because token_set_ratio alone gives 100 to every passage
   whose words are a subset of the claim's.
3. The best of them get the costlier components: idf-weighted term and word-pair overlap, quantity
   agreement (agree / approx / conflict, from ``factcheck.quantities``) and shared names (fuzzy, so
   Zelensky = Zelenskyy; a capital or demonym reads as its country).

The score is 0-100, a weighted mean of the components (``WEIGHTS``; a component that does not apply,
such as numbers for a claim without any, is left out of the mean). Every component is stored with the
candidate so the review screen can say why. A candidate whose article is a near-copy of the claim's
article is flagged ``syndicated``: a copy is not independent corroboration.

Incremental linking scores a new article's passages against the existing claims ``claims_fts``
(migration m003) ranks first for them, and against the claims stated in passages its own claims found
(the mirror), with the same scorer, and merges winners in SQL: its cost depends on the new article.
A batch of new articles (a first ingest) ranks each claim once against the whole corpus instead.

Modules: ``text`` (features of a text), ``index`` (frequencies, the FTS5 query, posting lists),
``scoring`` (components and the blend), ``linking`` (the public linking API), ``syndication``,
``clusters``, ``search`` and ``parallel`` (a bulk batch ranked in forked worker processes).
"""

from factcheck.matching.clusters import also_reported_by, cluster_claims
from factcheck.matching.index import _Postings as Postings
from factcheck.matching.index import release_postings
from factcheck.matching.linking import (
    bulk_postings,
    link_claims,
    link_new_articles,
    rank_candidates,
    rank_many,
)
from factcheck.matching.parallel import BatchWorkers, Shared, batch_workers, default_jobs
from factcheck.matching.scoring import WEIGHTS
from factcheck.matching.search import search_evidence
from factcheck.matching.syndication import find_duplicates

__all__ = [
    "WEIGHTS",
    "BatchWorkers",
    "Postings",
    "Shared",
    "batch_workers",
    "bulk_postings",
    "also_reported_by",
    "cluster_claims",
    "default_jobs",
    "find_duplicates",
    "link_claims",
    "link_new_articles",
    "rank_candidates",
    "rank_many",
    "release_postings",
    "search_evidence",
]
