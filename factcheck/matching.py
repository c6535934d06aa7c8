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
"""

from __future__ import annotations

import heapq
import math
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import TypeVar

from rapidfuzz import fuzz, process

from factcheck.errors import StoreError
from factcheck.models import Article, Candidate, Claim, Passage
from factcheck.quantities import Quantity, QuantityPair, find_quantities, pair_quantities
from factcheck.settings import Settings
from factcheck.storage import Store

__all__ = [
    "also_reported_by",
    "cluster_claims",
    "find_duplicates",
    "link_claims",
    "link_new_article",
    "link_new_articles",
    "rank_candidates",
    "rank_many",
    "search_evidence",
]

# --- what ranks, and the cutoffs -------------------------------------------------------------------

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

FTS_LIMIT = 60
"""FTS hits (best bm25 first) that rapidfuzz reranks per claim. The product owner measured 200; on the
synthetic corpus at 1,000 articles (bench/bench_matching.py, 200 claims) 100 hits and 25 fully scored
found 0.835 true evidence in the top 5 at 5.5 ms a claim, 60 and 12 found 0.828 at 3.4 ms; the labelled
samples score the same with either."""

RERANK_DEEP = 12
"""How many of the reranked hits get the costly components (quantities, fuzzy names, term weights),
besides the ``BM25_KEEP`` first and the ``NUMBERS_KEEP`` with a nearby figure: what a reviewer selects
from (1-9) with room for a passage the deep components promote. Measured with ``FTS_LIMIT`` above."""

BM25_KEEP = 3
"""The best bm25 hits always get the deep components too, whatever their fuzzy score (a passage that
shares the claim's rarest terms in other words must not be lost to the cheap stage)."""

SCORER = fuzz.token_set_ratio
"""Recalls far better than WRatio or the partial scorers (which collapse on long texts), measured by
the product owner; its flaw (100 for any subset of the claim's words) is what the blend corrects."""

PROCESSOR = None
"""Texts are normalised once by ``_features`` (lower-case canonical content words), cached by text, so
rapidfuzz gets no processor and never re-normalises a passage per claim."""

WEIGHTS: dict[str, float] = {
    "terms": 0.30,  # idf-weighted cosine of the two texts' terms: rare shared words weigh most
    "numbers": 0.25,  # the claim's quantities found in the passage (agreeing or not)
    "token_set": 0.15,  # shared vocabulary, order-free: the product owner's recall backbone
    "phrases": 0.10,  # the claim's adjacent word pairs ("armed conflict", "constructive role") in the passage
    "names": 0.10,  # the claim's names (people, places, organisations) in the passage
    "ratio": 0.05,  # overall similarity: separates a restatement from a mere subset
    "length": 0.05,  # a passage far shorter or longer than the claim is rarely its evidence
}
"""Component weights, set by measurement on the labelled samples (docs/BENCHMARKS.md): in a corpus
where every article covers the same story, idf-weighted term overlap and quantities separate evidence
from topical noise best; token_set_ratio alone ranks whole paragraphs of shared topic words first."""

NUMBERS_KEEP = 5
"""Also fully scored: up to this many further hits with a written number near one of the claim's figures
(the cheap components are blind to "168 Chinese citizens" as evidence against "155 Chinese citizens")."""

CHEAP = ("token_set", "ratio", "length")
"""Components computed for every FTS hit (rapidfuzz over the batch); the others only for the
``RERANK_DEEP`` best by these and the ``BM25_KEEP`` best by bm25."""

LENGTH_SLACK = 2.0
"""The length component is 1 until one text has twice the content words of the other, then falls in
proportion: a penalty for a fragment or a whole paragraph, not a reward for equal length."""

SCORE_FLOOR = 0.15
SCORE_CEILING = 0.55
"""The blend (0-1) maps linearly onto the 0-100 score between these. Measured on the labelled samples
(docs/BENCHMARKS.md): two outlets restating one fact never share all their words, so labelled evidence
blends at 0.25-0.53 (median 0.40) while unrelated passages of the same story sit at 0.14-0.26 (99% below
0.36). Stretched, a loose topical overlap scores under ~50 and a restatement or contradiction with the
same actors and figures reaches the re-queue threshold (``Settings.requeue_threshold``, 70)."""

MIN_SCORE = 15.0
"""Candidates below this (a blend under 0.21, below the median of unrelated passages of the same story)
are not stored: topical noise that would only pad the list."""

NAME_CUTOFF = 85.0
"""fuzz.ratio at which two names are the same (Zelensky / Zelenskyy 94, Lin / Jian far below)."""

RELATION_CREDIT = {"agree": 1.0, "approx": 0.85, "conflict": 0.7}
"""How much a quantity pair counts toward "numbers". A conflict still counts: a passage giving another
figure for the same thing is exactly what a fact-checker must see (it is flagged, not hidden)."""

NUMBERS_NEUTRAL = False
"""Whether a passage with no quantity comparable to the claim's leaves "numbers" out of its mean (True)
or scores 0 on it (False). Leaving it out is kinder when the claim's figure is incidental ("in the
three-year war"), but measured on the labels it ranked evidence worse (capped recall 0.73 vs 0.74)."""

APPROX_CLOSE = 1.25
APPROX_FAR_CREDIT = 0.3

SMALL_COUNT = 10
SMALL_COUNT_WEIGHT = 0.3
"""A count of ten or less ("two captured", "six Chinese") weighs 0.3 in "numbers": agreeing on it says
little on its own, while a claim that only counts to two still gets some credit for the match."""

MEASURE_KINDS = frozenset({"count", "money", "percent", "duration", "age"})
"""Quantity kinds that say how much. Years, dates and ordinals only date or label a report ("on
Wednesday", "the 71st regiment"); outlets differ on them without disagreeing on the claim."""

DUPLICATE_PROBES = 4
"""Longest body passages of a new article searched for near-identical passages elsewhere."""

DUPLICATE_PASSAGE_RATIO = 90.0
"""fuzz.ratio at which a probe passage counts as copied."""

DUPLICATE_RATIO = 90.0
"""fuzz.ratio of whole bodies at which an article is a near-copy (a changed byline or credit line
keeps a copy above 95; two outlets' own stories on one event are far below 60)."""

REVERSE_LIMIT = 8
"""Existing claims (FTS over claim text, best bm25 first) that each passage of a new article is scored
against. A passage that restates or contradicts a claim shares its rare words, so it is among the first
few; scoring every loosely related claim would make adding an article cost seconds."""

MIRROR_MIN_SCORE = 40.0
BATCH_MIRROR_MIN_SCORE = 50.0
"""A new claim's candidates at least this strong are mirrored: the claims stated in them get the new
claim's passages as hits. Scores are near-symmetric, so a strong link one way is worth scoring back."""

REVERSE_GATE = 45.0
"""token_set_ratio below which a passage found for an existing claim is not scored at all: on the
labelled samples 99% of pairs that score 50 or more have at least 0.45, half of all pairs do not."""

CLUSTER_MIN_SCORE = 40.0
"""Candidates at least this strong are where clustering looks for the same claim in other outlets."""

CLUSTER_WITH_NUMBERS = 50.0
"""token_set_ratio for two claims with agreeing quantities and shared names to be one claim."""

CLUSTER_WITHOUT_NUMBERS = 80.0
"""token_set_ratio for two claims without quantities (and shared names) to be one claim."""

CLUSTER_CLOSE = 1.05
"""Two compatible figures, one of them exact, are the same figure only this close (155 vs "more than 150")."""

CLUSTER_RATIO = 40.0
"""fuzz.ratio floor for both cases: token_set_ratio alone calls any subset of the other's words the same
claim ("Two Chinese nationals were taken prisoner" inside a long sentence about 155 Chinese citizens)."""

DF_REFRESH_GROWTH = 1.1
"""Cached document frequencies are dropped once the corpus has 10% more passages than when cached."""

SEARCH_MAX_TERMS = 32
"""Words of a free-text search that reach FTS5 (the rest of a pasted paragraph adds nothing)."""


def _wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal, as a set."""
    return frozenset(text.split())


_QUERY_CHARS = re.compile(r"[^\W_]+")  # what unicode61 keeps as token characters (letters, digits)
_STOPWORDS = _wordset(
    """a about after against all also an and any are as at be been before being between both but by can
    could did do does during each for from had has have he her here him his how i if in into is it its
    just may might more most much no nor not of on once only or other our out over own said same say says
    she should so some such than that the their them then there these they this those through to told too
    under until up very was we were what when where which while who whom why will with would you your"""
)
_NOT_NAMES = _STOPWORDS | _wordset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december according president minister spokesman spokeswoman
    spokesperson"""
)

