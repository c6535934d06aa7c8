"""Pure builders of what the panes show, as ``rich.text.Text``.

Article text, notes and manual claims are untrusted: they are only ever added with ``Text.append`` /
``Text(...)``, never parsed as markup, and control characters are stripped once more before display
(ingest already strips them; notes and typed text did not go through ingest). No I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text

from factcheck.matching import WEIGHTS
from factcheck.models import Claim, ClaimStatus, Event, EventKind, Passage, Verdict
from factcheck.segment import clean_text
from factcheck.tui.data import ClaimDetail, EvidenceItem, NumberPair, Source

STYLE_CLAIM = "bold underline"
STYLE_NUMBER = "bold yellow"
STYLE_MATCH = "bold cyan"
STYLE_CONFLICT = "bold white on dark_red"
STYLE_WARN = "bold red"
STYLE_LABEL = "bold"
STYLE_DIM = "dim"
VERDICT_STYLE = {
    Verdict.VERIFIED: "bold green",
    Verdict.DISPUTED: "bold red",
    Verdict.UNSUPPORTED: "bold magenta",
}
STATUS_GLYPH = {
    ClaimStatus.PENDING: ("·", "dim"),
    ClaimStatus.REQUEUED: ("↻", "bold yellow"),
    ClaimStatus.IN_REVIEW: ("▸", "cyan"),
}
VERDICT_GLYPH = {Verdict.VERIFIED: "✓", Verdict.DISPUTED: "✗", Verdict.UNSUPPORTED: "?"}

# Numbers worth pointing at: 155, 3,530, $23,200, 2.5%, 1-2 (a range shows as two numbers).
_NUMBER = re.compile(r"[$€£¥₽]?\d(?:[\d,.]*\d)?(?:\s?%| percent)?")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "from",
        "this",
        "were",
        "was",
        "are",
        "has",
        "have",
        "had",
        "its",
        "their",
        "they",
        "them",
        "his",
        "her",
        "who",
        "which",
        "said",
        "says",
        "told",
        "about",
        "into",
        "over",
        "after",
        "before",
        "than",
        "then",
        "there",
        "these",
        "those",
        "been",
        "being",
        "also",
        "not",
        "but",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "one",
        "two",
        "our",
        "out",
        "all",
        "any",
        "per",
    ]
)


def safe(text: str | None) -> str:
    """Text fit for a terminal cell: control characters and escape sequences removed."""
    return clean_text(text or "")


def one_line(text: str | None, width: int | None = None) -> str:
    """Whitespace collapsed to single spaces, cut to ``width`` with an ellipsis."""
    flat = " ".join(safe(text).split())
    if width is not None and len(flat) > width:
        return flat[: max(width - 1, 0)] + "…"
    return flat


def number_spans(text: str) -> list[tuple[int, int]]:
    """Where the numbers are in a text (offsets into it)."""
    return [m.span() for m in _NUMBER.finditer(text)]


def _key(word: str) -> str:
    word = word.lower().strip("'’-")
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def content_words(text: str) -> set[str]:
    """The claim's words that carry meaning, normalised for matching (no stop words, no plurals)."""
    return {_key(w) for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in _STOP}


def matched_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Where a passage uses the claim's content words."""
    return [m.span() for m in _WORD.finditer(text) if _key(m.group()) in words]


def styled(text: str, spans: Iterable[tuple[int, int, str]], base: str = "") -> Text:
    """``text`` (already safe) with styles laid over character ranges; later spans win."""
    out = Text(text, style=base)
    for start, end, style in spans:
        if end > start:
            out.stylize(style, start, end)
    return out


# --- claim pane -------------------------------------------------------------------------------------


def claim_header(claim: Claim, source: Source | None) -> Text:
    """``#12 · pending · score 0.82 · upi — Title``"""
    out = Text()
    out.append(f"#{claim.id}", STYLE_LABEL)
    out.append(" · ")
    out.append_text(status_label(claim))
    out.append(f" · score {claim.score:.2f} · ")
    if source is not None:
        out.append(safe(source.outlet), STYLE_LABEL)
        out.append(f" — {one_line(source.title)}")
    else:
        out.append("added by hand", STYLE_LABEL)
        if claim.source_note:
            out.append(f" — {one_line(claim.source_note)}")
    return out


def status_label(claim: Claim) -> Text:
    """The claim's status in words, coloured by verdict once decided. The open claim is always "in
    review" (leased), so that word is replaced by where it stands in the queue: pending or re-queued."""
    if claim.status is ClaimStatus.DECIDED and claim.verdict is not None:
        return Text(claim.verdict.value, VERDICT_STYLE[claim.verdict])
    status = claim.status
    if status is ClaimStatus.IN_REVIEW:
        status = ClaimStatus.REQUEUED if claim.requeue_reason else ClaimStatus.PENDING
    label = "re-queued" if status is ClaimStatus.REQUEUED else status.value
    return Text(label, STATUS_GLYPH[status][1])


