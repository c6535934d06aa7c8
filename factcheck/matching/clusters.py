"""Cross-source clusters: the same claim made by several outlets gets one ``cluster_id`` ("also reported
by ...")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from rapidfuzz import fuzz

from factcheck.matching.scoring import APPROX_CLOSE, PROCESSOR, SCORER, _magnitude, _names, _specificity
from factcheck.matching.text import _features, _quantities
from factcheck.models import Claim
from factcheck.quantities import QuantityPair, pair_quantities
from factcheck.storage import Store

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
    pairs = pair_quantities(qa, qb)
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


class SameClaims(Protocol):
    """Judges many pairs of claim texts with ``_same_claim`` (worker processes, in bulk linking)."""

    def same_claims(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """``_same_claim(a, b)`` of each pair, in order."""


def same_claims(pairs: Sequence[tuple[str, str]]) -> list[bool]:
    """``_same_claim`` of each pair, in this process."""
    return [_same_claim(a, b) for a, b in pairs]


def _similar_claims(
    store: Store, claims: Mapping[int, tuple[int | None, str]], workers: SameClaims | None
) -> dict[int, list[int]]:
    """For each claim (id: article id, text), the current claims of other articles that say the same.
    Looked for among the claims stated in its stored candidates scoring at least ``CLUSTER_MIN_SCORE``:
    a restatement by another outlet is strong evidence, so it is already there, and no further search
    is needed."""
    stored = store.candidate_scores(list(claims))
    strong = {cid: [pid for pid, score in ks if score >= CLUSTER_MIN_SCORE] for cid, ks in stored.items()}
    stated = store.claims_stated_in({p for ps in strong.values() for p in ps})
    others = store.claim_texts(sorted({o for os in stated.values() for o in os}))
    asked: list[tuple[int, int]] = []
    for claim_id, (article_id, _) in claims.items():
        found = {
            o for p in strong.get(claim_id, ()) for o in stated.get(p, ()) if o != claim_id and o in others
        }
        asked += [(claim_id, o) for o in sorted(found) if others[o][0] != article_id]
    pairs = [(claims[a][1], others[b][1]) for a, b in asked]
    verdicts = same_claims(pairs) if workers is None else workers.same_claims(pairs)
    out: dict[int, list[int]] = {claim_id: [] for claim_id in claims}
    for (a, b), same in zip(asked, verdicts, strict=True):
        if same:
            out[a].append(b)
    return out


def cluster_claims(store: Store, claim_ids: Sequence[int], workers: SameClaims | None = None) -> None:
    """Give claims that several sources make one ``cluster_id`` ("also reported by"), joining and
    merging existing clusters; call it after the claims are linked (it reads their candidates). A
    cluster's id is the smallest claim id ever in it, so existing clusters keep their id when a new
    source joins. Claims reported once stay unclustered. With ``workers`` the texts are compared there."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for claim_id, others in _similar_claims(store, store.claim_texts(claim_ids), workers).items():
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
    current = store.cluster_ids(component)
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
