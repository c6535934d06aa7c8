"""Every key of the review app, declared once with an id (remappable through Textual keymaps), and the
help screen's layout of them, read from these declarations so it cannot drift from them.

``k`` moves up in lists (vim style), so keeping a re-queued claim's earlier verdict is ``c``.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding, BindingType

from factcheck.tui.screens.help import HelpSection


def _select_bindings() -> list[Binding]:
    """1-9 select a candidate; only the first is shown (as "1-9") in the footer."""
    first = Binding(
        "1",
        "select(1)",
        "Evidence",
        key_display="1-9",
        id="review.select-1",
        tooltip="select candidate N as the evidence (verified and disputed need one)",
    )
    rest = [
        Binding(str(n), f"select({n})", f"Evidence {n}", show=False, id=f"review.select-{n}")
        for n in range(2, 10)
    ]
    return [first, *rest]


REVIEW_BINDINGS: list[BindingType] = [
    Binding(
        "v",
        "decide('verified')",
        "Verified",
        id="review.verified",
        tooltip="record verified, citing the selected evidence; open the next claim",
    ),
    Binding(
        "d",
        "decide('disputed')",
        "Disputed",
        id="review.disputed",
        tooltip="record disputed, citing the selected evidence; open the next claim",
    ),
    Binding(
        "u",
        "decide('unsupported')",
        "Unsupported",
        id="review.unsupported",
        tooltip="record unsupported (evidence optional); open the next claim",
    ),
    Binding(
        "c",
        "keep",
        "Keep",
        id="review.keep",
        tooltip="re-queued claim: keep the earlier verdict and evidence",
    ),
    *_select_bindings(),
    Binding(
        "n",
        "note",
        "Note",
        show=False,
        id="review.note",
        tooltip="write a note (saved now and with the decision)",
    ),
    Binding("z", "undo", "Undo", id="review.undo", tooltip="undo your last decision (history keeps both)"),
    Binding("s", "skip", "Skip", id="review.skip", tooltip="leave this claim for later; open the next"),
    Binding(
        "e",
        "find_evidence",
        "Find evidence",
        show=False,
        id="review.find-evidence",
        tooltip="search all passages and link the one you choose as the evidence",
    ),
    Binding(
        "o",
        "open_article",
        "Open article",
        show=False,
        id="review.open-article",
        tooltip="read the selected candidate (or the claim) in its full article",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        key_display="/",
        show=False,
        id="review.search",
        tooltip="search claims by their words",
    ),
    Binding(
        "f",
        "cycle_filter",
        "Filter",
        show=False,
        id="review.filter",
        tooltip="queue filter: pending → re-queued → decided → all",
    ),
    Binding(
        "l",
        "toggle_queue",
        "Queue",
        show=False,
        id="review.toggle-queue",
        tooltip="show or hide the queue pane",
    ),
]
"""Keys of the review screen (they act on the open claim whatever pane has focus)."""

APP_BINDINGS: list[BindingType] = [
    Binding(
        "a",
        "add_claim",
        "Add claim",
        show=False,
        id="app.add-claim",
        tooltip="add a claim by hand (a tip, a quote heard on air)",
    ),
    Binding(
        "r",
        "rescan",
        "Rescan",
        show=False,
        id="app.rescan",
        tooltip="ingest new and changed files in ./articles (re-queued claims come first)",
    ),
    Binding("question_mark", "help", "Help", key_display="?", id="app.help", tooltip="every key"),
    Binding("q", "quit", "Quit", show=False, id="app.quit", tooltip="quit, giving back the claims you hold"),
]
"""Keys that work on every screen."""


def help_sections(key_display: Callable[[Binding], str]) -> list[HelpSection]:
    """The key map in sections; ``key_display`` is the app's (it knows about remapped keys)."""
    declared = [*REVIEW_BINDINGS, *APP_BINDINGS]
    bindings = {b.id: b for b in declared if isinstance(b, Binding) and b.id}

    def rows(*ids: str) -> list[tuple[str, str]]:
        return [(key_display(bindings[i]), bindings[i].tooltip or bindings[i].description) for i in ids]

    return [
        (
            "Decide (saved at once; the next claim opens)",
            rows("review.verified", "review.disputed", "review.unsupported", "review.keep"),
        ),
        (
            "Evidence",
            [
                ("1-9", bindings["review.select-1"].tooltip),
                *rows("review.find-evidence", "review.open-article"),
            ],
        ),
        ("This claim", rows("review.note", "review.undo", "review.skip")),
        (
            "Queue",
            [
                ("↑ ↓ j k", "move in the focused list"),
                ("Enter", "open the highlighted claim"),
                *rows("review.search", "review.filter", "review.toggle-queue"),
                ("Tab", "next pane"),
                ("Esc", "clear the search · close a dialog"),
            ],
        ),
        ("Corpus", rows("app.add-claim", "app.rescan")),
        (
            "App",
            [
                ("ctrl+p", "commands: export Markdown/JSON, jump to claim, set filter, change reviewer"),
                *rows("app.help", "app.quit"),
            ],
        ),
    ]
