"""Review reports. ``collect`` reads the store once into plain models; ``filter_data`` narrows them; the
``render_*`` functions are pure (no I/O, the clock passed in), so golden tests pin their output and
``export`` only writes. Formats: Markdown for people, JSON for scripts (the documented contract), CSV
for spreadsheets, and schema.org ClaimReview JSON-LD for publishing."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from factcheck.errors import InputError
from factcheck.markdown import blockquote, code_literal, escape_cell, escape_inline, mermaid_pie, table
from factcheck.models import Article, Candidate, Claim, ClaimStatus, Event, EventKind, Passage, Verdict
from factcheck.queue import parse_verdict
from factcheck.storage import Store

__all__ = [
    "BEST_RATING",
    "CLAIMREVIEW_RATINGS",
    "CONFLICT_RELATIONS",
    "CSV_COLUMNS",
    "FORMATS",
    "WORST_RATING",
    "Comparison",
    "Rating",
    "ReportData",
    "claim_anchor",
    "claim_obj",
    "collect",
    "comparisons",
    "filter_data",
    "parse_since",
    "render",
    "export_text",
    "write_atomically",
    "render_claimreview",
    "render_csv",
    "render_json",
    "render_markdown",
]


class ReportData(BaseModel):
    """Everything a report needs, read from the store in one pass."""

    articles: list[Article]
    claims: list[Claim]
    histories: dict[int, list[Event]]
    candidates: dict[int, list[Candidate]]
    passages: dict[int, Passage]
    database: str = ""
    filters: dict[str, str] = {}  # what ``filter_data`` kept, shown in every format that has a header


def collect(
    store: Store, *, claim_ids: list[int] | None = None, candidates_per_claim: int | None = None
) -> ReportData:
    """Read articles, claims, their histories, candidates (all stored, or the top ``candidates_per_claim``)
    and every passage they refer to."""
    articles = store.articles(include_superseded=True)
    claims = store.claims(include_superseded=True, ids=claim_ids)
    ids = [c.id for c in claims]
    histories = store.histories(ids)
    candidates = store.candidates_for(ids, per_claim=candidates_per_claim)
    passage_ids = _referenced_passages(claims, histories, candidates)
    return ReportData(
        articles=articles,
        claims=claims,
        histories=histories,
        candidates=candidates,
        passages=store.passages_by_id(passage_ids),
        database=str(store.path),
    )


def _referenced_passages(
    claims: Sequence[Claim], histories: Mapping[int, list[Event]], candidates: Mapping[int, list[Candidate]]
) -> set[int]:
    """Evidence, candidate and re-queue passages of these claims."""
    found: set[int | None] = {c.passage_id for cs in candidates.values() for c in cs}
    found |= {c.evidence_passage_id for c in claims}
    found |= {_reason_passage(c.requeue_reason) for c in claims}
    for events in histories.values():
        found |= {e.evidence_passage_id for e in events}
        found |= {_reason_passage(e.detail) for e in events if e.kind is EventKind.REQUEUED}
    return {i for i in found if i is not None}


def _reason_passage(reason: Mapping[str, Any] | None) -> int | None:
    value = (reason or {}).get("passage_id")
    return value if isinstance(value, int) else None


# --- filters (one implementation for every format and for the TUI) -------------------------------

# History events that count as activity on a claim for ``--since`` (leases and skips do not).
_ACTIVITY = frozenset({EventKind.DECIDED, EventKind.UNDONE, EventKind.NOTED, EventKind.REQUEUED})


def filter_data(
    data: ReportData,
    *,
    verdict: Verdict | str | None = None,
    article: str | None = None,
    since: date | datetime | str | None = None,
    reviewer: str | None = None,
) -> ReportData:
    """Keep the claims that pass every given filter; the rest of the data follows them.

    ``verdict``: the claim's current verdict. ``article``: the article's path as stored, or a path that
    ends with it, or its tail (``upi-….txt``); every version at that path counts. ``since``: a date or
    time (ISO 8601; a date means 00:00 UTC): the claim was decided, re-queued, undone or noted then or
    later. ``reviewer``: who made the decision in force (case-insensitive). Articles are narrowed to
    those the kept claims and their evidence come from. Raises ``InputError``/``ReviewError`` on a
    value that cannot match anything (an unknown verdict, article or date)."""
    tests: list[Callable[[Claim], bool]] = []
    filters: dict[str, str] = dict(data.filters)
    named: set[int] = set()
    if verdict is not None and str(verdict).strip():
        wanted = parse_verdict(verdict)
        tests.append(lambda c: c.verdict is wanted)
        filters["verdict"] = wanted.value
    if article is not None and article.strip():
        named = _article_ids(data.articles, article)
        tests.append(lambda c: c.article_id in named)
        filters["article"] = article.strip()
    if since is not None and str(since).strip():
        moment = parse_since(since)
        tests.append(lambda c: _active_since(data.histories.get(c.id, []), moment))
        filters["since"] = moment.isoformat(timespec="seconds")
    if reviewer is not None and reviewer.strip():
        name = reviewer.strip().casefold()
        tests.append(lambda c: (c.reviewer or "").casefold() == name)
        filters["reviewer"] = reviewer.strip()
    if not tests:
        return data
    return _restrict(data, [c for c in data.claims if all(t(c) for t in tests)], filters, named)


def _article_ids(articles: Sequence[Article], wanted: str) -> set[int]:
    """Ids of every version of the article(s) at ``wanted``; InputError when there is none."""
    ids = {a.id for a in articles if _same_path(a.path, wanted)}
    if not ids:
        raise InputError(f"no article at {wanted!r} in the database (see `factcheck status`)")
    return ids


def _same_path(stored: str, wanted: str) -> bool:
    """Paths match when equal or when one ends with the other's complete trailing components."""
    a = PurePosixPath(stored.replace("\\", "/")).parts
    b = PurePosixPath(wanted.strip().replace("\\", "/")).parts
    shorter = min(len(a), len(b))
    return shorter > 0 and a[-shorter:] == b[-shorter:] and (len(a) == shorter or len(b) == shorter)


