"""The top line: how far the review is, who is reviewing, which database."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from factcheck.models import Verdict
from factcheck.tui.data import Progress
from factcheck.tui.render import VERDICT_GLYPH, VERDICT_STYLE, one_line

WORDS_FROM = 100
"""Below this width verdict counts use glyphs (✓ ✗ ?) instead of words."""


class StatusBar(Static):
    """Progress, counts by verdict, reviewer and database on one line (no clock: snapshots stay stable)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; width: 1fr; }
    """

    def __init__(self, reviewer: str, database: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reviewer, self.database = reviewer, database
        self._progress: Progress | None = None
        self._said = ""

    def show(self, progress: Progress | None = None, *, reviewer: str | None = None) -> None:
        """Redraw with new counts and/or a new reviewer name."""
        if progress is not None:
            self._progress = progress
        if reviewer is not None:
            self.reviewer = reviewer
        self.update(self._line(), layout=False)

    def say(self, message: str) -> None:
        """Confirm what the last action did, in place (a toast per verdict would pile up and cost a
        relayout on every key)."""
        self._said = message
        self.update(self._line(), layout=False)

    def on_resize(self) -> None:
        self.update(self._line(), layout=False)

    def _line(self) -> Text:
        out = Text(" factcheck ", "bold reverse")
        p = self._progress
        if p is None:
            out.append("  counting…", "dim")
        else:
            out.append(f" {p.decided:,}/{p.total:,} decided", "bold")
            if p.requeued:
                out.append(f" · {p.requeued:,} re-queued", "bold yellow")
            words = self.size.width >= WORDS_FROM
            for verdict in Verdict:
                label = f" {verdict.value}" if words else VERDICT_GLYPH[verdict]
                out.append(f" {p.verdicts.get(verdict.value, 0):,}{label}", VERDICT_STYLE[verdict])
        if self._said:
            out.append(" │ ")
            out.append(one_line(self._said, 60), "bold")
        out.append(f" │ {one_line(self.reviewer, 16)} │ ")
        out.append(one_line(self.database), "dim")
        return out
