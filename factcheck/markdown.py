"""Markdown building blocks that keep untrusted text literal: escaping, tables, quotes, Mermaid pies.

Everything that comes from an article, a note or a file name goes through ``escape_inline``. The
result is ONE source line whose rendered text equals the input, in a paragraph, a heading, a list
item, a blockquote or a table cell, on GitHub (cmark-gfm) and markdown-it alike, and it never
produces an HTML tag except the ``<br>`` we put for a newline. How:

* Backslash-escape the ASCII punctuation that means something in CommonMark or GFM anywhere in a
  line: ``\\ ` * _ [ ] < > # | ~ $ & @`` (``$`` is GitHub math, ``~`` strikethrough, ``|`` a
  table cell, ``<`` and ``&`` raw HTML and entities, ``@`` e-mail autolinks). CommonMark allows a
  backslash before any ASCII punctuation, so an escape is never wrong, only noisy: we escape where
  it matters.
* Escape what is special only in some places: ``- + =`` and ``1.``/``1)`` at the start (lists,
  setext headings, thematic breaks), ``.`` before a non-space (``www.`` and bare-domain autolinks)
  and ``:`` before ``/`` (``https://`` autolinks).
* Newlines become ``<br>`` so the text stays on one line (a table row, a ``> `` quote line) while the
  line break survives. Control characters become U+FFFD. Whitespace at either end becomes a numeric
  character reference, because Markdown trims it and four leading spaces would start a code block.

Not covered, because GitHub applies them to the rendered text after Markdown: ``@mentions``,
``#123`` issue references and ``:emoji:`` shortcodes in a repository file or issue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

__all__ = ["escape_inline", "escape_cell", "table", "blockquote", "mermaid_pie", "code_literal"]

# Special in CommonMark/GFM wherever they stand in a line (see the module docstring). The backslash
# comes first so the escapes added later are not escaped again.
_ALWAYS = "\\`*_[]<>#|~$&@"
# Autolink triggers: a dot inside a domain or number, a colon before "//".
_DOT = re.compile(r"\.(?=\S)")
_SCHEME = re.compile(r":(?=/)")
# Special only at the start of a block: list bullets, setext underlines, ordered-list markers.
_LEADING = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
_MARKER_STARTS = frozenset("-+=0123456789")
# A code span cannot hold these: a backtick ends it, a pipe ends a table cell even inside it.
_CODE_UNSAFE = re.compile(r"[`|\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NEWLINES = re.compile(r"\r\n?|\n")
# Control characters (C0 but tab and line breaks, DEL, C1) become U+FFFD: invisible in a report, a
# terminal escape in a file someone cats, and not expressible as a character reference at a line end.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@functools.lru_cache(maxsize=4096)
def escape_inline(text: str) -> str:
    """``text`` as one line of inline Markdown that renders as exactly ``text`` (newlines as ``<br>``).

    Cached: a report escapes the same titles, names, figures and passages again and again (in the
    10,000-claim benchmark four calls in five are repeats, and rendering takes 40 % less time)."""
    if not text:
        return ""
    text = _CONTROLS.sub("\ufffd", text)
    if "\n" not in text and "\r" not in text:  # the common case, kept fast for big reports
        return _escape_line(text, first=True)
    lines = _NEWLINES.split(text)
    escaped = "<br>".join(_escape_line(line, first=i == 0) for i, line in enumerate(lines))
    # A line that is one lone tag opens an HTML block; a lone newline is written as a reference instead.
    return "&#10;" if escaped == "<br>" else escaped


def escape_cell(text: str | None) -> str:
    """A table cell: ``escape_inline`` (pipes included), an em dash for nothing."""
    return escape_inline(text) if text else "—"


def _escape_line(line: str, *, first: bool) -> str:
    """Escape one line; ``first`` is whether it opens the block (where list markers count)."""
    body = line.strip()
    if not body:
        return "".join(map(_char_ref, line))
    escaped = _escape_specials(body)
    if first and line[0] in _MARKER_STARTS:  # a marker counts only with no whitespace before it
        escaped = _LEADING.sub(_escape_marker, escaped, count=1)
    if len(body) == len(line):
        return escaped
    lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
    return "".join(map(_char_ref, lead)) + escaped + "".join(map(_char_ref, trail))


def _escape_specials(text: str) -> str:
    """Backslash-escape the characters that are special anywhere (plain ``str.replace`` calls: a report
    escapes a hundred thousand strings, and this is several times faster than one regex with a
    callback or a group template)."""
    for ch in _ALWAYS:
        if ch in text:
            text = text.replace(ch, "\\" + ch)
    if "." in text:
        text = _DOT.sub(r"\\.", text)
    if ":" in text:
        text = _SCHEME.sub(r"\\:", text)
    return text


def _escape_marker(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def _char_ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def code_literal(text: str) -> str:
    """A file name or hash as a code span when that is safe (no backtick, pipe, line break or control
    character, no space at either end; a code span shows everything else literally), else escaped."""
    plain = text and text.strip() == text and not _CODE_UNSAFE.search(text)
    return f"`{text}`" if plain else escape_inline(text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, align: str = "") -> list[str]:
    """A GFM table from already-escaped cells. ``align`` has one letter per column: l, r or c."""
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    rule = [marks.get(a, "---") for a in align.ljust(len(headers), "-")]
    lines = [_row(headers), _row(rule)]
    lines.extend(_row(r) for r in rows)
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def blockquote(text: str, *, indent: str = "") -> str:
    """An escaped quote line (``indent`` nests it under a list item)."""
    return f"{indent}> {escape_inline(text)}" if text else f"{indent}>"


def mermaid_pie(title: str, slices: Sequence[tuple[str, int]]) -> list[str]:
    """A Mermaid pie chart (GitHub draws it). Labels are ours, never user text; empty slices are left
    out because Mermaid draws a zero slice as a stray label. Returns no lines when all are zero."""
    shown = [(label, n) for label, n in slices if n > 0]
    if not shown:
        return []
    lines = ["```mermaid", f"pie title {title}"]
    lines.extend(f'    "{label}" : {n}' for label, n in shown)
    lines.append("```")
    return lines