def parse_since(value: date | datetime | str) -> datetime:
    """A ``--since`` value as an aware UTC datetime (a bare date is its midnight UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(
                f"--since: {value!r} is not a date (use 2025-04-10 or 2025-04-10T14:00)"
            ) from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _active_since(events: Sequence[Event], moment: datetime) -> bool:
    times = (_parse_time(e.at) for e in events if e.kind in _ACTIVITY)
    return any(t is not None and t >= moment for t in times)


def _restrict(
    data: ReportData, claims: list[Claim], filters: dict[str, str], named_articles: set[int]
) -> ReportData:
    """The data of ``claims`` only: their histories, candidates, passages and the articles they and
    their evidence come from (plus the articles a filter named, even with no claim left)."""
    ids = [c.id for c in claims]
    histories = {i: data.histories.get(i, []) for i in ids}
    candidates = {i: data.candidates.get(i, []) for i in ids}
    passages = {
        i: data.passages[i] for i in _referenced_passages(claims, histories, candidates) if i in data.passages
    }
    article_ids = {c.article_id for c in claims} | {p.article_id for p in passages.values()} | named_articles
    return data.model_copy(
        update={
            "articles": [a for a in data.articles if a.id in article_ids],
            "claims": claims,
            "histories": histories,
            "candidates": candidates,
            "passages": passages,
            "filters": filters,
        }
    )


# --- shared reading of the data -------------------------------------------------------------------

# Relations (from the quantity comparison of a claim and a candidate) that mean the numbers disagree.
CONFLICT_RELATIONS = frozenset(
    {"conflict", "conflicts", "contradicts", "contradiction", "mismatch", "differs"}
)
_CLAIM_SIDE = ("claim", "claim_quantity", "claim_value", "left")
_EVIDENCE_SIDE = ("evidence", "evidence_quantity", "evidence_value", "candidate", "right")


@dataclass(frozen=True)
class Comparison:
    """A number in the claim set against a number in an evidence passage."""

    claim_value: str
    evidence_value: str
    relation: str
    reason: str = ""  # in plain words, e.g. "$3,530 vs $350: 10x more"

    @property
    def conflict(self) -> bool:
        """The two numbers disagree."""
        return self.relation.strip().lower() in CONFLICT_RELATIONS


def comparisons(quantities: Iterable[Mapping[str, Any]]) -> list[Comparison]:
    """The number comparisons in a candidate's ``quantities``, as ``factcheck.matching`` stores them:
    ``{"claim": "$3,530", "evidence": "30,000 rubles (about $350)", "relation": "conflict", "reason":
    "..."}`` (relations from ``factcheck.quantities``: agree, approx, conflict, incomparable). A side may
    also be a quantity object (its ``text``, else ``raw`` or ``value``, is shown). Entries without a
    relation are mentions, not comparisons, and are skipped."""
    out = []
    for q in quantities:
        relation = q.get("relation") if isinstance(q, dict) else None  # JSON objects are dicts
        if relation:
            claim, evidence = _side(q, _CLAIM_SIDE), _side(q, _EVIDENCE_SIDE)
            out.append(Comparison(claim, evidence, str(relation), str(q.get("reason") or "")))
    return out


def _is_conflict(q: Any) -> bool:
    return isinstance(q, dict) and str(q.get("relation") or "").strip().lower() in CONFLICT_RELATIONS


def _side(q: Mapping[str, Any], keys: Sequence[str]) -> str:
    """One side of a comparison as shown: the first key present, a quantity object by its text."""
    value = _first(q, keys)
    if isinstance(value, dict):
        value = _first(value, ("text", "raw", "value"))
    return "?" if value is None else str(value)


def _first(mapping: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        value = mapping.get(key)
        if value is not None:
            return value
    return None


class _Index:
    """Lookups every renderer needs, built once per report."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.articles = {a.id: a for a in data.articles}

    def article_of(self, claim: Claim) -> Article | None:
        return self.articles.get(claim.article_id) if claim.article_id is not None else None

    def source_of(self, passage_id: int | None) -> tuple[Passage | None, Article | None]:
        passage = self.data.passages.get(passage_id) if passage_id is not None else None
        return passage, (self.articles.get(passage.article_id) if passage else None)

    def evidence_comparisons(self, claim: Claim) -> list[Comparison]:
        """The numbers of the claim against its chosen evidence (when that is one of its candidates)."""
        for candidate in self.data.candidates.get(claim.id, []):
            if candidate.passage_id == claim.evidence_passage_id:
                return comparisons(candidate.quantities)
        return []


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _current(claims: Iterable[Claim]) -> list[Claim]:
    return [c for c in claims if not c.superseded]


