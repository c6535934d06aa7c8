"""Property tests of ingest on arbitrary input: any bytes are either decoded or skipped with a reason
(never a crash, never text SQLite cannot store), and any hostile text survives the whole trip (file,
decode, clean, segment, SQLite, back) with exact passage offsets.

Sentence offsets on clean text are property-tested in tests/unit/test_segment.py; the number parser
and the Markdown escaper have their own. These go through files and the real Store."""

from __future__ import annotations

import codecs
import hashlib
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factcheck.ingest import Decoded, Skip, decode, ingest_paths, read_article
from factcheck.segment import clean_text
from factcheck.storage import Store

BOMS = [
    b"",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
]
HOSTILE_PIECES = [
    "\x1b]0;title\x07",
    "\x1b[31m",
    "\x1b[2J",
    "\x9b1m",
    "\x1bP+q\x1b\\",
    "\u202e",
    "\u2066",
    "\u2069",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "\x00",
    "\x85",
    "[bold red]",
    "<b>",
    "&amp;",
    "e\u0301",  # a combining accent: NFC changes the length
    "\ufb01",  # a ligature NFC keeps
    "\U0001f600",
    "U.S. ",
    "$3,530 ",
    "“quoted,” he said. ",
    "Dr. ",
    "... ",
    " ",
    ". ",
]
# Text from whole hostile pieces and arbitrary characters (no surrogates: a file cannot hold them).
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(min_size=1, max_size=12)), max_size=40
).map("".join)


def _storable(text: str) -> None:
    text.encode("utf-8")  # raises on a lone surrogate, which SQLite would refuse


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(BOMS), st.binary(max_size=600))
@example(codecs.BOM_UTF16_LE, b"\x00\xd8")  # a lone high surrogate after a UTF-16 BOM
@example(codecs.BOM_UTF32_LE, b"\x00\xd8\x00\x00")  # a surrogate code point in UTF-32
@example(codecs.BOM_UTF32_LE, b"\x00\x00\x11\x00")  # beyond U+10FFFF
@example(b"", b"\xff\xfe\x00")
def test_any_bytes_are_decoded_or_skipped(bom: bytes, data: bytes) -> None:
    try:
        result = decode(bom + data)
    except Skip as why:
        assert str(why) and "\n" not in str(why)
        return
    assert isinstance(result, Decoded)
    _storable(result.text)
    assert result.encoding in {"utf-8", "utf-16", "utf-32", "cp1252"}


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


_names = itertools.count()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".html", ".md"]))
def test_any_file_is_read_or_skipped(scratch: Path, data: bytes, suffix: str) -> None:
    path = scratch / f"f{next(_names)}{suffix}"
    path.write_bytes(data)
    try:
        source = read_article(path)
    except Skip as why:
        assert str(why) and "\n" not in str(why)
        return
    _storable(source.text)
    _storable(source.title)
    assert source.text.strip() and clean_text(source.text) == source.text, "stored text is already clean"


@pytest.fixture(scope="module")
def store(scratch: Path) -> Iterator[Store]:
    with Store(scratch / "queue.db") as s:
        yield s


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
@example("Officials\x1b]0;owned\x07 said \x1b[2J155 people\x9b31m were hurt.\u202e\r\nNext line.", "utf-8")
@example("e\u0301" * 50 + ". Then 155 said.\n\n\n  \t x", "utf-16")
def test_hostile_text_round_trips_through_ingest_with_exact_offsets(
    store: Store, scratch: Path, raw: str, encoding: str
) -> None:
    path = scratch / f"a{next(_names)}.txt"
    path.write_bytes(raw.encode(encoding))
    report = ingest_paths(store, [path], base=scratch)
    expected = clean_text(raw)
    if report.skipped:  # binary-looking (NUL bytes, mostly controls) or nothing left after cleaning
        [reason] = report.skipped
        # FF FE 00 00 is both the UTF-32 LE byte-order mark and UTF-16 LE text starting with U+0000.
        ambiguous_bom = encoding == "utf-16" and raw.startswith("\x00") and "byte-order mark" in reason
        assert "\n" not in reason and ("binary" in reason or ambiguous_bom or not expected.strip()), reason
        return
    if report.unchanged:  # the same bytes came up before: stored once, as they should be
        assert store.article_with_sha(hashlib.sha256(path.read_bytes()).hexdigest()) is not None
        return
    [article] = report.added
    stored = store.article(article.id)
    assert stored.text == expected, "what is stored is exactly the cleaned text"
    previous_end = 0
    for passage in store.passages(article.id):
        assert stored.text[passage.start : passage.end] == passage.text
        assert passage.text and passage.text == passage.text.strip() and "\n" not in passage.text
        assert passage.start >= previous_end
        previous_end = passage.end
    covered = "".join(stored.text[p.start : p.end] for p in store.passages(article.id))
    assert "".join(covered.split()) == "".join(expected.split()), "no text falls outside a passage"