def claim_in_context(claim: Claim, context: Sequence[Passage]) -> Text:
    """The passages around the claim; the claim itself underlined, its numbers highlighted."""
    if not context or claim.start is None or claim.end is None:
        return styled(safe(claim.text), [(s, e, STYLE_NUMBER) for s, e in number_spans(safe(claim.text))])
    out = Text()
    for i, passage in enumerate(context):
        if i:
            out.append("\n" if passage.paragraph != context[i - 1].paragraph else " ")
        start = max(claim.start - passage.start, 0)
        end = min(claim.end - passage.start, len(passage.text))
        text = safe(passage.text)
        if end <= 0 or start >= len(passage.text):
            out.append(text, STYLE_DIM)
            continue
        spans = [(start, end, STYLE_CLAIM)]
        spans += [(s, e, STYLE_NUMBER) for s, e in number_spans(text) if s >= start and e <= end]
        out.append_text(styled(text, spans))
    return out


def claim_pane(detail: ClaimDetail, note: str | None = None) -> Text:
    """Everything about the open claim, top to bottom in the order a reviewer reads it."""
    claim = detail.claim
    out = claim_header(claim, detail.source)
    out.append("\n\n")
    out.append_text(claim_in_context(claim, detail.context))
    if claim.reasons:
        out.append("\n\nWhy: ", STYLE_LABEL)
        out.append("; ".join(one_line(r) for r in claim.reasons))
    if detail.cluster:
        out.append("\nAlso reported by:", STYLE_LABEL)
        for other, source in detail.cluster[:CLUSTER_SHOWN]:
            out.append("\n  ")
            out.append_text(_cluster_line(other, source))
        if len(detail.cluster) > CLUSTER_SHOWN:
            out.append(f"\n  … and {len(detail.cluster) - CLUSTER_SHOWN} more")
    if claim.requeue_reason:
        out.append("\n")
        out.append_text(requeue_text(claim))
    if claim.verdict is not None:
        out.append("\n")
        out.append_text(decision_text(claim, detail))
    if note:
        out.append("\nNote: ", STYLE_LABEL)
        out.append(one_line(note))
    history = history_text(detail.history)
    if history:
        out.append("\n\nHistory", STYLE_LABEL)
        out.append_text(history)
    return out


CLUSTER_SHOWN = 5
"""Other outlets listed under "Also reported by" before the rest are counted."""


def _cluster_line(claim: Claim, source: Source | None) -> Text:
    """``afp (#3) Dozens of Chinese nationals fighting for Russia``: who else made the claim."""
    out = Text(source.outlet if source else "manual", STYLE_LABEL)
    out.append(f" (#{claim.id}) ")
    out.append(one_line(source.title if source else claim.source_note or claim.text, 70), STYLE_DIM)
    return out


def requeue_text(claim: Claim) -> Text:
    """Why a decided claim came back: the new source, its passage and score."""
    reason: Mapping[str, object] = claim.requeue_reason or {}
    out = Text("Re-queued: ", STYLE_WARN)
    out.append(
        f"new source {one_line(str(reason.get('article_title') or reason.get('article_path') or '?'))}"
    )
    score = reason.get("score")
    if isinstance(score, int | float):
        out.append(f" (score {score:.0f})")
    passage = reason.get("passage_text")
    if passage:
        out.append(f": “{one_line(str(passage), 200)}”", STYLE_DIM)
    return out


def decision_text(claim: Claim, detail: ClaimDetail) -> Text:
    """The decision in force (for a re-queued claim: the earlier one, which ``c`` keeps)."""
    assert claim.verdict is not None
    earlier = claim.status is not ClaimStatus.DECIDED
    out = Text("Earlier verdict: " if earlier else "Verdict: ", STYLE_LABEL)
    out.append(claim.verdict.value, VERDICT_STYLE[claim.verdict])
    out.append(f" by {one_line(claim.reviewer) or '?'}")
    if claim.decided_at:
        out.append(f" at {claim.decided_at}")
    cited = cited_evidence(detail)
    if cited is not None:
        number, item = cited
        where = f"candidate {number}" if number else f"passage {item.passage.id}"
        out.append(f", evidence: {item.source.outlet if item.source else '?'} ({where}) ")
        out.append(f"“{one_line(item.passage.text, 80)}”", STYLE_DIM)
    elif claim.evidence_passage_id is not None:
        out.append(f", evidence: passage {claim.evidence_passage_id}")
    if claim.note and earlier:
        out.append(f" — note: {one_line(claim.note)}")
    return out


