"""Find evidence anywhere in the corpus (full-text search over every passage) and pick one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from factcheck.tui.connections import Connections
from factcheck.tui.data import EvidenceItem, Sources
from factcheck.tui.render import (
    STYLE_LABEL,
    STYLE_MATCH,
    content_words,
    matched_spans,
    one_line,
    safe,
    styled,
)
from factcheck.tui.tasks import JOB_ERRORS

LIMIT = 50


@dataclass
class EvidenceFound(Message):
    """A search over all passages finished."""

    query: str
    items: list[EvidenceItem]
    error: str | None = None


def result_prompt(item: EvidenceItem, query: str) -> Text:
    """A result: its source and score, then the passage with the searched words highlighted."""
    out = Text()
    out.append(f"{item.score:>5.1f} " if item.score is not None else "      ", STYLE_LABEL)
    out.append(one_line(item.source.outlet if item.source else "?"), STYLE_LABEL)
    out.append(f"  passage {item.passage.id}\n", "dim")
    text = safe(item.passage.text)
    out.append_text(styled(text, [(s, e, STYLE_MATCH) for s, e in matched_spans(text, content_words(query))]))
    return out


class EvidenceSearchScreen(ModalScreen[int | None]):
    """Type words, see matching passages from other articles, Enter links the highlighted one.
    The search runs on a worker thread with a borrowed connection; typing restarts it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="evidence-search.cancel"),
        Binding("down", "to_results", "Results", show=False, id="evidence-search.results"),
    ]

    def __init__(self, connections: Connections, query: str, exclude_article_ids: Sequence[int] = ()) -> None:
        super().__init__()
        self.connections, self.query_text = connections, one_line(query)
        self.exclude = tuple(exclude_article_ids)
        self.items: list[EvidenceItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search-dialog"):
            yield Label("Find evidence in all passages", classes="dialog-title")
            yield Input(self.query_text, placeholder="words to search for", id="evidence-query")
            yield OptionList(id="evidence-results", markup=False)
            yield Static(
                "Type to search · ↓ to the results · Enter links the passage · Esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#evidence-query", Input).focus()
        self._search(self.query_text)

    @on(Input.Changed, "#evidence-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#evidence-query")
    def _query_submitted(self) -> None:
        self.action_to_results()

    @work(thread=True, exclusive=True, group="evidence-search")
    def _search(self, query: str) -> None:
        """Search on a borrowed connection; a stale search (the reviewer kept typing) is dropped."""
        from factcheck.matching import search_evidence  # rapidfuzz and friends: loaded on first search

        if not query.strip():
            self.post_message(EvidenceFound(query, []))
            return
        try:
            with self.connections.borrow() as store:
                sources = Sources(store)
                found = search_evidence(store, query, limit=LIMIT, exclude_article_ids=self.exclude)
                sources.prefetch(p.article_id for p, _ in found)
                items = [
                    EvidenceItem(p, sources.get(p.article_id), score, origin="search") for p, score in found
                ]
        except JOB_ERRORS as exc:  # a failed search is shown, not fatal
            self.post_message(EvidenceFound(query, [], error=str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(EvidenceFound(query, items))

    @on(EvidenceFound)
    def _found(self, message: EvidenceFound) -> None:
        if message.query != self.query_one("#evidence-query", Input).value:
            return
        self.items = message.items
        results = self.query_one("#evidence-results", OptionList)
        results.set_options(Option(result_prompt(item, message.query)) for item in self.items)
        if message.error:
            results.border_title = Text(f"search failed: {one_line(message.error, 60)}")
        else:
            results.border_title = f"{len(self.items)} passages" + (
                " (first 50)" if len(self.items) >= LIMIT else ""
            )

    def action_to_results(self) -> None:
        """Move from the search box to the results."""
        results = self.query_one("#evidence-results", OptionList)
        if self.items:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    @on(OptionList.OptionSelected, "#evidence-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.items[event.option_index].passage.id)

    def action_cancel(self) -> None:
        """Close without linking anything."""
        self.dismiss(None)
