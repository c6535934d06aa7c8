"""Sentence passages: exact offsets, the hard cases in the samples, boilerplate, terminal safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.segment import clean_text, headline_of, split_passages

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "articles").glob("*.txt"))


def _passages(name_part: str) -> tuple[str, list[str]]:
    [path] = [p for p in SAMPLES if name_part in p.name]
    text = clean_text(path.read_text(encoding="utf-8"))
    return text, [text[s.start : s.end] for s in split_passages(text)]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:24])
def test_every_passage_of_every_sample_has_exact_offsets(path: Path) -> None:
    text = clean_text(path.read_text(encoding="utf-8"))
    spans = split_passages(text)
    assert len(spans) >= 10
    previous_end = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
        assert span.start >= previous_end, "passages are ordered and never overlap"
        previous_end = span.end
    # Nothing but whitespace falls between passages.
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_abbreviations_and_amounts_do_not_split_sentences() -> None:
    text, passages = _passages("upi")
    assert any("permanent member of the U.N. Security Council." in p for p in passages)
    assert any(
        p.startswith("Ukraine’s Pravda news website reported") and "$3,530 to an intermediary" in p
        for p in passages
    )
    _, efe = _passages("efe")
    assert any(p.startswith("Kiyv, Apr 9 (EFE)") and p.endswith("one of the captives.") for p in efe)
    _, jt = _passages("japan-times")
    assert any("2 million ruble ($23,200) payment." in p for p in jt)
    assert any(p.startswith("U.S. State Department spokesperson Tammy Bruce") for p in jt)


def test_quote_stays_with_its_attribution() -> None:
    _, passages = _passages("upi")
    assert any(
        p.startswith("“There are 155 Chinese citizens") and p.endswith("news briefing Wednesday night.")
        for p in passages
    )
    assert any(
        p.startswith("“We are collecting information") and p.endswith("and others,” he said.")
        for p in passages
    )


def test_bracketed_insertion_stays_inside_its_sentence() -> None:
    _, passages = _passages("upi")
    assert any(
        "[Russia’s equivalent of the Visa or Mastercard payment networks], for which" in p for p in passages
    )
    _, reuters = _passages("reuters")
    assert any("condemn this fact and demand[ed] an explanation.”" in p for p in reuters)


def test_boilerplate_headline_and_headings_are_classified() -> None:
    text, _ = _passages("afp-sourced")
    kinds = {text[s.start : s.end]: s.kind for s in split_passages(text)}
    assert kinds["Ukraine Claims Dozens of Chinese Nationals Fighting for Russia"] in {
        "headline",
        "boilerplate",
    }
    for furniture in ("Advertisement", "Author", "Share the Story", "Add a comment", "Leave a Reply"):
        assert kinds[furniture] == "boilerplate"
    assert headline_of(text) == "Ukraine Claims Dozens of Chinese Nationals Fighting for Russia"
    repeated = [
        s
        for s in split_passages(text)
        if text[s.start : s.end] == "Ukraine Claims Dozens of Chinese Nationals Fighting for Russia"
    ]
    assert [s.kind for s in repeated] == ["headline", "boilerplate"]

    text, _ = _passages("efe")
    kinds = {text[s.start : s.end]: s.kind for s in split_passages(text)}
    assert kinds["mg-gbm-er/mcd"] == "boilerplate"
    assert kinds["EFE"] == "boilerplate"
    assert kinds["Going to war for Russian citizenship"] == "heading"

    for name, credit in [
        ("upi", "Photo by Stringer/EPA-EFE"),
        ("reuters", "Reuters contributed to this report."),
        ("japan-times", "(Japan Times)"),
    ]:
        text, _ = _passages(name)
        kinds = {text[s.start : s.end]: s.kind for s in split_passages(text)}
        assert kinds[credit] == "boilerplate"


def test_a_headline_is_only_a_headline_when_it_reads_as_one() -> None:
    assert headline_of("Short Title Here\n\nBody sentence one. Body two.") == "Short Title Here"
    text, _ = _passages("upi")
    assert headline_of(text) is None  # the first line is a long caption sentence


def test_clean_text_removes_terminal_control_sequences() -> None:
    hostile = "Title\x1b]0;pwned\x07 one\x1b[31m red\x1b[0m \x9b2J\u202eevil\u2066 x\x00y\x85z\r\nnext\tline"
    cleaned = clean_text(hostile)
    assert cleaned == "Title one red evil xyz\nnext\tline"
    assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)


def test_paragraphs_never_merge() -> None:
    text = "First paragraph without a full stop\nSecond line starts here. And continues."
    pieces = [text[s.start : s.end] for s in split_passages(text)]
    assert "First paragraph without a full stop" in pieces
    assert all("\n" not in p for p in pieces)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_offsets_are_exact_on_any_text(raw: str) -> None:
    text = clean_text(raw)
    spans = split_passages(text)
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip() and "\n" not in piece
    assert [s.start for s in spans] == sorted(s.start for s in spans)