def cited_evidence(detail: ClaimDetail) -> tuple[int | None, EvidenceItem] | None:
    """The passage the claim's decision cites, with its candidate number when it is one."""
    wanted = detail.claim.evidence_passage_id
    for number, item in enumerate(detail.evidence, start=1):
        if item.passage.id == wanted:
            return number, item
    if detail.decision_evidence is not None and detail.decision_evidence.passage.id == wanted:
        return None, detail.decision_evidence
    return None


def history_text(events: Sequence[Event]) -> Text:
    """The claim's decisions and undos, oldest first (leases and releases left out)."""
    shown = {EventKind.DECIDED, EventKind.UNDONE, EventKind.NOTED, EventKind.REQUEUED, EventKind.SKIPPED}
    out = Text()
    for e in (e for e in events if e.kind in shown):
        out.append(f"\n{e.at} {e.kind.value}")
        if e.verdict:
            out.append(f" {e.verdict.value}", VERDICT_STYLE[e.verdict])
        if e.reviewer:
            out.append(f" by {one_line(e.reviewer)}")
        if e.note:
            out.append(f" — {one_line(e.note, 80)}", STYLE_DIM)
    return out


# --- evidence pane ----------------------------------------------------------------------------------


def evidence_prompt(number: int | None, item: EvidenceItem, claim_text: str, *, cited: bool = False) -> Text:
    """One candidate: key, score and why, source, then the passage with the claim's words and all
    numbers highlighted, then any number conflict with both values side by side. ``cited``: the
    claim's decision in force (or the earlier one, if re-queued) cites this passage."""
    out = Text()
    out.append(f"{number} " if number is not None else "  ", "bold reverse" if number is not None else "")
    out.append(f" {item.score:>3.0f} " if item.score is not None else "  —  ", STYLE_LABEL)
    out.append(safe(item.source.outlet) if item.source else "manual", STYLE_LABEL)
    if item.origin == "search":
        out.append("  found by search")
    if cited:
        out.append("  ◆ cited by the decision", "bold")
    if item.syndicated:
        out.append("  syndicated copy: not independent", STYLE_WARN)
    if item.components:
        out.append("  " + why(item.components), STYLE_DIM)
    out.append("\n")
    text = safe(item.passage.text)
    spans = [(s, e, STYLE_MATCH) for s, e in matched_spans(text, content_words(claim_text))]
    spans += [(s, e, STYLE_NUMBER) for s, e in number_spans(text)]
    out.append_text(styled(text, spans))
    for pair in item.numbers:
        out.append("\n")
        out.append_text(number_pair(pair))
    return out


def number_pair(pair: NumberPair) -> Text:
    """Claim value and evidence value side by side; a conflict in the warning colour."""
    mark, style = {"conflict": ("≠ conflict", STYLE_CONFLICT), "approx": ("≈ approx", "bold yellow")}.get(
        pair.relation, ("= agree", "bold green")
    )
    out = Text(f" {mark} ", style)
    out.append(" claim ")
    out.append(one_line(pair.claim, 40), STYLE_WARN if pair.conflict else STYLE_LABEL)
    out.append(" │ evidence ")
    out.append(one_line(pair.evidence, 40), STYLE_WARN if pair.conflict else STYLE_LABEL)
    if pair.reason and pair.conflict:
        out.append(f"  {one_line(pair.reason, 60)}", STYLE_DIM)
    return out


COMPONENT_LABELS = {"token_set": "words", "rare_terms": "rare words"}
"""Friendlier names for some of the matcher's score components (the rest keep their own names)."""
MINOR_WEIGHT = 0.05
"""Components weighing this little in ``factcheck.matching.WEIGHTS`` (overall ratio, length) are left
out of the one-line "why": they rarely explain a ranking and would wrap the line at 80 columns."""


def why(components: Mapping[str, float]) -> str:
    """A score's main parts on a 0-100 scale, heaviest first, e.g. ``terms 41 · numbers 100``."""
    parts = []
    for name, value in sorted(components.items(), key=lambda kv: (-WEIGHTS.get(kv[0], 0.0), kv[0])):
        if WEIGHTS.get(name, 1.0) <= MINOR_WEIGHT:
            continue
        shown = value * 100 if 0 <= value <= 1 else value
        parts.append(f"{COMPONENT_LABELS.get(name, one_line(name))} {shown:.0f}")
    return " · ".join(parts)


# --- queue ------------------------------------------------------------------------------------------


def queue_status(claim: Claim) -> Text:
    """A one-cell status glyph: · pending, ↻ re-queued, ▸ in review, ✓ ✗ ? by verdict."""
    if claim.status is ClaimStatus.DECIDED and claim.verdict is not None:
        return Text(VERDICT_GLYPH[claim.verdict], VERDICT_STYLE[claim.verdict])
    glyph, style = STATUS_GLYPH[claim.status]
    return Text(glyph, style)
