"""Reports: golden files for every format, escaping that survives hostile text (proved by rendering
with markdown-it), filters, an empty database, re-queue history, CSV injection, the ClaimReview mapping.

Databases are real SQLite files built from the sample articles with a fixed clock. Claims and
candidates are created directly (the extractor and the matcher are tested elsewhere), so the golden
files change only when the report or the stored facts change. Regenerate them after an intended
change with ``FACTCHECK_UPDATE_GOLDEN=1 pytest tests/unit/test_report.py`` and review the diff."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from factcheck import report
from factcheck.errors import InputError, ReviewError
from factcheck.ingest import ingest_paths
from factcheck.markdown import code_literal, escape_inline, mermaid_pie
from factcheck.models import Article, Candidate, ClaimStatus, ExtractedClaim, Passage, Verdict
from factcheck.queue import Reviewer, requeue
from factcheck.storage import Store

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "data" / "golden"
GENERATED = datetime(2025, 4, 12, 8, 0, tzinfo=UTC)
T0 = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
HOSTILE_NOTE = (
    "EFE: 30,000 rubles (about $350) | not $3,530 — see `notes`\n"
    "# heading <script>alert(1)</script> [link](javascript:x) *bold* _em_ ~~gone~~ &amp; 1. item"
)
GOLDEN_FILES = {
    "md": "report.md",
    "json": "report.json",
    "csv": "report.csv",
    "claimreview": "report.claimreview.json",
}


# --- the fixed database ------------------------------------------------------------------------


class Corpus:
    """The sample articles in a store, with lookups by a phrase of a passage."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.articles = {a.path.rsplit("/", 1)[-1].split("-")[0]: a for a in store.articles()}
        self.passages = {a.id: store.passages(a.id) for a in store.articles()}

    def article(self, outlet: str) -> Article:
        """The article whose file name starts with ``outlet`` (afp, efe, japan, reuters, upi)."""
        return self.articles[outlet]

    def passage(self, outlet: str, phrase: str) -> Passage:
        """The passage of that article containing ``phrase``."""
        found = [p for p in self.passages[self.article(outlet).id] if phrase in p.text]
        assert len(found) == 1, f"{phrase!r} is in {len(found)} passages of {outlet}"
        return found[0]

    def claim(self, outlet: str, phrase: str, score: float, quantities: tuple[str, ...] = ()) -> int:
        """Store the sentence containing ``phrase`` as a claim, as the extractor would."""
        p = self.passage(outlet, phrase)
        extracted = ExtractedClaim(
            text=p.text,
            start=p.start,
            end=p.end,
            score=score,
            reasons=[f"quantity: {q}" for q in quantities],
            quantities=[{"text": q, "kind": "number"} for q in quantities],
        )
        return self.store.add_claims(p.article_id, [extracted], passage_ids=[p.id])[0]

    def candidates(self, claim_id: int, *found: tuple[Passage, float, list[dict[str, Any]]]) -> None:
        """Store ranked evidence candidates with their number comparisons."""
        self.store.replace_candidates(
            claim_id,
            [
                Candidate(claim_id=claim_id, passage_id=p.id, rank=i, score=score, quantities=q)
                for i, (p, score, q) in enumerate(found, start=1)
            ],
        )


def _cmp(claim: str, evidence: str, relation: str, reason: str) -> dict[str, Any]:
    """A number comparison shaped as factcheck.matching stores it with a candidate."""
    return {"claim": claim, "evidence": evidence, "relation": relation, "reason": reason}


