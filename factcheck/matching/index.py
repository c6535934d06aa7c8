"""The corpus side of linking: document frequencies, and the FTS5 query of a text's rarest terms, run
either as one SQL query per claim or, for bulk linking, answered from the index's own posting lists in
memory with FTS5's bm25 (identical rankings, a fraction of the cost per claim)."""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from factcheck.matching.text import _features, _proxy_stems, _quote, _stems
from factcheck.storage import Store

FTS_TERMS = 8
"""The claim's rarest terms ORed into the FTS5 query. Rare terms (names, numbers, unusual verbs) are
what a restatement in another outlet shares; common ones only make the query slow and the hits vague."""


FTS_POSTINGS = 500
FTS_MIN_TERMS = 2
"""Query cost budget: FTS5 ranks every passage that holds any query term (~2 us each here), so terms are
taken rarest first only while their document frequencies add up to 500 (at least two terms). A
name or a figure is rare; "said" or "government" would add thousands of passages and nothing else."""


FTS_MORE_TERMS = 16
FTS_WIDEN_BELOW = 50
"""When the rarest terms find fewer than ``FTS_WIDEN_BELOW`` passages (a small corpus, or a claim whose
evidence shares only common words and a figure: "168 Chinese citizens ... in the Russian army"), the
query is widened once to ``FTS_MORE_TERMS`` terms. That only happens when the first query was cheap, and
never in a large corpus where the rare terms already find plenty."""


FTS_LIMIT = 40
"""FTS hits (best bm25 first) that rapidfuzz reranks per claim. The product owner measured 200; on the
synthetic corpus at 1,000 articles (bench/bench_matching.py) 100 hits with 25 fully scored found 0.835
true evidence in the top 5 at 5.5 ms a claim, 60 with 12 found 0.828 at 3.4 ms, and 40 with 6 (see
``scoring.RERANK_DEEP``) 0.833 at 1.0 ms once the search and scoring had been made cheaper."""


DF_REFRESH_GROWTH = 1.1
"""Cached document frequencies are dropped once the corpus has 10% more passages than when cached."""


if TYPE_CHECKING:
    import numpy

_Row = TypeVar("_Row")


class _Hit(NamedTuple):
    """A passage that may be evidence: id, article, text, and its bm25 when FTS found it (a named
    tuple: tens of them are made for every claim ranked)."""

    passage_id: int
    article_id: int
    text: str
    bm25: float = 0.0


@dataclass
class _Frequencies:
    """Document frequencies already looked up in one store, and the corpus size when first filled."""

    passages: int
    df: dict[str, int]


_FREQUENCIES: weakref.WeakKeyDictionary[Store, _Frequencies] = weakref.WeakKeyDictionary()


def _frequency_cache(store: Store, passages: int) -> dict[str, int]:
    """The process's document-frequency cache for a store. fts5vocab counts a term by walking its
    posting list (~60 us for a common term at 25k passages), so a frequency is looked up once and kept;
    terms of a newly linked article are forgotten (``_forget_terms``) and the whole cache is dropped once
    the corpus has grown by ``DF_REFRESH_GROWTH`` (another process may have ingested meanwhile)."""
    cache = _FREQUENCIES.get(store)
    if cache is None or passages > cache.passages * DF_REFRESH_GROWTH:
        cache = _FREQUENCIES[store] = _Frequencies(passages, {})
    return cache.df


def _forget_terms(store: Store, texts: Iterable[str]) -> None:
    """Drop cached frequencies of every term of these texts (they just changed)."""
    cache = _FREQUENCIES.get(store)
    if cache is None:
        return
    words = [w for text in texts for w in (*_features(text).words, *_features(text).sequence)]
    for stems in _stems(store, words).values():
        for stem in stems:
            cache.df.pop(stem, None)


def reset_frequencies(store: Store) -> None:
    """Forget every cached document frequency of this store."""
    _FREQUENCIES.pop(store, None)


