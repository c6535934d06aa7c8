"""Small dialogs that ask for text and return it typed: ``None`` means the reviewer cancelled."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from factcheck.segment import clean_text


def _clean(value: str) -> str:
    """Typed or pasted text, with control characters and escape sequences removed."""
    return " ".join(clean_text(value).split())


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a note, a reviewer name, a claim id). Enter accepts, Esc cancels;
    blank text counts as cancelling."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self._title, self._value, self._placeholder, self._hint = title, value, placeholder, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input")
            yield Static(self._hint or "Enter: save · Esc: cancel", classes="dialog-hint", markup=False)

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = _clean(event.value)
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)


@dataclass(frozen=True)
class ManualClaim:
    """A claim typed by the reviewer, and where it came from."""

    text: str
    source_note: str | None


class ManualClaimDialog(ModalScreen[ManualClaim | None]):
    """Add a claim from outside the corpus (a tip, a quote heard on air). Enter in the claim moves to
    the source; Enter in the source adds it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add a claim by hand", classes="dialog-title")
            yield Input(placeholder="the claim, as said or written", id="manual-text")
            yield Input(placeholder="where it came from (optional)", id="manual-source")
            yield Static("Enter: next field / add · Esc: cancel", classes="dialog-hint")

    @on(Input.Submitted, "#manual-text")
    def _text_done(self) -> None:
        self.query_one("#manual-source", Input).focus()

    @on(Input.Submitted, "#manual-source")
    def _source_done(self) -> None:
        text = _clean(self.query_one("#manual-text", Input).value)
        if not text:
            self.notify("Type the claim first.", severity="warning")
            self.query_one("#manual-text", Input).focus()
            return
        source = _clean(self.query_one("#manual-source", Input).value)
        self.dismiss(ManualClaim(text, source or None))

    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
