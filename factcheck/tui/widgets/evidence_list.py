"""The evidence pane: a claim's candidates numbered 1-9, plus any passage linked by search."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from factcheck.tui.data import ClaimDetail, EvidenceItem
from factcheck.tui.render import evidence_prompt

MAX_NUMBERED = 9


class EvidenceList(OptionList):
    """Candidates for the open claim. The highlighted one is the evidence a verdict will cite; nothing
    is highlighted until the reviewer picks (1-9, arrows, a click), so no passage is cited by accident."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="evidence.down"),
        Binding("k", "cursor_up", "Up", show=False, id="evidence.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.items: list[EvidenceItem] = []
        self._claim_text = ""
        self._cited: int | None = None

    def show(self, detail: ClaimDetail | None) -> None:
        """List the claim's candidates (and the passage its decision cites, when not among them)."""
        self._claim_text = detail.claim.text if detail is not None else ""
        self._cited = detail.claim.evidence_passage_id if detail is not None else None
        items: list[EvidenceItem] = list(detail.evidence) if detail is not None else []
        if detail is not None and detail.decision_evidence is not None:
            items.append(detail.decision_evidence)
        self._set_items(items)

    def add_found(self, item: EvidenceItem) -> None:
        """Add a passage found by evidence search (if not listed yet) and select it."""
        for index, existing in enumerate(self.items):
            if existing.passage.id == item.passage.id:
                self.highlighted = index
                return
        self._set_items([*self.items, item])
        self.highlighted = len(self.items) - 1

    def select_number(self, number: int) -> bool:
        """Select candidate ``number`` (1-based); False when there is no such candidate."""
        if not 1 <= number <= len(self.items):
            return False
        self.highlighted = number - 1
        return True

    @property
    def selected(self) -> EvidenceItem | None:
        """The evidence a verdict would cite now."""
        index = self.highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def _set_items(self, items: Sequence[EvidenceItem]) -> None:
        self.items = list(items)
        options: list[Option | None] = []
        for i, item in enumerate(self.items):
            options += [
                Option(
                    evidence_prompt(
                        i + 1 if i < MAX_NUMBERED else None,
                        item,
                        self._claim_text,
                        cited=item.passage.id == self._cited,
                    )
                ),
                None,
            ]
        self.set_options(options[:-1])
        count = len(self.items)
        self.border_title = f"Evidence · {count}" if count else "Evidence · none (e: search all passages)"
