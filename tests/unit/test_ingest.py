"""Ingest: decoding, HTML, bad files, idempotence, versions, provenance."""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

import pytest

from factcheck.ingest import decode, html_to_text, ingest_paths
from factcheck.models import ExtractedClaim
from factcheck.queue import Reviewer
from factcheck.storage import Store

STORY = "Officials said 155 people were hurt in the blast on Tuesday.\nThe mayor said “we will rebuild,” adding nothing.\n"


def _ingest(store: Store, *paths: Path, base: Path | None = None):  # type: ignore[no-untyped-def]
    return ingest_paths(store, list(paths), base=base)


def test_samples_are_stored_with_provenance(store: Store, sample_dir: Path) -> None:
    report = _ingest(store, sample_dir, base=sample_dir.parent)
    assert report.ok and len(report.added) == 5
    for article in store.articles(with_text=True):
        raw = (sample_dir.parent / article.path).read_bytes()
        assert article.sha256 == hashlib.sha256(raw).hexdigest()
        assert article.path.startswith("articles/")
        for passage in store.passages(article.id):
            assert article.text[passage.start : passage.end] == passage.text


def test_titles_come_from_headline_or_file_name(store: Store, sample_dir: Path) -> None:
    _ingest(store, sample_dir, base=sample_dir.parent)
    titles = {Path(a.path).name.split("-")[0]: a.title for a in store.articles()}
    assert titles["afp"] == "Ukraine Claims Dozens of Chinese Nationals Fighting for Russia"
    assert titles["upi"].lower().startswith("upi 2025")


def test_reingest_is_idempotent(store: Store, sample_dir: Path) -> None:
    _ingest(store, sample_dir)
    again = _ingest(store, sample_dir)
    assert not again.added and not again.updated and len(again.unchanged) == 5
    assert len(store.articles(include_superseded=True)) == 5


