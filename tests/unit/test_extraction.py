"""Claim extraction: exact offsets, no boilerplate, negatives, reasons, dedup, merging, quality on the
hand-labelled samples, and properties that must hold for any text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.extraction import extract_claims, score_passage
from factcheck.models import ExtractedClaim
from factcheck.segment import Span, clean_text, split_passages
from factcheck.settings import DEFAULT_SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted((ROOT / "articles").glob("*.txt"))
LABELS = json.loads((ROOT / "tests" / "data" / "sample_claim_labels.json").read_text(encoding="utf-8"))
THRESHOLD = DEFAULT_SETTINGS.claim_threshold


@cache
def article(name: str) -> str:
    """Cleaned text of a sample article."""
    return clean_text((ROOT / "articles" / name).read_text(encoding="utf-8"))


@cache
def claims_of(name: str) -> tuple[ExtractedClaim, ...]:
    """Claims of a sample article (cached: extraction is deterministic)."""
    return tuple(extract_claims(article(name)))


def claim_containing(fragment: str) -> ExtractedClaim:
    """The one sample claim whose text contains ``fragment``."""
    found = [c for p in ARTICLES for c in claims_of(p.name) if fragment in c.text]
    assert len(found) == 1, f"{len(found)} claims contain {fragment!r}"
    return found[0]


def is_claim(text: str) -> bool:
    """Whether a one-paragraph text yields any claim."""
    return bool(extract_claims(text))


# --- offsets and boilerplate -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:30])
def test_every_claim_has_exact_offsets_and_quantity_offsets(path: Path) -> None:
    text = article(path.name)
    claims = claims_of(path.name)
    assert claims
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.score <= 1.0 and claim.score >= THRESHOLD
        assert claim.reasons
        for q in claim.quantities:
            assert claim.text[q["start"] : q["end"]] == q["text"]
    assert [c.start for c in claims] == sorted(c.start for c in claims)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:30])
def test_no_headline_heading_or_boilerplate_is_ever_a_claim(path: Path) -> None:
    text = article(path.name)
    other = [s for s in split_passages(text) if s.kind != "body"]
    assert other, "every sample has a headline, heading or boilerplate span"
    for claim in claims_of(path.name):
        for span in other:
            assert claim.end <= span.start or span.end <= claim.start, text[span.start : span.end]


def test_the_samples_boilerplate_lines_are_not_claims() -> None:
    texts = {c.text for p in ARTICLES for c in claims_of(p.name)}
    for line in (
        "Advertisement",
        "Photo by Stringer/EPA-EFE",
        "Reuters contributed to this report.",
        "mg-gbm-er/mcd",
        "(Japan Times)",
        "Share the Story",
        "EFE",
    ):
        assert not any(line == t or t.endswith(line) for t in texts), line


# --- what is not a claim -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "passage",
    [
        "This is Russia’s second mistake.",
        "Zelensky added.",
        "“Zelensky added.”",
        "he said.",
        "Is China sending troops to fight for Russia?",
        "What do you make of the reports that 155 Chinese citizens are fighting?",
        "Photo by Stringer/EPA-EFE",
        "By Jane Smith",
        "Thank you very much.",
        "I think this is a terrible idea.",
        "Good evening and welcome to the debate.",
    ],
)
def test_negative_examples_are_not_claims(passage: str) -> None:
    assert not is_claim(passage), score_passage(passage)
    assert not is_claim(f"Ukraine Says Chinese Fighters Captured\n\n{passage}\n")


def test_repeated_headline_is_not_a_claim() -> None:
    headline = "Ukraine Claims Dozens of Chinese Nationals Fighting for Russia"
    assert not any(headline in c.text for c in claims_of(ARTICLES[0].name))
    body = f"{headline}\n\nZelensky said 155 Chinese citizens are fighting in Donetsk.\n\n{headline}.\n"
    assert [c.text for c in extract_claims(body)] == [
        "Zelensky said 155 Chinese citizens are fighting in Donetsk."
    ]


@pytest.mark.parametrize(
    "passage",
    [
        "Zelensky said Ukrainian intelligence had collected passport details of 155 Chinese nationals.",
        "One of the prisoners told Ukrainian authorities that he paid $350 to an intermediary.",
        "Ukrainian troops captured two Chinese citizens in the Donetsk region on Tuesday.",
        "This would not be the first time that Russia has used foreign soldiers in Ukraine.",
        "Unemployment fell to 3.7 percent last year, the lowest rate since 1969.",
    ],
)
def test_checkable_statements_are_claims(passage: str) -> None:
    assert is_claim(passage), score_passage(passage)


# --- reasons -------------------------------------------------------------------------------------


def test_attribution_reason_names_the_speaker() -> None:
    claim = claim_containing("Lin Jian dismissed the allegations")
    assert "attributed to: Lin Jian" in claim.reasons
    quoted = claim_containing("said spokesman Lin Jian at his regular briefing")
    assert "attributed to: Lin Jian" in quoted.reasons


def test_money_quantity_reason_and_structured_quantity() -> None:
    claim = claim_containing("$3,530")
    assert "quantity: $3,530" in claim.reasons
    money = [q for q in claim.quantities if q["text"] == "$3,530"]
    assert money and money[0]["kind"] == "money"


def test_count_quantity_reason() -> None:
    claim = claim_containing("at least 155 Chinese citizens are fighting")
    assert any(r.startswith("quantity:") and "155" in r for r in claim.reasons)


def test_named_source_reason() -> None:
    assert "source named: Ukrainska Pravda" in claim_containing("Ukrainska Pravda").reasons
    assert "source named: CNN" in claim_containing("according to CNN").reasons


def test_event_reason_names_the_act_and_the_place() -> None:
    claim = claim_containing("had captured two Chinese fighters in the Donetsk region")
    assert "event: captured … in the Donetsk region" in claim.reasons


def test_comparison_reason() -> None:
    claim = claim_containing("the first time its nationals were taken prisoner")
    assert "comparison/superlative: first" in claim.reasons


def test_score_passage_explains_discounts_last() -> None:
    score, reasons = score_passage("Do you think 155 Chinese citizens are fighting for Russia?")
    assert score < THRESHOLD
    assert reasons[-1].startswith("against:") and "against: question" in reasons


# --- dedup and merging ---------------------------------------------------------------------------


def test_repeated_claim_inside_an_article_is_kept_once() -> None:
    sentence = "Zelensky said at least 155 Chinese citizens are fighting for Russia in Ukraine."
    near = "Zelensky said that at least 155 Chinese citizens are fighting for Russia in Ukraine."
    other = "China’s foreign ministry spokesman Lin Jian denied the claim on Wednesday."
    text = f"{sentence}\n\n{other}\n\n{sentence}\n\n“{near}”\n"
    claims = extract_claims(text)
    assert [c.text for c in claims] == [sentence, other]
    assert claims[0].start == 0


def test_different_claims_with_shared_words_are_both_kept() -> None:
    a = "Ukrainian troops captured two Chinese citizens in the Donetsk region on Tuesday."
    b = "Ukrainian troops captured six Russian soldiers in the Kharkiv region on Friday."
    assert len(extract_claims(f"{a}\n{b}\n")) == 2


def test_quote_running_into_its_attribution_merges_within_a_paragraph() -> None:
    text = "“There are 155 Chinese citizens in Russian units. We have their passports,” Zelensky said."
    cut = text.index("We have")
    spans = [Span(0, cut - 1, 0, "body"), Span(cut, len(text), 0, "body")]
    claims = extract_claims(text, spans=spans)
    assert len(claims) == 1
    assert (claims[0].start, claims[0].end) == (0, len(text))
    assert "attributed to: Zelensky" in claims[0].reasons


def test_bare_attribution_fragment_merges_with_the_statement_before_it() -> None:
    text = "Ukrainian forces captured 155 soldiers in the Donetsk region. Zelensky added."
    cut = text.index("Zelensky added")
    spans = [Span(0, cut - 1, 0, "body"), Span(cut, len(text), 0, "body")]
    claims = extract_claims(text, spans=spans)
    assert [(c.start, c.end) for c in claims] == [(0, len(text))]


def test_paragraphs_never_merge() -> None:
    first = "“There are 155 Chinese citizens in Russian units. We have their passports,"
    second = "Zelensky said on Wednesday in Kyiv that the names were collected by intelligence."
    text = f"{first}\n{second}"
    spans = [Span(0, len(first), 0, "body"), Span(len(first) + 1, len(text), 1, "body")]
    for claim in extract_claims(text, spans=spans):
        assert "\n" not in claim.text
    fragment = "Ukrainian forces captured 155 soldiers in the Donetsk region.\nZelensky added."
    for claim in extract_claims(fragment):
        assert "\n" not in claim.text and claim.text != "Zelensky added."


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:30])
def test_sample_claims_stay_inside_one_paragraph(path: Path) -> None:
    for claim in claims_of(path.name):
        assert "\n" not in claim.text


# --- settings ------------------------------------------------------------------------------------


def test_threshold_is_respected() -> None:
    text = article(ARTICLES[0].name)
    strict = extract_claims(text, Settings(claim_threshold=0.95))
    loose = extract_claims(text, Settings(claim_threshold=0.0))
    assert all(c.score >= 0.95 for c in strict)
    assert len(strict) < len(claims_of(ARTICLES[0].name)) <= len(loose)


# --- quality on the hand labels ------------------------------------------------------------------


def test_labels_cover_every_body_passage_of_every_sample() -> None:
    assert sorted(LABELS["articles"]) == [p.name for p in ARTICLES]
    for path in ARTICLES:
        text = article(path.name)
        body = [(s.start, s.end) for s in split_passages(text) if s.kind == "body"]
        rows = LABELS["articles"][path.name]
        assert [(r["start"], r["end"]) for r in rows] == body
        assert all(text[r["start"] : r["end"]] == r["text"] and r["label"] in (0, 1) for r in rows)


def test_precision_and_recall_on_the_hand_labels_meet_the_targets() -> None:
    tp = fp = fn = 0
    for path in ARTICLES:
        covered = [(c.start, c.end) for c in claims_of(path.name)]
        for row in LABELS["articles"][path.name]:
            hit = any(s <= row["start"] and row["end"] <= e for s, e in covered)
            tp += hit and row["label"] == 1
            fp += hit and row["label"] == 0
            fn += (not hit) and row["label"] == 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.90, precision
    assert recall >= 0.95, recall


def test_labelled_negatives_are_not_extracted() -> None:
    for path in ARTICLES:
        texts = [c.text for c in claims_of(path.name)]
        for row in LABELS["articles"][path.name]:
            if row["label"] == 0:
                assert not any(row["text"] in t for t in texts), row["text"]


# --- properties ----------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "Zelensky",
        "said",
        "155",
        "$3,530",
        "“",
        "”",
        '"',
        "in",
        "the",
        "Donetsk",
        "region",
        ".",
        "?",
        "\n",
        "\n\n",
        "Advertisement",
        "according",
        "to",
        "CNN",
        ",",
        "Mr.",
        "U.S.",
        "first",
        "I",
        "think",
        "’s",
        "  ",
        "\t",
        "—",
        "10%",
        "Tuesday",
        "é",
        "\u200b",
    ]
)
_TEXTS = st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=80).map(" ".join))


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_any_text_gives_exact_offsets_bounded_scores_and_the_same_answer_twice(raw: str) -> None:
    text = clean_text(raw)
    claims = extract_claims(text)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.score <= 1.0
        assert "\n" not in claim.text
        for q in claim.quantities:
            assert claim.text[q["start"] : q["end"]] == q["text"]
    assert extract_claims(text) == claims


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_score_passage_never_raises_and_is_bounded(sentence: str) -> None:
    score, reasons = score_passage(sentence)
    assert 0.0 <= score <= 1.0
    assert all(isinstance(r, str) and r for r in reasons)
    assert score_passage(sentence) == (score, reasons)
