"""Every key, in one place, read from the bindings themselves so it cannot drift from them."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

HelpSection = tuple[str, Sequence[tuple[str, str]]]


KEY_WIDTH = 9
"""Width of the key column, so every section lines up."""


def help_table(sections: Sequence[HelpSection]) -> Group:
    """One two-column table per section (key, what it does) under the section's title."""
    tables: list[Table | Text] = []
    for title, rows in sections:
        if tables:
            tables.append(Text(""))
        table = Table.grid(padding=(0, 2))
        table.title, table.title_justify, table.title_style = Text(title), "left", "bold underline"
        table.add_column(style="bold", no_wrap=True, min_width=KEY_WIDTH)
        table.add_column()
        for key, description in rows:
            table.add_row(Text(key), Text(description))
        tables.append(table)
    return Group(*tables)


class HelpScreen(ModalScreen[None]):
    """The key map. Esc, q or ? closes."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(help_table(self.sections))
            yield Static("Esc closes · ctrl+p opens the command palette", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Back to the review."""
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        """Scroll a line."""
        self.query_one("#help-body", VerticalScroll).scroll_relative(
            y=1 if direction == "down" else -1, animate=False
        )