ALIASES: dict[str, tuple[str, ...]] = {
    "russia": ("russian", "russians", "moscow", "kremlin"),
    "china": ("chinese", "beijing"),
    "ukraine": ("ukrainian", "ukrainians", "kyiv", "kiev"),
    "usa": ("united states", "u.s.", "american", "americans", "washington", "white house"),
    "britain": ("united kingdom", "u.k.", "british", "london", "downing street"),
    "france": ("french", "paris", "elysee"),
    "germany": ("german", "germans", "berlin"),
    "northkorea": ("north korea", "north korean", "north koreans", "pyongyang"),
    "southkorea": ("south korea", "south korean", "south koreans", "seoul"),
    "japan": ("japanese", "tokyo"),
    "india": ("indian", "indians", "new delhi"),
    "iran": ("iranian", "iranians", "tehran"),
    "israel": ("israeli", "israelis"),
    "turkey": ("turkish", "ankara"),
    "poland": ("polish", "warsaw"),
    "belarus": ("belarusian", "minsk"),
    "eu": ("european union", "brussels"),
    "un": ("united nations", "u.n."),
}
"""Country, capital, government and demonym read as one name: news writes "Beijing" for the Chinese
government and "Moscow" for Russia, and a restatement in another outlet often swaps one for the other."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "citizens": ("nationals",),
    "soldiers": ("troops", "fighters", "servicemen"),
    "captured": ("capture", "captive", "captives", "prisoner", "prisoners", "pow", "pows"),
    "recruited": ("enlisted", "enlist", "enlisting"),
    "rejected": ("denied", "dismissed", "objected"),
    "killed": ("dead", "died", "deaths"),
    "wounded": ("injured", "hurt"),
    "arrested": ("detained",),
}
"""A few near-universal newsroom paraphrases, kept small on purpose (a long list drifts into meaning
changes); porter stemming already joins "recruit", "recruited" and "recruitment"."""


def _alias_maps() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for the multi-word aliases and a word map for the rest."""
    canonical = {v: k for table in (ALIASES, SYNONYMS) for k, vs in table.items() for v in vs}
    phrases = sorted((v for v in canonical if not v.isalnum()), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in phrases) + r")(?!\w)")
    return pattern, canonical