class _Index:
    """Document frequencies and article flags for one linking run over a store (cheap to build; the
    frequencies are fetched in batches and cached per store, see ``_frequency_cache``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.passages = max(store.approx_passage_count(), 1)
        self._df = _frequency_cache(store, self.passages)
        self._idf: dict[str, float] = {}
        self._roots: dict[int, int] = {}
        self.norms: dict[str, float] = {}  # a passage's idf-weighted term vector length, by text
        self._proxies = _proxy_stems(store)

    def terms(self, text: str) -> dict[str, str]:
        """The text's index terms, each with one word that produces it (to quote in a query)."""
        out: dict[str, str] = {}
        for word, stems in _stems(self.store, _features(text).words).items():
            for stem in stems:
                out.setdefault(stem, word)
        return out

    def frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """Passages containing each term (0 when none). A canonical alias ("usa") counts as often as
        its most frequent spelling ("american", "washington"), which is what the index holds."""
        wanted = list(dict.fromkeys(stems))
        missing = [s for s in wanted if s not in self._df]
        if missing:
            lookup = set(missing) | {p for s in missing for p in self._proxies.get(s, ())}
            found = self.store.document_frequencies(lookup)
            for s in missing:
                self._df[s] = max([found.get(s, 0), *(found.get(p, 0) for p in self._proxies.get(s, ()))])
        return {s: self._df[s] for s in wanted}

    def preload_frequencies(self) -> None:
        """Read the document frequency of every term in one pass over the vocabulary (bulk linking
        looks up most of them anyway, and forked workers then inherit them)."""
        found = self.store.all_document_frequencies()
        self._df.update(found)
        for stem, proxies in self._proxies.items():
            self._df[stem] = max([found.get(stem, 0), *(found.get(p, 0) for p in proxies)])

    def weights(self, stems: Iterable[str]) -> dict[str, float]:
        """idf of each term, cached for the run."""
        wanted = list(dict.fromkeys(stems))
        missing = [s for s in wanted if s not in self._idf]
        if missing:
            for s, df in self.frequencies(missing).items():
                self._idf[s] = self.idf(df)
        return {s: self._idf[s] for s in wanted}

    def idf(self, df: int) -> float:
        """Inverse document frequency with the bm25 shape (rarer terms weigh more, never negative)."""
        return math.log(1.0 + (self.passages - df + 0.5) / (df + 0.5))

    def query(
        self, text: str, *, own_passage: bool, limit: int | None = None, budget: int | None = None
    ) -> str | None:
        """An FTS5 expression ORing the text's rarest terms, or None when no term can match anything
        else. Terms are added rarest first while their passages add up to ``budget`` (at least
        ``FTS_MIN_TERMS`` of them): the query's cost is its postings, so it stays flat as the corpus
        grows. With ``own_passage`` a term found in a single passage is skipped: that passage is the
        text itself, so the term cannot lead anywhere."""
        terms = self.chosen(text, own_passage=own_passage, limit=limit, budget=budget)
        return " OR ".join(_quote(word) for word in terms.values()) or None

    def chosen(
        self, text: str, *, own_passage: bool, limit: int | None = None, budget: int | None = None
    ) -> dict[str, str]:
        """The terms ``query`` ORs, each with the word that produces it."""
        terms = self.terms(text)
        df = self.frequencies(terms)
        floor = 1 if own_passage else 0
        chosen: dict[str, str] = {}
        postings, budget = 0, budget or FTS_POSTINGS
        for stem in sorted((s for s in terms if df[s] > floor), key=lambda s: (df[s], s))[
            : limit or FTS_TERMS
        ]:
            if len(chosen) >= FTS_MIN_TERMS and postings + df[stem] > budget:
                break
            chosen[stem] = terms[stem]
            postings += df[stem]
        return chosen

    def root(self, article_id: int | None) -> int | None:
        """The original an article is a syndicated copy of (itself when it is no copy)."""
        if article_id is None:
            return None
        if article_id not in self._roots:
            article = self.store.articles_by_id([article_id]).get(article_id)
            self._roots[article_id] = article.duplicate_of if article and article.duplicate_of else article_id
        return self._roots[article_id]

    def load_roots(self, article_ids: Iterable[int]) -> None:
        """Fetch many articles' syndication roots in one query."""
        missing = [a for a in dict.fromkeys(article_ids) if a not in self._roots]
        for aid, article in self.store.articles_by_id(missing).items():
            self._roots[aid] = article.duplicate_of or aid