def test_same_content_at_two_paths_is_one_article(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(STORY, encoding="utf-8")
    report = _ingest(store, tmp_path / "a.txt", tmp_path / "copy.txt")
    assert len(report.added) == 1 and len(report.unchanged) == 1
    assert any("same content" in w for w in report.warnings)


def test_changed_file_becomes_a_new_version_and_keeps_old_decisions(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    [first] = _ingest(store, path).added
    [claim_id] = store.add_claims(
        first.id, [ExtractedClaim(text="Officials said", start=0, end=14, score=0.9)]
    )
    Reviewer(store, "ana").decide(claim_id, "unsupported", note="no second source")
    path.write_text(STORY.replace("155", "160"), encoding="utf-8")
    report = _ingest(store, path)
    [second] = report.updated
    assert second.version == 2 and second.path == first.path
    old = store.claim(claim_id)
    assert old.superseded and old.verdict is not None and old.verdict.value == "unsupported"
    assert [e.kind.value for e in store.history(claim_id)] == ["decided"]
    assert store.article(first.id).superseded


@pytest.mark.parametrize(
    ("data", "encoding", "warns"),
    [
        (STORY.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + STORY.encode("utf-8"), "utf-8", False),
        (STORY.encode("utf-16"), "utf-16", False),  # with BOM
        (codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"), "utf-16", False),
        ("Café owners said 12 € was the price.".encode("cp1252"), "cp1252", True),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_decoding(data: bytes, encoding: str, warns: bool) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert (decoded.warning is not None) == warns
    assert "\ufeff" not in decoded.text
    assert "said" in decoded.text


def test_bad_files_are_skipped_with_a_reason_and_the_rest_go_on(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("  \n\n ", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article type: ignored in folders
    report = _ingest(store, folder)
    assert [a.path.split("/")[-1] for a in report.added] == ["good.txt"]
    reasons = "\n".join(report.skipped)
    assert "empty.txt: empty file" in reasons and "blank.md: empty file" in reasons
    assert "image.txt: binary file" in reasons
    assert len(report.skipped) == 3 and not report.ok


def test_missing_path_and_symlink_loop(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    os.symlink(folder, folder / "again")
    report = _ingest(store, folder, tmp_path / "nope")
    assert len(report.added) == 1
    assert any("no such file" in s for s in report.skipped)


def test_control_sequences_never_reach_the_store(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "evil.txt"
    path.write_text(
        "Officials\x1b]0;owned\x07 said \x1b[2J155 people\x9b31m were hurt.\u202e\n", encoding="utf-8"
    )
    [article] = _ingest(store, path).added
    text = store.article(article.id).text
    assert text == "Officials said 155 people were hurt.\n"


def test_html_is_reduced_to_text(store: Store, tmp_path: Path) -> None:
    html = (
        "<html><head><title>City &amp; Blast</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body><h1>City Blast</h1><p>Officials said 155 people"
        " were hurt.</p><div><p>The mayor said so.</p></div><noscript>enable js</noscript></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [article] = _ingest(store, path).added
    stored = store.article(article.id)
    assert stored.title == "City & Blast"
    assert stored.text == "City Blast\nOfficials said 155 people were hurt.\nThe mayor said so."


def test_deeply_nested_html_does_not_blow_the_stack() -> None:
    text, _ = html_to_text("<div>" * 50_000 + "Deep text here." + "</div>" * 50_000)
    assert text == "Deep text here."


def test_an_article_left_half_done_is_finished_by_the_next_ingest(store: Store, tmp_path: Path) -> None:
    """An ingest killed after storing an article but before its claims were extracted (stage
    'stored') or linked (stage 'extracted') is completed by the next run, once, without duplicates."""
    from factcheck.pipeline import process_article
    from factcheck.segment import split_passages

    first = tmp_path / "a.txt"
    first.write_text(STORY, encoding="utf-8")
    [done] = ingest_paths(store, [first], after_article=process_article).added
    text = "Hospital staff said 155 people were treated for injuries after the blast on Tuesday.\n"
    half, _ = store.add_article(
        path="b.txt",
        title="B",
        sha256="b" * 64,
        text=text,
        encoding="utf-8",
        size=len(text),
        spans=split_passages(text),
        stage="stored",
    )
    assert store.article(half.id).stage == "stored" and store.claims(article_id=half.id) == []
    assert store.article(done.id).stage == "linked"

    report = ingest_paths(store, [first], after_article=process_article)
    assert report.resumed == ["b.txt"] and "1 finished from an interrupted run" in report.summary()
    claims = store.claims(article_id=half.id)
    assert claims and store.article(half.id).stage == "linked"
    linked = store.candidates_for([c.id for c in store.claims(article_id=done.id)])
    assert any(store.passage(c.passage_id).article_id == half.id for cs in linked.values() for c in cs), (
        "the resumed article's passages became evidence for the earlier article's claims"
    )

    again = ingest_paths(store, [first], after_article=process_article)
    assert again.resumed == [] and len(store.claims(article_id=half.id)) == len(claims)


def test_a_batch_stopped_while_linking_is_finished_and_counts_no_claim_twice(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the linking of a batch: the next ingest links what was left, and reports as new
    only claims it extracted itself (the stopped run had stored the others)."""
    from factcheck import pipeline

    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(STORY.replace("155", str(155 + i)), encoding="utf-8")

    def stopped(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    real = pipeline.link_new_articles
    monkeypatch.setattr(pipeline, "link_new_articles", stopped)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(store, [folder], after_batch=pipeline.process_articles)
    extracted = store.claims()
    assert extracted and {a.stage for a in store.articles()} == {"extracted"}

    monkeypatch.setattr(pipeline, "link_new_articles", real)
    report = ingest_paths(store, [folder], after_batch=pipeline.process_articles)
    assert sorted(Path(p).name for p in report.resumed) == ["0.txt", "1.txt", "2.txt"]
    assert report.claims == 0
    assert [c.id for c in store.claims()] == [c.id for c in extracted]
    assert {a.stage for a in store.articles()} == {"linked"}
    assert all(store.candidates_for([c.id for c in extracted]).values())