_ALIAS_PHRASE, _CANONICAL = _alias_maps()


def _canonical_text(text: str) -> str:
    """Lower-cased text with multi-word aliases ("united states", "u.s.") as their one-word name."""
    return _ALIAS_PHRASE.sub(lambda m: _CANONICAL[m.group()], text.lower())


# --- text features ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Features:
    """What ranking needs of one text, computed once per distinct text."""

    norm: str  # canonical content words, space-joined: rapidfuzz's input
    size: int  # content words
    words: tuple[str, ...]  # distinct lower-case words as written (FTS queries and frequencies)
    sequence: tuple[str, ...]  # canonical content words in order, split as FTS5 splits them
    names: frozenset[str]  # capitalised words that are not stopwords, canonical


@lru_cache(maxsize=200_000)
def _features(text: str) -> _Features:
    """Normalise a claim or passage for fuzzy scoring and term lookups (one pass per token list)."""
    canonical = _CANONICAL.get
    sequence = tuple(
        canonical(w, w) for w in _QUERY_CHARS.findall(_canonical_text(text)) if w not in _STOPWORDS
    )
    raw = _QUERY_CHARS.findall(text)
    lowered = [w.lower() for w in raw]
    words = tuple(dict.fromkeys(w for w in lowered if w not in _STOPWORDS))
    names = frozenset(
        canonical(low, low)
        for w, low in zip(raw, lowered, strict=True)
        if w[0].isupper() and len(w) > 1 and low not in _NOT_NAMES
    )
    return _Features(" ".join(sequence), len(sequence), words, sequence, names)


@lru_cache(maxsize=200_000)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """The quantities of a text that say how much (not when), cached by text."""
    return tuple(q for q in find_quantities(text) if q.kind in MEASURE_KINDS)


_STEMS: dict[str, tuple[str, ...]] = {}
_CACHE_MAX = 500_000