# --- JSON: the public machine contract (documented in README.md; keep it stable) -----------------


def _passage_obj(
    data: ReportData, passage_id: int | None, articles: Mapping[int, Article]
) -> dict[str, Any] | None:
    if passage_id is None or passage_id not in data.passages:
        return None
    p = data.passages[passage_id]
    article = articles.get(p.article_id)
    return {
        "passage_id": p.id,
        "article_path": article.path if article else None,
        "text": p.text,
        "start": p.start,
        "end": p.end,
    }


def _article_by_id(data: ReportData) -> dict[int, Article]:
    return {a.id: a for a in data.articles}


def claim_obj(
    data: ReportData,
    claim: Claim,
    *,
    shown: int | None = None,
    articles: Mapping[int, Article] | None = None,
) -> dict[str, Any]:
    """One claim in the JSON contract, with its first ``shown`` candidates (all when None).
    ``articles`` (articles by id) saves rebuilding that lookup for every claim of a big export."""
    articles = _article_by_id(data) if articles is None else articles
    article = articles.get(claim.article_id) if claim.article_id is not None else None
    candidates = data.candidates.get(claim.id, [])[:shown]
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "article_path": article.path if article else None,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "score": claim.score,
        "reasons": claim.reasons,
        "status": claim.status.value,
        "verdict": claim.verdict.value if claim.verdict else None,
        "evidence": _passage_obj(data, claim.evidence_passage_id, articles),
        "note": claim.note,
        "reviewer": claim.reviewer,
        "history": [
            {
                "kind": e.kind.value,
                "verdict": e.verdict.value if e.verdict else None,
                "reviewer": e.reviewer,
                "at": e.at,
                "note": e.note,
                "evidence_passage_id": e.evidence_passage_id,
                "detail": e.detail,
            }
            for e in data.histories.get(claim.id, [])
        ],
        "candidates": [
            {
                **(_passage_obj(data, c.passage_id, articles) or {"passage_id": c.passage_id}),
                "score": c.score,
                "components": c.components,
                "quantities": c.quantities,
                "syndicated": c.syndicated,
            }
            for c in candidates
        ],
        "requeue_reason": claim.requeue_reason,
        "origin": claim.origin,
        "source_note": claim.source_note,
        "cluster_id": claim.cluster_id,
        "superseded": claim.superseded,
        "quantities": claim.quantities,
        "decided_at": claim.decided_at,
    }


