"""Scoring a passage against a claim: rapidfuzz's cheap components for every hit, the costly ones (term
and phrase overlap, quantities, names) for the best of them, the 0-100 blend, and the ranked
``Candidate`` it becomes (with its components, so the review screen can say why it is there)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from json.encoder import encode_basestring as _string  # what json.dumps writes a str as (C)
from typing import NamedTuple

from rapidfuzz import fuzz, process

from factcheck.matching.index import _Hit, _Index
from factcheck.matching.text import (
    _TERMS,
    _Features,
    _features,
    _numerals,
    _quantities,
    _quantity_kinds,
    _stems,
    _Terms,
    _terms,
)
from factcheck.models import Candidate, Claim
from factcheck.quantities import Quantity, QuantityPair, pair_quantities
from factcheck.storage import CandidateRow, to_json

RERANK_DEEP = 6
"""How many of the reranked hits get the costly components (quantities, fuzzy names, term weights),
besides the ``BM25_KEEP`` first and the ``NUMBERS_KEEP`` with a nearby figure (~10 a claim in all, the
candidates stored before the mirror adds any). Measured with ``index.FTS_LIMIT`` (bench/bench_matching.py,
400 claims at 1,000 synthetic articles, one run): 60 hits with 12 + 3 bm25 + 5 figures fully scored
found 0.839 true evidence in the top 5; 40 with 6 + 4 + 5 found 0.838 in about three quarters of the
time, and on the labelled samples success@5 0.917 instead of 0.900 (capped recall 0.758 vs 0.764)."""


BM25_KEEP = 4
"""The best bm25 hits always get the deep components too, whatever their fuzzy score: a passage that
shares the claim's rarest terms in other words must not be lost to the cheap stage (a restatement in
other words, "verifying the information" for "avoid participating in armed conflicts", is fourth by
bm25 and fifteenth by the cheap components)."""


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
(the cheap components are blind to "168 Chinese citizens" as evidence against "155 Chinese citizens").
With 3, linking the samples one article at a time lost exactly that pair (tests/unit/test_matching.py
pins it both ways)."""


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


class _Scored(NamedTuple):
    """A passage scored against a claim, before it becomes a Candidate."""

    hit: _Hit
    score: float
    components: dict[str, float]
    pairs: tuple[QuantityPair, ...]


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


def _figures(claim_text: str) -> tuple[float, ...]:
    """The claim's specific figures (not small counts), as magnitudes."""
    return tuple(m for q in _quantities(claim_text) if _specificity(q) == 1.0 and (m := _magnitude(q)))


def _may_quantify(figures: Sequence[float], passage_text: str) -> bool:
    """The passage has a written number within a factor of ten of one of the claim's ``figures``: it
    may give another figure for the same thing (168 vs 155), which fuzzy scores cannot see."""
    return any(f / 10 <= n <= f * 10 for n in _numerals(passage_text) for f in figures)


def _cheap_blends(cheap: Sequence[tuple[float, float, float]]) -> list[float]:
    """The blend of the cheap components alone (what picks the passages that get the others)."""
    a, b, c = (WEIGHTS[k] for k in CHEAP)
    return [a * x + b * y + c * z for x, y, z in cheap]


def _has_name(name: str, passage: _Features) -> bool:
    """The passage names this (exactly, or spelled slightly differently: Zelensky / Zelenskyy)."""
    if name in passage.names:
        return True
    return (
        bool(passage.names)
        and process.extractOne(
            name, passage.name_list, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_CUTOFF
        )
        is not None
    )


def _names(claim: _Features, passage: _Features, weights: dict[str, float] | None = None) -> float | None:
    """Share of the claim's names that the passage also names, each weighted by its idf when weights
    are given (a rare name such as "Sybiha" says more than "China" in a story about China)."""
    if not claim.names:
        return None
    weight = weights or {}
    total = found = 0.0
    for name in claim.names:  # summed in the set's order, as sum() over it did
        w = weight.get(name, 1.0)
        total += w
        if _has_name(name, passage):
            found += w
    return found / total


def _name_weights(index: _Index, names: frozenset[str]) -> dict[str, float]:
    """idf of each name (through its index term)."""
    stems = _stems(index.store, names)
    idf = index.weights(t for n in names for t in stems[n][:1])
    return {n: idf[stems[n][0]] for n in names if stems[n]}


