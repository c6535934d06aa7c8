"""The queue pane: a filter, a search box and a table of claims paged from the store.

The queue can hold 100,000 claims, so it is never loaded whole: pages of ``PAGE`` rows are read by a
thread worker on its own connection and appended when the cursor nears the end of what is loaded
(a DataTable filled with 100k rows takes ~15 s and ~140 MB to start; a 200-row page takes 0.26 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input
from textual.worker import get_current_worker

from factcheck.models import Claim
from factcheck.queue import FILTERS
from factcheck.storage import Store
from factcheck.tui.data import QueueRow, Sources, load_queue_page
from factcheck.tui.messages import QueuePageLoaded
from factcheck.tui.render import STYLE_WARN, one_line, queue_status
from factcheck.tui.tasks import JOB_ERRORS

PAGE = 200
"""Rows read per page."""
PREFETCH = 20
"""Load the next page when the cursor is this close to the last loaded row."""
SNIPPET = 160
"""Characters of claim text kept per row; the pane cuts the rest at its edge."""
SOURCE = 9
"""Characters of the outlet name shown."""
FILTER_NAMES = tuple(FILTERS)


class QueueTable(DataTable[Text]):
    """Claims in review order; Enter opens the highlighted one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="queue.down"),
        Binding("k", "cursor_up", "Up", show=False, id="queue.up"),
    ]


class QueuePane(Vertical):
    """Filter + search + paged table. It reads the store on its own thread; it only reports which
    claim the reviewer picked (``ClaimPicked``) and never changes review state itself."""

    BINDINGS = [Binding("escape", "clear_search", "Clear search", show=False, id="queue.clear-search")]

    @dataclass
    class ClaimPicked(Message):
        """The reviewer chose a claim in the queue (Enter or click)."""

        claim_id: int

    def __init__(self, db_path: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db_path = db_path
        self.filter_name = "pending"
        self.search = ""
        self.total = 0
        self.current_id: int | None = None
        self._generation = 0
        self._loading = False
        self._rows: dict[int, QueueRow] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search claims (Enter: to the list, Esc: clear)", id="queue-search")
        yield QueueTable(id="queue-table", cursor_type="row", cell_padding=0)

    def on_mount(self) -> None:
        table = self.table
        table.add_column(" ", key="flags", width=4)
        table.add_column("score", key="score", width=6)
        table.add_column("source", key="source", width=SOURCE + 1)
        table.add_column("claim", key="claim", width=SNIPPET)
        self._update_title()
        self.reload()

    @property
    def table(self) -> QueueTable:
        """The claims table."""
        return self.query_one(QueueTable)

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
        previous, self.current_id = self.current_id, claim.id if claim else None
        if previous is not None and previous in self._rows:
            self._set_flags(self._rows[previous])
        if claim is not None:
            self.update_claim(claim)

    def update_claim(self, claim: Claim) -> None:
        """Refresh one loaded row in place after a decision, undo or skip (rows do not jump around
        under the reviewer; the order is re-read on the next reload)."""
        row = self._rows.get(claim.id)
        if row is not None:
            self._rows[claim.id] = QueueRow(claim, row.outlet, row.conflict)
            self._set_flags(self._rows[claim.id])

    def reload(self) -> None:
        """Throw away the loaded rows and read the first page again."""
        self._generation += 1
        self._rows.clear()
        self.table.clear()
        self._loading = True
        self._load_page(self._generation, 0)
        self._update_title()

    # --- paging -------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="queue-page")
    def _load_page(self, generation: int, offset: int) -> None:
        """Read one page (and the count) on this thread's own connection."""
        statuses = FILTERS[self.filter_name]
        try:
            with Store(self.db_path) as store:
                rows = load_queue_page(store, Sources(store), statuses, self.search, offset, PAGE)
                total = (
                    store.queue_count(statuses=statuses, search=self.search or None) if offset == 0 else -1
                )
        except JOB_ERRORS as exc:
            self.post_message(QueuePageLoaded(generation, offset, [], -1, error=str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(QueuePageLoaded(generation, offset, rows, total))

    @on(QueuePageLoaded)
    def _page_loaded(self, message: QueuePageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._loading = False
        if message.error:
            self.notify(f"Could not read the queue: {message.error}", severity="warning")
        if message.total >= 0:
            self.total = message.total
        table = self.table
        for row in message.rows:
            if row.claim.id in self._rows:
                continue
            self._rows[row.claim.id] = row
            table.add_row(*self._cells(row), key=str(row.claim.id))
        self._update_title()

    def _flags(self, row: QueueRow) -> Text:
        """Open-claim pointer, status glyph, conflict marker."""
        out = Text("▶" if row.claim.id == self.current_id else " ", "bold")
        out.append_text(queue_status(row.claim))
        out.append("≠" if row.conflict else " ", STYLE_WARN)
        return out

    def _cells(self, row: QueueRow) -> tuple[Text, ...]:
        claim = row.claim
        return (
            self._flags(row),
            Text(f"{claim.score:.2f}", "dim"),
            Text(one_line(row.outlet, SOURCE)),
            Text(one_line(claim.text, SNIPPET)),
        )

    def _set_flags(self, row: QueueRow) -> None:
        self.table.update_cell(str(row.claim.id), "flags", self._flags(row))

    @on(DataTable.RowHighlighted)
    def _maybe_load_more(self, event: DataTable.RowHighlighted) -> None:
        loaded = len(self._rows)
        if not self._loading and loaded < self.total and event.cursor_row >= loaded - PREFETCH:
            self._loading = True
            self._load_page(self._generation, loaded)

    @on(DataTable.RowSelected)
    def _picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.ClaimPicked(int(event.row_key.value)))

    def _update_title(self) -> None:
        shown = f"{len(self._rows):,} of {self.total:,}" if not self._loading else "loading…"
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
        self.table.focus()

    def action_clear_search(self) -> None:
        """Empty the search box (Esc) and show the whole filter again."""
        search = self.query_one("#queue-search", Input)
        if search.value:
            search.value = ""
        self.table.focus()