def _search(
    index: _Index, text: str, *, own_passage: bool, limit: int, fetch: Callable[[str], list[_Row]]
) -> list[_Row]:
    """``fetch`` with the query of the text's rarest terms, widened once to ``FTS_MORE_TERMS`` terms
    when it finds fewer than ``FTS_WIDEN_BELOW`` rows (or ``limit``, if smaller)."""
    query = index.query(text, own_passage=own_passage)
    if query is None:
        return []
    rows = fetch(query)
    if len(rows) < min(limit, FTS_WIDEN_BELOW):
        wider = index.query(text, own_passage=own_passage, limit=FTS_MORE_TERMS, budget=4 * FTS_POSTINGS)
        if wider is not None and wider != query:
            rows = fetch(wider)
    return rows


BM25_K1 = 1.2
BM25_B = 0.75
"""FTS5's bm25() parameters (its defaults, which ``evidence_hits`` uses), so both paths rank alike."""


class _Postings:
    """The FTS5 index's posting lists and document sizes, read once and scored as its bm25() does, so
    that many claims can be searched without one SQL query each. Kept per store and extended when
    passages are added (passage ids only grow)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.loaded_to = 0
        self.lengths: dict[int, int] = {}
        self.tokens = 0
        self.passages: dict[int, tuple[int, str]] = {}
        self.weights: dict[str, tuple[numpy.ndarray, numpy.ndarray]] = {}
        self._size_array: numpy.ndarray | None = None
        self.superseded: set[int] = set()

    def refresh(self) -> _Postings:
        """Read what was added since the last call; scored lists are dropped when the corpus grew."""
        top = self.store.approx_passage_count()
        if top != self.loaded_to:
            for pid, n in self.store.fts_lengths(self.loaded_to):
                self.lengths[pid] = n
                self.tokens += n
            for pid, article_id, text in self.store.evidence_texts(self.loaded_to):
                self.passages[pid] = (article_id, text)
            self.loaded_to = top
            self.weights.clear()
            self._size_array = None
        self.superseded = self.store.superseded_article_ids()
        return self

    def _scored(self, stems: Iterable[str]) -> None:
        """bm25 term weights (FTS5's formula) of every passage holding each of these terms, as arrays
        (passage ids ascending, weights)."""
        import numpy  # only bulk linking needs it: imported here, not at every start-up

        missing = [s for s in stems if s not in self.weights]
        if not missing:
            return
        rows = max(len(self.lengths), 1)
        average = self.tokens / rows or 1.0
        sizes = self._sizes()
        for stem, docs in self.store.term_postings(missing).items():
            idf = math.log((rows - len(docs) + 0.5) / (len(docs) + 0.5))
            idf = idf if idf > 0 else 1e-6
            pids = numpy.fromiter((d for d, _ in docs), dtype=numpy.int64, count=len(docs))
            tf = numpy.fromiter((n for _, n in docs), dtype=numpy.float64, count=len(docs))
            length = sizes[pids] if len(pids) else tf
            # the same operations in the same order as FTS5's bm25(), so the sums compare exactly
            weight = idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length / average))
            self.weights[stem] = (pids, weight)

    def _sizes(self) -> numpy.ndarray:
        """Tokens of every passage, indexed by passage id."""
        import numpy

        if self._size_array is None or len(self._size_array) <= self.loaded_to:
            sizes = numpy.zeros(self.loaded_to + 1, dtype=numpy.float64)
            if self.lengths:
                sizes[numpy.fromiter(self.lengths, dtype=numpy.int64)] = numpy.fromiter(
                    self.lengths.values(), dtype=numpy.float64
                )
            self._size_array = sizes
        return self._size_array

    def _run(self, stems: Iterable[str], exclude: set[int], limit: int | None = None) -> list[_Hit]:
        """Every passage holding any of the terms, summed bm25 (term by term, as FTS5 sums), best first
        (then by id), less boilerplate, other versions and excluded articles: the first ``limit``
        (``FTS_LIMIT``)."""
        import numpy

        wanted = list(stems)
        self._scored(wanted)
        if not wanted:
            return []
        pids = numpy.concatenate([self.weights[s][0] for s in wanted])
        if not len(pids):
            return []
        weights = numpy.concatenate([self.weights[s][1] for s in wanted])
        order = pids.argsort(kind="stable")  # a passage's weights stay in term order, as FTS5 sums them
        pids = pids[order]
        first = numpy.empty(len(pids), dtype=bool)
        first[0] = True
        numpy.not_equal(pids[1:], pids[:-1], out=first[1:])
        found = pids[first]  # every passage holding any of the terms, ascending
        total = numpy.bincount(numpy.cumsum(first) - 1, weights=weights[order])
        hits: list[_Hit] = []
        limit = limit or FTS_LIMIT
        passages, superseded = self.passages, self.superseded
        head = _best(total, 2 * limit)  # nearly always holds enough that may be shown
        for attempt in range(2):
            if attempt:  # the best were mostly left out: the rest, in order
                outside = numpy.ones(len(total), dtype=bool)
                outside[head] = False
                part = numpy.flatnonzero(outside)
            else:
                part = head
            order = part[numpy.lexsort((found[part], -total[part]))]
            for pid, score in zip(found[order].tolist(), total[order].tolist(), strict=True):
                passage = passages.get(pid)
                if passage is None or passage[0] in exclude or passage[0] in superseded:
                    continue  # boilerplate, another version, or an excluded article
                hits.append(_Hit(pid, passage[0], passage[1], -score))
                if len(hits) == limit:
                    return hits
            if len(head) == len(total):
                break
        return hits

    def search(self, index: _Index, text: str, *, own_passage: bool, exclude: set[int]) -> list[_Hit]:
        """What ``_search`` over ``Store.evidence_hits`` finds, best bm25 first: the same terms, the
        same widening."""
        chosen = index.chosen(text, own_passage=own_passage)
        if not chosen:
            return []
        hits = self._run(chosen, exclude)
        if len(hits) < min(FTS_LIMIT, FTS_WIDEN_BELOW):
            wider = index.chosen(text, own_passage=own_passage, limit=FTS_MORE_TERMS, budget=4 * FTS_POSTINGS)
            if wider and list(wider) != list(chosen):
                hits = self._run(wider, exclude)
        return hits


def _best(total: numpy.ndarray, k: int) -> numpy.ndarray:
    """Positions of the ``k`` highest totals and of every total tied with the last of them (so the
    result does not depend on how ties fall), in no order; all positions when there are at most k."""
    import numpy

    if len(total) <= k:
        return numpy.arange(len(total))
    cut = numpy.partition(total, len(total) - k)[len(total) - k]
    return numpy.flatnonzero(total >= cut)


_POSTINGS: weakref.WeakKeyDictionary[Store, _Postings] = weakref.WeakKeyDictionary()


def _postings(store: Store) -> _Postings:
    """The store's posting lists, brought up to date (kept until ``release_postings``)."""
    found = _POSTINGS.get(store)
    if found is None:
        found = _POSTINGS[store] = _Postings(store)
    return found.refresh()


def release_postings(store: Store) -> None:
    """Let go of the store's posting lists and passage texts (the corpus's size in memory), e.g. when a
    bulk ingest is done in a long-running review screen."""
    _POSTINGS.pop(store, None)
