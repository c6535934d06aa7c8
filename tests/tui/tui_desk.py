"""A small real review database built through the Store (no mocks): three outlets, fixed scores and
candidates, a cross-source cluster, number conflicts, a claim with markup-like brackets and (optionally)
a re-queued claim, so every key path and every snapshot is deterministic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from factcheck.models import Candidate, ExtractedClaim, Passage
from factcheck.queue import Reviewer, requeue
from factcheck.segment import split_passages
from factcheck.settings import DEFAULT_SETTINGS
from factcheck.storage import Store

FROZEN = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REVIEWER = "tester"

ARTICLES = {
    "articles/upi-2025-04-10-zelensky-155-chinese.txt": (
        "Zelensky says 155 Chinese fight for Russia\n"
        "Ukrainian President Volodymyr Zelensky said on Wednesday that 155 Chinese citizens are fighting "
        "for Russia. He said Kyiv had passport data for all of them.\n"
        "Photo by Stringer/EPA-EFE\n"
        "The men were recruited through social media, according to Zelensky. "
        "Recruits were paid 2 million roubles, a Ukrainian outlet reported.\n"
    ),
    "articles/efe-2025-04-09-captured-chinese.txt": (
        "Captured Chinese joined Russian army on their own\n"
        "Kyiv, Apr 9 (EFE) - Ukrainian intelligence said 168 Chinese citizens are fighting for Russia. "
        "The two captured men told investigators they were paid 30,000 roubles.\n"
        "Beijing said it had never encouraged its citizens to take part in the war.\n"
    ),
    "articles/afp-2025-04-09-dozens-of-chinese.txt": (
        "Dozens of Chinese nationals fighting for Russia, Kyiv says\n"
        "Zelensky said at least 155 Chinese nationals were fighting for Russia in Ukraine. "
        "China rejected the claim as groundless.\n"
        "The claim about [bold]secret[/bold] recruitment was not verified.\n"
    ),
}


@dataclass
class Desk:
    """A built database and the ids the tests refer to."""

    path: Path
    claims: dict[str, int]
    passages: dict[str, int]
    articles: dict[str, int]

    def store(self) -> Store:
        """A fresh connection (close it)."""
        return Store(self.path)


def _passage(passages: list[Passage], needle: str) -> Passage:
    return next(p for p in passages if needle in p.text)


def _claim(store: Store, article_id: int, passage: Passage, score: float, reasons: list[str]) -> int:
    claim = ExtractedClaim(
        text=passage.text, start=passage.start, end=passage.end, score=score, reasons=reasons, quantities=[]
    )
    return store.add_claims(article_id, [claim], passage_ids=[passage.id])[0]


def _pair(claim: str, evidence: str, relation: str) -> dict[str, Any]:
    return {
        "claim": claim,
        "evidence": evidence,
        "claim_label": claim,
        "evidence_label": evidence,
        "relation": relation,
        "reason": "different figures for the same thing" if relation == "conflict" else "",
    }


def build_desk(path: Path, *, requeued: bool = False) -> Desk:
    """Three outlets on one story. Queue order (pending by score): ``zelensky_155`` (0.95),
    ``efe_168`` (0.90), ``afp_155`` (0.85), ``upi_paid`` (0.80), ``markup`` (0.60). With ``requeued``,
    ``upi_paid`` was decided (disputed) and then sent back by a new source, so it comes first."""
    with Store(path) as store:
        articles, passages = {}, {}
        for name, text in ARTICLES.items():
            article, stored = store.add_article(
                path=name,
                title=text.split("\n", 1)[0],
                sha256=name,
                text=text,
                encoding="utf-8",
                size=len(text),
                spans=split_passages(text),
            )
            articles[name.split("/")[1].split("-")[0]] = article.id
            passages[name] = stored
        upi, efe, afp = (passages[n] for n in ARTICLES)
        p = {
            "upi_155": _passage(upi, "155 Chinese citizens"),
            "upi_paid": _passage(upi, "2 million roubles"),
            "efe_168": _passage(efe, "168 Chinese"),
            "efe_paid": _passage(efe, "30,000 roubles"),
            "afp_155": _passage(afp, "at least 155"),
            "afp_markup": _passage(afp, "[bold]"),
        }
        claims = {
            "zelensky_155": _claim(
                store, articles["upi"], p["upi_155"], 0.95, ["quantity: 155", "attributed to: Zelensky"]
            ),
            "efe_168": _claim(store, articles["efe"], p["efe_168"], 0.90, ["quantity: 168"]),
            "afp_155": _claim(store, articles["afp"], p["afp_155"], 0.85, ["quantity: 155"]),
            "upi_paid": _claim(store, articles["upi"], p["upi_paid"], 0.80, ["quantity: 2 million roubles"]),
            "markup": _claim(store, articles["afp"], p["afp_markup"], 0.60, ["event: recruitment"]),
        }
        components = {"terms": 0.6, "numbers": 1.0, "token_set": 0.8, "names": 1.0}

        def cands(claim: str, *items: tuple[str, float, list[dict[str, Any]]]) -> None:
            store.replace_candidates(
                claims[claim],
                [
                    Candidate(
                        claim_id=claims[claim],
                        passage_id=p[key].id,
                        rank=rank,
                        score=score,
                        components=components,
                        quantities=pairs,
                    )
                    for rank, (key, score, pairs) in enumerate(items, start=1)
                ],
            )

        cands(
            "zelensky_155",
            ("afp_155", 88.0, [_pair("155", "155", "agree")]),
            ("efe_168", 71.5, [_pair("155", "168", "conflict")]),
        )
        cands("efe_168", ("upi_155", 70.0, [_pair("168", "155", "conflict")]), ("afp_155", 65.0, []))
        cands("afp_155", ("upi_155", 90.0, [_pair("155", "155", "agree")]))
        cands("upi_paid", ("efe_paid", 62.0, [_pair("2 million roubles", "30,000 roubles", "conflict")]))
        store.set_cluster([claims["zelensky_155"], claims["afp_155"]], claims["zelensky_155"])
        if requeued:
            reviewer = Reviewer(store, "ana", DEFAULT_SETTINGS)
            reviewer.decide(
                claims["upi_paid"],
                "disputed",
                evidence_passage_id=p["efe_paid"].id,
                note="EFE says 30,000 roubles",
                now=FROZEN,
            )
            requeue(
                store,
                claims["upi_paid"],
                {
                    "article_title": "Captured Chinese joined Russian army on their own",
                    "article_path": "articles/efe-2025-04-09-captured-chinese.txt",
                    "passage_id": p["efe_paid"].id,
                    "passage_text": p["efe_paid"].text,
                    "score": 81.0,
                    "quantities": [_pair("2 million roubles", "30,000 roubles", "conflict")],
                },
                now=FROZEN,
            )
    return Desk(path, claims, {k: v.id for k, v in p.items()}, articles)