def render_json(data: ReportData, *, generated_at: datetime) -> str:
    """The JSON export: ``{"articles": [...], "claims": [...]}`` plus generation metadata and the
    filters applied (``{}`` for the whole review)."""
    articles = _article_by_id(data)
    doc = {
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "filters": data.filters,
        "articles": [
            {
                "id": a.id,
                "path": a.path,
                "title": a.title,
                "sha256": a.sha256,
                "version": a.version,
                "superseded": a.superseded,
                "duplicate_of": a.duplicate_of,
            }
            for a in data.articles
        ],
        "claims": [claim_obj(data, c, articles=articles) for c in data.claims],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- CSV: one row per claim, for spreadsheets ------------------------------------------------------

CSV_COLUMNS = (
    "claim_id",
    "article_path",
    "claim_text",
    "status",
    "verdict",
    "evidence_passage_id",
    "evidence_text",
    "evidence_article_path",
    "reviewer",
    "decided_at",
    "note",
    "score",
)
# Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with one of these as
# a formula (=HYPERLINK(...), @SUM(...), +cmd|...). Such text cells get a leading ' so they stay text;
# the quote shows in a CSV-aware reader, which is the price OWASP accepts for safety.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str | None) -> str:
    """A text cell, guarded against formula injection."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(data: ReportData, *, generated_at: datetime) -> str:
    """One row per claim (``CSV_COLUMNS``) in the spreadsheet dialect of RFC 4180: CRLF line ends, a
    field quoted when it holds a comma, a quote, CR or LF. ``generated_at`` is accepted for a uniform
    signature; a CSV has no place for it."""
    del generated_at
    index = _Index(data)
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # the "excel" dialect; a "\n" terminator would leave a bare CR unquoted
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(index, c) for c in data.claims)
    return out.getvalue()


def _csv_row(index: _Index, claim: Claim) -> list[str | int | float]:
    article = index.article_of(claim)
    passage, source = index.source_of(claim.evidence_passage_id)
    return [
        claim.id,
        _csv_text(article.path if article else None),
        _csv_text(claim.text),
        claim.status.value,
        claim.verdict.value if claim.verdict else "",
        claim.evidence_passage_id if claim.evidence_passage_id is not None else "",
        _csv_text(passage.text if passage else None),
        _csv_text(source.path if source else None),
        _csv_text(claim.reviewer),
        _csv_text(claim.decided_at),
        _csv_text(claim.note),
        claim.score,
    ]


# --- ClaimReview: schema.org JSON-LD for publishing decided claims --------------------------------


@dataclass(frozen=True)
class Rating:
    """A ClaimReview rating on the 1 (worst) to 5 (best) scale."""

    value: int
    name: str


BEST_RATING, WORST_RATING = 5, 1
# Verdict -> ClaimReview reviewRating: verified = 5 "True", disputed = 1 "False", unsupported = 3
# "Unproven" (the evidence neither confirms nor refutes it: the middle of the scale).
CLAIMREVIEW_RATINGS: dict[Verdict, Rating] = {
    Verdict.VERIFIED: Rating(5, "True"),
    Verdict.DISPUTED: Rating(1, "False"),
    Verdict.UNSUPPORTED: Rating(3, "Unproven"),
}


def render_claimreview(
    data: ReportData,
    *,
    generated_at: datetime,
    organization: str | None = None,
    report_url: str | None = None,
) -> str:
    """A JSON-LD list of schema.org ``ClaimReview`` objects, one per decided claim of a current article
    version (re-queued claims are being reviewed again, so they are left out until re-decided).

    ``author`` is the ``organization`` when given, else the reviewer as a Person. With ``report_url``
    each review gets ``url`` = ``report_url#claim-ID`` (the Markdown report's anchor). ``<``, ``>`` and
    ``&`` are written as ``\\u`` escapes so the output can sit inside a ``<script>`` element."""
    del generated_at
    index = _Index(data)
    reviews = [
        _claim_review(index, c, organization, report_url)
        for c in _current(data.claims)
        if c.status is ClaimStatus.DECIDED and c.verdict is not None
    ]
    text = json.dumps(reviews, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _claim_review(
    index: _Index, claim: Claim, organization: str | None, report_url: str | None
) -> dict[str, Any]:
    assert claim.verdict is not None
    rating = CLAIMREVIEW_RATINGS[claim.verdict]
    decided = _parse_time(claim.decided_at)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.text,
        "datePublished": decided.date().isoformat() if decided else None,
        "author": (
            {"@type": "Organization", "name": organization}
            if organization
            else {"@type": "Person", "name": claim.reviewer}
        ),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": rating.name,
        },
        "itemReviewed": _item_reviewed(index, claim),
    }
    if report_url:
        review["url"] = f"{report_url}#claim-{claim.id}"
    return review


def _item_reviewed(index: _Index, claim: Claim) -> dict[str, Any]:
    """The schema.org ``Claim`` and where it appeared: the article (title; URL when the path is one) or,
    for a claim added by hand, its source note."""
    item: dict[str, Any] = {"@type": "Claim"}
    article = index.article_of(claim)
    if article is not None:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "name": article.title}
        key = "url" if article.path.startswith(("http://", "https://")) else "identifier"
        appearance[key] = article.path
        item["appearance"] = appearance
    elif claim.source_note:
        item["appearance"] = {"@type": "CreativeWork", "name": claim.source_note}
    return item


# --- Markdown: the report people read (on GitHub or any CommonMark viewer) ------------------------

_VERDICT_LABELS = {
    Verdict.VERIFIED: "Verified",
    Verdict.DISPUTED: "Disputed",
    Verdict.UNSUPPORTED: "Unsupported",
}
_STATUS_LABELS = {
    ClaimStatus.PENDING: "Pending",
    ClaimStatus.IN_REVIEW: "In review",
    ClaimStatus.REQUEUED: "Re-queued",
    ClaimStatus.DECIDED: "Decided",
}
# History events worth showing a reader (leases and skips are bookkeeping).
_SHOWN_EVENTS = frozenset(
    {EventKind.DECIDED, EventKind.UNDONE, EventKind.NOTED, EventKind.REQUEUED, EventKind.SUPERSEDED}
)


def claim_anchor(claim_id: int) -> str:
    """The stable anchor of a claim's section: GitHub's slug of the heading ``Claim N``."""
    return f"claim-{claim_id}"


def render_markdown(data: ReportData, *, generated_at: datetime) -> str:
    """The review report in GitHub-flavoured Markdown: corpus, summary, verdict chart, decisions by
    article, open items and number conflicts. All text from articles and notes is escaped."""
    index = _Index(data)
    parts = [
        _md_header(data, generated_at),
        _md_corpus(data),
        _md_summary(data),
        _md_chart(data),
        _md_decisions(index),
        _md_open(index),
        _md_conflicts(index),
    ]
    return "\n\n".join("\n".join(p) for p in parts if p) + "\n"


def _md_header(data: ReportData, generated_at: datetime) -> list[str]:
    source = f" from {code_literal(_file_name(data.database))}" if data.database else ""
    lines = ["# Fact-check review report", "", f"Generated {_when_dt(generated_at)}{source}."]
    if data.filters:
        shown = "; ".join(f"{k} {escape_inline(v)}" for k, v in data.filters.items())
        lines += ["", f"Filtered: {shown}."]
    return lines


def _file_name(path: str) -> str:
    """The last component of a path (reports never show where on disk the database is)."""
    return PurePosixPath(path.replace("\\", "/")).name


def _md_corpus(data: ReportData) -> list[str]:
    counts = Counter(c.article_id for c in data.claims)
    rows = [
        [
            str(a.id),
            escape_cell(a.title),
            code_literal(a.path),
            _version_label(a),
            str(counts.get(a.id, 0)),
            code_literal(a.sha256[:12]),
        ]
        for a in data.articles
    ]
    head = ["## Corpus", ""]
    if not rows:
        return [*head, "No articles."]
    return head + table(["#", "Title", "Path", "Version", "Claims", "SHA-256"], rows, align="rllrrl")


def _version_label(article: Article) -> str:
    label = str(article.version)
    if article.superseded:
        label += " (superseded)"
    if article.duplicate_of is not None:
        label += f", copy of #{article.duplicate_of}"
    return label


def _md_summary(data: ReportData) -> list[str]:
    current = _current(data.claims)
    statuses = Counter(c.status for c in current)
    verdicts = Counter(c.verdict for c in current if c.status is ClaimStatus.DECIDED)
    by_status = [[label, str(statuses.get(s, 0))] for s, label in _STATUS_LABELS.items()]
    by_status.append(["**Total**", f"**{len(current)}**"])
    by_verdict = [[label, str(verdicts.get(v, 0))] for v, label in _VERDICT_LABELS.items()]
    lines = ["## Summary", "", *table(["Status", "Claims"], by_status, align="lr")]
    lines += ["", *table(["Verdict", "Claims"], by_verdict, align="lr")]
    superseded = len(data.claims) - len(current)
    if superseded:
        lines += ["", f"Not counted: {superseded} claims of superseded article versions."]
    return lines + ["", *_md_reviewers(current)]


def _md_reviewers(current: Sequence[Claim]) -> list[str]:
    decided = [c for c in current if c.status is ClaimStatus.DECIDED and c.reviewer]
    if not decided:
        return ["No reviewer has decided a claim yet."]
    by_name: dict[str, list[Claim]] = {}
    for c in decided:
        by_name.setdefault(c.reviewer or "", []).append(c)
    rows = [
        [escape_cell(name), str(len(cs)), _when(max((c.decided_at or "") for c in cs))]
        for name, cs in sorted(by_name.items(), key=lambda kv: kv[0].casefold())
    ]
    return table(["Reviewer", "Decisions in force", "Latest"], rows, align="lrl")


def _md_chart(data: ReportData) -> list[str]:
    current = [c for c in _current(data.claims) if c.status is ClaimStatus.DECIDED]
    counts = Counter(c.verdict for c in current)
    pie = mermaid_pie(
        f"Verdicts ({len(current)} decided)",
        [(label, counts.get(v, 0)) for v, label in _VERDICT_LABELS.items()],
    )
    return ["## Verdicts", "", *(pie or ["No claim has been decided yet."])]


def _by_article(index: _Index, claims: Iterable[Claim]) -> Iterator[tuple[Article | None, list[Claim]]]:
    """Claims grouped by article in corpus order, then those added by hand (``None``)."""
    groups: dict[int | None, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.article_id if c.article_id in index.articles else None, []).append(c)
    for article in index.data.articles:
        if article.id in groups:
            yield article, groups[article.id]
    if None in groups:
        yield None, groups[None]


def _article_heading(article: Article | None) -> str:
    if article is None:
        return "### Claims added by hand"
    suffix = " (superseded version)" if article.superseded else ""
    return f"### {escape_inline(article.title)}{suffix}"


def _md_decisions(index: _Index) -> list[str]:
    decided = [c for c in index.data.claims if c.status is ClaimStatus.DECIDED]
    lines = ["## Decisions"]
    if not decided:
        return [*lines, "", "None yet."]
    for article, claims in _by_article(index, decided):
        lines += ["", _article_heading(article)]
        if article is not None:
            lines += ["", f"{code_literal(article.path)} · version {article.version}"]
        for claim in claims:
            lines += ["", *_md_claim(index, claim)]
    return lines


def _md_claim(index: _Index, claim: Claim) -> list[str]:
    """One claim's section: quote, location, verdict, evidence, numbers, note, history."""
    lines = [f"#### Claim {claim.id}", "", blockquote(claim.text), ""]
    lines.append(f"- **Where:** {_location(index, claim)}")
    if claim.status is ClaimStatus.REQUEUED:
        lines += _requeue_lines(claim.requeue_reason or {})
    lines.append(f"- **{_verdict_label(claim)}** {_decided_by(claim)}".rstrip())
    lines += _evidence_lines(index, claim)
    numbers = index.evidence_comparisons(claim)
    if numbers:
        lines.append("- **Numbers:** " + "; ".join(_comparison_text(n) for n in numbers))
    if claim.note:
        lines.append(f"- **Note:** {escape_inline(claim.note)}")
    return lines + _history_lines(index, claim)


def _verdict_label(claim: Claim) -> str:
    if claim.verdict is None:
        return "Verdict: none yet"
    prefix = "Previous verdict" if claim.status is ClaimStatus.REQUEUED else "Verdict"
    return f"{prefix}: {_VERDICT_LABELS[claim.verdict]}"


def _decided_by(claim: Claim) -> str:
    if claim.verdict is None:
        return ""
    who = escape_inline(claim.reviewer) if claim.reviewer else "unknown reviewer"
    return f"by {who}, {_when(claim.decided_at)}"


def _location(index: _Index, claim: Claim) -> str:
    article = index.article_of(claim)
    if article is None:
        note = f": {escape_inline(claim.source_note)}" if claim.source_note else ""
        return f"added by hand{note}"
    where = f"{code_literal(article.path)}, characters {claim.start}–{claim.end}"
    return where + (f" (passage {claim.passage_id})" if claim.passage_id is not None else "")


def _evidence_lines(index: _Index, claim: Claim) -> list[str]:
    if claim.evidence_passage_id is None:
        return ["- **Evidence:** none chosen"] if claim.verdict else []
    passage, source = index.source_of(claim.evidence_passage_id)
    if passage is None:
        return [f"- **Evidence:** passage {claim.evidence_passage_id} (no longer in the database)"]
    return [f"- **Evidence:** {_passage_ref(passage, source)}", blockquote(passage.text, indent="  ")]


def _passage_ref(passage: Passage, source: Article | None) -> str:
    where = f"characters {passage.start}–{passage.end}"
    if source is None:
        return f"passage {passage.id}, {where}"
    return f"passage {passage.id} of *{escape_inline(source.title)}* ({code_literal(source.path)}, {where})"


def _comparison_text(c: Comparison) -> str:
    """``claim “155” vs evidence “168”: conflict ⚠ (why)``."""
    flag = " ⚠" if c.conflict else ""
    why = f" ({escape_inline(c.reason)})" if c.reason else ""
    return (
        f"claim “{escape_inline(c.claim_value)}” vs evidence “{escape_inline(c.evidence_value)}”: "
        f"{escape_inline(c.relation)}{flag}{why}"
    )


def _requeue_lines(reason: Mapping[str, Any]) -> list[str]:
    """Why an open claim came back, with the new passage quoted (last, so nothing continues the quote)."""
    lines = [f"- **Re-queued by a new source:** {_requeue_summary(reason)}"]
    if reason.get("passage_text"):
        lines.append(blockquote(str(reason["passage_text"]), indent="  "))
    return lines


def _requeue_summary(reason: Mapping[str, Any]) -> str:
    """The new source's title and path, the passage, the match score and the numbers compared."""
    title = escape_inline(str(reason.get("article_title") or "an unnamed source"))
    path = reason.get("article_path")
    passage = reason.get("passage_id")
    numbers = comparisons(reason.get("quantities") or [])
    bits = [
        f"passage {passage}" if passage is not None else None,
        _score_text(reason.get("score")),
        "numbers: " + "; ".join(_comparison_text(n) for n in numbers) if numbers else None,
    ]
    where = f" ({code_literal(str(path))})" if path else ""
    return f"*{title}*{where}" + "".join(f", {b}" for b in bits if b)


def _score_text(score: Any) -> str | None:
    return f"score {float(score):.1f}" if isinstance(score, int | float) else None


def _history_lines(index: _Index, claim: Claim) -> list[str]:
    """The history, shown when the claim was re-queued, undone, noted or decided more than once."""
    events = [e for e in index.data.histories.get(claim.id, []) if e.kind in _SHOWN_EVENTS]
    decisions = sum(e.kind is EventKind.DECIDED for e in events)
    if decisions <= 1 and all(e.kind is EventKind.DECIDED for e in events):
        return []
    lines = ["- **History:**"]
    for e in events:
        lines += _event_lines(e)
    return lines


def _event_lines(e: Event) -> list[str]:
    when = _when(e.at)
    who = f" by {escape_inline(e.reviewer)}" if e.reviewer else ""
    if e.kind is EventKind.REQUEUED:
        return [f"  - {when}: re-queued by a new source: {_requeue_summary(e.detail or {})}"]
    if e.kind is EventKind.DECIDED:
        verdict = _VERDICT_LABELS[e.verdict] if e.verdict else "?"
        evidence = f", evidence passage {e.evidence_passage_id}" if e.evidence_passage_id else ""
        note = f" — {escape_inline(e.note)}" if e.note else ""
        return [f"  - {when}: decided **{verdict}**{who}{evidence}{note}"]
    if e.kind is EventKind.UNDONE:
        verdict = f" ({_VERDICT_LABELS[e.verdict]})" if e.verdict else ""
        return [f"  - {when}: decision undone{verdict}{who}"]
    if e.kind is EventKind.NOTED:
        return [f"  - {when}: note{who} — {escape_inline(e.note or '')}"]
    return [f"  - {when}: {e.kind.value}{who}"]


def _md_open(index: _Index) -> list[str]:
    open_claims = [c for c in _current(index.data.claims) if c.status is not ClaimStatus.DECIDED]
    lines = ["## Open items"]
    if not open_claims:
        return [*lines, "", "Nothing is waiting for review."]
    requeued = [c for c in open_claims if c.status is ClaimStatus.REQUEUED]
    if requeued:
        lines += ["", f"### Re-queued ({len(requeued)})"]
        for claim in requeued:
            lines += ["", *_md_claim(index, claim)]
    waiting = [c for c in open_claims if c.status is not ClaimStatus.REQUEUED]
    if waiting:
        lines += ["", f"### Waiting for review ({len(waiting)})", ""]
        rows = [_open_row(index, c) for c in sorted(waiting, key=lambda c: (-c.score, c.id))]
        lines += table(["Claim", "Status", "Score", "Article", "Text"], rows, align="rlrll")
    return lines


def _open_row(index: _Index, claim: Claim) -> list[str]:
    article = index.article_of(claim)
    return [
        str(claim.id),
        _STATUS_LABELS[claim.status],
        f"{claim.score:.2f}",
        code_literal(article.path) if article else "added by hand",
        escape_cell(claim.text),
    ]


def _md_conflicts(index: _Index) -> list[str]:
    """Every candidate whose numbers disagree with its claim's, decided or not."""
    rows = []
    for claim in _current(index.data.claims):
        for c in index.data.candidates.get(claim.id, []):
            if any(_is_conflict(q) for q in c.quantities):  # cheap test first: most agree
                rows += [_conflict_row(index, claim, c, n) for n in comparisons(c.quantities) if n.conflict]
    lines = ["## Number conflicts", ""]
    if not rows:
        return [*lines, "No candidate evidence disagrees with a claim's numbers."]
    headers = ["Claim", "Status", "Claim says", "Evidence says", "Why", "Evidence", "Source"]
    return lines + table(headers, rows, align="rllllrl")


def _conflict_row(index: _Index, claim: Claim, cand: Candidate, n: Comparison) -> list[str]:
    has_section = claim.status in (ClaimStatus.DECIDED, ClaimStatus.REQUEUED)
    ref = f"[{claim.id}](#{claim_anchor(claim.id)})" if has_section else str(claim.id)
    passage, source = index.source_of(cand.passage_id)
    return [
        ref,
        _STATUS_LABELS[claim.status],
        escape_cell(n.claim_value),
        escape_cell(n.evidence_value),
        escape_cell(n.reason or n.relation),
        str(cand.passage_id),
        code_literal(source.path) if source else "—",
    ]


def _when(value: str | None) -> str:
    """An ISO time from the history as ``2025-04-10 14:03 UTC`` (escaped as-is if it does not parse)."""
    moment = _parse_time(value)
    return _when_dt(moment) if moment else escape_cell(value)


def _when_dt(moment: datetime) -> str:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%d %H:%M UTC")


# --- one entry point for `factcheck export` and the TUI -------------------------------------------

Renderer = Callable[..., str]
FORMATS: dict[str, Renderer] = {
    "md": render_markdown,
    "json": render_json,
    "csv": render_csv,
    "claimreview": render_claimreview,
}


def export_text(
    store: Store, fmt: str, *, generated_at: datetime, candidates_shown: int, **filters: Any
) -> str:
    """Read, filter and render a report: the one path the CLI and the TUI share. Reports for people
    read only the candidates they show; the JSON for scripts carries every stored one."""
    per_claim = None if fmt == "json" else candidates_shown
    data = filter_data(collect(store, candidates_per_claim=per_claim), **filters)
    return render(fmt, data, generated_at=generated_at)


def write_atomically(path: Path, text: str) -> None:
    """Write a report so that a reader never sees half of it: a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def render(fmt: str, data: ReportData, *, generated_at: datetime) -> str:
    """Render ``data`` in one of ``FORMATS`` (``md``, ``json``, ``csv``, ``claimreview``)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InputError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}") from None
    return renderer(data, generated_at=generated_at)