def _stems(store: Store, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Index terms of each word. The mapping depends only on the tokenizer, so it is cached for the
    process; unknown words go through the store's tokenizer in one batch."""
    wanted = list(dict.fromkeys(words))
    missing = [w for w in wanted if w not in _STEMS]
    if missing:
        if len(_STEMS) > _CACHE_MAX:
            _STEMS.clear()
        _STEMS.update(store.fts_tokens(missing))
    return {w: _STEMS.get(w, ()) for w in wanted}


@dataclass(frozen=True, slots=True)
class _Terms:
    """A text's index terms (canonical, stemmed) and its adjacent term pairs."""

    stems: frozenset[str]
    pairs: frozenset[tuple[str, str]]


_TERMS: dict[str, _Terms] = {}


def _terms(store: Store, text: str) -> _Terms:
    """Stemmed canonical terms of a text, cached by text (stemming depends on the tokenizer only)."""
    found = _TERMS.get(text)
    if found is None:
        sequence = _features(text).sequence
        stems = _stems(store, sequence)
        flat = [t for w in sequence for t in stems[w]]
        found = _Terms(frozenset(flat), frozenset(zip(flat, flat[1:], strict=False)))
        if len(_TERMS) > _CACHE_MAX:
            _TERMS.clear()
        _TERMS[text] = found
    return found


def _quote(term: str) -> str:
    """An FTS5 string literal: whatever it holds, it is a phrase, never an operator."""
    return '"' + term.replace('"', '""') + '"'


def _proxy_stems(store: Store) -> dict[str, tuple[str, ...]]:
    """For each canonical alias term, the index terms of its spellings (last word of a phrase)."""
    spellings = {
        k: (k, *(v.split()[-1].strip(".") for v in vs)) for t in (ALIASES, SYNONYMS) for k, vs in t.items()
    }
    stems = _stems(store, [w for ws in spellings.values() for w in ws])
    out: dict[str, tuple[str, ...]] = {}
    for canonical, words in spellings.items():
        for own in stems[canonical]:
            out[own] = tuple(dict.fromkeys(t for w in words for t in stems[w]))
    return out


_Row = TypeVar("_Row")

# --- corpus statistics for one run ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    """A passage that may be evidence: id, article, text, and its bm25 when FTS found it."""

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


class _Index:
    """Document frequencies and article flags for one linking run over a store (cheap to build; the
    frequencies are fetched in batches and cached per store, see ``_frequency_cache``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.passages = max(store.approx_passage_count(), 1)
        self._df = _frequency_cache(store, self.passages)
        self._idf: dict[str, float] = {}
        self._roots: dict[int, int] = {}
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


# --- scoring ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scored:
    """A passage scored against a claim, before it becomes a Candidate."""

    hit: _Hit
    score: float
    components: dict[str, float]
    pairs: tuple[QuantityPair, ...]


def _blend(components: dict[str, float]) -> float:
    """The weighted mean (0-1) of the components that apply."""
    total = sum(WEIGHTS[k] for k in components)
    return sum(WEIGHTS[k] * v for k, v in components.items()) / total if total else 0.0


def _calibrated(blend: float) -> float:
    """The 0-100 score: the blend stretched linearly from ``SCORE_FLOOR`` (0) to ``SCORE_CEILING`` (100)."""
    return 100.0 * min(1.0, max(0.0, (blend - SCORE_FLOOR) / (SCORE_CEILING - SCORE_FLOOR)))


def _cheap(claim: _Features, hits: Sequence[_Hit]) -> list[tuple[float, float, float]]:
    """token_set, ratio and length (0-1) of every hit, in hit order (rapidfuzz over the whole batch)."""
    norms = [_features(h.text).norm for h in hits]
    token_set = [0.0] * len(hits)
    ratio = [0.0] * len(hits)
    for _, score, i in process.extract(claim.norm, norms, scorer=SCORER, processor=PROCESSOR, limit=None):
        token_set[i] = score / 100
    for _, score, i in process.extract(claim.norm, norms, scorer=fuzz.ratio, processor=PROCESSOR, limit=None):
        ratio[i] = score / 100
    out = []
    for i, hit in enumerate(hits):
        size = _features(hit.text).size
        length = min(1.0, LENGTH_SLACK * min(size, claim.size) / max(size, claim.size, 1))
        out.append((token_set[i], ratio[i], length))
    return out


_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")


@lru_cache(maxsize=200_000)
def _numerals(text: str) -> tuple[float, ...]:
    """The digit-written numbers of a text (a cheap look, before the quantity parser)."""
    return tuple(float(m.group().replace(",", "")) for m in _NUMERAL.finditer(text))


def _may_quantify(claim_text: str, passage_text: str) -> bool:
    """The passage has a written number within a factor of ten of one of the claim's figures: it may
    give another figure for the same thing (168 vs 155), which fuzzy scores cannot see."""
    figures = [m for q in _quantities(claim_text) if _specificity(q) == 1.0 and (m := _magnitude(q))]
    return any(f / 10 <= n <= f * 10 for n in _numerals(passage_text) for f in figures)


def _cheap_blend(cheap: tuple[float, float, float]) -> float:
    """The blend of the cheap components alone (what picks the passages that get the others)."""
    return sum(WEIGHTS[k] * v for k, v in zip(CHEAP, cheap, strict=True))


def _has_name(name: str, passage: _Features) -> bool:
    """The passage names this (exactly, or spelled slightly differently: Zelensky / Zelenskyy)."""
    if name in passage.names:
        return True
    others = list(passage.names)
    return (
        bool(others)
        and process.extractOne(name, others, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_CUTOFF)
        is not None
    )


def _names(claim: _Features, passage: _Features, weights: dict[str, float] | None = None) -> float | None:
    """Share of the claim's names that the passage also names, each weighted by its idf when weights
    are given (a rare name such as "Sybiha" says more than "China" in a story about China)."""
    if not claim.names:
        return None
    weight = weights or {}
    total = sum(weight.get(n, 1.0) for n in claim.names)
    return sum(weight.get(n, 1.0) for n in claim.names if _has_name(n, passage)) / total


def _name_weights(index: _Index, names: frozenset[str]) -> dict[str, float]:
    """idf of each name (through its index term)."""
    stems = _stems(index.store, names)
    idf = index.weights(t for n in names for t in stems[n][:1])
    return {n: idf[stems[n][0]] for n in names if stems[n]}


def _numbers(claim_text: str, passage_text: str) -> tuple[float | None, tuple[QuantityPair, ...]]:
    """How well the passage speaks to the claim's quantities, and the quantity pairs that say so."""
    claim_qs = _quantities(claim_text)
    if not claim_qs:
        return None, ()
    pairs = tuple(
        p
        for p in pair_quantities(list(claim_qs), list(_quantities(passage_text)))
        if p.relation in RELATION_CREDIT
    )
    best: dict[tuple[int, int], float] = {}
    for p in pairs:
        key = (p.claim.start, p.claim.end)
        best[key] = max(best.get(key, 0.0), _credit(p))
    if not best:
        return (None if NUMBERS_NEUTRAL else 0.0), ()
    weight = {(q.start, q.end): _specificity(q) for q in claim_qs}
    return sum(weight[k] * v for k, v in best.items()) / max(sum(weight.values()), 1.0), pairs


def _magnitude(q: Quantity) -> float | None:
    """A representative value: the figure, or the middle of a range, or its one stated bound."""
    if q.value is not None:
        return q.value
    bounds = [b for b in (q.low, q.high) if b is not None]
    return sum(bounds) / len(bounds) if bounds else None


def _credit(pair: QuantityPair) -> float:
    """What a quantity pair adds to "numbers". "Approx" means compatible, and "at least 155" is
    compatible with 11,000 without being the same figure: an approx pair of counts more than
    ``APPROX_CLOSE`` apart earns only ``APPROX_FAR_CREDIT``."""
    if pair.relation != "approx" or pair.claim.kind not in ("count", "age"):
        return RELATION_CREDIT[pair.relation]
    a, b = _magnitude(pair.claim), _magnitude(pair.evidence)
    if a and b and max(a, b) / min(a, b) <= APPROX_CLOSE:
        return RELATION_CREDIT["approx"]
    return APPROX_FAR_CREDIT


def _specificity(q: Quantity) -> float:
    """How much agreeing on this figure says: "two" or "six" is in countless unrelated sentences,
    "155" or "$3,530" in few. Money, percentages and counts above ``SMALL_COUNT`` weigh 1."""
    small = q.kind in ("count", "age") and q.value is not None and abs(q.value) <= SMALL_COUNT
    return SMALL_COUNT_WEIGHT if small else 1.0


@dataclass(frozen=True, slots=True)
class _ClaimView:
    """What scoring needs of the claim, prepared once per claim rather than once per passage."""

    text: str
    features: _Features
    terms: _Terms
    norm: float  # idf-weighted length of the claim's term vector
    pair_total: float  # idf weight of all its adjacent term pairs
    name_weights: dict[str, float]


def _claim_view(index: _Index, text: str) -> _ClaimView:
    """Prepare a claim for scoring against many passages."""
    features, terms = _features(text), _terms(index.store, text)
    w = index.weights(terms.stems)
    return _ClaimView(
        text,
        features,
        terms,
        math.sqrt(sum(w[t] ** 2 for t in terms.stems)),
        sum(w[a] + w[b] for a, b in terms.pairs),
        _name_weights(index, features.names),
    )


def _overlap(w: dict[str, float], claim: _ClaimView, passage: _Terms) -> tuple[float, float | None]:
    """Cosine of the idf-weighted term sets ("terms"), and the idf-weighted share of the claim's
    adjacent term pairs that the passage also has ("phrases"; None for a claim of one word)."""
    passage_norm = math.sqrt(sum(w[t] ** 2 for t in passage.stems))
    dot = sum(w[t] ** 2 for t in claim.terms.stems & passage.stems)
    terms = dot / (claim.norm * passage_norm) if claim.norm and passage_norm else 0.0
    if not claim.pair_total:
        return terms, None
    return terms, sum(w[a] + w[b] for a, b in claim.terms.pairs & passage.pairs) / claim.pair_total


def _deep(
    w: dict[str, float],
    claim: _ClaimView,
    hit: _Hit,
    passage_terms: _Terms,
    cheap: tuple[float, float, float],
) -> _Scored:
    """All components of one claim-passage pair, from its cheap ones (``w``: idf of every term)."""
    components = dict(zip(CHEAP, cheap, strict=True))
    numbers, pairs = _numbers(claim.text, hit.text)
    names = _names(claim.features, _features(hit.text), claim.name_weights)
    terms, phrases = _overlap(w, claim, passage_terms)
    components["terms"] = terms
    for key, value in (("numbers", numbers), ("names", names), ("phrases", phrases)):
        if value is not None:
            components[key] = value
    rounded = {k: round(v, 3) for k, v in components.items()}
    return _Scored(hit, round(_calibrated(_blend(components)), 1), rounded, pairs)


def _score(index: _Index, claim_text: str, hits: Sequence[_Hit], *, deep: int | None = None) -> list[_Scored]:
    """Score hits against a claim, best first. Every hit gets the cheap components; the ``deep`` best
    of them (plus the ``BM25_KEEP`` first hits, FTS order) also get the others."""
    claim = _claim_view(index, claim_text)
    cheap = _cheap(claim.features, hits)
    blends = [_cheap_blend(c) for c in cheap]
    order = sorted(range(len(hits)), key=lambda i: (-blends[i], hits[i].passage_id))
    picked = set(order if deep is None else order[:deep]) | set(range(min(BM25_KEEP, len(hits))))
    figures = [i for i in order if i not in picked and _may_quantify(claim.text, hits[i].text)]
    chosen = sorted(picked | set(figures[:NUMBERS_KEEP]))
    _stems(index.store, (word for i in chosen for word in _features(hits[i].text).sequence))  # one batch
    passage_terms = {i: _terms(index.store, hits[i].text) for i in chosen}
    w = index.weights(
        {t for terms in passage_terms.values() for t in terms.stems} | claim.terms.stems
    )  # one batch of document frequencies for all of them
    scored = [_deep(w, claim, hits[i], passage_terms[i], cheap[i]) for i in chosen]
    scored.sort(key=lambda s: (-s.score, s.hit.passage_id))
    return scored


def _pair_dict(pair: QuantityPair) -> dict[str, str]:
    """A quantity comparison as stored with a candidate (and shown by the review screen)."""
    return {
        "claim": pair.claim.text,
        "evidence": pair.evidence.text,
        "claim_label": pair.claim.label(),
        "evidence_label": pair.evidence.label(),
        "relation": pair.relation,
        "reason": pair.reason,
    }


def _candidates(index: _Index, claim: Claim, scored: Sequence[_Scored], limit: int) -> list[Candidate]:
    """The best ``limit`` scored passages above ``MIN_SCORE`` as ranked candidates."""
    kept = [s for s in scored if s.score >= MIN_SCORE][:limit]
    index.load_roots([s.hit.article_id for s in kept] + ([claim.article_id] if claim.article_id else []))
    root = index.root(claim.article_id)
    return [
        Candidate(
            claim_id=claim.id,
            passage_id=s.hit.passage_id,
            rank=rank,
            score=s.score,
            components=s.components,
            quantities=[_pair_dict(p) for p in s.pairs],
            syndicated=root is not None and index.root(s.hit.article_id) == root,
        )
        for rank, s in enumerate(kept, start=1)
    ]


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


def _rank(
    index: _Index,
    claim: Claim,
    settings: Settings,
    exclude_article_ids: Sequence[int],
    postings: _Postings | None = None,
) -> list[Candidate]:
    """A claim's best candidates among passages of other articles (see the module docstring). With
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
    return _candidates(
        index, claim, _score(index, claim.text, hits, deep=RERANK_DEEP), settings.candidates_stored
    )


# --- bulk linking: the FTS5 query answered from posting lists in memory ------------------------------

BULK_MIN_CLAIMS = 200
"""Claims linked together from which the posting lists pay for themselves: reading the corpus's passage
texts and sizes once costs about as much as 200 FTS5 queries, and each claim then costs ~0.1 ms of
candidate search instead of ~1.3 ms (1,000 articles; bench/bench_matching.py)."""

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
        self.weights: dict[str, list[tuple[int, float]]] = {}
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
        self.superseded = self.store.superseded_article_ids()
        return self

    def _scored(self, stems: Iterable[str]) -> None:
        """bm25 term weights (FTS5's formula) of every passage holding each of these terms."""
        missing = [s for s in stems if s not in self.weights]
        if not missing:
            return
        rows = max(len(self.lengths), 1)
        average = self.tokens / rows or 1.0
        for stem, docs in self.store.term_postings(missing).items():
            idf = math.log((rows - len(docs) + 0.5) / (len(docs) + 0.5))
            idf = idf if idf > 0 else 1e-6
            self.weights[stem] = [
                (
                    pid,
                    idf
                    * tf
                    * (BM25_K1 + 1)
                    / (tf + BM25_K1 * (1 - BM25_B + BM25_B * self.lengths.get(pid, 0) / average)),
                )
                for pid, tf in docs
            ]

    def _run(self, stems: Iterable[str], exclude: set[int]) -> list[_Hit]:
        wanted = list(stems)
        self._scored(wanted)
        total: dict[int, float] = {}
        get = total.get
        for stem in wanted:
            for pid, weight in self.weights[stem]:
                total[pid] = get(pid, 0.0) + weight
        hits: list[_Hit] = []
        best = heapq.nlargest(2 * FTS_LIMIT, total.items(), key=itemgetter(1))
        order: Iterable[tuple[int, float]] = sorted(best, key=_best_first)
        for attempt in range(2):  # the best 2 x limit nearly always hold enough that may be shown
            for pid, score in order:
                found = self.passages.get(pid)
                if found is None or found[0] in exclude or found[0] in self.superseded:
                    continue  # boilerplate, another version, or an excluded article
                hits.append(_Hit(pid, found[0], found[1], -score))
                if len(hits) == FTS_LIMIT:
                    return hits
            if attempt or len(total) <= 2 * FTS_LIMIT:
                break
            hits, order = [], sorted(total.items(), key=_best_first)
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


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    """bm25 order (highest first; FTS5's is the negative), then passage id."""
    return (-item[1], item[0])


_POSTINGS: weakref.WeakKeyDictionary[Store, _Postings] = weakref.WeakKeyDictionary()


def _postings(store: Store) -> _Postings:
    """The store's posting lists, brought up to date."""
    found = _POSTINGS.get(store)
    if found is None:
        found = _POSTINGS[store] = _Postings(store)
    return found.refresh()


# --- public API: linking ----------------------------------------------------------------------------


def rank_candidates(
    store: Store, claim: Claim, *, settings: Settings, exclude_article_ids: Sequence[int] = ()
) -> list[Candidate]:
    """The claim's best evidence candidates, best first, at most ``settings.candidates_stored``: current,
    non-boilerplate passages of other articles (and not of ``exclude_article_ids``). Stores nothing."""
    return _rank(_Index(store), claim, settings, exclude_article_ids)


def rank_many(store: Store, claims: Sequence[Claim], *, settings: Settings) -> dict[int, list[Candidate]]:
    """``rank_candidates`` for many claims at once (from ``BULK_MIN_CLAIMS`` on, the FTS5 queries are
    answered from posting lists in memory). Stores nothing."""
    index = _Index(store)
    bulk = _postings(store) if len(claims) >= BULK_MIN_CLAIMS else None
    return {c.id: _rank(index, c, settings, (), bulk) for c in claims}


def link_claims(store: Store, claim_ids: Sequence[int], settings: Settings) -> None:
    """(Re)compute and store the candidates of these claims (superseded claims are left alone)."""
    store.set_candidates(rank_many(store, store.claims(ids=list(claim_ids)), settings=settings))


def link_new_article(store: Store, article: Article, settings: Settings) -> dict[int, list[Candidate]]:
    """``link_new_articles`` for one article."""
    return link_new_articles(store, [article], settings).get(article.id, {})


def link_new_articles(
    store: Store,
    articles: Sequence[Article],
    settings: Settings,
    *,
    batch_articles: Sequence[int] = (),
    batch_claims: Collection[int] = (),
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
    batch (all stored and extracted already), whose claims are not "older" for any part."""
    batch = list(dict.fromkeys([*batch_articles, *(a.id for a in articles)]))
    passages = {a.id: [p for p in store.passages(a.id) if not p.boilerplate] for a in articles}
    _forget_terms(store, [p.text for ps in passages.values() for p in ps])
    index = _Index(store)
    own = {a.id: store.claims(article_id=a.id) for a in articles}
    written: dict[int, list[Candidate]] = {}
    bulk = _postings(store) if sum(len(cs) for cs in own.values()) >= BULK_MIN_CLAIMS else None
    for article in articles:
        ranked = {c.id: _rank(index, c, settings, (), bulk) for c in own[article.id]}
        store.set_candidates(ranked)  # per article: a long batch commits as it goes
        written.update(ranked)
    new_claims = set(written) | set(batch_claims)
    _mirror_within_batch(index, articles, own, passages, written, new_claims, settings)
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
    written: dict[int, list[Candidate]],
    batch_claims: set[int],
    settings: Settings,
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
    for claim in index.store.claims(ids=sorted(found)):
        done = claim.id in written or (claim.article_id or 0) < first
        if not done and claim.id in batch_claims:
            del found[claim.id]  # a later part of the batch: it will rank against everything itself
            continue
        have = {k.passage_id for k in written.get(claim.id, ())}
        found[claim.id] = [
            h for h in found[claim.id] if h.passage_id not in have and h.article_id != claim.article_id
        ]
    _merge_hits(index, {cid: hs for cid, hs in found.items() if hs}, settings, deep=RERANK_DEEP)


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
    forward: Mapping[int, Sequence[Candidate]],
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
) -> dict[int, list[Candidate]]:
    """Score ``hits`` against their claims (all components for the ``deep`` best by the cheap ones,
    or for all) and merge those that beat each claim's current last candidate into its stored list
    (after dropping candidates in ``stale_article``). Returns, per claim, the new candidates that made
    its list."""
    store, keep = index.store, settings.candidates_stored
    floors = store.candidate_floors(list(hits), keep)
    added: dict[int, list[Candidate]] = {}
    for claim in store.claims(ids=list(hits)):
        norm = _features(claim.text).norm
        gated = [h for h in hits[claim.id] if SCORER(norm, _features(h.text).norm) >= REVERSE_GATE]
        scored = _candidates(index, claim, _score(index, claim.text, gated, deep=deep), keep) if gated else []
        better = [c for c in scored if c.score > floors.get(claim.id, 0.0)]
        if better:
            added[claim.id] = better
    with store.write():
        stale = store.drop_candidates_in_article(stale_article) if stale_article else []
        stayed = store.merge_candidates(added, keep=keep, rerank=stale)
    return {
        cid: [c.model_copy(update={"rank": ranks[c.passage_id]}) for c in added[cid] if c.passage_id in ranks]
        for cid, ranks in stayed.items()
        if ranks
    }


# --- public API: syndication ------------------------------------------------------------------------


def _body(passages: Sequence[Passage]) -> str:
    """An article's body as one normalised string (headlines, headings and boilerplate left out, so a
    changed byline, credit or headline does not hide a copy)."""
    return " ".join(_features(p.text).norm for p in passages if p.kind == "body")


def find_duplicates(store: Store, article: Article) -> int | None:
    """The earlier article this one is a near-copy of (syndication), recorded with
    ``store.mark_duplicate``; None when it is original. Earlier versions of the same file are not
    copies (they are superseded). Its longest body passages are looked up through FTS, and only the
    articles they point at are compared whole, so the cost does not grow with the corpus."""
    passages = store.passages(article.id)
    body = [p for p in passages if p.kind == "body"]
    if not body:
        return None
    index = _Index(store)
    votes: dict[int, int] = {}
    for probe in sorted(body, key=lambda p: (-len(p.text), p.id))[:DUPLICATE_PROBES]:
        query = index.query(probe.text, own_passage=True)
        if query is None:
            continue
        for _, other, text, _ in store.evidence_hits(query, limit=5, exclude_article_ids=[article.id]):
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


# --- public API: clusters ---------------------------------------------------------------------------


def _same_claim(a: str, b: str) -> bool:
    """Two claims say the same thing: the same names, near-identical words and, when they quantify,
    agreeing figures (155 and 168 Chinese citizens are two claims, however alike the sentences).
    Agreeing on a small count ("two captured") is not enough to lower the bar for the words."""
    fa, fb = _features(a), _features(b)
    if fuzz.ratio(fa.norm, fb.norm, processor=PROCESSOR) < CLUSTER_RATIO:
        return False  # cheapest test first: most candidates fail it
    if fa.names and fb.names and not _names(fa, fb):
        return False
    qa, qb = _quantities(a), _quantities(b)
    if any(_specificity(q) == 1.0 for q in qa) != any(_specificity(q) == 1.0 for q in qb):
        return False  # a figure on one side only: "North Korea sent over 10,000 troops" is another claim
    pairs = pair_quantities(list(qa), list(qb))
    if any(p.relation == "conflict" for p in pairs):
        return False
    figures = any(_specificity(p.claim) == 1.0 and _same_figure(p) for p in pairs)
    threshold = CLUSTER_WITH_NUMBERS if figures else CLUSTER_WITHOUT_NUMBERS
    return SCORER(fa.norm, fb.norm, processor=PROCESSOR) >= threshold


def _same_figure(pair: QuantityPair) -> bool:
    """Two mentions of one figure: equal, or compatible and within ``CLUSTER_CLOSE`` of each other
    (``APPROX_CLOSE`` when both are hedged). "155" and "at least 155" are one figure, "some 11,000" and
    "more than ten thousand" too; "168" and "at least 155" are compatible but two different counts."""
    if pair.relation == "agree":
        return True
    if pair.relation != "approx":
        return False
    a, b = _magnitude(pair.claim), _magnitude(pair.evidence)
    if not (a and b):
        return False
    hedged = pair.claim.approx != "exact" and pair.evidence.approx != "exact"
    return max(a, b) / min(a, b) <= (APPROX_CLOSE if hedged else CLUSTER_CLOSE)


def _similar_claims(store: Store, claims: Sequence[Claim]) -> dict[int, list[int]]:
    """For each claim, the current claims of other articles that say the same. Looked for among the
    claims stated in its stored candidates scoring at least ``CLUSTER_MIN_SCORE``: a restatement by
    another outlet is strong evidence, so it is already there, and no further search is needed."""
    stored = store.candidate_scores([c.id for c in claims])
    strong = {cid: [pid for pid, score in ks if score >= CLUSTER_MIN_SCORE] for cid, ks in stored.items()}
    stated = store.claims_stated_in({p for ps in strong.values() for p in ps})
    others = {c.id: c for c in store.claims(ids=sorted({o for os in stated.values() for o in os}))}
    out: dict[int, list[int]] = {}
    for claim in claims:
        found = {
            o for p in strong.get(claim.id, ()) for o in stated.get(p, ()) if o != claim.id and o in others
        }
        out[claim.id] = [
            o
            for o in sorted(found)
            if others[o].article_id != claim.article_id and _same_claim(claim.text, others[o].text)
        ]
    return out


def cluster_claims(store: Store, claim_ids: Sequence[int]) -> None:
    """Give claims that several sources make one ``cluster_id`` ("also reported by"), joining and
    merging existing clusters; call it after the claims are linked (it reads their candidates). A
    cluster's id is the smallest claim id ever in it, so existing clusters keep their id when a new
    source joins. Claims reported once stay unclustered."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for claim_id, others in _similar_claims(store, store.claims(ids=list(claim_ids))).items():
        for other in others:
            a, b = find(claim_id), find(other)
            parent[max(a, b)] = min(a, b)
    if parent:
        _store_clusters(store, {x: find(x) for x in parent})


def _store_clusters(store: Store, component: dict[int, int]) -> None:
    """Write cluster ids for linked claims, folding in the clusters they already belonged to."""
    groups: dict[int, set[int]] = {}
    for claim_id, root in component.items():
        groups.setdefault(root, set()).add(claim_id)
    current = {c.id: c.cluster_id for c in store.claims(ids=list(component))}
    with store.write():
        for members in groups.values():
            old = {k for m in members if (k := current.get(m)) is not None}
            everyone = members | {m for k in old for m in store.cluster_member_ids(k)}
            cluster_id = min(everyone | old)
            store.set_cluster(sorted(m for m in everyone if current.get(m) != cluster_id), cluster_id)


def also_reported_by(store: Store, claim: Claim) -> list[Claim]:
    """The other current claims in this claim's cluster (the same claim made by other sources)."""
    if claim.cluster_id is None:
        return []
    return [c for c in store.claims(ids=store.cluster_member_ids(claim.cluster_id)) if c.id != claim.id]


# --- public API: free-text search -------------------------------------------------------------------


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
