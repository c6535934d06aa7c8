"""Files in, articles out: find, decode, clean, segment and store articles with exact provenance,
then extract their claims and link evidence (the pipeline every entry point shares)."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol

from factcheck.models import Article
from factcheck.segment import clean_text, headline_of, split_passages
from factcheck.settings import DEFAULT_SETTINGS, Settings
from factcheck.storage import Store

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are skipped: no news article is 20 MB, and reading one would stall a review desk."""


@dataclass(frozen=True)
class Decoded:
    """Text recovered from a file's bytes, and how."""

    text: str
    encoding: str
    warning: str | None = None


class Skip(Exception):
    """This file is not ingested; the message says why (one line)."""


# --- decoding --------------------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes) -> Decoded:
    """Decode article bytes: a BOM decides; else strict UTF-8; else Windows-1252 (the usual legacy
    encoding of Western news pages) with a warning. Binary data raises ``Skip``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                raise Skip(
                    f"declares {encoding} with a byte-order mark but is not valid {encoding}"
                ) from None
    if _looks_binary(data):
        raise Skip("binary file (not text)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return Decoded(text, "cp1252", f"not valid UTF-8 (byte {exc.start}); read as Windows-1252")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(head) > 0 and controls / len(head) > 0.10


# --- HTML --------------------------------------------------------------------------------------

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "figcaption",
    "figure",
    "pre",
    "hr",
    "dd",
    "dt",
    "title",
}
_HIDDEN = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}


class _TextExtractor(HTMLParser):
    """HTML to plain text: block elements become line breaks; scripts, styles and head are dropped.
    Iterative (no recursion), so deeply nested markup cannot exhaust the stack."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN:
            self.hidden += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML document, one block per line, and its <title> if any."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title).split()) or None
    return text, title


# --- discovery -------------------------------------------------------------------------------------


def discover(paths: Iterable[Path]) -> Iterator[Path | Skip]:
    """Article files under the given files and folders, recursively and in a stable order. Hidden
    folders are not entered, symlinked folders are not followed (no loops); unreadable folders and
    unsupported explicit files are reported as ``Skip``."""
    for root in paths:
        if root.is_dir():
            yield from _walk(root)
        elif root.is_file():
            yield root
        elif root.exists():
            yield Skip(f"{safe_name(str(root))}: not a regular file (a pipe, socket or device)")
        elif root.is_symlink():
            yield Skip(f"{safe_name(str(root))}: broken symbolic link")
        else:
            yield Skip(f"{safe_name(str(root))}: no such file or folder")


def _walk(root: Path) -> Iterator[Path | Skip]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix.lower() in SUFFIXES and not name.startswith("."):
                yield path
    for err in errors:
        yield Skip(f"{safe_name(str(err.filename))}: {err.strerror or 'cannot be read'}")


# --- the pipeline ----------------------------------------------------------------------------------


@dataclass
class IngestReport:
    """What one ingest run did, for the summary line and for scripts."""

    added: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    claims: int = 0
    requeued: list[int] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing was skipped."""
        return not self.skipped

    def summary(self) -> str:
        """One line: what happened."""
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.resumed:
            parts.append(f"{len(self.resumed)} finished from an interrupted run")
        parts.append(f"{self.claims} new claims")
        if self.requeued:
            parts.append(f"{len(self.requeued)} re-queued")
        return "ingest: " + ", ".join(parts)


@dataclass(frozen=True)
class SourceFile:
    """One article file, read and cleaned: what gets stored, with its provenance."""

    text: str
    title: str
    sha256: str
    size: int
    encoding: str
    warning: str | None


def read_article(path: Path) -> SourceFile:
    """Read, decode and clean one file. Raises ``Skip`` with the reason when it cannot be used."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a named pipe or a device would block or never end
            raise Skip("not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise Skip(f"too large ({size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB)")
        data = path.read_bytes()
    except PermissionError:
        raise Skip("permission denied") from None
    except OSError as exc:
        raise Skip(exc.strerror or "cannot be read") from None
    if not data.strip():
        raise Skip("empty file")
    decoded = decode(data)
    text, title = decoded.text, None
    if path.suffix.lower() in {".html", ".htm"}:
        text, title = html_to_text(text)
    text = clean_text(text)
    if not text.strip():
        raise Skip("no text in it")
    title = (
        clean_text(title) if title else (headline_of(text) or safe_name(clean_text(_title_from_name(path))))
    )
    return SourceFile(text, title, hashlib.sha256(data).hexdigest(), size, decoded.encoding, decoded.warning)


def _title_from_name(path: Path) -> str:
    """A readable title from a file name: separators become spaces, ISO dates stay whole."""
    parts = re.split(r"(\d{4}-\d{2}-\d{2})", path.stem)
    words = " ".join(p if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p) else re.sub(r"[-_]+", " ", p) for p in parts)
    words = " ".join(words.split())
    return words[:1].upper() + words[1:] if words else path.name


class HookOutcome(Protocol):
    """What the rest of the pipeline reports back for one article (read-only, so a frozen dataclass fits)."""

    @property
    def claims(self) -> int: ...

    @property
    def requeued(self) -> list[int]: ...


ArticleHook = Callable[[Store, Article, Settings], HookOutcome]
BatchHook = Callable[[Store, list[Article], Settings], HookOutcome]


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    progress: Callable[[Path], None] | None = None,
    after_article: ArticleHook | None = None,
    after_batch: BatchHook | None = None,
    base: Path | None = None,
) -> IngestReport:
    """Ingest files and folders into the store. Each file is committed on its own, so a failure later
    loses nothing earlier. The rest of the pipeline (claims, evidence, re-queue) runs either on each new
    article as it is stored (``after_article``) or once on all of them at the end (``after_batch``,
    which lets a bulk ingest link the batch as a whole); either reports how many claims it created and
    which claims it re-queued. Articles an earlier, killed ingest left unfinished are taken up first."""
    if after_article and after_batch:
        raise ValueError("give after_article or after_batch, not both")
    report = IngestReport()
    pending: list[Article] = []
    if after_article or after_batch:
        for article in store.unfinished_articles():  # an earlier ingest was killed half-way
            if after_article:
                _record(report, after_article(store, article, settings))
            else:
                pending.append(article)
            report.resumed.append(article.path)
    for item in discover(paths):
        if isinstance(item, Skip):
            report.skipped.append(str(item))
            continue
        if progress:
            progress(item)
        stored = _ingest_one(store, item, report, settings, after_article, base, pipeline=bool(after_batch))
        if stored is not None and after_batch:
            pending.append(stored)
    if after_batch and pending:
        _record(report, after_batch(store, pending, settings))
    return report


