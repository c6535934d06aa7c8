"""The queue pane: the filter and search in its title, a search box, and the claims list.

The queue can hold 100,000 claims, so it is never loaded whole: ``QueueList`` asks for the pages it
has to draw, and this pane reads them (with the count) on a worker thread with its own connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from factcheck.models import Claim
from factcheck.queue import FILTERS
from factcheck.tui.connections import Connections
from factcheck.tui.data import QueueRow, Sources, load_queue_page
from factcheck.tui.messages import QueuePageLoaded
from factcheck.tui.render import one_line
from factcheck.tui.tasks import JOB_ERRORS
from factcheck.tui.widgets.queue_list import HEADER, PAGE, QueueList

FILTER_NAMES = tuple(FILTERS)


class QueuePane(Vertical):
    """Filter + search + list. It reads the store on its own thread; it only reports which claim the
    reviewer picked (``ClaimPicked``) and never changes review state itself."""

    BINDINGS = [Binding("escape", "clear_search", "Clear search", show=False, id="queue.clear-search")]

    @dataclass
    class ClaimPicked(Message):
        """The reviewer chose a claim in the queue (Enter or click)."""

        claim_id: int

    def __init__(self, connections: Connections, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.connections = connections
        self.filter_name = "pending"
        self.search = ""
        self.total = 0
        self._generation = 0
        self._loading = True
        self._current: Claim | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search claims (Enter: to the list, Esc: clear)", id="queue-search")
        yield Static(Text(HEADER, "bold"), id="queue-header")
        yield QueueList(id="queue-list")

    def on_mount(self) -> None:
        self.reload()

    @property
    def list(self) -> QueueList:
        """The claims list."""
        return self.query_one(QueueList)

    # --- what the screen tells the pane ------------------------------------------------------------

    def set_filter(self, name: str) -> None:
        """Show another filter (pending / requeued / decided / all) from the top."""
        self.filter_name = name
        self.reload()

    def cycle_filter(self) -> str:
        """Move to the next filter and return its name."""
        index = (FILTER_NAMES.index(self.filter_name) + 1) % len(FILTER_NAMES)
        self.set_filter(FILTER_NAMES[index])
        return self.filter_name

    def mark_current(self, claim: Claim | None) -> None:
        """Point at the open claim, and show its new status in its row if it is loaded."""
        self._current = claim
        if claim is not None:
            self.update_claim(claim)
        self.list.mark_current(claim.id if claim else None)

    def update_claim(self, claim: Claim) -> None:
        """Redraw one loaded row after a decision, undo or skip (rows do not jump around under the
        reviewer; the order is read again on the next reload)."""
        row = self.list.row_of(claim.id)
        if row is not None:
            self.list.update_row(QueueRow(claim, row.outlet, row.conflict))

    def reload(self) -> None:
        """Read the count and the first page again."""
        self._generation += 1
        self._loading = True
        self._update_title()
        self._load_page(self._generation, 0, count=True)

    # --- paging -------------------------------------------------------------------------------------

    @on(QueueList.PageWanted)
    def _page_wanted(self, message: QueueList.PageWanted) -> None:
        message.stop()
        self._load_page(self._generation, message.page, count=False)

    @work(thread=True, group="queue-page")
    def _load_page(self, generation: int, page: int, *, count: bool) -> None:
        """Read one page (and, for a new filter or search, the count) on a borrowed connection."""
        statuses, search = FILTERS[self.filter_name], self.search
        try:
            with self.connections.borrow() as store:
                total = store.queue_count(statuses=statuses, search=search or None) if count else -1
                rows = load_queue_page(store, Sources(store), statuses, search, page * PAGE, PAGE)
        except JOB_ERRORS as exc:
            self.post_message(QueuePageLoaded(generation, page, [], -1, error=str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(QueuePageLoaded(generation, page, rows, total))

    @on(QueuePageLoaded)
    def _page_loaded(self, message: QueuePageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # an older filter or search: drop it
        if message.error:
            self.notify(f"Could not read the queue: {message.error}", severity="warning")
        if message.total >= 0:
            self._loading = False
            self.total = message.total
            empty = "No claims here. f: next filter" + (" · Esc: clear the search" if self.search else "")
            self.list.reset(message.total, empty)
        current = self._current  # a page read before the claim was leased still shows it as it is now
        rows = [
            QueueRow(current, r.outlet, r.conflict) if current and r.claim.id == current.id else r
            for r in message.rows
        ]
        self.list.put_page(message.page, rows)
        self._update_title()

    @on(QueueList.Picked)
    def _picked(self, message: QueueList.Picked) -> None:
        message.stop()
        self.post_message(self.ClaimPicked(message.claim_id))

    def _update_title(self) -> None:
        shown = "loading…" if self._loading else f"{self.total:,}"
        search = f" · “{one_line(self.search, 20)}”" if self.search else ""
        self.border_title = Text(f"Queue · {self.filter_name}{search} · {shown}")

    # --- search -------------------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#queue-search", Input).focus()

    @on(Input.Changed, "#queue-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search = event.value.strip()
        self.reload()

    @on(Input.Submitted, "#queue-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.list.focus()

    def action_clear_search(self) -> None:
        """Empty the search box (Esc) and show the whole filter again."""
        search = self.query_one("#queue-search", Input)
        if search.value:
            search.value = ""
        self.list.focus()