# What factcheck.quantities says about these pairs (copied once, so its evolution does not move the
# golden files; the labels it also stores are left out: reports show the literal text and the reason).
SAME_155 = _cmp("at least 155", "at least 155", "agree", "same figure: ≥155 and ≥155")
AFP_168 = _cmp("at least 155", "168", "approx", "≥155 and 168 are compatible: 168 satisfies ≥155")
MORE_THAN_150 = _cmp("more than 150", "155", "approx", ">150 and 155 are compatible: 155 satisfies >150")
SAME_168 = _cmp("168", "168", "agree", "same figure: 168 and 168")
PAID_3530 = _cmp(
    "$3,530",
    "30,000 rubles (about $350)",
    "conflict",
    "$3,530 vs RUB 30,000 (≈ $350): $3,530 is 10.1× ≈$350 (compared in USD using the bracketed conversion)",
)
PAID_350 = _cmp(
    "30,000 rubles (about $350)",
    "$3,530",
    "conflict",
    "RUB 30,000 (≈ $350) vs $3,530: $3,530 is 10.1× ≈$350 (compared in USD using the bracketed conversion)",
)
PROMISED_2M = _cmp(
    "2 million ruble ($23,200)",
    "30,000 rubles (about $350)",
    "conflict",
    "RUB 2 million ($23,200) vs RUB 30,000 (≈ $350): RUB 2 million ($23,200) is 66.7× RUB 30,000 (≈ $350)",
)


def _reason(
    corpus: Corpus, outlet: str, passage: Passage, score: float, numbers: list[Any]
) -> dict[str, Any]:
    """A re-queue reason shaped as the pipeline writes it."""
    article = corpus.article(outlet)
    return {
        "article_id": article.id,
        "article_title": article.title,
        "article_path": article.path,
        "passage_id": passage.id,
        "passage_text": passage.text,
        "score": score,
        "quantities": numbers,
        "previous_verdict": None,
    }


def build_review(store: Store) -> dict[str, int]:
    """The fixed review: decisions, an undo, a re-queue that was re-decided, one still re-queued, a
    claim added by hand, pending claims with a number conflict. Returns claim ids by name."""
    ingest_paths(store, [REPO / "articles"], base=REPO)
    c = Corpus(store)
    ana, ben = Reviewer(store, "ana"), Reviewer(store, "ben")
    at = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    ids = {
        "upi_155": c.claim("upi", "at least 155 Chinese citizens in the ranks", 0.91, ("at least 155",)),
        "upi_3530": c.claim("upi", "$3,530", 0.88, ("$3,530",)),
        "afp_150": c.claim("afp", "more than 150 Chinese citizens", 0.84, ("more than 150",)),
        "jt_payment": c.claim("japan", "2 million ruble", 0.8, ("2 million ruble ($23,200)",)),
        "efe_rubles": c.claim("efe", "30,000 rubles", 0.77, ("30,000 rubles (about $350)",)),
        "afp_korea": c.claim("afp", "North Korea sent over 10,000 troops", 0.62, ("over 10,000",)),
    }
    efe_155, afp_168 = c.passage("efe", "at least 155"), c.passage("afp", "listing 168")
    efe_rubles, upi_there = c.passage("efe", "30,000 rubles"), c.passage("upi", "There are 155")
    c.candidates(ids["upi_155"], (efe_155, 88.0, [SAME_155]), (afp_168, 74.5, [AFP_168]))
    c.candidates(ids["upi_3530"], (efe_rubles, 81.0, [PAID_3530]))
    c.candidates(ids["afp_150"], (upi_there, 86.0, [MORE_THAN_150]))
    c.candidates(ids["jt_payment"], (efe_rubles, 72.0, [PROMISED_2M]))
    c.candidates(ids["efe_rubles"], (c.passage("upi", "$3,530"), 81.0, [PAID_350]))

    ana.decide(
        ids["upi_155"], "verified", evidence_passage_id=efe_155.id, note="EFE cites the same 155.", now=at(0)
    )
    ben.decide(ids["upi_3530"], "verified", evidence_passage_id=efe_rubles.id, now=at(5))
    ben.undo(now=at(6))
    ben.decide(ids["upi_3530"], "disputed", evidence_passage_id=efe_rubles.id, note=HOSTILE_NOTE, now=at(7))
    ana.decide(
        ids["afp_150"], "verified", evidence_passage_id=c.passage("efe", "at least 155").id, now=at(10)
    )
    requeue(
        store,
        ids["afp_150"],
        _reason(c, "upi", upi_there, 86.0, [MORE_THAN_150]),
        now=at(60),
    )
    ben.decide(
        ids["afp_150"],
        "verified",
        evidence_passage_id=upi_there.id,
        note="UPI quotes 155 directly.",
        now=at(70),
    )
    ana.decide(ids["jt_payment"], "unsupported", note="No other outlet reports the payment.", now=at(20))
    requeue(
        store,
        ids["jt_payment"],
        _reason(c, "efe", efe_rubles, 72.0, [PROMISED_2M]),
        now=at(90),
    )

    manual = ExtractedClaim(
        text="Russia recruited 168 Chinese citizens", start=0, end=37, score=0.7, reasons=["added by hand"]
    )
    ids["manual_168"] = store.add_claims(None, [manual], origin="manual", source_note="AFP document")[0]
    c.candidates(ids["manual_168"], (afp_168, 90.0, [SAME_168]))
    ben.decide(ids["manual_168"], "verified", evidence_passage_id=afp_168.id, now=at(30))
    return ids


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    """The fixed review in a fresh database."""
    with Store(tmp_path / "queue.db") as store:
        yield store, build_review(store)