def _already_stored(store: Store, shown: str, sha256: str, report: IngestReport) -> bool:
    """This exact content is already stored, at this path or (as a copy) at another; noted in the report."""
    current = store.latest_article_at(shown)
    if current and current.sha256 == sha256:
        report.unchanged.append(shown)
        return True
    twin = store.article_with_sha(sha256)
    if twin and twin.path != shown:
        report.unchanged.append(shown)
        report.warnings.append(f"{shown}: same content as {twin.path}, already ingested")
        return True
    return False


def _display_path(path: Path, base: Path | None) -> str:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a broken link or a loop names the link itself; read_article says why
        resolved = Path(os.path.abspath(path))
    root = (base or Path.cwd()).resolve()
    try:
        return safe_name(resolved.relative_to(root).as_posix())
    except ValueError:
        return safe_name(resolved.as_posix())


# What a file name may hold that a terminal would obey (C0, DEL, C1), that reorders what it shows
# (bidi controls), or that is not text (bytes undecodable in the file system's encoding, which Python
# keeps as lone surrogates and SQLite cannot store): stored and shown as escapes, as `ls -b` does.
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def safe_name(name: str) -> str:
    """A file name or path that is safe to store and to print: unsafe characters become escapes."""
    return _UNSAFE_NAME.sub(_escape_char, name)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code >= 0xDC80:  # an undecodable byte, kept by Python as a surrogate: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _ingest_one(
    store: Store,
    path: Path,
    report: IngestReport,
    settings: Settings,
    after: ArticleHook | None,
    base: Path | None,
    *,
    pipeline: bool = False,
) -> Article | None:
    """Store one file (None when it is skipped or already stored); ``pipeline``: a batch hook will
    process it later, so it is stored unfinished."""
    shown = _display_path(path, base)
    try:
        source = read_article(path)
    except Skip as why:
        report.skipped.append(f"{shown}: {why}")
        return None
    if source.warning:
        report.warnings.append(f"{shown}: {source.warning}")
    if _already_stored(store, shown, source.sha256, report):  # a re-scan's fast path, without the lock
        return None
    spans = split_passages(source.text)
    # Check again and store in one write transaction: another process ingesting the same folder at the
    # same moment must not store the same content twice (as a spurious new version). The pipeline runs
    # after the commit, in its own short transactions, so reviewers are not locked out while it works
    # (inside this transaction it starved them: one decision in an 8 s ingest of 100 articles).
    with store.write():
        if _already_stored(store, shown, source.sha256, report):
            return None
        article, _ = store.add_article(
            path=shown,
            title=source.title,
            sha256=source.sha256,
            text=source.text,
            encoding=source.encoding,
            size=source.size,
            spans=spans,
            stage="stored" if after or pipeline else "linked",
        )
    (report.updated if article.version > 1 else report.added).append(article)
    if after:
        _record(report, after(store, article, settings))
    return article


def _record(report: IngestReport, outcome: HookOutcome) -> None:
    report.claims += outcome.claims
    report.requeued.extend(outcome.requeued)
