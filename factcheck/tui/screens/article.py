"""A full article in a scrollable dialog, opened at one passage, which is highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from factcheck.models import Article
from factcheck.tui.render import STYLE_CLAIM, STYLE_DIM, STYLE_NUMBER, number_spans, one_line, safe, styled

STYLE_TARGET = "bold on #3b3b00"


def paragraphs(text: str, start: int, end: int) -> list[tuple[Text, bool]]:
    """The article cut at line breaks; the part in ``[start, end)`` highlighted with its numbers.
    Returns each paragraph and whether it holds the highlight."""
    out: list[tuple[Text, bool]] = []
    offset = 0
    for line in text.split("\n"):
        line_end = offset + len(line)
        if line.strip():
            hit = offset < end and line_end > start
            spans: list[tuple[int, int, str]] = []
            if hit:
                a, b = max(start - offset, 0), min(end - offset, len(line))
                spans.append((a, b, STYLE_TARGET))
                spans += [(s, e, STYLE_NUMBER) for s, e in number_spans(line) if s >= a and e <= b]
            out.append((styled(safe(line), spans), hit))
        offset = line_end + 1
    return out


class ArticleScreen(ModalScreen[None]):
    """Read a passage in its whole article. Esc, o or q closes."""

    BINDINGS = [
        Binding("escape,o,q", "close", "Close", id="article.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="article.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="article.up"),
    ]

    def __init__(self, article: Article, start: int, end: int, label: str = "passage") -> None:
        super().__init__()
        self.article, self.start, self.end, self.label = article, start, end, label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog article-dialog"):
            title = Text(one_line(self.article.title), STYLE_CLAIM)
            title.append(f"\n{one_line(self.article.path)} · version {self.article.version}", STYLE_DIM)
            if self.article.superseded:
                title.append(" · superseded by a newer version", "bold red")
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="article-body"):
                for text, hit in paragraphs(self.article.text, self.start, self.end):
                    yield Static(text, classes="paragraph -target" if hit else "paragraph")
            yield Static(
                f"The {self.label} is highlighted · j/k or arrows scroll · Esc closes", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#article-body").focus()
        self.call_after_refresh(self._scroll_to_target)

    def _scroll_to_target(self) -> None:
        targets: Sequence[Static] = list(self.query(".-target").results(Static))
        if targets:
            self.query_one("#article-body", VerticalScroll).scroll_to_center(targets[0], animate=False)

    def action_close(self) -> None:
        """Back to the review."""
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        """Scroll the article a line."""
        body = self.query_one("#article-body", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False)