def _numbers(claim: _ClaimView, passage_text: str) -> tuple[float | None, tuple[QuantityPair, ...]]:
    """How well the passage speaks to the claim's quantities, and the quantity pairs that say so."""
    claim_qs = claim.quantities
    if not claim_qs:
        return None, ()
    passage_qs = _quantities(passage_text)
    if not passage_qs or _quantity_kinds(claim.text).isdisjoint(_quantity_kinds(passage_text)):
        return (None if NUMBERS_NEUTRAL else 0.0), ()
    pairs = tuple(p for p in pair_quantities(claim_qs, passage_qs) if p.relation in RELATION_CREDIT)
    best: dict[tuple[int, int], float] = {}
    for p in pairs:
        key = (p.claim.start, p.claim.end)
        best[key] = max(best.get(key, 0.0), _credit(p))
    if not best:
        return (None if NUMBERS_NEUTRAL else 0.0), ()
    weight = claim.quantity_weights
    return sum(weight[k] * v for k, v in best.items()) / claim.quantity_total, pairs


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
    quantities: tuple[Quantity, ...]
    squares: dict[str, float]  # each term's idf squared (its share of a dot product)
    quantity_weights: dict[tuple[int, int], float]  # each quantity's ``_specificity``, by its span
    quantity_total: float  # what "numbers" divides by: their sum, at least 1
    pair_weights: dict[tuple[str, str], float]  # each adjacent term pair's idf weight


def _claim_view(index: _Index, text: str) -> _ClaimView:
    """Prepare a claim for scoring against many passages."""
    features, terms = _features(text), _terms(index.store, text)
    w = index.weights(terms.stems)
    squares = {t: w[t] ** 2 for t in terms.stems}
    pair_weights = {(a, b): w[a] + w[b] for a, b in terms.pairs}
    quantities = _quantities(text)
    quantity_weights = {(q.start, q.end): _specificity(q) for q in quantities}
    return _ClaimView(
        text,
        features,
        terms,
        math.sqrt(sum(squares.values())),
        sum(pair_weights.values()),
        _name_weights(index, features.names),
        quantities,
        squares,
        quantity_weights,
        max(sum(quantity_weights.values()), 1.0),
        pair_weights,
    )


def _overlap(claim: _ClaimView, passage: _Terms, passage_norm: float) -> tuple[float, float | None]:
    """Cosine of the idf-weighted term sets ("terms"), and the idf-weighted share of the claim's
    adjacent term pairs that the passage also has ("phrases"; None for a claim of one word).
    ``passage_norm``: the length of the passage's idf-weighted term vector."""
    squares = claim.squares
    dot = sum(squares[t] for t in claim.terms.stems & passage.stems)
    terms = dot / (claim.norm * passage_norm) if claim.norm and passage_norm else 0.0
    if not claim.pair_total:
        return terms, None
    weights = claim.pair_weights
    return terms, sum(weights[p] for p in claim.terms.pairs & passage.pairs) / claim.pair_total


def _deep(
    claim: _ClaimView,
    hit: _Hit,
    passage_terms: _Terms,
    passage_norm: float,
    cheap: tuple[float, float, float],
) -> _Scored:
    """All components of one claim-passage pair, from its cheap ones."""
    numbers, pairs = _numbers(claim, hit.text)
    names = _names(claim.features, _features(hit.text), claim.name_weights)
    terms, phrases = _overlap(claim, passage_terms, passage_norm)
    components = (
        ("token_set", cheap[0]),  # CHEAP first, then the others: the blend is summed in this order
        ("ratio", cheap[1]),
        ("length", cheap[2]),
        ("terms", terms),
        ("numbers", numbers),
        ("names", names),
        ("phrases", phrases),
    )
    rounded: dict[str, float] = {}
    total = weighted = 0.0
    for key, value in components:  # the blend: the weighted mean of the components that apply
        if value is not None:
            weight = WEIGHTS[key]
            total += weight
            weighted += weight * value
            rounded[key] = round(value, 3)
    return _Scored(hit, round(_calibrated(weighted / total if total else 0.0), 1), rounded, pairs)


def _score(index: _Index, claim_text: str, hits: Sequence[_Hit], *, deep: int | None = None) -> list[_Scored]:
    """Score hits against a claim, best first. Every hit gets the cheap components; the ``deep`` best
    of them (plus the ``BM25_KEEP`` first hits, FTS order) also get the others."""
    claim = _claim_view(index, claim_text)
    cheap = _cheap(claim.features, hits)
    blends = _cheap_blends(cheap)
    order = sorted(range(len(hits)), key=lambda i: (-blends[i], hits[i].passage_id))
    picked = set(order if deep is None else order[:deep]) | set(range(min(BM25_KEEP, len(hits))))
    figures = _figures(claim.text)
    numbered = (
        islice((i for i in order if i not in picked and _may_quantify(figures, hits[i].text)), NUMBERS_KEEP)
        if figures
        else ()
    )
    chosen = sorted(picked.union(numbered))
    if any(hits[i].text not in _TERMS for i in chosen):  # the stems of new words in one batch
        _stems(index.store, (word for i in chosen for word in _features(hits[i].text).sequence))
    passage_terms = {i: _terms(index.store, hits[i].text) for i in chosen}
    norms = index.norms
    new = [i for i in chosen if hits[i].text not in norms]
    if new:  # one batch of document frequencies for all of them
        w = index.weights({t for i in new for t in passage_terms[i].stems})
        for i in new:
            norms[hits[i].text] = math.sqrt(sum(w[t] ** 2 for t in passage_terms[i].stems))
    scored = [_deep(claim, hits[i], passage_terms[i], norms[hits[i].text], cheap[i]) for i in chosen]
    scored.sort(key=lambda s: (-s.score, s.hit.passage_id))
    return scored