@pytest.fixture
def data(reviewed: tuple[Store, dict[str, int]]) -> report.ReportData:
    return report.collect(reviewed[0])


# --- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_each_format_matches_its_golden_file(data: report.ReportData, fmt: str) -> None:
    text = report.render(fmt, data, generated_at=GENERATED)
    path = GOLDEN / GOLDEN_FILES[fmt]
    if os.environ.get("FACTCHECK_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"no golden file {path}: run with FACTCHECK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), (
        f"{fmt} differs from {path.name}; if intended, regenerate with FACTCHECK_UPDATE_GOLDEN=1 and review"
    )


def test_rendering_is_deterministic(data: report.ReportData) -> None:
    for fmt in report.FORMATS:
        assert report.render(fmt, data, generated_at=GENERATED) == report.render(
            fmt, data, generated_at=GENERATED
        )


# --- escaping: a property proved with markdown-it ----------------------------------------------

MD = MarkdownIt("gfm-like")  # tables, strikethrough, linkify, raw HTML on: the strictest test
_PIECES = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "-->",
    "www.",
    "example.com",
    "http://",
    "javascript:",
    "[x](y)",
    "![i](j)",
    "[^1]",
    "---",
    "===",
    "```",
    "~~~",
    "&amp;",
    "&#32;",
    "    ",
    "1. ",
    "2) ",
    "* ",
    "+ ",
    "> ",
    "# ",
    "| a |",
    "a@b.co",
    "$x$",
    "\\",
    "**b**",
    "_i_",
    "~~s~~",
    "\n",
    "\r\n",
    "\t",
    "\xa0",
    "\u2028",
    "\x00",
    "\x1b[31m",
    "<br>",
    " ",
]
_ALPHABET = list("\\`*_[]<>#|~$&@:.!-+=()0123456789 \t\n\r\xa0ahw/'\"{}^%;,?")
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(_ALPHABET)),
    st.lists(st.sampled_from(_PIECES + _ALPHABET), max_size=10).map("".join),
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STRUCTURE = {
    "paragraph",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "bullet_list",
    "list_item",
    "heading",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_OUR_TAGS = {"p", "br", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "h4", "code"}


def _expected(text: str) -> str:
    """What a reader sees: line breaks normalised, control characters shown as U+FFFD."""
    return _CONTROLS.sub("\ufffd", re.sub(r"\r\n?", "\n", text))


def _visible(tokens: list[Token]) -> str:
    """The text a reader sees, failing on anything but our structure, text and our <br>."""
    out = []
    for t in tokens:
        if t.type == "inline":
            for child in t.children or []:
                if child.type in ("text", "text_special", "code_inline"):
                    out.append(child.content)
                elif child.type == "html_inline" and child.content == "<br>":
                    out.append("\n")
                else:
                    raise AssertionError(f"markup leaked: {child.type} {child.content!r}")
        else:
            assert t.type.removesuffix("_open").removesuffix("_close") in _STRUCTURE, t.type
    return "".join(out)


def _assert_literal(source: str, text: str, *, before: str = "", after: str = "") -> None:
    assert _visible(MD.parse(source)) == before + _expected(text) + after, source
    tags = {m.group(2).lower() for m in _TAG.finditer(MD.render(source))}
    assert tags <= _OUR_TAGS, f"HTML from text: {tags - _OUR_TAGS}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_escaped_text_renders_literally_in_every_context(text: str) -> None:
    escaped = escape_inline(text)
    assert "\n" not in escaped and "\r" not in escaped, "one source line, whatever the input"
    _assert_literal(escaped, text)
    _assert_literal("> " + escaped, text)
    _assert_literal("#### " + escaped, text)
    _assert_literal("- Note: " + escaped, text, before="Note: " if escaped else "Note:")
    _assert_literal("| h | x |\n| --- | --- |\n| " + escaped + " | y |", text, before="hx", after="y")


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_code_literal_is_literal_too(text: str) -> None:
    _assert_literal("| h |\n| --- |\n| " + code_literal(text) + " |", text, before="h")


@pytest.mark.parametrize(
    "hostile",
    ["| pipe", "`backticks`", "# heading", "<script>alert(1)</script>", "[link](javascript:x)", HOSTILE_NOTE],
)
def test_hostile_notes_stay_text_in_the_report(reviewed: tuple[Store, dict[str, int]], hostile: str) -> None:
    store, ids = reviewed
    efe = Corpus(store).passage("efe", "more than ten thousand North Korean")
    Reviewer(store, "cleo").decide(
        ids["afp_korea"], "unsupported", evidence_passage_id=efe.id, note=hostile, now=T0
    )
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    html = MD.render(md)
    assert "<script" not in html
    links = re.findall(r"<a ([^>]*)>", html)
    assert all(re.fullmatch(r'href="#claim-\d+"', link) for link in links), "only our own links"
    assert html.count("<h1>") == 1, "only the report's title is a level-1 heading"
    note_line = next(
        line for line in _section(md, ids["afp_korea"]).splitlines() if line.startswith("- **Note:** ")
    )
    assert _visible(MD.parse(note_line.replace("- **Note:** ", "- Note: "))) == "Note: " + _expected(hostile)


def test_hostile_text_cannot_break_a_table_row(store: Store) -> None:
    text = "a | b | c\nnext line `x` <b>bold</b>"
    article, passages = store.add_article(
        path="evil|name`.txt",
        title="Title | with pipe",
        sha256="e" * 64,
        text=text,
        encoding="utf-8",
        size=len(text),
        spans=[],
    )
    store.add_claims(article.id, [ExtractedClaim(text=text, start=0, end=len(text), score=0.5)])
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    for block in re.findall(r"(?:^\|.*\n)+", md, re.M):
        widths = {len(row) for row in _table_rows(block)}
        assert len(widths) == 1, f"a row has the wrong number of cells:\n{block}"
    assert "<b>" not in MD.render(md)


def _table_rows(block: str) -> list[list[str]]:
    tokens = MD.parse(block)
    rows, row = [], []
    for t in tokens:
        if t.type == "tr_open":
            row = []
        elif t.type == "inline":
            row.append(t.content)
        elif t.type == "tr_close":
            rows.append(row)
    return rows


# --- Markdown structure --------------------------------------------------------------------------


def test_report_has_its_sections_in_order(data: report.ReportData) -> None:
    md = report.render_markdown(data, generated_at=GENERATED)
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings == ["Corpus", "Summary", "Verdicts", "Decisions", "Open items", "Number conflicts"]
    assert md.startswith("# Fact-check review report\n\nGenerated 2025-04-12 08:00 UTC from `queue.db`.")


def test_every_decided_claim_has_a_stable_anchor(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    slugger = MarkdownIt("gfm-like").use(anchors_plugin, min_level=4, max_level=4)
    anchors = re.findall(r'<h4 id="([^"]+)"', slugger.render(md))
    expected = [c.id for c in store.claims() if c.status in (ClaimStatus.DECIDED, ClaimStatus.REQUEUED)]
    assert sorted(anchors) == sorted(report.claim_anchor(i) for i in expected)
    assert f"[{ids['upi_3530']}](#claim-{ids['upi_3530']})" in md, "conflicts link to the claim's section"


def test_chart_counts_decisions_and_skips_empty_slices(data: report.ReportData) -> None:
    md = report.render_markdown(data, generated_at=GENERATED)
    chart = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert chart.splitlines() == [
        "pie title Verdicts (4 decided)",
        '    "Verified" : 3',
        '    "Disputed" : 1',
    ]
    assert mermaid_pie("x", [("A", 0), ("B", 0)]) == []


def test_requeued_and_redecided_history_is_shown(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    redecided = _section(md, ids["afp_150"])
    assert "- **Verdict: Verified** by ben, 2025-04-10 10:10 UTC" in redecided
    assert "- **History:**" in redecided
    history = redecided.split("- **History:**", 1)[1]
    assert (
        history.index("decided **Verified** by ana")
        < history.index("re-queued")
        < history.index("decided **Verified** by ben")
    )
    upi = Corpus(store).article("upi")
    assert f"re-queued by a new source: {upi.title} ({upi.path}), passage" in _plain(history)
    assert "score 86.0, numbers: claim “more than 150” vs evidence “155”: approx (>150 and 155" in _plain(
        history
    )

    still_open = _section(md, ids["jt_payment"])
    assert md.index("## Open items") < md.index(f"#### Claim {ids['jt_payment']}")
    assert "- **Previous verdict: Unsupported** by ana" in still_open
    assert "- **Re-queued by a new source:**" in still_open and "score 72.0" in still_open
    assert "claim “2 million ruble ($23,200)” vs evidence “30,000 rubles (about $350)”: conflict ⚠" in _plain(
        still_open
    )
    assert "> One of the two captured Chinese citizens" in still_open, "the new passage is quoted"

    undone = _section(md, ids["upi_3530"])
    assert re.search(
        r"decided \*\*Verified\*\* by ben.*\n.*decision undone \(Verified\) by ben.*\n.*decided \*\*Disputed\*\*",
        undone,
    )


def test_superseded_versions_and_leased_claims(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    Reviewer(store, "dana").lease(ids["afp_korea"])  # a live lease, on the real clock
    upi = Corpus(store).article("upi")
    text = "A corrected version of the UPI story."
    store.add_article(
        path=upi.path, title=upi.title, sha256="c" * 64, text=text, encoding="utf-8", size=len(text), spans=[]
    )
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    assert f"### {escape_inline(upi.title)} (superseded version)" in md, "its decisions stay on record"
    assert "| 5 | " in md and "1 (superseded)" in md and "| 2 |" in md.split("## Corpus", 1)[1].split("##")[0]
    assert "Not counted: 2 claims of superseded article versions." in md
    status_rows = dict(r[:2] for r in _table_rows(md.split("## Summary", 1)[1].split("| Verdict")[0]))
    assert status_rows["In review"] == "1" and status_rows["**Total**"] == "**5**"
    assert f"| {ids['afp_korea']} | In review |" in md
    reviews = json.loads(report.render_claimreview(report.collect(store), generated_at=GENERATED))
    assert not any("at least 155" in r["claimReviewed"] for r in reviews), "superseded: not published"


def test_unchanged_decision_has_no_history(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    assert "History" not in _section(md, ids["upi_155"])


def test_decision_shows_evidence_and_numbers(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    section = _section(report.render_markdown(report.collect(store), generated_at=GENERATED), ids["upi_3530"])
    claim = store.claim(ids["upi_3530"])
    assert f"characters {claim.start}–{claim.end} (passage {claim.passage_id})" in section
    assert (
        "- **Evidence:** passage" in section
        and "`articles/efe-2025-04-09-captured-chinese-joined-russian-army.txt`" in section
    )
    assert (
        "Numbers: claim “$3,530” vs evidence “30,000 rubles (about $350)”: conflict ⚠ ($3,530 vs RUB"
        in _plain(section)
    )


def test_conflicts_are_listed_even_when_undecided(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    md = report.render_markdown(report.collect(store), generated_at=GENERATED)
    conflicts = md.split("## Number conflicts", 1)[1]
    rows = _table_rows(conflicts)[1:]
    rows = [[re.sub(r"^\[(\d+)\]\(#claim-\1\)$", r"\1", r[0]), *r[1:]] for r in rows]
    assert [r[0] for r in rows] == [str(ids[k]) for k in ("upi_3530", "jt_payment", "efe_rubles")]
    assert rows[1][1] == "Re-queued" and rows[2][1] == "Pending"
    assert [_plain(cell) for cell in rows[2][2:4]] == ["30,000 rubles (about $350)", "$3,530"]


def _plain(markdown: str) -> str:
    """What a reader sees of a Markdown fragment: rendered, tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", MD.render(markdown))).strip()


def _section(md: str, claim_id: int) -> str:
    return md.split(f"#### Claim {claim_id}\n", 1)[1].split("\n#", 1)[0]


# --- filters -----------------------------------------------------------------------------------


def test_filter_by_verdict(data: report.ReportData) -> None:
    kept = report.filter_data(data, verdict="VERIFIED")
    assert {c.verdict for c in kept.claims} == {Verdict.VERIFIED} and len(kept.claims) == 3
    assert kept.filters == {"verdict": "verified"}
    assert set(kept.histories) == {c.id for c in kept.claims}
    with pytest.raises(ReviewError, match="unknown verdict"):
        report.filter_data(data, verdict="true")


def test_filter_by_article_accepts_the_stored_path_its_tail_or_an_absolute_path(
    data: report.ReportData,
) -> None:
    efe = "articles/efe-2025-04-09-captured-chinese-joined-russian-army.txt"
    for spelling in (efe, efe.split("/")[-1], str(REPO / efe), "./" + efe):
        kept = report.filter_data(data, article=spelling)
        assert [report.claim_obj(kept, c)["article_path"] for c in kept.claims] == [efe]
    with pytest.raises(InputError, match="no article"):
        report.filter_data(data, article="articles/nope.txt")
    with pytest.raises(InputError):
        report.filter_data(data, article="-2025-04-09-captured-chinese-joined-russian-army.txt")


def test_filter_since_counts_decisions_and_requeues(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    data = report.collect(store)
    kept = report.filter_data(data, since="2025-04-10T10:00:00+00:00")
    assert {c.id for c in kept.claims} == {ids["afp_150"], ids["jt_payment"]}
    assert {c.id for c in report.filter_data(data, since=date(2025, 4, 10)).claims} == {
        ids[k] for k in ("upi_155", "upi_3530", "afp_150", "jt_payment", "manual_168")
    }
    assert report.filter_data(data, since=datetime(2025, 4, 11)).claims == []
    with pytest.raises(InputError, match="not a date"):
        report.filter_data(data, since="last tuesday")


def test_filter_by_reviewer_and_combined(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    data = report.collect(store)
    assert {c.id for c in report.filter_data(data, reviewer="BEN").claims} == {
        ids["upi_3530"],
        ids["afp_150"],
        ids["manual_168"],
    }
    both = report.filter_data(data, reviewer="ben", verdict="disputed")
    assert [c.id for c in both.claims] == [ids["upi_3530"]]
    assert {a.path.split("/")[-1][:3] for a in both.articles} == {"upi", "efe"}, (
        "its article and its evidence's"
    )
    assert report.filter_data(data) is data
    assert report.filter_data(data, verdict="", article=" ", reviewer=None) is data


def test_filters_apply_to_every_format(data: report.ReportData) -> None:
    kept = report.filter_data(data, verdict="disputed")
    md = report.render_markdown(kept, generated_at=GENERATED)
    assert "Filtered: verdict disputed." in md and md.count("#### Claim") == 1
    assert len(json.loads(report.render_json(kept, generated_at=GENERATED))["claims"]) == 1
    assert len(list(csv.reader(io.StringIO(report.render_csv(kept, generated_at=GENERATED))))) == 2
    reviews = json.loads(report.render_claimreview(kept, generated_at=GENERATED))
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["False"]


# --- empty database ------------------------------------------------------------------------------


def test_an_empty_database_renders_every_format(store: Store) -> None:
    data = report.collect(store)
    md = report.render_markdown(data, generated_at=GENERATED)
    assert "```mermaid" not in md and "No claim has been decided yet." in md
    assert "Nothing is waiting for review." in md and "No articles." in md
    assert json.loads(report.render_json(data, generated_at=GENERATED)) == {
        "generated_at": "2025-04-12T08:00:00+00:00",
        "filters": {},
        "articles": [],
        "claims": [],
    }
    assert report.render_csv(data, generated_at=GENERATED) == ",".join(report.CSV_COLUMNS) + "\r\n"
    assert json.loads(report.render_claimreview(data, generated_at=GENERATED)) == []


# --- JSON contract -------------------------------------------------------------------------------

_CLAIM_FIELDS = {
    "id",
    "article_id",
    "article_path",
    "text",
    "start",
    "end",
    "score",
    "reasons",
    "status",
    "verdict",
    "evidence",
    "note",
    "reviewer",
    "history",
    "candidates",
    "requeue_reason",
}


def test_json_keeps_the_documented_contract(data: report.ReportData) -> None:
    doc = json.loads(report.render_json(data, generated_at=GENERATED))
    assert {"articles", "claims"} <= set(doc)
    assert all({"id", "path", "title", "sha256"} <= set(a) for a in doc["articles"])
    for claim in doc["claims"]:
        assert set(claim) >= _CLAIM_FIELDS
        assert claim["status"] in {"pending", "in_review", "decided", "requeued"}
        assert claim["verdict"] in {None, "verified", "disputed", "unsupported"}
        for passage in [claim["evidence"], *claim["candidates"]]:
            if passage is not None:
                assert {"passage_id", "article_path", "text", "start", "end"} <= set(passage)
        assert all({"kind", "verdict", "reviewer", "at"} <= set(e) for e in claim["history"])


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
)
def test_csv_guards_formula_injection(store: Store, payload: str) -> None:
    text = payload + " said the minister."
    article, _ = store.add_article(
        path=payload + ".txt",
        title="t",
        sha256="f" * 64,
        text=text,
        encoding="utf-8",
        size=len(text),
        spans=[],
    )
    claim_id = store.add_claims(article.id, [ExtractedClaim(text=text, start=0, end=len(text), score=0.5)])[0]
    Reviewer(store, "=cmd|' /C calc'!A0").decide(claim_id, "unsupported", note="@" + payload, now=T0)
    row = next(csv.DictReader(io.StringIO(report.render_csv(report.collect(store), generated_at=GENERATED))))
    claim = store.claim(claim_id)  # as stored: the queue normalises notes and names
    stored = {
        "article_path": article.path,
        "claim_text": claim.text,
        "reviewer": claim.reviewer,
        "note": claim.note,
    }
    for column, value in stored.items():
        assert value and value[0] in "=+-@\t\r", f"{column} should start like a formula: {value!r}"
        assert row[column] == "'" + value, column
    assert (row["claim_id"], row["score"], row["status"]) == (str(claim_id), "0.5", "decided"), (
        "ours is untouched"
    )


def test_csv_has_one_row_per_claim_and_round_trips(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    rows = list(csv.DictReader(io.StringIO(report.render_csv(report.collect(store), generated_at=GENERATED))))
    assert [int(r["claim_id"]) for r in rows] == sorted(c.id for c in store.claims(include_superseded=True))
    disputed = next(r for r in rows if int(r["claim_id"]) == ids["upi_3530"])
    assert disputed["note"] == HOSTILE_NOTE, "commas, quotes and newlines survive CSV quoting"
    assert (
        disputed["evidence_article_path"].startswith("articles/efe-")
        and "30,000 rubles" in disputed["evidence_text"]
    )
    assert disputed["decided_at"] == "2025-04-10T09:07:00+00:00" and disputed["reviewer"] == "ben"


# --- ClaimReview ---------------------------------------------------------------------------------


def test_claimreview_rating_mapping_is_the_documented_one() -> None:
    assert {v.value: (r.value, r.name) for v, r in report.CLAIMREVIEW_RATINGS.items()} == {
        "verified": (5, "True"),
        "disputed": (1, "False"),
        "unsupported": (3, "Unproven"),
    }
    assert (report.BEST_RATING, report.WORST_RATING) == (5, 1)


def test_claimreview_lists_decided_claims_only(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    data = report.collect(store)
    reviews = json.loads(report.render_claimreview(data, generated_at=GENERATED))
    decided = [c for c in store.claims() if c.status is ClaimStatus.DECIDED]
    assert [r["claimReviewed"] for r in reviews] == [c.text for c in decided]
    for review, claim in zip(reviews, decided, strict=True):
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and (rating["bestRating"], rating["worstRating"]) == (5, 1)
        assert rating["ratingValue"] == report.CLAIMREVIEW_RATINGS[claim.verdict].value  # type: ignore[index]
        assert review["author"] == {"@type": "Person", "name": claim.reviewer}
        assert review["datePublished"] == "2025-04-10"
        assert review["itemReviewed"]["@type"] == "Claim"
    manual = next(r for r in reviews if r["claimReviewed"].startswith("Russia recruited"))
    assert manual["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "name": "AFP document"}
    upi = next(r for r in reviews if "at least 155" in r["claimReviewed"])
    assert upi["itemReviewed"]["appearance"]["identifier"].startswith("articles/upi-")


def test_claimreview_is_safe_inside_a_script_element(reviewed: tuple[Store, dict[str, int]]) -> None:
    store, ids = reviewed
    Reviewer(store, "<b>x</b>").decide(ids["afp_korea"], "unsupported", now=T0)
    text = report.render_claimreview(
        report.collect(store),
        generated_at=GENERATED,
        organization="Desk & Co </script>",
        report_url="https://x/r",
    )
    assert "<" not in text and ">" not in text and "&" not in text
    reviews = json.loads(text)
    assert all(r["author"] == {"@type": "Organization", "name": "Desk & Co </script>"} for r in reviews)
    assert {r["url"] for r in reviews} >= {f"https://x/r#claim-{ids['afp_korea']}"}


# --- dispatch ------------------------------------------------------------------------------------


def test_render_dispatches_and_names_the_formats(data: report.ReportData) -> None:
    assert set(report.FORMATS) == {"md", "json", "csv", "claimreview"}
    assert report.render("json", data, generated_at=GENERATED) == report.render_json(
        data, generated_at=GENERATED
    )
    with pytest.raises(InputError, match="md, json, csv, claimreview"):
        report.render("pdf", data, generated_at=GENERATED)
