"""The claim pane: the claim in its article, why it was extracted, who else reported it, and any
earlier decision or re-queue reason."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from factcheck.tui.data import ClaimDetail
from factcheck.tui.render import claim_pane

EMPTY = (
    "Nothing to review here.\n\n"
    "r rescans ./articles · a adds a claim by hand · f changes the filter · z undoes your last decision"
)


class ClaimView(VerticalScroll):
    """Scrollable text of the open claim; shows what it is given and nothing else."""

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY), id="claim-text")

    def show(self, detail: ClaimDetail | None, note: str | None = None) -> None:
        """Show a claim (or the empty-queue message) from the top."""
        text = claim_pane(detail, note) if detail is not None else Text(EMPTY)
        self.query_one("#claim-text", Static).update(text)
        self.border_title = f"Claim #{detail.claim.id}" if detail is not None else "Claim"
        self.scroll_home(animate=False)