def _pair_dict(pair: QuantityPair) -> dict[str, str]:
    """A quantity comparison as stored with a candidate (and shown by the review screen)."""
    return {
        "claim": pair.claim.text,
        "evidence": pair.evidence.text,
        "claim_label": _label(pair.claim),
        "evidence_label": _label(pair.evidence),
        "relation": pair.relation,
        "reason": pair.reason,
    }


_LABELS: dict[int, tuple[Quantity, str]] = {}


def _label(q: Quantity) -> str:
    """``q.label()``, made once per quantity: a passage's figures are paired with claim after claim.
    Kept by identity, with the quantity itself, so an id is never mistaken for a later object's."""
    found = _LABELS.get(id(q))
    if found is not None and found[0] is q:
        return found[1]
    if len(_LABELS) > 100_000:
        _LABELS.clear()
    text = q.label()
    _LABELS[id(q)] = (q, text)
    return text


def _pairs_json(pairs: Sequence[QuantityPair]) -> str:
    """``to_json`` of the pairs' ``_pair_dict``s (keys in sorted order, strings as the json module
    writes them without ``ensure_ascii``), without building a JSON encoder for every candidate."""
    if not pairs:
        return "[]"
    return (
        "["
        + ", ".join(
            f'{{"claim": {_string(p.claim.text)}, "claim_label": {_string(_label(p.claim))}, '
            f'"evidence": {_string(p.evidence.text)}, "evidence_label": {_string(_label(p.evidence))}, '
            f'"reason": {_string(p.reason)}, "relation": {_string(p.relation)}}}'
            for p in pairs
        )
        + "]"
    )


def _kept(index: _Index, claim: Claim, scored: Sequence[_Scored], limit: int) -> list[tuple[_Scored, bool]]:
    """The best ``limit`` scored passages above ``MIN_SCORE``, each with whether it is syndicated (in a
    copy of the claim's article, or of the article the claim's is a copy of)."""
    kept = [s for s in scored if s.score >= MIN_SCORE][:limit]
    index.load_roots([s.hit.article_id for s in kept] + ([claim.article_id] if claim.article_id else []))
    root = index.root(claim.article_id)
    return [(s, root is not None and index.root(s.hit.article_id) == root) for s in kept]


def _candidates(index: _Index, claim: Claim, scored: Sequence[_Scored], limit: int) -> list[Candidate]:
    """The best ``limit`` scored passages above ``MIN_SCORE`` as ranked candidates."""
    return [
        Candidate.model_construct(  # built from typed values of our own: no validation pass needed
            claim_id=claim.id,
            passage_id=s.hit.passage_id,
            rank=rank,
            score=s.score,
            components=s.components,
            quantities=[_pair_dict(p) for p in s.pairs],
            syndicated=syndicated,
        )
        for rank, (s, syndicated) in enumerate(_kept(index, claim, scored, limit), start=1)
    ]


def _rows(index: _Index, claim: Claim, scored: Sequence[_Scored], limit: int, now: str) -> list[CandidateRow]:
    """``storage.candidate_rows`` of ``_candidates``, without building the models (bulk linking)."""
    return [
        (
            claim.id,
            s.hit.passage_id,
            rank,
            s.score,
            _components_json(s.components),
            _pairs_json(s.pairs),
            int(syndicated),
            now,
        )
        for rank, (s, syndicated) in enumerate(_kept(index, claim, scored, limit), start=1)
    ]


_JSON_KEYS = tuple(sorted(WEIGHTS))
_JSON_VALUES: dict[float, str] = {}  # a component's JSON text by value (rounded: at most a few thousand)


def _components_json(components: dict[str, float]) -> str:
    """``to_json`` of a candidate's components (finite floats under the names of ``WEIGHTS``) without
    the json module's overhead, which was a sixth of ranking a claim in bulk: the values are rounded,
    so each value's text is made once. Anything else goes through ``to_json``."""
    parts = []
    for key in _JSON_KEYS:
        value = components.get(key)
        if value is None:
            continue
        if type(value) is not float:
            return to_json(components)
        text = _JSON_VALUES.get(value) if value else repr(value)  # 0.0 and -0.0 are equal keys
        if text is None:
            if not math.isfinite(value):
                return to_json(components)
            if len(_JSON_VALUES) > 100_000:
                _JSON_VALUES.clear()
            text = _JSON_VALUES[value] = repr(value)
        parts.append(f'"{key}": {text}')
    if len(parts) != len(components):
        return to_json(components)
    return "{" + ", ".join(parts) + "}"
