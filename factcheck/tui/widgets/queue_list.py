"""A virtual list of claims: one line per claim, drawn with the Line API from pages it is handed.

Why not DataTable: the queue can hold 100,000 claims. A DataTable filled with them takes ~15 s and
~140 MB to start, and even with pages appended on demand every ``update_cell`` invalidates the
table's whole line cache, so each verdict re-rendered every visible row (~25 ms on a 2-core box).
Here the scrollbar covers the whole queue (``virtual_size`` = the count), only the rows on screen
are drawn, each row's strip is cached, and changing one row redraws one line. Rows it does not have
yet are drawn as "…" and asked for with ``PageWanted``; the pane reads them on a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from factcheck.models import ClaimStatus
from factcheck.tui.data import QueueRow
from factcheck.tui.render import STATUS_GLYPH, STYLE_WARN, VERDICT_GLYPH, VERDICT_STYLE, one_line

PAGE = 200
"""Rows per page read from the store."""
KEPT_PAGES = 50
"""Pages kept in memory (10,000 rows); older ones are read again when scrolled back to."""
SOURCE = 10
"""Cells of the outlet column."""
HEADER = f"    score  {'source':<{SOURCE}}claim"


@lru_cache(maxsize=64)
def _style(spec: str) -> Style:
    return Style.parse(spec) if spec else Style()


class QueueList(ScrollView, can_focus=True):
    """Claims in queue order; the cursor moves with ↑/↓ (j/k), Enter or a click opens a claim."""

    COMPONENT_CLASSES = {"queue-list--cursor"}
    DEFAULT_CSS = """
    QueueList { height: 1fr; overflow-x: hidden; }
    QueueList > .queue-list--cursor {
        color: $block-cursor-blurred-foreground;
        background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    QueueList:focus > .queue-list--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False, id="queue.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="queue.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="queue.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="queue.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="queue.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="queue.last"),
        Binding("enter", "pick", "Open", show=False, id="queue.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass
    class PageWanted(Message):
        """Rows of page ``page`` are needed on screen."""

        page: int

    @dataclass
    class Picked(Message):
        """The reviewer opened the row under the cursor."""

        claim_id: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.placeholder = "loading…"
        self.current_id: int | None = None
        self._pages: LRUCache[int, list[QueueRow]] = LRUCache(KEPT_PAGES)
        self._wanted: set[int] = set()
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._index_of: dict[int, int] = {}

    # --- data in ------------------------------------------------------------------------------------

    def reset(self, total: int, placeholder: str = "") -> None:
        """Forget every row (a new filter or search) and size the list for ``total`` claims;
        ``placeholder`` is what an empty list says."""
        self.total, self.placeholder = total, placeholder
        self._pages.clear()
        self._wanted.clear()
        self._strips.clear()
        self._index_of.clear()
        self.virtual_size = Size(self.size.width, total)
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def put_page(self, page: int, rows: list[QueueRow]) -> None:
        """Rows of one page arrived."""
        self._wanted.discard(page)
        self._pages[page] = rows
        for i, row in enumerate(rows):
            self._index_of[row.claim.id] = page * PAGE + i
            if row.claim.id == self.current_id:
                self.cursor = page * PAGE + i
        self.refresh_lines(page * PAGE, len(rows))

    def update_row(self, row: QueueRow) -> None:
        """A claim changed (decided, undone, skipped): redraw its line if it is loaded."""
        index = self._index_of.get(row.claim.id)
        if index is None:
            return
        rows = self._pages.get(index // PAGE)
        if rows is not None and index % PAGE < len(rows) and rows[index % PAGE].claim.id == row.claim.id:
            rows[index % PAGE] = row
            self.refresh_line(index)

    def row_of(self, claim_id: int) -> QueueRow | None:
        """The loaded row of a claim, if any."""
        index = self._index_of.get(claim_id)
        return self.row_at(index) if index is not None else None

    def row_at(self, index: int) -> QueueRow | None:
        """The row at a queue position, or None (and a request for its page) when not loaded yet."""
        if not 0 <= index < self.total:
            return None
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._wanted:
                self._wanted.add(page)
                self.post_message(self.PageWanted(page))
            return None
        return rows[index % PAGE] if index % PAGE < len(rows) else None

    def mark_current(self, claim_id: int | None) -> None:
        """Point at the open claim, and bring the cursor to it when it is loaded (the cursor follows
        the review, like a playlist)."""
        previous, self.current_id = self.current_id, claim_id
        for cid in (previous, claim_id):
            index = self._index_of.get(cid) if cid is not None else None
            if index is not None:
                self.refresh_line(index)
        index = self._index_of.get(claim_id) if claim_id is not None else None
        if index is not None:
            self.cursor = index

    def loaded_ids(self) -> list[int]:
        """Claim ids of the loaded rows, in queue order (for tests and the palette)."""
        return [row.claim.id for page in sorted(self._pages.keys()) for row in self._pages[page]]

    # --- drawing ------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= self.total:
            if index == 0 and self.placeholder:
                return Strip(
                    [Segment(set_cell_size(f"  {self.placeholder}", width), self.rich_style + _style("dim"))]
                )
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        on_cursor = index == self.cursor
        claim = row.claim if row is not None else None
        key = (
            index,
            (claim.id, claim.status, claim.verdict) if claim is not None else None,
            width,
            on_cursor,
            claim is not None and claim.id == self.current_id,
            self.has_focus,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(row, width, on_cursor)
            self._strips[key] = strip
        return strip

    def _draw(self, row: QueueRow | None, width: int, on_cursor: bool) -> Strip:
        base = self.get_component_rich_style("queue-list--cursor") if on_cursor else self.rich_style
        if row is None:
            return Strip([Segment(set_cell_size("    …", width), base)])
        claim = row.claim
        if claim.status is ClaimStatus.DECIDED and claim.verdict is not None:
            glyph, glyph_style = VERDICT_GLYPH[claim.verdict], VERDICT_STYLE[claim.verdict]
        else:
            glyph, glyph_style = STATUS_GLYPH[claim.status]
        cells = [
            ("▶" if claim.id == self.current_id else " ", "bold"),
            (glyph, glyph_style),
            ("≠" if row.conflict else " ", STYLE_WARN),
            (f" {claim.score:.2f}  ", "dim"),
            (set_cell_size(one_line(row.outlet, SOURCE - 1), SOURCE), ""),
            (one_line(claim.text, width), ""),
        ]
        segments = [Segment(text, base + _style(spec)) for text, spec in cells]
        return Strip(segments).crop_extend(0, width, base)

    def watch_cursor(self, old: int, new: int) -> None:
        if self.total:
            self.refresh_line(old)
            self.refresh_line(new)
            self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)
        self._strips.clear()

    # --- keys and mouse -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move the cursor a row."""
        self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful."""
        self.action_move(direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, index: int) -> None:
        """Jump to the first (0) or last (-1) row."""
        self.cursor = max(self.total - 1, 0) if index < 0 else 0

    def action_pick(self) -> None:
        """Open the claim under the cursor."""
        row = self.row_at(self.cursor)
        if row is not None:
            self.post_message(self.Picked(row.claim.id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and 0 <= self.scroll_offset.y + offset.y < self.total:
            self.cursor = self.scroll_offset.y + offset.y
            self.action_pick()
