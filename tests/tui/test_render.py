"""The pure pieces under the screen: what the panes show, built from plain data without a terminal."""

from __future__ import annotations

from pathlib import Path

from tui_desk import build_desk

from factcheck.models import Claim, ClaimStatus, Passage, Verdict
from factcheck.settings import DEFAULT_SETTINGS
from factcheck.tui.data import NumberPair, Source, Sources, context_passages, load_detail, number_pairs
from factcheck.tui.render import (
    claim_pane,
    content_words,
    evidence_prompt,
    matched_spans,
    number_pair,
    number_spans,
    one_line,
    safe,
    status_label,
    why,
)
from factcheck.tui.screens.article import paragraphs


def _claim(**kw: object) -> Claim:
    base: dict[str, object] = {"id": 1, "article_id": 1, "text": "x", "start": 0, "end": 1, "score": 0.5}
    return Claim.model_validate(base | kw)


def test_control_sequences_never_reach_the_terminal() -> None:
    assert safe("a\x1b]0;title\x07b\x1b[31mc\x9b1md\u202ee") == "abcde"
    assert one_line("  two\n lines\t here ") == "two lines here"
    assert one_line("abcdef", 4) == "abc…"


def test_outlet_comes_from_the_file_name() -> None:
    from factcheck.models import Article

    article = Article(id=1, path="articles/japan-times-2025-04-09-x.txt", title="T", sha256="s")
    assert Source.of(article).outlet == "japan-times"
    plain = Article(id=2, path="notes/story.txt", title="A story", sha256="t")
    assert Source.of(plain).outlet == "A story"


def test_numbers_and_matched_words() -> None:
    text = "Recruits were paid $23,200 or 2.5% more, 155 people said."
    found = [text[s:e] for s, e in number_spans(text)]
    assert found == ["$23,200", "2.5%", "155"]
    words = content_words("155 Chinese citizens are fighting")
    passage = "Chinese citizen fought"
    assert [passage[s:e] for s, e in matched_spans(passage, words)] == ["Chinese", "citizen"]


def test_number_pairs_read_the_matchers_comparisons() -> None:
    pairs = number_pairs(
        [
            {
                "claim": "155",
                "evidence": "168",
                "claim_label": "155 people",
                "evidence_label": "168 people",
                "relation": "conflict",
                "reason": "different counts",
            },
            {"claim": "155", "evidence": "", "relation": "agree"},
        ]
    )
    assert pairs == [NumberPair("155 people", "168 people", "conflict", "different counts")]
    shown = number_pair(pairs[0]).plain
    assert "155 people" in shown and "168 people" in shown and "conflict" in shown


def test_score_components_in_words() -> None:
    shown = why({"length": 0.5, "token_set": 0.81, "numbers": 1.0, "terms": 0.4, "novel": 0.3})
    assert shown == "terms 40 · numbers 100 · words 81 · novel 30"  # by weight; length is too minor to show


def test_context_skips_boilerplate_and_keeps_neighbours() -> None:
    def p(i: int, start: int, boilerplate: bool = False) -> Passage:
        return Passage(
            id=i,
            article_id=1,
            ordinal=i,
            paragraph=i,
            start=start,
            end=start + 9,
            text="x" * 9,
            boilerplate=boilerplate,
        )

    passages = [p(1, 0), p(2, 10), p(3, 20, boilerplate=True), p(4, 30), p(5, 40)]
    claim = _claim(start=11, end=18)
    assert [q.id for q in context_passages(passages, claim)] == [1, 2, 4]


def test_open_claim_reads_pending_or_requeued_not_in_review() -> None:
    assert status_label(_claim(status=ClaimStatus.IN_REVIEW)).plain == "pending"
    requeued = _claim(status=ClaimStatus.IN_REVIEW, verdict=Verdict.DISPUTED, requeue_reason={"score": 80})
    assert status_label(requeued).plain == "re-queued"
    assert status_label(_claim(status=ClaimStatus.DECIDED, verdict=Verdict.VERIFIED)).plain == "verified"


def test_article_paragraph_holding_the_passage_is_marked() -> None:
    text = "Head\n\nFirst para.\nSecond [b]para[/b] with 155.\n"
    start = text.index("Second")
    shown = paragraphs(text, start, start + 10)
    assert [(t.plain, hit) for t, hit in shown] == [
        ("Head", False),
        ("First para.", False),
        ("Second [b]para[/b] with 155.", True),
    ]


def test_claim_pane_says_everything_a_reviewer_needs(tmp_path: Path) -> None:
    desk = build_desk(tmp_path / "q.db", requeued=True)
    with desk.store() as store:
        claim = store.claim(desk.claims["upi_paid"])
        detail = load_detail(store, Sources(store), claim, DEFAULT_SETTINGS)
        text = claim_pane(detail, note="ring EFE").plain
        assert "Recruits were paid 2 million roubles" in text
        assert "The men were recruited through social media" in text  # the passage before
        assert "Why: quantity: 2 million roubles" in text
        assert "Re-queued: new source Captured Chinese joined Russian army on their own (score 81)" in text
        assert "Earlier verdict: disputed by ana at 2026-11-23T12:00:00+00:00" in text
        assert "EFE says 30,000 roubles" in text and "Note: ring EFE" in text
        first = store.claim(desk.claims["zelensky_155"])
        detail = load_detail(store, Sources(store), first, DEFAULT_SETTINGS)
        assert "Also reported by:\n  afp (#3) Dozens of Chinese nationals fighting for Russia, Kyiv says" in (
            claim_pane(detail).plain
        )
        conflict = evidence_prompt(2, detail.evidence[1], first.text).plain
        assert (
            conflict.startswith("2 ") and "≠ conflict" in conflict and "155" in conflict and "168" in conflict
        )
